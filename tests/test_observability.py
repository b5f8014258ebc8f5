"""What operations see of the running platform (real processes, PostgreSQL and NATS):

- every service's /metrics has the metrics the alerts and dashboards of deploy/ use, with samples
  where the platform has something to count (an OTP lockout and a rate-limit refusal are made);
- one citizen request is one trace, from the gateway through the service, its database and its
  outbox, over NATS, to a consumer in another service, as the OTLP collector receives it.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
from typing import Any

import httpx
from otlp_collector import Collector, Span
from paperless_support import DEMO_PEOPLE, DEMO_SEED, DEMO_TODAY, Citizen, mobile_of
from prometheus_client.parser import text_string_to_metric_families

from identity.registry.generate import write_csv

EVERY_SERVICE = (
    "outbox_pending_events",
    "outbox_oldest_pending_age_seconds",
    "event_consumer_pending_messages",
    "event_consumer_ack_pending_messages",
    "event_consumer_redelivered_messages",
    "events_dead_lettered",
    "rate_limit_refusals",
    "otp_lockouts",
)
GATEWAY_ONLY = ("gateway_breaker_state", "gateway_breaker_opened")


def adults_no_other_test_uses() -> list[dict[str, str]]:
    """Living women of the demo registry outside Port Said (whose adults the other flows take),
    from the end of the list (test_seams_money takes its people from the start, test_card_services
    enrols fathers): one is locked out of enrolling, another enrols."""
    out = io.StringIO()
    write_csv(out, DEMO_PEOPLE, seed=DEMO_SEED, today=DEMO_TODAY)
    rows = csv.DictReader(io.StringIO(out.getvalue()))
    adults = [r for r in rows if r["alive"] == "true" and r["birth_date"] < "1995-01-01"]
    women = [r for r in adults if int(r["national_id"][12]) % 2 == 0]  # the sequence's last digit: even
    return [r for r in women if r["governorate"] not in ("03", "88")][::-1]


async def where_powers_of_attorney_are_live(client: httpx.AsyncClient, people: list[dict[str, str]]) -> dict:
    for person in people:
        quote = await client.get(
            "/v1/services/notary.poa.general/quote",
            params={"channel": "web", "method": "wallet", "governorate": person["governorate"]},
        )
        if quote.status_code == 200:
            return person
    raise AssertionError("powers of attorney are live in no governorate besides Port Said")


def scrape(url: str) -> dict[str, Any]:
    text = httpx.get(f"{url}/metrics", timeout=10).text
    return {family.name: family for family in text_string_to_metric_families(text)}


def samples(family: Any, **labels: str) -> list[Any]:
    return [s for s in family.samples if all(s.labels.get(k) == v for k, v in labels.items())]


async def lock_out_and_get_refused(gateway: str) -> None:
    """Five wrong codes lock an enrolment (identity counts a lockout); more attempts on the same
    challenge exceed the gateway's per-challenge limit (it counts a refusal). From an address of
    its own, so no other test's buckets are touched."""
    person = adults_no_other_test_uses()[0]
    transport = httpx.AsyncHTTPTransport(local_address="127.0.0.23")
    async with httpx.AsyncClient(base_url=gateway, transport=transport, timeout=30) as client:
        started = await client.post(
            "/v1/enrolments",
            json={
                "national_id": person["national_id"],
                "first_name": person["first_name_ar"],
                "mother_first_name": person["mother_first_name_ar"],
                "mobile": mobile_of(person),
            },
        )
        assert started.status_code in (201, 202), started.text
        verification = f"/v1/enrolments/{started.json()['id']}/verification"
        codes = []
        for _ in range(12):
            answer = await client.post(verification, json={"code": "000000"})
            codes.append(answer.json()["code"])
            if codes[-1] == "too_many_requests":
                break
    assert "otp_locked" in codes, codes
    assert codes[-1] == "too_many_requests", codes


async def test_every_service_exports_the_metrics_operations_watch(platform: Any) -> None:
    await lock_out_and_get_refused(platform.gateway)
    scraped = {name: scrape(url) for name, url in platform.services.items()}
    assert set(scraped) >= {"identity", "catalog", "notary", "ration", "payment", "office_routing", "gateway"}
    for name, families in scraped.items():
        missing = [m for m in EVERY_SERVICE if m not in families]
        assert not missing, f"{name} does not export {missing}"
        assert samples(families["outbox_pending_events"]), f"{name}: its relay reports no backlog"
        assert samples(families["outbox_oldest_pending_age_seconds"]), name
    with_consumers = [n for n, f in scraped.items() if samples(f["event_consumer_pending_messages"])]
    assert {"identity", "notary", "ration", "office_routing", "gateway"} <= set(with_consumers)
    gateway = scraped["gateway"]
    for metric in GATEWAY_ONLY:
        assert metric in gateway, metric
    upstreams = {s.labels["upstream"] for s in samples(gateway["gateway_breaker_state"], state="closed")}
    assert upstreams == set(scraped) - {"gateway", "web"}  # web is a client of the gateway, not behind it
    assert samples(gateway["rate_limit_refusals"], service="gateway")
    assert samples(scraped["identity"]["otp_lockouts"], purpose="enrol")


def chain_to_root(span: Span, by_id: dict[str, Span]) -> list[Span]:
    chain = [span]
    while chain[-1].parent_id in by_id:
        chain.append(by_id[chain[-1].parent_id])
    return chain


async def test_one_citizen_request_is_one_trace_across_services(platform: Any, collector: Collector) -> None:
    """The citizen cancels a payment: the gateway, payment-svc and its database, its outbox relay
    publishing `payment.intent.failed.v1` to NATS, and another service processing it: one trace."""
    people = adults_no_other_test_uses()[1:]  # the first is locked out by the other test
    async with httpx.AsyncClient(base_url=platform.gateway, timeout=30) as client:
        principal = await where_powers_of_attorney_are_live(client, people)
        citizen = Citizen(client, principal)
        await citizen.enrol()
        _, payment = await citizen.draft_and_quote(next(p for p in people if p is not principal))
        created = await client.post(
            "/v1/payments", json=payment, headers={**citizen.auth, "Idempotency-Key": str(uuid.uuid4())}
        )
        assert created.status_code == 201, created.text
        trace_id = uuid.uuid4().hex
        cancelled = await client.post(
            f"/v1/payments/{created.json()['id']}/cancel",
            headers={**citizen.auth, "traceparent": f"00-{trace_id}-{'2' * 16}-01"},
        )
        assert cancelled.status_code == 200, cancelled.text

    subject = "payment.intent.failed.v1"

    def delivered(spans: list[Span]) -> bool:
        return any(s.name == f"process {subject}" and s.service != "payment-svc" for s in spans)

    def complete(spans: list[Span]) -> bool:
        """Delivered, and every span's parent has arrived too (each process exports in batches)."""
        known = {s.span_id for s in spans} | {"2" * 16}
        return delivered(spans) and all(s.parent_id in known for s in spans)

    spans = collector.wait_for(trace_id, complete)
    by_id = {s.span_id: s for s in spans}
    names = sorted({f"{s.service}: {s.name}" for s in spans})
    assert delivered(spans), names

    # the gateway: its server span, and its call to payment-svc
    (edge,) = [s for s in spans if s.service == "gateway" and s.kind == "SERVER"]
    assert edge.parent_id == "2" * 16  # the caller's traceparent continued
    (upstream,) = [s for s in spans if s.service == "gateway" and s.kind == "CLIENT" and s.parent_id == edge.span_id]
    # payment-svc: the request, continuing the gateway's call, and its SQL
    (served,) = [s for s in spans if s.service == "payment-svc" and s.kind == "SERVER"]
    assert served.parent_id == upstream.span_id
    sql = [s for s in spans if s.service == "payment-svc" and s.attributes.get("db.system") == "postgresql"]
    assert any(served in chain_to_root(s, by_id) for s in sql), names
    # the relay's producer span, under the request that recorded the event
    (send,) = [s for s in spans if s.name == f"send {subject}"]
    assert (send.kind, send.service) == ("PRODUCER", "payment-svc")
    assert send.attributes["messaging.system"] == "nats"
    assert send.attributes["messaging.destination.name"] == subject
    assert re.fullmatch(r"[0-9a-f-]{36}", send.attributes["messaging.message.id"])
    assert served in chain_to_root(send, by_id)
    # another service processes it, as the child of the send span
    processed = [s for s in spans if s.name == f"process {subject}" and s.service != "payment-svc"]
    for span in processed:
        assert span.kind == "CONSUMER"
        assert span.parent_id == send.span_id
        assert span.attributes["messaging.message.id"] == send.attributes["messaging.message.id"]
        assert span.attributes["messaging.operation.type"] == "process"
    # one trace, every span under the gateway's, every process describing itself
    assert all(chain_to_root(s, by_id)[-1] is edge for s in spans), names
    for span in spans:
        assert span.resource["service.namespace"] == "shubbak"
        assert span.resource["deployment.environment.name"] == "development"
        assert span.resource["service.version"]
