"""The alerts of issue 12 in what production gets: dead letters, a consumer waiting for its
database, the gateway shedding. They are generated with the rest of the monitoring (one
PrometheusRule per service, test_deploy_monitoring.py checks every rule's runbook and metrics);
here: each service has them, they are valid, and a broken rule is refused."""

import copy

from shubbak_deploy import kustomize, validate
from shubbak_deploy.__main__ import overlays


def _rules() -> dict[str, dict]:
    prod = kustomize.build(next(p for p in overlays() if p.name == "prod"))
    return {o["metadata"]["name"]: o for o in prod if o["kind"] == "PrometheusRule"}


def _alerts(rule: dict) -> dict[str, dict]:
    return {r["alert"]: r for group in rule["spec"]["groups"] for r in group["rules"]}


def test_every_service_alerts_on_dead_letters_and_a_consumer_waiting_for_its_database() -> None:
    rules = _rules()
    assert {"identity-alerts", "notary-alerts", "payment-alerts", "ration-alerts", "gateway-alerts"} <= set(rules)
    for name, rule in rules.items():
        assert rule["metadata"]["namespace"] == "shubbak"
        assert validate.validate(rule) == [], name
        alerts = _alerts(rule)
        dead = alerts["ShubbakEventsDeadLettered"]
        assert dead["labels"]["severity"] == "critical"
        assert "events_dead_lettered_total" in dead["expr"]
        assert "/ops/dead-letters" in dead["annotations"]["runbook"]
        assert "event_consumer_paused" in alerts["ShubbakConsumerWaitingForDatabase"]["expr"]


def test_every_service_alerts_at_once_on_a_fact_whose_signature_did_not_verify() -> None:
    """Issue 16: a refused event is a forged, altered or replayed fact, or a key out of date at
    one side: a security signal of its own, beside the dead-letter alert it also raises."""
    for name, rule in _rules().items():
        rejected = _alerts(rule)["ShubbakEventsRejected"]
        assert rejected["labels"]["severity"] == "critical", name
        assert rejected["for"] == "0m"
        assert "events_rejected_total" in rejected["expr"]
        assert "by (reason)" in rejected["expr"]
        assert "/v1/integrator-event-keys/{kid}/revoke" in rejected["annotations"]["runbook"]


def test_the_gateway_alerts_on_sustained_shedding() -> None:
    alerts = _alerts(_rules()["gateway-alerts"])
    assert "gateway_shed_total" in alerts["ShubbakGatewayShedding"]["expr"]
    assert alerts["ShubbakGatewayShedding"]["for"] == "10m"
    assert "ShubbakGatewayShedding" not in _alerts(_rules()["notary-alerts"])


def test_the_schema_refuses_a_broken_rule() -> None:
    rule = copy.deepcopy(_rules()["gateway-alerts"])
    rule["spec"]["groups"][0]["rules"][0]["for"] = "5 minutes"
    rule["spec"]["groups"][0]["rules"][1]["severity"] = "warning"  # a label outside `labels`
    problems = validate.validate(rule)
    assert any("for" in p for p in problems)
    assert any("severity" in p for p in problems)
