"""The whole platform as `make run` starts it, shared by the cross-service tests: real
processes on free ports, real PostgreSQL and NATS, its own data folder under .data/test/.
Every process sends its traces (OTLP/HTTP, as in the cluster) to a collector in this process."""

from __future__ import annotations

from collections.abc import Iterator

import otlp_collector
import pytest
import web_browser
from playwright.sync_api import Browser

from devstack.background import BackgroundPlatform, start


@pytest.fixture(scope="session")
def collector() -> Iterator[otlp_collector.Collector]:
    running = otlp_collector.start()
    yield running
    running.stop()


@pytest.fixture(scope="session")
def platform(collector: otlp_collector.Collector) -> Iterator[BackgroundPlatform]:
    running = start(
        env={
            "OTEL_TRACES_EXPORTER": "otlp",
            "OTEL_EXPORTER_OTLP_ENDPOINT": collector.endpoint,
            "OTEL_EXPORTER_OTLP_PROTOCOL": "http/protobuf",
            "OTEL_BSP_SCHEDULE_DELAY": "200",  # milliseconds: the tests read spans soon after
            # web as behind an ingress: each browser context and client says its own address
            # (X-Forwarded-For), so the limits count the suite's many citizens apart (web sends the
            # address on; the gateway believes web's).
            "WEB_TRUSTED_PROXY_HOPS": "1",
        }
    )
    yield running
    running.stop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """The system's headless Chromium, driven by Playwright (the browser journeys of web/)."""
    with web_browser.launched() as running:
        yield running


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core, from .data/node (npm), injected into each page the browser tests visit."""
    return web_browser.axe_script()
