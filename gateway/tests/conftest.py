from __future__ import annotations

import os
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import httpx
import pytest
from gateway_support import catalog_app, notary_app, serving
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from devstack.ports import free_port
from gateway.main import create_app
from gateway.server import CoalescingHttpToolsProtocol
from gateway.settings import Settings
from kit.clock import Clock

_EXPORTER = InMemorySpanExporter()
MAX_BODY = 64 * 1024
UPSTREAM_CLIENTS = ("aiohttp", "raw")
DEFAULT_CLIENT: str = Settings.model_fields["upstream_client"].default


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Every test through a gateway runs with each upstream client (GATEWAY_TEST_UPSTREAM_CLIENTS,
    comma-separated, picks them), except in modules about the integrators' machinery
    (`ONE_UPSTREAM_CLIENT = True`: no upstream on their path), which get the default one."""
    if "upstream_client" not in metafunc.fixturenames:
        return
    chosen = os.environ.get("GATEWAY_TEST_UPSTREAM_CLIENTS")
    if chosen:
        clients = tuple(chosen.split(","))
    elif getattr(metafunc.module, "ONE_UPSTREAM_CLIENT", False):
        clients = (DEFAULT_CLIENT,)
    else:
        clients = UPSTREAM_CLIENTS
    metafunc.parametrize("upstream_client", clients, scope="session")


@pytest.fixture(scope="session")
def upstream_client() -> str:
    return DEFAULT_CLIENT  # parametrized by pytest_generate_tests


@pytest.fixture(scope="session", autouse=True)
def spans() -> InMemorySpanExporter:
    """Every span the process finishes (the global provider can be set only once)."""
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(_EXPORTER))
    trace.set_tracer_provider(provider)
    return _EXPORTER


@pytest.fixture(scope="session")
async def catalog_url() -> AsyncIterator[str]:
    async with serving(catalog_app()) as url:
        yield url


@pytest.fixture(scope="session")
async def notary_url() -> AsyncIterator[str]:
    async with serving(notary_app()) as url:
        yield url


@pytest.fixture(scope="session")
def dead_url() -> str:
    return f"http://127.0.0.1:{free_port()}"  # nothing listens here


GatewayFactory = Callable[..., AbstractAsyncContextManager[str]]


@pytest.fixture(scope="session")
def gateway_at(catalog_url: str, notary_url: str, dead_url: str, upstream_client: str) -> GatewayFactory:
    """Serve a gateway over the test upstreams with `upstream_client`; keyword arguments override
    its settings (`clock`: the time it reads)."""

    def start(*, clock: Clock | None = None, **overrides: Any) -> AbstractAsyncContextManager[str]:
        values: dict[str, Any] = {
            "upstreams": {"catalog": catalog_url, "notary": notary_url, "ghost": dead_url},
            "routes": {
                "/v1/services": "catalog",
                "/v1/services/special": "notary",
                "/v1/documents": "notary",
                "/v1/slow": "catalog",
                "/v1/ghost": "ghost",
            },
            "max_body_bytes": MAX_BODY,
            "log_json": False,
            "policies": {},  # edge auth has its own tests (test_edge.py)
            "events": False,  # no NATS: webhooks have their own tests (test_webhooks.py)
            "upstream_client": upstream_client,
            **overrides,
        }
        # The protocol `python -m gateway` serves with (one send() per response).
        return serving(create_app(Settings(**values), clock=clock), http=CoalescingHttpToolsProtocol)

    return start


@pytest.fixture(scope="session")
async def gateway_url(gateway_at: GatewayFactory) -> AsyncIterator[str]:
    async with gateway_at() as url:
        yield url


@pytest.fixture(scope="session")
async def client(gateway_url: str) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=gateway_url, timeout=10) as c:
        yield c
