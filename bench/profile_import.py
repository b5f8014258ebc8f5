"""Where a households import's time goes: one `ration import` of a generated file and its
evaluation job, each SQL statement timed (wall time, on the importing connection), then the fair
COPY the `ration_import` case compares with, on a PostgreSQL of its own (`bench.stack.Stack`).

    .venv/bin/python bench/profile_import.py                    # 200,000 households
    .venv/bin/python bench/profile_import.py --households 1000000 --plans 1500

`--plans MS` has PostgreSQL's `auto_explain` log the plan (with actual rows, times and buffers) of
every statement that takes longer, into `--log` (the server's log, copied there at the end).
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import sys
import time
from pathlib import Path
from typing import Any

import asyncpg
from sqlalchemy import event
from sqlalchemy.engine import Engine

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cases import ration_eligibility as case
from bench.harness import Env
from bench.stack import Stack
from kit.clock import SYSTEM
from ration import scheduler

_spent: dict[str, list[float]] = {}


@event.listens_for(Engine, "before_cursor_execute")
def _before(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    conn.info["statement_started"] = time.perf_counter()  # the connection's own scratch space


@event.listens_for(Engine, "after_cursor_execute")
def _after(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
    seconds = time.perf_counter() - conn.info.pop("statement_started")
    entry = _spent.setdefault(" ".join(statement.split())[:110], [0, 0.0])
    entry[0] += 1
    entry[1] += seconds


def _report(title: str, seconds: float) -> None:
    print(f"{title}: {seconds:.2f} s")
    for statement, (times, spent) in sorted(_spent.items(), key=lambda kv: -kv[1][1])[:12]:
        if spent >= 0.05:
            print(f"  {spent:7.2f} s  x{times:<4} {statement}")
    _spent.clear()


async def _explain(url: str, slower_than_ms: int) -> None:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        name = url.rsplit("/", 1)[-1]
        settings = {
            "session_preload_libraries": "auto_explain",
            "auto_explain.log_min_duration": str(slower_than_ms),
            "auto_explain.log_analyze": "on",
            "auto_explain.log_buffers": "on",
            "auto_explain.log_nested_statements": "on",
        }
        for key, value in settings.items():
            await conn.execute(f"ALTER DATABASE {name} SET {key} = '{value}'")
    finally:
        await conn.close()


async def _profile(stack: Stack, households: int, plans: int | None) -> None:
    files = case._files(households)
    print(f"{households:,} households, {files.members:,} rows")
    url, (engine, sessions) = await case._database(Env(stack=stack, events=0, quick=False))
    try:
        if plans is not None:
            await _explain(url, plans)
            await engine.dispose()  # new connections load auto_explain
        _spent.clear()
        imported, peak = await case._import(url, files.households, "households", evaluate=False)
        _report("import", imported)
        start = time.perf_counter()
        await scheduler.drain(sessions, clock=SYSTEM)
        decided = time.perf_counter() - start
        _report("evaluation job", decided)
    finally:
        await engine.dispose()
    fair = await case._fair_copy(url, files.households)
    print(f"fair COPY: {fair:.2f} s")
    print(f"ratio {fair / (imported + decided):.3f} (import alone {fair / imported:.3f}); RSS +{peak:.1f} MB")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--households", type=int, default=200_000)
    parser.add_argument("--plans", type=int, metavar="MS", help="log the plans of statements slower than MS")
    parser.add_argument("--log", type=Path, default=Path("import-plans.log"))
    args = parser.parse_args()
    with Stack() as stack:
        try:
            asyncio.run(_profile(stack, args.households, args.plans))
        finally:
            if args.plans is not None:
                shutil.copy(stack.pg.log_file, args.log)
                print(f"plans: {args.log}")


if __name__ == "__main__":
    main()
