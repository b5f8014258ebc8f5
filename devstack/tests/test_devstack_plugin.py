"""The pytest fixtures, and that children never outlive their parent."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import asyncpg
import pytest

from devstack._process import pid_gone as gone
from devstack.postgres import PostgresProcess
from devstack.pytest_plugin import DatabaseFactory


async def test_pg_database_factory(pg_database: DatabaseFactory, pg_server: PostgresProcess) -> None:
    a = pg_database()
    b = pg_database("Identity-Svc")
    assert a != b
    assert a.startswith(f"postgresql+asyncpg://postgres@127.0.0.1:{pg_server.port}/test_")
    assert "/identity_svc_" in b
    conn = await asyncpg.connect(b.replace("+asyncpg", ""))
    try:
        assert await conn.fetchval("SELECT count(*) FROM pg_tables WHERE schemaname='public'") == 0
    finally:
        await conn.close()  # the drop at teardown would also force it closed


def test_fixtures_clean_up_after_session(pytester: pytest.Pytester, tmp_path: Path) -> None:
    """In a nested session: databases are dropped and the data folder is removed."""
    record = tmp_path / "record.json"
    pytester.makepyfile(
        textwrap.dedent(
            f"""
            import json
            def test_a(pg_database, pg_server, nats_server, devstack_root):
                dsn = pg_database("gone")
                json.dump({{"dsn": dsn, "root": str(devstack_root), "pg": pg_server.pid,
                           "nats": nats_server.pid, "data": str(pg_server.data_dir)}},
                          open({str(record)!r}, "w"))
            def test_b(pg_server):
                import json
                name = json.load(open({str(record)!r}))["dsn"].rsplit("/", 1)[1]
                assert pg_server.create_database(name) is True  # it was dropped after test_a
            """
        )
    )
    result = pytester.runpytest_subprocess(
        "-q", "-p", "no:cacheprovider", "-o", "asyncio_default_fixture_loop_scope=function"
    )
    result.assert_outcomes(passed=2)
    seen = json.loads(record.read_text())
    assert not Path(seen["root"]).exists()
    assert gone(seen["pg"])
    assert gone(seen["nats"])


ORPHAN = """
import json, os, signal, sys
from pathlib import Path
from devstack import NatsProcess, PostgresProcess, free_port
root = Path(sys.argv[1])
pg = PostgresProcess(root / "pg", port=free_port(), fast=True)
pg.start()
nt = NatsProcess(root / "nats", port=free_port())
nt.start()
print(json.dumps([pg.pid, nt.pid]), flush=True)
os.kill(os.getpid(), signal.SIGKILL)  # no atexit, no cleanup: only PR_SET_PDEATHSIG is left
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux-only")
def test_children_die_with_a_killed_parent(devstack_root: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-c", ORPHAN, str(devstack_root / "orphan")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == -9, done.stderr
    pg_pid, nats_pid = json.loads(done.stdout)
    assert gone(pg_pid), "postgres outlived its parent"
    assert gone(nats_pid), "nats-server outlived its parent"
    shutil.rmtree(PostgresProcess(devstack_root / "orphan" / "pg", port=0).socket_dir)
