"""kit.serve: a server process sets its garbage collector once its app has started."""

from __future__ import annotations

import asyncio
import gc
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from fastapi import FastAPI

from kit.serve import GC_THRESHOLDS, settling


@pytest.fixture
def collector() -> Iterator[None]:
    thresholds = gc.get_threshold()
    try:
        yield
    finally:  # what settle() froze goes back into the collector's sight
        gc.unfreeze()
        gc.set_threshold(*thresholds)


async def test_the_collector_is_set_when_startup_completes_not_before(collector) -> None:
    during_startup: list[tuple[tuple[int, int, int], int]] = []

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        during_startup.append((gc.get_threshold(), gc.get_freeze_count()))
        yield

    app = FastAPI(lifespan=lifespan)

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    served = settling(app)
    incoming: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    sent: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
    gc.unfreeze()
    life = asyncio.create_task(served({"type": "lifespan", "asgi": {"version": "3.0"}}, incoming.get, sent.put))
    await incoming.put({"type": "lifespan.startup"})
    assert (await asyncio.wait_for(sent.get(), 5))["type"] == "lifespan.startup.complete"
    assert gc.get_threshold() == GC_THRESHOLDS
    assert gc.get_freeze_count() > 0
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=served), base_url="http://svc") as client:
        assert (await client.get("/ping")).json() == {"pong": "yes"}  # requests pass through untouched
    await incoming.put({"type": "lifespan.shutdown"})
    assert (await asyncio.wait_for(sent.get(), 5))["type"] == "lifespan.shutdown.complete"
    await life
    [(threshold, frozen)] = during_startup
    assert threshold != GC_THRESHOLDS
    assert frozen == 0
