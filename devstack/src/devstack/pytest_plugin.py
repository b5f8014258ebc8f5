"""pytest fixtures for real PostgreSQL and NATS, registered for every test run via the
``pytest11`` entry point ``shubbak_devstack``.

Servers start only when a test asks for them, on free ports, with data under
``<repo>/.data/test/<pid>-<random>`` (removed at the end of the session).
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devstack.nats import NatsProcess
from devstack.paths import data_root
from devstack.ports import free_port
from devstack.postgres import PostgresProcess

DatabaseFactory = Callable[..., str]


@pytest.fixture(scope="session")
def devstack_root() -> Iterator[Path]:
    """A fresh folder for this session's server data, removed at the end."""
    root = data_root() / "test" / f"{os.getpid()}-{secrets.token_hex(4)}"
    root.mkdir(parents=True)
    try:
        yield root
    finally:
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server(devstack_root: Path) -> Iterator[PostgresProcess]:
    """A PostgreSQL server for the whole session (durability off: tests only)."""
    with PostgresProcess(devstack_root / "postgres", port=free_port(), fast=True) as pg:
        yield pg


@pytest.fixture(scope="session")
def nats_server(devstack_root: Path) -> Iterator[NatsProcess]:
    """A NATS JetStream server for the whole session, with an HTTP monitor port."""
    with NatsProcess(devstack_root / "nats", port=free_port(), monitor_port=free_port()) as server:
        yield server


@pytest.fixture
def fresh_nats(devstack_root: Path) -> Iterator[NatsProcess]:
    """A NATS server of this test's own, free to be killed and restarted."""
    name = f"nats-{secrets.token_hex(4)}"
    server = NatsProcess(devstack_root / name, port=free_port(), monitor_port=free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(devstack_root / name, ignore_errors=True)


@pytest.fixture
def fresh_postgres(devstack_root: Path) -> Iterator[PostgresProcess]:
    """A PostgreSQL server of this test's own, free to be stopped and started again (same port)."""
    name = f"postgres-{secrets.token_hex(4)}"
    server = PostgresProcess(devstack_root / name, port=free_port(), fast=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(devstack_root / name, ignore_errors=True)


@pytest.fixture
def pg_database(pg_server: PostgresProcess) -> Iterator[DatabaseFactory]:
    """A factory: ``pg_database(prefix="test")`` creates a new empty database and returns its
    ``postgresql+asyncpg://`` DSN. Every database made is dropped after the test."""
    created: list[str] = []

    def make(prefix: str = "test") -> str:
        clean = re.sub(r"[^a-z0-9_]", "_", prefix.lower())[:40] or "test"
        name = f"{clean}_{secrets.token_hex(6)}"
        pg_server.create_database(name)
        created.append(name)
        return pg_server.dsn(name, driver="postgresql+asyncpg")

    yield make
    if pg_server.running:
        for name in created:
            pg_server.drop_database(name)
