"""What every service must do, as a test class each service's suite inherits:
migrations apply from nothing (and again, as a no-op), the app becomes ready against
real PostgreSQL and NATS, errors are problem+json, the public API is documented, and every
text it shows exists in Arabic and English, each wholly in its language (`kit.textcheck`)."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any, ClassVar

import pytest
from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from kit import textcheck
from kit.migrations import upgrade_async
from kit.testing import running


class ServiceConformance:
    """Subclass with `create_app`, `settings_class` and `service_dir` set; needs devstack's fixtures."""

    create_app: ClassVar[Callable[..., FastAPI]]
    settings_class: ClassVar[type[Any]]
    service_dir: ClassVar[Path]

    @pytest.fixture
    async def migrated_url(self, pg_database: Callable[[], str]) -> str:
        url = pg_database()
        await upgrade_async(self.service_dir, url)
        return url

    @pytest.fixture
    def app(self, migrated_url: str, nats_server: Any) -> FastAPI:
        settings = self.settings_class(
            database_url=migrated_url, nats_url=nats_server.url, environment="test", log_json=False
        )
        return type(self).create_app(settings)

    async def test_migrations_are_repeatable(self, migrated_url: str) -> None:
        await upgrade_async(self.service_dir, migrated_url)  # second run: nothing to do
        settings = self.settings_class(database_url=migrated_url)
        engine = create_async_engine(migrated_url)
        async with engine.connect() as conn:
            tables = set(
                (
                    await conn.execute(
                        text("SELECT table_name FROM information_schema.tables WHERE table_schema = :s"),
                        {"s": settings.db_schema},
                    )
                ).scalars()
            )
        await engine.dispose()
        assert {"outbox", "inbox", "dead_letter_replays", "alembic_version"} <= tables

    async def test_ready_against_real_servers(self, app: FastAPI) -> None:
        async with running(app) as client:
            assert (await client.get("/healthz")).status_code == 200
            assert (await client.get("/readyz")).status_code == 200

    async def test_unknown_route_is_a_problem(self, app: FastAPI) -> None:
        async with running(app) as client:
            response = await client.get("/v1/no-such-thing", headers={"Accept-Language": "en"})
            assert response.status_code == 404
            assert response.headers["content-type"].startswith("application/problem+json")
            assert response.json()["title"] == "Not found"

    async def test_public_routes_are_versioned_and_declare_errors(self, app: FastAPI) -> None:
        schema = app.openapi()
        for path, operations in schema.get("paths", {}).items():
            assert path.startswith("/v1/"), f"{path} is not under /v1"
            for method, operation in operations.items():
                statuses = set(operation.get("responses", {}))
                assert statuses - {"200", "201", "202", "204"}, f"{method} {path} declares no error responses"

    def test_nothing_a_route_calls_runs_on_the_thread_pool(self, app: FastAPI) -> None:
        """Endpoints and dependencies are `async def`: a plain `def` is run on FastAPI's thread
        pool, a thread hand-off per request (a power of attorney's read in notary-svc: 3.45 ms of CPU
        with two such hops, 2.85 without, one measurement each)."""
        assert on_thread_pool(app) == [], "make these `async def` (keep blocking work off the loop)"

    def test_every_text_is_in_both_languages(self) -> None:
        textcheck.import_package(type(self).create_app.__module__.split(".")[0])
        faults = textcheck.catalogue_faults()
        assert not faults, "texts to fix:\n" + "\n".join(faults)

    def test_every_problem_raised_has_texts(self) -> None:
        textcheck.import_package(type(self).create_app.__module__.split(".")[0])
        source = self.service_dir / "src"
        missing = textcheck.untexted_codes(source) + textcheck.bare_value_errors(source)
        assert not missing, "texts to add:\n" + "\n".join(missing)


def on_thread_pool(app: FastAPI) -> list[str]:
    """The endpoints and dependencies of `app` that FastAPI would run on its thread pool (plain
    `def`s): each is a hand-off to a worker thread and back on every request that meets it, CPU
    and latency for what is nearly always a lookup. `method path: module.function` each."""
    found: set[str] = set()
    for route in _api_routes(app.routes):
        for call in _calls(route.dependant):
            if not _runs_on_loop(call):
                name = f"{getattr(call, '__module__', '?')}.{getattr(call, '__qualname__', repr(call))}"
                found.add(f"{','.join(sorted(route.methods or ()))} {route.path}: {name}")
    return sorted(found)


def _api_routes(routes: Iterable[object]) -> Iterator[APIRoute]:
    for route in routes:
        if isinstance(route, APIRoute):
            yield route
        elif (included := getattr(route, "original_router", None)) is not None:  # include_router's wrapper
            yield from _api_routes(included.routes)


def _calls(dependant: Dependant) -> Iterator[Callable[..., object]]:
    if dependant.call is not None:
        yield dependant.call
    for sub in dependant.dependencies:
        yield from _calls(sub)


def _runs_on_loop(call: Callable[..., object]) -> bool:
    for candidate in (call, type(call).__call__):  # a function, or an instance whose __call__ is async
        if inspect.iscoroutinefunction(candidate) or inspect.isasyncgenfunction(candidate):
            return True
    return False
