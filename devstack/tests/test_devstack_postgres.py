"""PostgresProcess against a real server."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

import asyncpg
import psutil
import pytest

from devstack import DevstackError, PostgresProcess, free_port
from devstack._process import pid_gone as gone


async def test_query_over_tcp_and_data_survives_restart(devstack_root: Path) -> None:
    pg = PostgresProcess(devstack_root / "pg-restart", port=free_port())
    began = time.perf_counter()
    pg.start()
    first = time.perf_counter() - began
    try:
        assert pg.running
        assert pg.dsn() == f"postgresql://postgres@127.0.0.1:{pg.port}/postgres"
        conn = await asyncpg.connect(pg.dsn())
        try:
            await conn.execute("CREATE TABLE kept (id int PRIMARY KEY, note text)")
            await conn.execute("INSERT INTO kept VALUES (1, 'سلام')")
            assert await conn.fetchval("SHOW server_encoding") == "UTF8"
            assert await conn.fetchval("SHOW max_connections") == "300"
            assert await conn.fetchval("SHOW fsync") == "on"
        finally:
            await conn.close()
        old_pid = pg.pid
        pg.stop()
        assert not pg.running
        assert gone(old_pid)

        began = time.perf_counter()
        pg.start()
        warm = time.perf_counter() - began
        conn = await asyncpg.connect(pg.dsn())
        try:
            assert await conn.fetchval("SELECT note FROM kept WHERE id = 1") == "سلام"
        finally:
            await conn.close()
    finally:
        pg.stop()
    print(f"\npostgres start: first (initdb) {first:.2f}s, warm {warm:.2f}s")


def test_context_manager_fast_mode_and_idempotent_stop(devstack_root: Path) -> None:
    with PostgresProcess(devstack_root / "pg-fast", port=free_port(), fast=True) as pg:
        pid = pg.pid

        async def settings() -> list[str]:
            conn = await asyncpg.connect(pg.dsn())
            try:
                return [await conn.fetchval(f"SHOW {s}") for s in ("fsync", "full_page_writes")]
            finally:
                await conn.close()

        from devstack._process import run_sync

        assert run_sync(settings) == ["off", "off"]
    assert gone(pid)
    pg.stop()  # idempotent
    pg.kill()  # also harmless when stopped
    assert not pg.running


async def test_create_and_drop_database_from_inside_event_loop(pg_server: PostgresProcess) -> None:
    assert pg_server.create_database("devstack_idem") is True
    assert pg_server.create_database("devstack_idem") is False
    conn = await asyncpg.connect(pg_server.dsn("devstack_idem"))
    try:
        assert await conn.fetchval("SELECT current_database()") == "devstack_idem"
        # an open connection does not block the drop (WITH (FORCE))
        assert pg_server.drop_database("devstack_idem") is True
    finally:
        await conn.close()
    assert pg_server.drop_database("devstack_idem") is False
    assert pg_server.dsn("x", driver="postgresql+asyncpg").startswith("postgresql+asyncpg://")


async def test_kill_leaves_stale_pidfile_and_start_recovers(devstack_root: Path) -> None:
    pg = PostgresProcess(devstack_root / "pg-crash", port=free_port())
    pg.start()
    try:
        conn = await asyncpg.connect(pg.dsn())
        await conn.execute("CREATE TABLE t (x int); INSERT INTO t VALUES (42)")
        await conn.close()
        pid = pg.pid
        pg.kill()
        assert gone(pid, within=0.5)
        assert (pg.data_dir / "postmaster.pid").exists()
        pg.start()  # removes the stale pid file, crash recovery replays the WAL
        conn = await asyncpg.connect(pg.dsn())
        assert await conn.fetchval("SELECT x FROM t") == 42
        await conn.close()
    finally:
        pg.stop()


def test_bogus_pidfile_of_a_dead_process_is_removed(devstack_root: Path) -> None:
    pg = PostgresProcess(devstack_root / "pg-bogus", port=free_port(), fast=True)
    pg.start()
    pg.stop()
    dead = psutil.Popen(["true"])
    dead.wait()
    (pg.data_dir / "postmaster.pid").write_text(f"{dead.pid}\n{pg.data_dir}\n")
    with pg:
        assert pg.running


def test_second_server_on_live_data_is_refused(pg_server: PostgresProcess) -> None:
    intruder = PostgresProcess(pg_server.data_dir, port=free_port())
    with pytest.raises(DevstackError, match="already running"):
        intruder.start()
    assert pg_server.running
    assert pg_server.create_database("still_alive") in (True, False)


def test_port_taken_fails_with_log_tail(devstack_root: Path) -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        pg = PostgresProcess(devstack_root / "pg-port", port=port, fast=True)
        with pytest.raises(DevstackError) as info:
            pg.start(timeout=10)
    assert "could not" in str(info.value)  # "could not bind IPv4 address" from the server log
    assert not pg.running


def test_child_has_its_own_session(pg_server: PostgresProcess) -> None:
    assert pg_server.pid is not None
    assert os.getsid(pg_server.pid) == pg_server.pid != os.getsid(0)
