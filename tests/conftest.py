"""The whole platform as `make run` starts it, shared by the cross-service tests: real
processes on free ports, real PostgreSQL and NATS, its own data folder under .data/test/."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from devstack.background import BackgroundPlatform, start


@pytest.fixture(scope="session")
def platform() -> Iterator[BackgroundPlatform]:
    running = start()
    yield running
    running.stop()
