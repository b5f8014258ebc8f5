"""Helpers for services' tests (real servers, in-process apps)."""

from __future__ import annotations

import secrets
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path, PurePath
from typing import Any

import httpx
from fastapi import FastAPI
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
async def another_service(
    pg_server: Any,
    nats_url: str,
    create_app: Callable[[Any], FastAPI],
    settings_class: Callable[..., Any],
    base_url: str,
) -> AsyncIterator[httpx.AsyncClient]:
    """Another service of the platform (catalog-svc, for the services that ask it), real and
    running in-process on a migrated database of its own, and an HTTP client to it. Its folder
    is found from its app factory (`<folder>/src/<package>/main.py`)."""
    module_file = sys.modules[create_app.__module__].__file__
    assert module_file is not None
    service_dir = PurePath(module_file).parents[2]  # an absolute path: a module file of an installed package
    prefix = service_dir.name.removesuffix("-svc").replace("-", "_")
    async with migrated_database(pg_server, Path(service_dir), prefix) as url:
        settings = settings_class(
            database_url=url,
            nats_url=nats_url,
            environment="test",
            log_json=False,
            service_name=f"{prefix}-{secrets.token_hex(3)}",
        )
        async with running(create_app(settings), base_url=base_url) as client:
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
