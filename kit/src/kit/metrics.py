"""Prometheus metrics, exposed at /metrics by every service."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest
from starlette.requests import Request
from starlette.responses import Response

HTTP_REQUESTS = Counter("http_requests_total", "HTTP requests", ["service", "method", "route", "status"])
HTTP_LATENCY = Histogram(
    "http_request_duration_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
EVENTS_PUBLISHED = Counter("events_published_total", "Outbox events published to JetStream", ["service"])
OUTBOX_PENDING = Gauge("outbox_pending", "Outbox events not yet published, as the active relay last saw", ["service"])
EVENTS_CONSUMED = Counter("events_consumed_total", "Events handled by a consumer", ["consumer"])
EVENTS_DUPLICATE = Counter("events_duplicate_total", "Redelivered events dropped by the inbox", ["consumer"])
EVENTS_DEAD_LETTERED = Counter(
    "events_dead_lettered_total",
    "Events sent to the dead-letter subject, by why: unreadable, failed (handlers), no_outcome",
    ["consumer", "reason"],
)
DEAD_LETTERS_REPLAYED = Counter(
    "dead_letters_replayed_total",
    "Dead letters an operator replayed, by outcome: applied, duplicate, failed",
    ["consumer", "outcome"],
)
HANDLER_FAILURES = Counter("event_handler_failures_total", "Event handler failures", ["consumer"])
CONSUMER_PAUSED = Gauge(
    "event_consumer_paused", "1 while a consumer waits for its unreachable database, fetching nothing", ["consumer"]
)


async def endpoint(request: Request) -> Response:
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)


# What the alerts and dashboards in deploy/monitoring watch besides the above (README "Operations").
OUTBOX_PENDING_EVENTS = Gauge(
    "outbox_pending_events", "Events recorded and not yet published to JetStream (every relay reports it)", ["service"]
)
OUTBOX_OLDEST_AGE = Gauge(
    "outbox_oldest_pending_age_seconds", "Age of the oldest event not yet published; 0 when none waits", ["service"]
)
CONSUMER_PENDING = Gauge(
    "event_consumer_pending_messages",
    "Messages of the stream the durable consumer has not yet received (JetStream num_pending): its lag",
    ["consumer", "stream"],
)
CONSUMER_ACK_PENDING = Gauge(
    "event_consumer_ack_pending_messages", "Messages delivered and not yet acknowledged", ["consumer", "stream"]
)
CONSUMER_REDELIVERED = Gauge(
    "event_consumer_redelivered_messages",
    "Messages delivered more than once and not yet acknowledged (JetStream num_redelivered)",
    ["consumer", "stream"],
)
RATE_LIMITED = Counter(
    "rate_limit_refusals_total", "Requests refused by a rate limit (429), by the limit's kind", ["service", "limit"]
)
OTP_LOCKOUTS = Counter(
    "otp_lockouts_total", "One-time-code challenges locked after too many wrong codes", ["service", "purpose"]
)
