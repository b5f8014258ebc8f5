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
