"""The alerts production gets: rendered, valid against the PrometheusRule schema, and about
metrics the platform really exports (a rule on a misspelt metric never fires)."""

import copy
import re

from prometheus_client import REGISTRY
from shubbak_deploy import kustomize, validate
from shubbak_deploy.__main__ import overlays

import gateway.shedding  # noqa: F401  (registers the gateway's metrics)
import kit.metrics  # noqa: F401  (registers every service's metrics)

PROMQL_WORDS = {"sum", "max", "min", "avg", "count", "rate", "increase", "by", "without", "and", "or", "unless"}


def _rules() -> list[dict]:
    prod = kustomize.build(next(p for p in overlays() if p.name == "prod"))
    [rule] = [o for o in prod if o["kind"] == "PrometheusRule"]
    return rule


def _metrics_in(expr: str) -> set[str]:
    bare = re.sub(r"\b(by|without)\s*\([^)]*\)", " ", expr)  # label names
    bare = re.sub(r"\[[^\]]*\]|\{[^}]*\}|\"[^\"]*\"", " ", bare)  # ranges, matchers, strings
    return {word for word in re.findall(r"[a-zA-Z_:][a-zA-Z0-9_:]*", bare) if word not in PROMQL_WORDS}


def test_production_gets_alerts_for_dead_letters_paused_consumers_and_shedding() -> None:
    rule = _rules()
    assert rule["metadata"]["namespace"] == "shubbak"
    assert validate.validate(rule) == []
    alerts = {r["alert"]: r for group in rule["spec"]["groups"] for r in group["rules"]}
    assert set(alerts) == {"ShubbakEventsDeadLettered", "ShubbakConsumerWaitingForDatabase", "ShubbakGatewayShedding"}
    assert alerts["ShubbakEventsDeadLettered"]["labels"]["severity"] == "critical"
    assert "/ops/dead-letters" in alerts["ShubbakEventsDeadLettered"]["annotations"]["description"]


def test_every_metric_an_alert_names_is_exported() -> None:
    exported = set(REGISTRY._names_to_collectors)  # sample names: events_dead_lettered_total, ...
    for group in _rules()["spec"]["groups"]:
        for rule in group["rules"]:
            named = _metrics_in(rule["expr"])
            assert named, rule["expr"]
            assert named <= exported, f"{rule['alert']}: {named - exported} is exported by nothing"


def test_the_schema_refuses_a_broken_rule() -> None:
    rule = copy.deepcopy(_rules())
    rule["spec"]["groups"][0]["rules"][0]["for"] = "5 minutes"
    rule["spec"]["groups"][0]["rules"][1]["severity"] = "warning"  # a label outside `labels`
    problems = validate.validate(rule)
    assert any("for" in p for p in problems)
    assert any("severity" in p for p in problems)
