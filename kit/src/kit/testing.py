"""Helpers for services' tests (real servers, in-process apps)."""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from kit.migrations import upgrade_async


@asynccontextmanager
async def migrated_database(pg_server: Any, service_dir: Path, prefix: str) -> AsyncIterator[str]:
    """A fresh database on devstack's `pg_server`, migrated to the service's head; its URL.
    Dropped afterwards (typically one per test module)."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    pg_server.create_database(name)
    url: str = pg_server.dsn(name, driver="postgresql+asyncpg")
    try:
        await upgrade_async(service_dir, url)
        yield url
    finally:
        if pg_server.running:
            pg_server.drop_database(name)


@asynccontextmanager
async def running(app: FastAPI, base_url: str = "http://svc") -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (bus, relay, consumers) and give an in-process HTTP client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


@asynccontextmanager
async def catalogue_stand_in(names: dict[str, tuple[str, str]]) -> AsyncIterator[httpx.AsyncClient]:
    """Stands in for catalog-svc's public catalogue in one service's own tests: `GET
    /v1/services/{code}` answers `names[code]` as (Arabic, English), 404 for another code, over
    in-process HTTP (base URL http://catalog). The platform-wide tests in tests/ use the real one."""
    catalogue = FastAPI()

    @catalogue.get("/v1/services/{code}")
    async def service(code: str) -> Any:
        if code not in names:
            return JSONResponse({"code": "service_not_found"}, status_code=404)
        name_ar, name_en = names[code]
        return {"code": code, "name_ar": name_ar, "name_en": name_en}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=catalogue), base_url="http://catalog") as client:
        yield client


async def stream_messages(js: JetStreamContext, stream: str, subject_prefix: str = "") -> list[Msg]:
    """Every message now stored in `stream` whose subject starts with `subject_prefix`."""
    info = await js.stream_info(stream)
    out: list[Msg] = []
    if info.state.messages == 0:
        return out
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            raw = await js.get_msg(stream, seq)
        except NotFoundError:
            continue
        if (raw.subject or "").startswith(subject_prefix):
            out.append(raw)  # type: ignore[arg-type]
    return out
