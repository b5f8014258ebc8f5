from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
from office_routing_support import Harness, harness


@pytest.fixture(scope="module")
async def h(pg_server: Any, nats_server: Any) -> AsyncIterator[Harness]:
    async with harness(pg_server, nats_server.url) as running:
        yield running
