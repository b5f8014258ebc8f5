"""Health the usual tools see: a ServiceMonitor or PodMonitor for every workload, alert rules with
a runbook for every service, and Grafana dashboards whose every query parses and names only
metrics the services export (read from the services' own Prometheus registry) or Prometheus's
`up`."""

import importlib
import json
import re
from pathlib import Path

import promql_parser
import pytest
import yaml
from prometheus_client import REGISTRY
from shubbak_deploy import kustomize, monitoring, sidecars
from shubbak_deploy.__main__ import overlays
from shubbak_deploy.platform import DEPLOY_DIR, load

SERVICES = load()
OVERLAYS = {p.name: p for p in overlays()}
BUILT_IN = {"up"}  # Prometheus's own per target
GRAFANA_VARIABLES = {"$__rate_interval": "5m", "$__interval": "1m", "$__range": "1h"}
RUNBOOK = DEPLOY_DIR / "RUNBOOK.md"
DASHBOARDS = DEPLOY_DIR / "base" / monitoring.DASHBOARDS


def exported_metrics() -> set[str]:
    """Every sample name the services can export: kit's metrics and each service's own, as their
    modules register them (a service's app module imports all it exports)."""
    importlib.import_module("kit.messaging.lag")
    for service in SERVICES:
        importlib.import_module(f"{service.package}.main")
    names: set[str] = set()
    suffixes = {"counter": ("_total",), "histogram": ("_bucket", "_count", "_sum"), "summary": ("", "_count", "_sum")}
    for family in REGISTRY.collect():
        names |= {family.name + suffix for suffix in suffixes.get(family.type, ("",))}
    return names


@pytest.fixture(scope="module")
def exported() -> set[str]:
    return exported_metrics()


def metric_names(expr: str) -> set[str]:
    """The metric names a PromQL expression selects, from its syntax tree."""
    for variable, value in GRAFANA_VARIABLES.items():
        expr = expr.replace(variable, value)
    names: set[str] = set()

    def walk(node: object) -> None:
        if isinstance(node, promql_parser.VectorSelector):
            name = node.name or next((m.value for m in node.matchers.matchers if m.name == "__name__"), None)
            assert name, f"a selector without a metric name in {expr!r}"
            names.add(name)
        for child in ("expr", "lhs", "rhs", "param", "vector_selector"):
            if getattr(node, child, None) is not None:
                walk(getattr(node, child))
        for arg in getattr(node, "args", None) or ():
            walk(arg)

    walk(promql_parser.parse(expr))
    return names


def test_metric_names_come_from_the_syntax_tree() -> None:
    expr = 'sum by (le) (rate(a_bucket{job="x"}[$__rate_interval])) / on (job) b and deriv(max(c)[15m:1m]) > 0'
    assert metric_names(expr) == {"a_bucket", "b", "c"}
    assert metric_names('{__name__="d", job="x"}') == {"d"}
    with pytest.raises(ValueError):  # noqa: PT011 - the parser's own message
        metric_names("sum(rate(x[5m])")


@pytest.fixture(scope="module", params=sorted(OVERLAYS))
def rendered(request: pytest.FixtureRequest) -> list[dict]:
    return kustomize.build(OVERLAYS[request.param])


def of_kind(objects: list[dict], kind: str) -> list[dict]:
    return [o for o in objects if o["kind"] == kind]


def selects(selector: dict, labels: dict) -> bool:
    wanted = selector.get("matchLabels", {})
    return bool(wanted) and all(labels.get(k) == v for k, v in wanted.items())


class TestScraping:
    def test_every_deployment_is_scraped_through_its_service(self, rendered: list[dict]) -> None:
        monitors = of_kind(rendered, "ServiceMonitor")
        for deployment in of_kind(rendered, "Deployment"):
            pods = deployment["spec"]["template"]["metadata"]["labels"]
            services = [
                s for s in of_kind(rendered, "Service") if selects({"matchLabels": s["spec"]["selector"]}, pods)
            ]
            scraped = [
                (m, s)
                for m in monitors
                for s in services
                if selects(m["spec"]["selector"], s["metadata"]["labels"])
                and {e["port"] for e in m["spec"]["endpoints"]} <= {p["name"] for p in s["spec"]["ports"]}
            ]
            assert scraped, f"Deployment/{deployment['metadata']['name']}: no ServiceMonitor scrapes it"

    def test_services_are_scraped_at_their_metrics_endpoint(self, rendered: list[dict]) -> None:
        for service in SERVICES:
            (monitor,) = [m for m in of_kind(rendered, "ServiceMonitor") if m["metadata"]["name"] == service.name]
            assert monitor["spec"]["endpoints"] == [
                {"port": "http", "path": "/metrics", "interval": "30s", "scrapeTimeout": "10s"}
            ]

    def test_every_database_has_a_pod_monitor(self, rendered: list[dict]) -> None:
        monitored = {m["spec"]["selector"]["matchLabels"]["cnpg.io/cluster"] for m in of_kind(rendered, "PodMonitor")}
        assert monitored == {c["metadata"]["name"] for c in of_kind(rendered, "Cluster")}

    def test_nats_is_scraped_through_its_chart(self) -> None:
        values = yaml.safe_load(sidecars.NATS_VALUES.read_text())
        assert values["promExporter"]["podMonitor"]["enabled"] is True
        assert sidecars.check_nats_values() == []


def runbook_anchors() -> set[str]:
    return {line[3:].strip().lower() for line in RUNBOOK.read_text().splitlines() if line.startswith("## ")}


class TestAlerts:
    def test_every_service_has_every_common_alert(self, rendered: list[dict]) -> None:
        rules = {r["metadata"]["name"]: r for r in of_kind(rendered, "PrometheusRule")}
        for service in SERVICES:
            names = {rule["alert"] for g in rules[f"{service.name}-alerts"]["spec"]["groups"] for rule in g["rules"]}
            assert {a.name for a in monitoring.COMMON_ALERTS} <= names, service.name

    def test_the_new_metrics_each_have_an_alert(self, rendered: list[dict]) -> None:
        watched = {
            name
            for r in of_kind(rendered, "PrometheusRule")
            for g in r["spec"]["groups"]
            for rule in g["rules"]
            for name in metric_names(rule["expr"])
        }
        assert {
            "outbox_oldest_pending_age_seconds",
            "event_consumer_pending_messages",
            "event_consumer_redelivered_messages",
            "gateway_breaker_state",
            "rate_limit_refusals_total",
            "otp_lockouts_total",
        } <= watched

    def test_every_alert_has_a_runbook_and_names_exported_metrics(
        self, rendered: list[dict], exported: set[str]
    ) -> None:
        anchors = runbook_anchors()
        for prometheus_rule in of_kind(rendered, "PrometheusRule"):
            for group in prometheus_rule["spec"]["groups"]:
                for rule in group["rules"]:
                    where = f"{prometheus_rule['metadata']['name']} {rule['alert']}"
                    assert rule["labels"]["severity"] in ("critical", "warning"), where
                    annotations = rule["annotations"]
                    assert annotations["summary"], where
                    assert annotations["runbook"], where
                    assert annotations["runbook_url"].split("#")[1] in anchors, where
                    assert metric_names(rule["expr"]) - exported - BUILT_IN == set(), where


def dashboard_files() -> dict[str, dict]:
    return {p.stem: json.loads(p.read_text()) for p in sorted(DASHBOARDS.glob("*.json"))}


def queries(board: dict) -> list[tuple[str, str]]:
    return [(panel["title"], target["expr"]) for panel in board["panels"] for target in panel["targets"]]


class TestDashboards:
    def test_the_platform_the_events_and_every_service_have_one(self) -> None:
        boards = dashboard_files()
        assert set(boards) == {"platform", "events"} | {s.name for s in SERVICES}
        assert len({b["uid"] for b in boards.values()}) == len(boards)

    def test_every_panels_query_names_only_exported_metrics(self, exported: set[str]) -> None:
        for name, board in dashboard_files().items():
            assert board["panels"], name
            for title, expr in queries(board):
                unknown = metric_names(expr) - exported - BUILT_IN
                assert unknown == set(), f"{name} / {title}: {sorted(unknown)} is exported by no service"

    def test_the_new_metrics_are_on_the_dashboards(self) -> None:
        shown = {n for board in dashboard_files().values() for _, expr in queries(board) for n in metric_names(expr)}
        assert {
            "outbox_pending_events",
            "outbox_oldest_pending_age_seconds",
            "event_consumer_pending_messages",
            "event_consumer_redelivered_messages",
            "events_dead_lettered_total",
            "gateway_breaker_state",
            "rate_limit_refusals_total",
            "otp_lockouts_total",
        } <= shown

    def test_an_unknown_metric_would_be_caught(self, exported: set[str]) -> None:
        assert metric_names("sum(rate(http_requests_totl[5m]))") - exported == {"http_requests_totl"}

    def test_grafana_loads_them_from_labelled_config_maps(self, rendered: list[dict]) -> None:
        maps = {c["metadata"]["name"]: c for c in of_kind(rendered, "ConfigMap")}
        for name, board in dashboard_files().items():
            config = maps[f"grafana-dashboard-{name}"]  # no hash suffix: replaced in place
            assert config["metadata"]["labels"]["grafana_dashboard"] == "1"
            assert json.loads(config["data"][f"{name}.json"]) == board

    def test_queries_select_by_job_not_the_services_own_label(self) -> None:
        """Scraped, a metric's `service` label becomes `exported_service` (the target has one)."""
        for board in dashboard_files().values():
            for _, expr in queries(board):
                assert not re.search(r"\bservice\s*=", expr), expr
        for path in Path(DEPLOY_DIR / "base" / "services").glob("*.yaml"):
            for doc in yaml.safe_load_all(path.read_text()):
                if doc["kind"] == "PrometheusRule":
                    for rule in doc["spec"]["groups"][0]["rules"]:
                        assert not re.search(r"\bservice\s*=", rule["expr"]), rule["expr"]
