"""The edge of the rendered cluster: the public comes in through the Gateway API (HTTPS: the API
and its documents to the gateway, the portal's host to web) and the gateway goes out to
integrators' webhooks (public addresses on 443, never the cluster's own or private ranges)."""

import copy
import ipaddress

import pytest
from shubbak_deploy import kustomize, policy
from shubbak_deploy.__main__ import overlays
from shubbak_deploy.platform import load_network

from gateway.ops import is_own

OVERLAYS = {p.name: p for p in overlays()}
HOSTS = {"dev": "api.dev.shubbak.example", "prod": "api.shubbak.example"}
WEB_HOSTS = {"dev": "www.dev.shubbak.example", "prod": "www.shubbak.example"}
PUBLIC_PATHS = {("PathPrefix", "/v1"), ("Exact", "/docs"), ("Exact", "/openapi.json"), ("Exact", "/asyncapi.json")}


@pytest.fixture(scope="module", params=sorted(OVERLAYS))
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict]]:
    return request.param, kustomize.build(OVERLAYS[request.param])


def find(objects: list[dict], kind: str, name: str) -> dict:
    (found,) = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    return found


def routed(objects: list[dict], path: str, host: str | None = None) -> set[str]:
    """The backends an HTTPS request for `path` on `host` (any host when None) reaches: Gateway API
    matching, where an exact match wins over a prefix and a longer prefix over a shorter one (a
    rule that only redirects reaches no backend)."""
    best: tuple[int, int] | None = None
    backends: set[str] = set()
    for route in (o for o in objects if o["kind"] == "HTTPRoute"):
        if all(not p.get("sectionName", "").startswith("https") for p in route["spec"]["parentRefs"]):
            continue
        if host is not None and host not in route["spec"].get("hostnames", []):
            continue
        for rule in route["spec"]["rules"]:
            for match in rule.get("matches", []):
                kind, value = match["path"]["type"], match["path"]["value"]
                prefix = kind == "PathPrefix" and (path == value or path.startswith(value.rstrip("/") + "/"))
                if not (prefix or (kind == "Exact" and path == value)):
                    continue
                rank = (1 if kind == "Exact" else 0, len(value))
                found = {f"{b['name']}:{b['port']}" for b in rule.get("backendRefs", [])}
                if best is None or rank > best:
                    best, backends = rank, found
                elif rank == best:
                    backends |= found
    return backends


class TestTheWayIn:
    def test_no_ingress_only_a_gateway_with_tls_by_cert_manager(self, rendered: tuple[str, list[dict]]) -> None:
        name, objects = rendered
        assert [o for o in objects if o["kind"] == "Ingress"] == []
        gateway = find(objects, "Gateway", "shubbak")
        assert gateway["metadata"]["annotations"]["cert-manager.io/cluster-issuer"].startswith("shubbak-issuer")
        listeners = {listener["name"]: listener for listener in gateway["spec"]["listeners"]}
        assert listeners["https"]["tls"]["certificateRefs"] == [{"kind": "Secret", "name": "shubbak-gateway-tls"}]
        assert listeners["https-web"]["tls"]["certificateRefs"] == [{"kind": "Secret", "name": "shubbak-web-tls"}]
        assert {listener["hostname"] for listener in listeners.values()} == {HOSTS[name], WEB_HOSTS[name]}

    def test_the_api_and_its_documents_reach_the_gateway(self, rendered: tuple[str, list[dict]]) -> None:
        name, objects = rendered
        route = find(objects, "HTTPRoute", "gateway")
        assert route["spec"]["hostnames"] == [HOSTS[name]]
        matches = {(m["path"]["type"], m["path"]["value"]) for r in route["spec"]["rules"] for m in r["matches"]}
        assert matches == PUBLIC_PATHS
        for path in ("/v1/services", "/v1", "/docs", "/openapi.json", "/asyncapi.json", "/v1/webhooks/x"):
            assert routed(objects, path, HOSTS[name]) == {"gateway:8000"}, path

    def test_what_stays_inside_is_not_routed(self, rendered: tuple[str, list[dict]]) -> None:
        name, objects = rendered
        for path in ("/metrics", "/healthz", "/readyz", "/v10", "/docsx", "/.well-known/integrator-jwks.json", "/"):
            assert routed(objects, path, HOSTS[name]) == set(), path
        for path in ("/metrics", "/healthz", "/readyz"):  # the portal's host keeps web's own inside too
            assert routed(objects, path, WEB_HOSTS[name]) == set(), path

    def test_the_portals_host_reaches_web_only(self, rendered: tuple[str, list[dict]]) -> None:
        name, objects = rendered
        for path in ("/", "/enrol", "/staff/imports", "/static/app.css", "/verify", "/metricsx"):
            assert routed(objects, path, WEB_HOSTS[name]) == {"web:8010"}, path
        assert routed(objects, "/v1/services", WEB_HOSTS[name]) == {"web:8010"}  # web's, never the API's
        (rule,) = find(objects, "HTTPRoute", "web-https-redirect")["spec"]["rules"]
        assert rule["filters"] == [
            {"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}
        ]

    def test_the_gateway_itself_serves_every_document_routed(self) -> None:
        for kind, path in PUBLIC_PATHS:
            assert kind == "PathPrefix" or is_own(path), path  # /v1 goes on to the services

    def test_plain_http_only_redirects_to_https(self, rendered: tuple[str, list[dict]]) -> None:
        _, objects = rendered
        (rule,) = find(objects, "HTTPRoute", "gateway-https-redirect")["spec"]["rules"]
        assert "backendRefs" not in rule
        assert rule["filters"] == [
            {"type": "RequestRedirect", "requestRedirect": {"scheme": "https", "statusCode": 301}}
        ]

    def test_only_the_gateway_and_web_take_traffic_from_the_edge_proxies(
        self, rendered: tuple[str, list[dict]]
    ) -> None:
        _, objects = rendered
        namespace = load_network().edge_namespace
        admitting = {
            p["metadata"]["name"]
            for p in objects
            if p["kind"] == "NetworkPolicy"
            for rule in p["spec"].get("ingress", [])
            for peer in rule.get("from", [])
            if peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name") == namespace
        }
        assert admitting == {"gateway", "web"}


def reachable(objects: list[dict], pod: str, address: str, port: int) -> bool:
    """Whether the NetworkPolicies let the `pod` (app.kubernetes.io/name, component api) open TCP
    `port` on `address`, an address outside the cluster (ipBlock peers only)."""
    labels = {"app.kubernetes.io/name": pod, "app.kubernetes.io/component": "api"}
    ip = ipaddress.ip_address(address)
    for net in (o for o in objects if o["kind"] == "NetworkPolicy" and "Egress" in o["spec"]["policyTypes"]):
        wanted = net["spec"]["podSelector"].get("matchLabels", {})
        if not all(labels.get(k) == v for k, v in wanted.items()):
            continue
        for rule in net["spec"].get("egress", []):
            if rule.get("ports") and not any(p.get("port") == port for p in rule["ports"]):
                continue
            for peer in rule.get("to", []):
                block = peer.get("ipBlock")
                if block is None or ip.version != ipaddress.ip_network(block["cidr"]).version:
                    continue
                inside = ip in ipaddress.ip_network(block["cidr"])
                if inside and not any(ip in ipaddress.ip_network(e) for e in block.get("except", [])):
                    return True
    return False


PUBLIC = ["8.8.8.8", "196.219.1.10", "2001:4860:4860::8888"]
NEVER = [
    "10.96.0.1",  # a typical service range
    "10.244.3.7",  # a typical pod range
    "172.20.0.5",
    "192.168.1.1",
    "100.64.0.9",
    "169.254.169.254",  # cloud metadata
    "127.0.0.1",
    "0.0.0.1",
    "224.0.0.1",
    "fd00::1",
    "fe80::1",
    "::1",
    "::ffff:10.0.0.1",  # an IPv4-mapped private address
]


class TestTheWayOut:
    @pytest.mark.parametrize("address", PUBLIC)
    def test_the_gateway_delivers_webhooks_to_public_addresses_on_443(
        self, rendered: tuple[str, list[dict]], address: str
    ) -> None:
        _, objects = rendered
        assert reachable(objects, "gateway", address, 443)
        assert not reachable(objects, "gateway", address, 80)
        assert not reachable(objects, "gateway", address, 8443)

    @pytest.mark.parametrize("address", NEVER)
    def test_never_the_clusters_own_or_private_ranges(self, rendered: tuple[str, list[dict]], address: str) -> None:
        _, objects = rendered
        assert not reachable(objects, "gateway", address, 443)

    def test_no_service_but_the_gateway_reaches_the_public(self, rendered: tuple[str, list[dict]]) -> None:
        _, objects = rendered
        deployments = [o["metadata"]["name"] for o in objects if o["kind"] == "Deployment"]
        for name in set(deployments) - {"gateway", "otel-collector"}:
            assert not any(reachable(objects, name, a, 443) for a in PUBLIC), name


@pytest.fixture
def prod() -> list[dict]:
    return copy.deepcopy(kustomize.build(OVERLAYS["prod"]))


class TestRulesCatchMistakes:
    def test_a_service_reaching_the_public(self, prod: list[dict]) -> None:
        find(prod, "NetworkPolicy", "notary")["spec"]["egress"].append(
            {"to": [{"ipBlock": {"cidr": "0.0.0.0/0"}}], "ports": [{"protocol": "TCP", "port": 443}]}
        )
        assert "NetworkPolicy/notary: only the gateway may reach addresses outside the cluster" in policy.check(prod)

    def test_the_gateway_on_another_port_or_into_a_private_range(self, prod: list[dict]) -> None:
        (rule,) = [r for r in find(prod, "NetworkPolicy", "gateway")["spec"]["egress"] if "ipBlock" in r["to"][0]]
        rule["ports"].append({"protocol": "TCP", "port": 80})
        rule["to"][0]["ipBlock"]["except"].remove("10.0.0.0/8")
        problems = policy.check(prod)
        assert "NetworkPolicy/gateway: the public is reached on [443] only" in problems
        assert "NetworkPolicy/gateway: 0.0.0.0/0 lets the gateway reach 10.0.0.0/8" in problems

    def test_an_ingress_a_route_past_the_gateway_and_https_without_a_certificate(self, prod: list[dict]) -> None:
        prod.append({"apiVersion": "networking.k8s.io/v1", "kind": "Ingress", "metadata": {"name": "old"}, "spec": {}})
        find(prod, "HTTPRoute", "gateway")["spec"]["rules"][0]["backendRefs"] = [{"name": "identity", "port": 8001}]
        del find(prod, "Gateway", "shubbak")["spec"]["listeners"][0]["tls"]
        problems = "\n".join(policy.check(prod))
        assert "Ingress/old: the edge is the Gateway API" in problems
        assert "HTTPRoute/gateway: sends to ['identity'], not the gateway or a frontend" in problems
        assert "Gateway/shubbak listener https: HTTPS without a certificate" in problems

    def test_plain_http_serving_content(self, prod: list[dict]) -> None:
        rule = find(prod, "HTTPRoute", "gateway-https-redirect")["spec"]["rules"][0]
        rule["backendRefs"] = [{"name": "gateway", "port": 8000}]
        assert "HTTPRoute/gateway-https-redirect: plain HTTP must only redirect to HTTPS" in policy.check(prod)
