"""OpenTelemetry: one trace per citizen request, across HTTP, the database and NATS.

HTTP is instrumented by the FastAPI and httpx instrumentations (the gateway's upstream client by
the aiohttp one), SQL statements by the SQLAlchemy one (`instrument_engine`). NATS carries the
W3C trace context in message headers (`traceparent`, `tracestate`): the outbox records the
request's context with the event, the relay publishes it in a producer span (`send <subject>`)
whose context travels with the message, and the consumer processes it in a child span
(`process <subject>`), per OpenTelemetry's messaging semantic conventions.
"""

from __future__ import annotations

import importlib.metadata
import os
from collections.abc import Mapping

from fastapi.telemetry import TelemetryConfig
from opentelemetry import context as otel_context
from opentelemetry import metrics as otel_metrics
from opentelemetry import propagate, trace
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from sqlalchemy.ext.asyncio import AsyncEngine

NAMESPACE = "shubbak"
_configured = False


def resource(service: str, *, version: str | None = None, environment: str | None = None) -> Resource:
    """Who emits the spans: the service, its version (by default its distribution's,
    `shubbak-<service>`, else kit's), the platform (namespace) and the deployment environment (by
    default `ENVIRONMENT`, which every service reads). `OTEL_RESOURCE_ATTRIBUTES` may add more."""
    return Resource.create(
        {
            "service.name": service,
            "service.version": version or _version(service),
            "service.namespace": NAMESPACE,
            "deployment.environment.name": environment or os.environ.get("ENVIRONMENT", "development"),
        }
    )


def _version(service: str) -> str:
    for distribution in (f"shubbak-{service}", "shubbak-kit"):
        try:
            return importlib.metadata.version(distribution)
        except importlib.metadata.PackageNotFoundError:
            continue
    return "0.0.0"


def configure(service: str, exporter: str, *, version: str | None = None, environment: str | None = None) -> None:
    """Install a tracer provider once per process. `exporter` is none, console or otlp."""
    global _configured
    if _configured or exporter == "none":
        return
    provider = TracerProvider(resource=resource(service, version=version, environment=environment))
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


NO_NATIVE_TELEMETRY: TelemetryConfig = {"tracing": False, "metrics": False, "logs": False}
"""FastAPI's own OpenTelemetry, off in every app: the OpenTelemetry ASGI instrumentation already
makes the server span (kit.app; the gateway's middleware), and, left on with telemetry off, it
looks the providers up in the environment on every request."""


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


def inject_headers(context: otel_context.Context | None = None) -> dict[str, str]:
    """The trace context (the current one by default) as headers (empty without an active span)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier, context=context)
    return carrier


_instrumented: set[int] = set()


def instrument_engine(engine: AsyncEngine) -> None:
    """A client span for every SQL statement of `engine` (db.* attributes), once per engine and
    only when spans are recorded. Per engine rather than SQLAlchemyInstrumentor's patching of
    `create_async_engine`: kit's engines are created by a reference taken at import."""
    sync_engine = engine.sync_engine
    if not enabled() or id(sync_engine) in _instrumented:
        return
    _instrumented.add(id(sync_engine))
    usage = otel_metrics.get_meter("kit.telemetry").create_up_down_counter("db.client.connection.count")
    EngineTracer(tracer("opentelemetry.instrumentation.sqlalchemy"), sync_engine, usage)


def extract_context(headers: Mapping[str, str] | None) -> otel_context.Context:
    return propagate.extract(dict(headers or {}))
