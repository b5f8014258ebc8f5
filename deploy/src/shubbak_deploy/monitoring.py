"""What operators see, generated with the rest of the base: for the Prometheus Operator a
ServiceMonitor per service and a PodMonitor per database, a PrometheusRule per service (its
alerts, each with a runbook line and a link into deploy/RUNBOOK.md), and Grafana dashboards as
JSON (platform overview, events, one per service) that Grafana's dashboard sidecar loads from
ConfigMaps labelled `grafana_dashboard`.

Queries select by `job` (the Prometheus Operator names a service's job after its Service): the
services' own `service` label becomes `exported_service` once scraped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from shubbak_deploy.platform import Service

Obj = dict[str, Any]
DASHBOARDS = "monitoring/dashboards"
RUNBOOK_BASE = "https://git.shubbak.example/shubbak/shubbak/-/blob/main/deploy/RUNBOOK.md"
SCRAPE_INTERVAL = "30s"
RATE = "$__rate_interval"


def _labels(service: Service, component: str) -> dict[str, str]:
    return {"app.kubernetes.io/name": service.name, "app.kubernetes.io/component": component}


# --- scraping -----------------------------------------------------------------------------


def service_monitor(service: Service) -> Obj:
    """Scrape every pod behind the service's Service at /metrics (kept inside the cluster)."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "ServiceMonitor",
        "metadata": {"name": service.name, "labels": _labels(service, "api")},
        "spec": {
            "selector": {"matchLabels": _labels(service, "api")},
            "endpoints": [{"port": "http", "path": "/metrics", "interval": SCRAPE_INTERVAL, "scrapeTimeout": "10s"}],
        },
    }


def database_monitor(service: Service) -> Obj:
    """CloudNativePG's exporter on every instance of the service's database (port `metrics`)."""
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PodMonitor",
        "metadata": {"name": service.db_cluster, "labels": _labels(service, "database")},
        "spec": {
            "selector": {"matchLabels": {"cnpg.io/cluster": service.db_cluster}},
            "podMetricsEndpoints": [{"port": "metrics", "interval": SCRAPE_INTERVAL}],
        },
    }


# --- alerts -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Alert:
    name: str
    expr: str  # `{job}` and `{name}` are filled in per service
    wait: str  # Prometheus `for`
    severity: str
    summary: str
    runbook: str  # the first thing to do; deploy/RUNBOOK.md has the rest under the alert's name


COMMON_ALERTS = (
    Alert(
        "ShubbakServiceDown",
        'sum(up{{job="{job}"}}) == 0 or absent(up{{job="{job}"}})',
        "2m",
        "critical",
        "No pod of {name} answers its scrape",
        "kubectl get pods -l app.kubernetes.io/name={name}; read the /readyz problem of one (database, NATS).",
    ),
    Alert(
        "ShubbakHighErrorRate",
        'sum(rate(http_requests_total{{job="{job}",status=~"5.."}}[5m]))'
        ' / sum(rate(http_requests_total{{job="{job}"}}[5m])) > 0.05',
        "10m",
        "critical",
        "Over 5% of {name}'s answers are 5xx",
        "Group the 5xx by route on its dashboard; its logs carry each request_id; roll back a bad release.",
    ),
    Alert(
        "ShubbakSlowRequests",
        'histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket{{job="{job}"}}[5m]))) > 2',
        "15m",
        "warning",
        "{name}'s p99 latency is over 2 s",
        "Check its database (slow statements are logged over 1 s) and CPU against its autoscaler's maximum.",
    ),
    Alert(
        "ShubbakOutboxBacklog",
        'max(outbox_oldest_pending_age_seconds{{job="{job}"}}) > 300',
        "5m",
        "critical",
        "{name} has events recorded over 5 minutes ago and not yet published",
        "Is NATS reachable from {name} (its /readyz)? Does a relay hold the lock (log 'outbox relay active')?",
    ),
    Alert(
        "ShubbakConsumerLag",
        'max by (consumer, stream) (event_consumer_pending_messages{{job="{job}"}}) > 1000'
        ' and max by (consumer, stream) (delta(event_consumer_pending_messages{{job="{job}"}}[15m])) >= 0',
        "15m",
        "warning",
        "A consumer of {name} is over 1000 events behind and not catching up",
        "A bulk load is expected to lag; otherwise check the consumer's handler failures and its database.",
    ),
    Alert(
        "ShubbakRedeliveries",
        'max by (consumer, stream) (event_consumer_redelivered_messages{{job="{job}"}}) > 0',
        "15m",
        "warning",
        "A consumer of {name} keeps receiving events again (its handler fails or times out)",
        "Read the 'handler failed' warnings in its logs; a message that keeps failing is dead-lettered.",
    ),
    Alert(
        "ShubbakEventsDeadLettered",
        'sum by (consumer, reason) (increase(events_dead_lettered_total{{job="{job}"}}[15m])) > 0',
        "0m",
        "critical",
        "A consumer of {name} gave up on events: they are not applied until replayed",
        "GET /ops/dead-letters on {name} lists them; fix the cause, then POST /ops/dead-letters/replay"
        " (admin token; audited; an event already applied is not applied twice).",
    ),
    Alert(
        "ShubbakEventsRejected",
        'sum by (reason) (increase(events_rejected_total{{job="{job}"}}[15m])) > 0',
        "0m",
        "critical",
        "{name} refused facts whose signature did not verify (forged, altered, replayed, or signed by a key"
        " it does not trust)",
        "GET /ops/dead-letters on {name} names each refused event's producer and reason; a stolen or"
        " misused ministry key: POST /v1/integrator-event-keys/{{kid}}/revoke at the gateway (admin).",
    ),
    Alert(
        "ShubbakConsumerWaitingForDatabase",
        'max by (pod, consumer) (event_consumer_paused{{job="{job}"}}) == 1',
        "5m",
        "warning",
        "A consumer of {name} has waited 5 minutes for its database",
        "It holds its batch, spends no deliveries and resumes by itself: check {name}'s CloudNativePG cluster.",
    ),
)
EXTRA_ALERTS: dict[str, tuple[Alert, ...]] = {
    "gateway": (
        Alert(
            "ShubbakCircuitOpen",
            'max by (upstream) (gateway_breaker_state{{job="{job}",state="open"}}) == 1',
            "2m",
            "critical",
            "The gateway's circuit to a service is open: its requests fail fast with 503",
            "The upstream label names the service: follow ShubbakServiceDown for it.",
        ),
        Alert(
            "ShubbakGatewayShedding",
            'sum by (upstream) (rate(gateway_shed_total{{job="{job}"}}[5m])) > 1',
            "10m",
            "warning",
            "The gateway sheds requests to a service at its in-flight bound (503 service_busy)",
            "Scale the upstream service, then raise GATEWAY_SHED_MAX_IN_FLIGHT_BY_UPSTREAM for it.",
        ),
        Alert(
            "ShubbakRateLimiting",
            'sum by (limit) (rate(rate_limit_refusals_total{{job="{job}"}}[5m])) > 5',
            "10m",
            "warning",
            "The gateway refuses over 5 requests/s by one kind of rate limit",
            "An abuser (find the addresses in the gateway's logs) or limits too low for a real peak.",
        ),
    ),
    "identity": (
        Alert(
            "ShubbakOtpLockouts",
            'sum(increase(otp_lockouts_total{{job="{job}"}}[15m])) > 20',
            "5m",
            "warning",
            "Over 20 one-time-code challenges locked in 15 minutes: someone may be guessing codes",
            "Look for the addresses or desks behind the lockouts in identity's logs; the SMS provider may lag.",
        ),
    ),
    "payment": (
        Alert(
            "ShubbakMoneyHeldWithoutService",
            'max(payment_money_held_without_service_piastres{{job="{job}"}}) > 0',
            "30m",
            "critical",
            "Money is captured and neither refunded nor kept for an order",
            "GET /v1/payments/ledger/invariant (auditor) lists the payments; the sweep should refund them.",
        ),
    ),
}


def alerts_for(service: Service) -> tuple[Alert, ...]:
    return COMMON_ALERTS + EXTRA_ALERTS.get(service.key, ())


def alert_rules(service: Service) -> Obj:
    rules = [
        {
            "alert": alert.name,
            "expr": alert.expr.format(job=service.name, name=service.name),
            "for": alert.wait,
            "labels": {"severity": alert.severity, "service": service.name},
            "annotations": {
                "summary": alert.summary.format(name=service.name),
                "runbook": alert.runbook.format(name=service.name),
                "runbook_url": f"{RUNBOOK_BASE}#{alert.name.lower()}",
            },
        }
        for alert in alerts_for(service)
    ]
    return {
        "apiVersion": "monitoring.coreos.com/v1",
        "kind": "PrometheusRule",
        "metadata": {"name": f"{service.name}-alerts", "labels": _labels(service, "api")},
        "spec": {"groups": [{"name": f"shubbak.{service.name}", "rules": rules}]},
    }


# --- dashboards ---------------------------------------------------------------------------


def _panel(title: str, *targets: tuple[str, str], unit: str = "short", kind: str = "timeseries") -> Obj:
    return {
        "type": kind,
        "title": title,
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
        "targets": [
            {"refId": chr(ord("A") + i), "expr": expr, "legendFormat": legend}
            for i, (expr, legend) in enumerate(targets)
        ],
    }


def _dashboard(uid: str, title: str, panels: list[Obj], tags: list[str]) -> Obj:
    for i, panel in enumerate(panels):
        panel["id"] = i + 1
        panel["gridPos"] = {"h": 8, "w": 12, "x": 12 * (i % 2), "y": 8 * (i // 2)}
    return {
        "uid": uid,
        "title": title,
        "tags": ["shubbak", *tags],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "refresh": "30s",
        "time": {"from": "now-6h", "to": "now"},
        "templating": {
            "list": [{"name": "datasource", "type": "datasource", "query": "prometheus", "label": "Prometheus"}]
        },
        "panels": panels,
    }


def _http_panels(job: str, by: str) -> list[Obj]:
    sel = f'job=~"{job}"'
    return [
        _panel("Requests per second", (f"sum by ({by}) (rate(http_requests_total{{{sel}}}[{RATE}]))", f"{{{{{by}}}}}")),
        _panel(
            "Share of 5xx answers",
            (
                f'sum by ({by}) (rate(http_requests_total{{{sel},status=~"5.."}}[{RATE}]))'
                f" / sum by ({by}) (rate(http_requests_total{{{sel}}}[{RATE}]))",
                f"{{{{{by}}}}}",
            ),
            unit="percentunit",
        ),
        _panel(
            "Latency p99",
            (
                f"histogram_quantile(0.99, sum by ({by}, le)"
                f" (rate(http_request_duration_seconds_bucket{{{sel}}}[{RATE}])))",
                f"{{{{{by}}}}}",
            ),
            unit="s",
        ),
        _panel("Pods up", (f"sum by (job) (up{{{sel}}})", "{{job}}")),
    ]


def _event_panels(job: str) -> list[Obj]:
    sel = f'job=~"{job}"'
    return [
        _panel("Outbox: events waiting to be published", (f"max by (job) (outbox_pending_events{{{sel}}})", "{{job}}")),
        _panel(
            "Outbox: age of the oldest waiting event",
            (f"max by (job) (outbox_oldest_pending_age_seconds{{{sel}}})", "{{job}}"),
            unit="s",
        ),
        _panel(
            "Consumer lag (not yet received)",
            (f"max by (consumer, stream) (event_consumer_pending_messages{{{sel}}})", "{{consumer}} {{stream}}"),
        ),
        _panel(
            "Delivered, awaiting ack / redelivered",
            (f"max by (consumer) (event_consumer_ack_pending_messages{{{sel}}})", "{{consumer}} ack pending"),
            (f"max by (consumer) (event_consumer_redelivered_messages{{{sel}}})", "{{consumer}} redelivered"),
        ),
        _panel(
            "Events published / handled per second",
            (f"sum by (job) (rate(events_published_total{{{sel}}}[{RATE}]))", "published {{job}}"),
            (f"sum by (consumer) (rate(events_consumed_total{{{sel}}}[{RATE}]))", "handled {{consumer}}"),
        ),
        _panel(
            "Duplicates dropped, handler failures",
            (f"sum by (consumer) (rate(events_duplicate_total{{{sel}}}[{RATE}]))", "duplicates {{consumer}}"),
            (f"sum by (consumer) (rate(event_handler_failures_total{{{sel}}}[{RATE}]))", "failures {{consumer}}"),
        ),
        _panel(
            "Dead letters by reason",
            (
                f"sum by (consumer, reason) (increase(events_dead_lettered_total{{{sel}}}[{RATE}]))",
                "{{consumer}} {{reason}}",
            ),
        ),
        _panel(
            "Consumers waiting for their database (1: paused, fetching nothing)",
            (f"max by (pod, consumer) (event_consumer_paused{{{sel}}})", "{{pod}} {{consumer}}"),
        ),
        _panel(
            "Dead letters replayed by operators",
            (
                f"sum by (consumer, outcome) (increase(dead_letters_replayed_total{{{sel}}}[{RATE}]))",
                "{{consumer}} {{outcome}}",
            ),
        ),
    ]


def _extra_panels(key: str, job: str) -> list[Obj]:
    sel = f'job="{job}"'
    if key == "gateway":
        return [
            _panel(
                "Open circuits", (f'max by (upstream) (gateway_breaker_state{{{sel},state="open"}})', "{{upstream}}")
            ),
            _panel(
                "Circuit openings per hour",
                (f"sum by (upstream) (increase(gateway_breaker_opened_total{{{sel}}}[1h]))", "{{upstream}}"),
            ),
            _panel(
                "Rate-limit refusals per second",
                (f"sum by (limit) (rate(rate_limit_refusals_total{{{sel}}}[{RATE}]))", "{{limit}}"),
            ),
            _panel(
                "Requests shed per second (503 service_busy)",
                (f"sum by (upstream) (rate(gateway_shed_total{{{sel}}}[{RATE}]))", "{{upstream}}"),
            ),
        ]
    if key == "identity":
        return [
            _panel(
                "OTP lockouts per hour",
                (f"sum by (purpose) (increase(otp_lockouts_total{{{sel}}}[1h]))", "{{purpose}}"),
            )
        ]
    if key == "payment":
        return [
            _panel(
                "Money held without its service (must be 0)",
                (f"max(payment_money_held_without_service_piastres{{{sel}}}) / 100", "EGP"),
                kind="stat",
            ),
            _panel(
                "Owners' answers and refunds",
                (f"sum by (answer) (increase(payment_owner_answers_total{{{sel}}}[1h]))", "{{answer}}"),
                (f"sum by (reason) (increase(payment_answer_refunds_total{{{sel}}}[1h]))", "refund {{reason}}"),
            ),
        ]
    return []


def dashboards(services: list[Service]) -> dict[str, Obj]:
    """File name (without .json) -> dashboard."""
    every = "|".join(s.name for s in services)
    gateway = next(s for s in services if s.is_gateway)
    out = {
        "platform": _dashboard(
            "shubbak-platform",
            "Shubbak: platform",
            [*_http_panels(every, "job"), *_event_panels(every)[:3], *_extra_panels("gateway", gateway.name)],
            ["overview"],
        ),
        "events": _dashboard("shubbak-events", "Shubbak: events", _event_panels(every), ["events"]),
    }
    for s in services:
        panels = [*_http_panels(s.name, "route"), *_event_panels(s.name), *_extra_panels(s.key, s.name)]
        out[s.name] = _dashboard(f"shubbak-{s.name}", f"Shubbak: {s.name}", panels, ["service"])
    return out


def dashboard_files(services: list[Service]) -> dict[str, str]:
    """Path under deploy/base -> JSON text."""
    return {
        f"{DASHBOARDS}/{name}.json": json.dumps(board, indent=2, ensure_ascii=False) + "\n"
        for name, board in dashboards(services).items()
    }


def dashboard_generators(services: list[Service]) -> list[Obj]:
    """One ConfigMap per dashboard (kubectl's client-side apply keeps each under its size limit),
    with a stable name (Grafana's sidecar replaces it in place) and the sidecar's label."""
    return [
        {
            "name": f"grafana-dashboard-{name}",
            "files": [f"{name}.json={DASHBOARDS}/{name}.json"],
            "options": {
                "disableNameSuffixHash": True,
                "labels": {"grafana_dashboard": "1"},
                "annotations": {"grafana_folder": "Shubbak"},
            },
        }
        for name in dashboards(services)
    ]
