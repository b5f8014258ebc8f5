"""The deployment rules every rendered overlay must keep (beyond schema validity)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from shubbak_deploy import edge
from shubbak_deploy.kustomize import containers, pod_specs, pod_templates, split_image
from shubbak_deploy.platform import load_network

Obj = dict[str, Any]
SECRET_WORDS = ("PASSWORD", "TOKEN", "SECRET", "PRIVATE_KEY", "CREDENTIALS")


def check(objects: list[Obj], *, release: bool = False) -> list[str]:
    """Every rule broken by `objects`, one line each. `release`: images must be pinned."""
    problems: list[str] = []
    for rule in (_workloads, _services_are_complete, _network, _no_secret_values, edge.check):
        problems += rule(objects)
    if release:
        problems += _pinned_images(objects)
    return problems


def _name(obj: Obj) -> str:
    return f"{obj['kind']}/{obj['metadata']['name']}"


def _of_kind(objects: list[Obj], kind: str) -> Iterator[Obj]:
    return (o for o in objects if o["kind"] == kind)


def _api_deployments(objects: list[Obj]) -> Iterator[Obj]:
    """The Shubbak services and the gateway (not the collector or other helpers)."""
    for obj in _of_kind(objects, "Deployment"):
        labels = obj["metadata"].get("labels", {})
        if labels.get("app.kubernetes.io/part-of") == "shubbak" and labels.get("app.kubernetes.io/component") == "api":
            yield obj


def _workloads(objects: list[Obj]) -> list[str]:
    problems = []
    for obj in objects:
        for pod in pod_specs(obj):
            pod_non_root = pod.get("securityContext", {}).get("runAsNonRoot") is True
            for c in containers(pod):
                where = f"{_name(obj)} container {c['name']}"
                security = c.get("securityContext", {})
                if security.get("readOnlyRootFilesystem") is not True:
                    problems.append(f"{where}: root filesystem is not read-only")
                if not (
                    security.get("runAsNonRoot") is True or (pod_non_root and security.get("runAsNonRoot") is None)
                ):
                    problems.append(f"{where}: may run as root (runAsNonRoot)")
                if security.get("allowPrivilegeEscalation") is not False:
                    problems.append(f"{where}: allowPrivilegeEscalation is not false")
                for bound in ("requests", "limits"):
                    for resource in ("cpu", "memory"):
                        if resource not in c.get("resources", {}).get(bound, {}):
                            problems.append(f"{where}: no {resource} in resources.{bound}")
                if obj["kind"] == "Deployment":
                    for probe in ("readinessProbe", "livenessProbe"):
                        if probe not in c:
                            problems.append(f"{where}: no {probe}")
    for obj in _api_deployments(objects):
        for c in obj["spec"]["template"]["spec"]["containers"]:
            for probe, path in (("readinessProbe", "/readyz"), ("livenessProbe", "/healthz")):
                got = c.get(probe, {}).get("httpGet", {}).get("path")
                if got != path:
                    problems.append(f"{_name(obj)}: {probe} must GET {path}, not {got}")
    return problems


def _selects(selector: Obj, labels: dict[str, str]) -> bool:
    wanted = selector.get("matchLabels", {})
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


def _services_are_complete(objects: list[Obj]) -> list[str]:
    """Every service Deployment has a Service, an autoscaler, a disruption budget and its own
    NetworkPolicy (ingress and egress)."""
    problems = []
    for deployment in _api_deployments(objects):
        name = deployment["metadata"]["name"]
        pod_labels = deployment["spec"]["template"]["metadata"]["labels"]
        if not any(
            _selects({"matchLabels": s["spec"].get("selector", {})}, pod_labels) for s in _of_kind(objects, "Service")
        ):
            problems.append(f"Deployment/{name}: no Service selects its pods")
        if not any(h["spec"]["scaleTargetRef"]["name"] == name for h in _of_kind(objects, "HorizontalPodAutoscaler")):
            problems.append(f"Deployment/{name}: no HorizontalPodAutoscaler")
        if not any(_selects(p["spec"]["selector"], pod_labels) for p in _of_kind(objects, "PodDisruptionBudget")):
            problems.append(f"Deployment/{name}: no PodDisruptionBudget")
        own = [p for p in _of_kind(objects, "NetworkPolicy") if _selects(p["spec"]["podSelector"], pod_labels)]
        if not any({"Ingress", "Egress"} <= set(p["spec"].get("policyTypes", [])) for p in own):
            problems.append(f"Deployment/{name}: no NetworkPolicy of its own for ingress and egress")
        if "replicas" in deployment["spec"]:
            problems.append(f"Deployment/{name}: sets replicas, which its autoscaler owns")
    return problems


def _network(objects: list[Obj]) -> list[str]:
    problems = []
    policies = list(_of_kind(objects, "NetworkPolicy"))
    if not any(
        p["spec"]["podSelector"] == {} and set(p["spec"].get("policyTypes", [])) == {"Ingress", "Egress"}
        for p in policies
    ):
        problems.append("no default-deny NetworkPolicy for the namespace")
    edge_namespace = load_network().edge_namespace
    for policy in policies:
        selected = policy["spec"]["podSelector"].get("matchLabels", {})
        for rule in policy["spec"].get("ingress", []):
            for peer in rule.get("from", []):
                namespace = peer.get("namespaceSelector", {}).get("matchLabels", {}).get("kubernetes.io/metadata.name")
                if namespace == edge_namespace and selected.get("app.kubernetes.io/name") not in edge.public():
                    problems.append(
                        f"{_name(policy)}: only the gateway and the frontends may take traffic from the edge proxies"
                    )
        name = selected.get("app.kubernetes.io/name")
        if selected.get("app.kubernetes.io/component") not in ("api", "migration"):
            continue
        for rule in policy["spec"].get("egress", []):
            if not rule.get("to"):
                problems.append(f"{_name(policy)}: an egress rule without `to` lets {name} reach anything")
            for peer in rule.get("to", []):
                cluster = peer.get("podSelector", {}).get("matchLabels", {}).get("cnpg.io/cluster")
                if cluster is not None and cluster != f"{name}-db":
                    problems.append(f"{_name(policy)}: {name} may reach another service's database {cluster}")
    return problems


def _no_secret_values(objects: list[Obj]) -> list[str]:
    problems = [f"{_name(o)}: Secrets are referenced, never committed" for o in _of_kind(objects, "Secret")]
    for obj in objects:
        for pod in pod_specs(obj):
            for c in containers(pod):
                for var in c.get("env", []):
                    literal = var.get("value")
                    if literal and any(word in var["name"].upper() for word in SECRET_WORDS) and "$(" not in literal:
                        problems.append(f"{_name(obj)}: {var['name']} has a literal value; use a secretKeyRef")
    for config in _of_kind(objects, "ConfigMap"):
        for k in config.get("data", {}):
            if any(word in k.upper() for word in SECRET_WORDS):
                problems.append(f"{_name(config)}: {k} looks like a secret in a ConfigMap")
    return problems


def _pinned_images(objects: list[Obj]) -> list[str]:
    problems = []
    for obj in objects:
        for template in pod_templates(obj):
            for c in containers(template["spec"]):
                _, tag, digest = split_image(c["image"])
                if not digest and tag in ("", "latest"):
                    problems.append(f"{_name(obj)} container {c['name']}: image {c['image']} is not pinned")
    return problems
