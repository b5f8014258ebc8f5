"""Client spans for the gateway's outgoing HTTP on aiohttp (webhook deliveries; the upstream
services when `upstream_client` is aiohttp: the raw client makes its own, gateway.upstream.raw):
the aiohttp instrumentation, installed once tracing is on (without a tracer provider it would
only cost time on the proxy's hot path). Each upstream request becomes a CLIENT span under the
gateway's server span, and its context is what the service continues."""

from __future__ import annotations

from opentelemetry.instrumentation.aiohttp_client import AioHttpClientInstrumentor

from kit import telemetry


def instrument_clients() -> bool:
    """Instrument every aiohttp session created from now on; False when tracing is off."""
    if not telemetry.enabled():
        return False
    instrumentor = AioHttpClientInstrumentor()
    if not instrumentor.is_instrumented_by_opentelemetry:
        instrumentor.instrument()
    return True
