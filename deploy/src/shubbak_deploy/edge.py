"""The rules of the cluster's edge: the one way in (Gateway API) and the one way out to the public
(webhook delivery). Part of `policy.check`."""

from __future__ import annotations

import ipaddress
from typing import Any

from shubbak_deploy.platform import Network, load, load_network

Obj = dict[str, Any]
GATEWAY = "gateway"
ISSUER_ANNOTATIONS = ("cert-manager.io/cluster-issuer", "cert-manager.io/issuer")


def public() -> set[str]:
    """What the edge may send the public to: the gateway (the API) and the frontends (web)."""
    return {s.name for s in load() if s.is_gateway or s.frontend}


def check(objects: list[Obj], network: Network | None = None) -> list[str]:
    network = network or load_network()
    return _no_ingress(objects) + _gateways(objects) + _routes(objects) + _public_egress(objects, network)


def _name(obj: Obj) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def _no_ingress(objects: list[Obj]) -> list[str]:
    return [
        f"{_name(o)}: the edge is the Gateway API (Gateway + HTTPRoute); ingress-nginx is retired"
        for o in objects
        if o["kind"] == "Ingress"
    ]


def _gateways(objects: list[Obj]) -> list[str]:
    problems = []
    gateways = [o for o in objects if o["kind"] == "Gateway"]
    if not gateways:
        problems.append("no Gateway: nothing admits the public")
    for gateway in gateways:
        annotations = gateway["metadata"].get("annotations", {})
        if not any(annotations.get(a) for a in ISSUER_ANNOTATIONS):
            problems.append(f"{_name(gateway)}: no cert-manager issuer annotation (its certificates would not renew)")
        for listener in gateway["spec"]["listeners"]:
            where = f"{_name(gateway)} listener {listener['name']}"
            if listener["protocol"] == "HTTPS" and not listener.get("tls", {}).get("certificateRefs"):
                problems.append(f"{where}: HTTPS without a certificate")
            if not listener.get("hostname"):
                problems.append(f"{where}: no hostname (cert-manager needs one; any host would be served)")
    return problems


def _listeners(objects: list[Obj]) -> dict[tuple[str, str], Obj]:
    return {
        (g["metadata"]["name"], listener["name"]): listener
        for g in objects
        if g["kind"] == "Gateway"
        for listener in g["spec"]["listeners"]
    }


def _routes(objects: list[Obj]) -> list[str]:
    """Over HTTPS, routes reach only the gateway or a frontend, for host names the listener serves; over plain
    HTTP, a route only redirects to HTTPS."""
    problems = []
    listeners = _listeners(objects)
    for route in (o for o in objects if o["kind"] == "HTTPRoute"):
        spec = route["spec"]
        for parent in spec.get("parentRefs", []):
            listener = listeners.get((parent["name"], parent.get("sectionName", "")))
            if listener is None:
                problems.append(f"{_name(route)}: attaches to no listener of the Gateway (name it by sectionName)")
                continue
            uncovered = set(spec.get("hostnames", [])) - {listener.get("hostname")}
            if uncovered or not spec.get("hostnames"):
                problems.append(f"{_name(route)}: host names {sorted(uncovered) or '(any)'} not those of its listener")
            for rule in spec.get("rules", []):
                backends = {b["name"] for b in rule.get("backendRefs", [])}
                stray = sorted(backends - public())
                if listener["protocol"] == "HTTPS" and stray:
                    problems.append(f"{_name(route)}: sends to {stray}, not the gateway or a frontend")
                redirects = [f for f in rule.get("filters", []) if f["type"] == "RequestRedirect"]
                to_https = any(f["requestRedirect"].get("scheme") == "https" for f in redirects)
                if listener["protocol"] == "HTTP" and (backends or not to_https):
                    problems.append(f"{_name(route)}: plain HTTP must only redirect to HTTPS")
    return problems


def _public_egress(objects: list[Obj], network: Network) -> list[str]:
    """An `ipBlock` egress (the way out of the cluster) only for the gateway's webhook delivery, on
    the public ports only, and excepting every range the network settings name."""
    problems = []
    for policy in (o for o in objects if o["kind"] == "NetworkPolicy"):
        selected = policy["spec"]["podSelector"].get("matchLabels", {})
        if selected.get("app.kubernetes.io/component") not in ("api", "migration"):
            continue  # the collector and the databases have their own, reviewed, egress
        for rule in policy["spec"].get("egress", []):
            blocks = [peer["ipBlock"] for peer in rule.get("to", []) if "ipBlock" in peer]
            if not blocks:
                continue
            who = f"{_name(policy)}"
            if (
                selected.get("app.kubernetes.io/name") != GATEWAY
                or selected.get("app.kubernetes.io/component") != "api"
            ):
                problems.append(f"{who}: only the gateway may reach addresses outside the cluster")
            ports = {(p.get("protocol", "TCP"), p.get("port")) for p in rule.get("ports", [])}
            if not ports or ports - {("TCP", port) for port in network.public_egress_ports}:
                problems.append(f"{who}: the public is reached on {sorted(network.public_egress_ports)} only")
            for block in blocks:
                cidr = ipaddress.ip_network(block["cidr"])
                excepted = [ipaddress.ip_network(e) for e in block.get("except", [])]
                for required in (ipaddress.ip_network(c) for c in network.public_egress_except):
                    if _within(required, cidr) and not any(_within(required, e) for e in excepted):
                        problems.append(f"{who}: {block['cidr']} lets the gateway reach {required}")
    return problems


def _within(inner: ipaddress.IPv4Network | ipaddress.IPv6Network, outer: Any) -> bool:
    return inner.version == outer.version and inner.subnet_of(outer)
