from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import nats
import pytest
from fastapi import FastAPI
from kit_support import AUDIENCE, ISSUER, KeyRing
from nats.aio.client import Client
from nats.js import JetStreamContext
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from kit.auth import Issuer, JWKSCache, TokenVerifier
from kit.messaging.bus import ensure_streams

_EXPORTER = InMemorySpanExporter()


@pytest.fixture(scope="session")
def spans() -> InMemorySpanExporter:
    """Every span the process finishes (the global provider can be set only once)."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
    trace.set_tracer_provider(provider)
    return _EXPORTER


@pytest.fixture
def schema() -> str:
    return "svc_" + uuid.uuid4().hex[:8]


@pytest.fixture
async def nc(nats_server) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    client = await nats.connect(nats_server.url)
    await ensure_streams(client.jetstream())
    yield client
    await client.close()


@pytest.fixture
def js(nc: Client) -> JetStreamContext:
    return nc.jetstream()


@pytest.fixture
def ring() -> KeyRing:
    ring = KeyRing()
    ring.rotate("k1")
    return ring


@pytest.fixture
def verifier(ring: KeyRing) -> TokenVerifier:
    jwks_app = FastAPI()
    jwks_app.get("/.well-known/jwks.json")(ring.jwks)
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://identity")
    cache = JWKSCache("http://identity/.well-known/jwks.json", http, min_refresh_seconds=0)
    return TokenVerifier(cache, issuer=ISSUER, audience=AUDIENCE, issued_by=Issuer.IDENTITY)
