"""OpenTelemetry: one trace per citizen request, across HTTP and NATS.

HTTP is instrumented by the FastAPI and httpx instrumentations; NATS carries the W3C
trace context in message headers (`traceparent`, `tracestate`), written by the outbox
at the moment the event is recorded and read back by the consumer.
"""

from __future__ import annotations

from collections.abc import Mapping

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter

_configured = False


def configure(service: str, exporter: str) -> None:
    """Install a tracer provider once per process. `exporter` is none, console or otlp."""
    global _configured
    if _configured or exporter == "none":
        return
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    span_exporter: SpanExporter
    if exporter == "console":
        span_exporter = ConsoleSpanExporter()
    else:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        span_exporter = OTLPSpanExporter()  # endpoint from OTEL_EXPORTER_OTLP_ENDPOINT
    provider.add_span_processor(BatchSpanProcessor(span_exporter))
    trace.set_tracer_provider(provider)
    _configured = True


_installed = False  # a global tracer provider can be set once per process, never unset


def enabled() -> bool:
    """Whether spans are recorded at all (a tracer provider was installed). Called per request
    on hot paths: without a provider it answers without `get_tracer_provider()`, which reads
    the environment on every call (~1 µs)."""
    global _installed
    if _installed:
        return True
    if getattr(trace, "_TRACER_PROVIDER", _UNKNOWN) is None:  # nothing installed yet
        return False
    _installed = not isinstance(trace.get_tracer_provider(), trace.ProxyTracerProvider | trace.NoOpTracerProvider)
    return _installed


_UNKNOWN = object()


def tracer(name: str = "shubbak") -> trace.Tracer:
    return trace.get_tracer(name)


def inject_headers() -> dict[str, str]:
    """The current trace context as headers (empty when there is no active span)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return carrier


def extract_context(headers: Mapping[str, str] | None) -> otel_context.Context:
    return propagate.extract(dict(headers or {}))
