"""ration-svc: bulk import of a governorate file and full re-evaluation after a rule change.

`ration_import`: the whole `ration import households` (COPY into staging, set-based checks with
rejects, the merge, members counts, then the durable evaluation job until every household is
decided) on a generated file of N households, member rows/s. Baseline (issue 18, a fair one): a
`COPY` of the same rows, already shaped, into empty tables with the same definitions as
`households` and `members` (`LIKE ... INCLUDING ALL`: the same columns, defaults, constraints and
indexes, and the same foreign keys), in the same database and run. Info: the raw COPY of the file
into a plain unindexed table (the old baseline), peak RSS growth of the process during the import
(MB, sampled from /proc every 50 ms), the import alone and the first decisions, as households/s.

`ration_import_cairo` (info): the same whole import for a Cairo-sized file (2,500,000 households;
RATION_BENCH_CAIRO_HOUSEHOLDS, 20,000 with --quick): seconds and peak RSS growth, which stays flat
because the file is streamed to PostgreSQL and checked there.

`ration_reevaluation`: after households, cars and meters are loaded, a new rule set goes live
and every household is re-evaluated in one set-based statement (seconds); baseline: one plain
scan-join of the same facts (households × members × vehicles × meters). Lower is better.

N = 2,000 households with --quick, else RATION_BENCH_HOUSEHOLDS (default 1,000,000).
"""

from __future__ import annotations

import asyncio
import atexit
import os
import resource
import shutil
import tempfile
import time
import uuid
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

import kit.db as db
from bench.harness import Case, Env, Trial
from kit.clock import SYSTEM, utcnow
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.tables import messaging_tables
from kit.migrations import upgrade_async
from ration import scheduler
from ration.imports.cli import run_import
from ration.imports.generator import Files, write
from ration.models import Base
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn

SERVICE_DIR = Path(__file__).resolve().parents[2] / "ration-svc"
_FILES: dict[int, Files] = {}


def _rules(version: str, min_year: int, max_kwh: int) -> RuleSetIn:
    return RuleSetIn.model_validate(
        {
            "version": version,
            "subsidy_per_member_piastres": 5000,
            "card_cap_piastres": 20000,
            "appeal_window_days": 30,
            "rules": [
                {
                    "code": "car_model_year",
                    "kind": "vehicle_model_year",
                    "min_model_year": min_year,
                    "explanation_ar": "سيارة موديل {model_year} مسجلة بتاريخ {registered_on}",
                    "explanation_en": "A car, model {model_year}, registered {registered_on}",
                },
                {
                    "code": "electricity_consumption",
                    "kind": "electricity_monthly_kwh",
                    "max_monthly_kwh": max_kwh,
                    "explanation_ar": "استهلاك {monthly_kwh} ك.و.س شهريًا",
                    "explanation_en": "{monthly_kwh} kWh a month",
                },
            ],
        }
    )


def _households(env: Env) -> int:
    return 2_000 if env.quick else int(os.environ.get("RATION_BENCH_HOUSEHOLDS", "1000000"))


def _files(n: int) -> Files:
    if n not in _FILES:
        folder = Path(tempfile.mkdtemp(prefix="ration-bench-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)  # ~200 MB at 1,000,000 households
        _FILES[n] = write(folder, households=n, governorate="03")
    return _FILES[n]


Sessions = async_sessionmaker[AsyncSession]


async def _database(env: Env) -> tuple[str, tuple[AsyncEngine, Sessions]]:
    url = await asyncio.to_thread(env.stack.new_database, "ration")
    await upgrade_async(SERVICE_DIR, url)
    engine = db.create_engine(url, pool_size=2)
    sessions = db.sessionmaker(engine, **{SESSION_KEY: OutboxBinding(messaging_tables(Base.metadata), "bench")})
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=_rules("2019.1", 2015, 650), actor="bench")
        await rules.schedule(
            session, rule_set_id=draft.id, effective_from=draft.created_at, actor="bench", now=utcnow()
        )
    return url, (engine, sessions)


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * resource.getpagesize() / 1e6


async def _import(url: str, path: Path, kind: str, *, evaluate: bool = True) -> tuple[float, float]:
    """Seconds and peak RSS growth (MB) of one import (with `evaluate`, until its households are decided)."""
    base, peak, done = _rss_mb(), 0.0, asyncio.Event()

    async def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _rss_mb() - base)
            await asyncio.sleep(0.05)

    sampler = asyncio.create_task(sample())
    start = time.perf_counter()
    await run_import(
        url, kind=kind, governorate="03", path=path, rejects_path=path.with_suffix(".rej"), source="bench",
        evaluate=evaluate,
    )  # fmt: skip
    seconds = time.perf_counter() - start
    done.set()
    await sampler
    return seconds, peak


async def _raw_copy(url: str, path: Path) -> float:
    conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
    try:
        await conn.execute(
            "CREATE TABLE raw_households (card_number text, supply_office text, national_id text, relation text)"
        )
        start = time.perf_counter()
        await conn.copy_to_table("raw_households", source=path, format="csv", header=True)
        return time.perf_counter() - start
    finally:
        await conn.close()


def _shaped_rows(path: Path, folder: Path) -> tuple[Path, Path]:
    """The file's rows as the tables hold them (households, members), written as CSV for COPY
    (not timed): what an import would write if it had nothing to check."""
    households, members = folder / "households.csv", folder / "members.csv"
    cards: dict[str, str] = {}
    with path.open(encoding="utf-8") as source, households.open("w") as h, members.open("w") as m:
        next(source)  # header
        for line in source:
            card, office, national_id, relation = line.rstrip("\n").split(",")
            household = cards.get(card)
            if household is None:
                household = cards[card] = str(uuid.uuid4())
                h.write(f"{household},{card},03,{office},{national_id}\n")
            m.write(f"{household},{national_id},{relation},bench\n")
    return households, members


async def _fair_copy(url: str, path: Path) -> float:
    """Seconds to COPY the file's rows, shaped, into empty copies of `households` and `members`
    with the same definitions: columns, defaults, constraints, indexes and foreign keys."""
    folder = Path(tempfile.mkdtemp(prefix="ration-fair-"))
    try:
        households, members = await asyncio.to_thread(_shaped_rows, path, folder)
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute(
                """CREATE SCHEMA fair;
                   CREATE TABLE fair.households (LIKE ration.households INCLUDING ALL);
                   CREATE TABLE fair.members (LIKE ration.members INCLUDING ALL);"""
            )
            foreign_keys = await conn.fetch(
                """SELECT c.conrelid::regclass::text AS tab, pg_get_constraintdef(c.oid) AS def
                   FROM pg_constraint c WHERE c.contype = 'f'
                   AND c.conrelid IN ('ration.households'::regclass, 'ration.members'::regclass)"""
            )
            for row in foreign_keys:  # the same foreign keys, onto the copies
                table = "fair." + row["tab"].rsplit(".", 1)[-1]
                target = row["def"].replace("REFERENCES ration.", "REFERENCES fair.")
                target = target.replace("REFERENCES households(", "REFERENCES fair.households(")
                await conn.execute(f"ALTER TABLE {table} ADD {target}")
            start = time.perf_counter()
            async with conn.transaction():
                await conn.copy_to_table(
                    "households", schema_name="fair", source=households, format="csv",
                    columns=["id", "card_number", "governorate", "supply_office", "holder_national_id"],
                )  # fmt: skip
                await conn.copy_to_table(
                    "members", schema_name="fair", source=members, format="csv",
                    columns=["household_id", "national_id", "relation", "source"],
                )  # fmt: skip
            return time.perf_counter() - start
        finally:
            await conn.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def _whole_import(env: Env, files: Files) -> tuple[float, float, float, str]:
    """The import and its evaluation job on a fresh database: (import s, decisions s, peak MB, url)."""
    url, (engine, sessions) = await _database(env)
    try:
        seconds, peak = await _import(url, files.households, "households", evaluate=False)
        start = time.perf_counter()  # the evaluation job, as the service's worker runs it
        await scheduler.drain(sessions, clock=SYSTEM)
        decisions = time.perf_counter() - start
    finally:
        await engine.dispose()
    return seconds, decisions, peak, url


async def run_import_case(env: Env) -> Trial:
    files = _files(_households(env))
    seconds, decisions, peak, url = await _whole_import(env, files)
    fair = await _fair_copy(url, files.households)
    raw = await _raw_copy(url, files.households)
    return Trial(
        measured=files.members / (seconds + decisions),
        baseline=files.members / fair,
        info={
            "peak_rss_growth_mb": peak,
            "import_s": seconds,
            "evaluation_s": decisions,
            "fair_copy_s": fair,
            "raw_copy_rows_per_s": files.members / raw,
            "import_alone_rows_per_s": files.members / seconds,
            "first_decisions_per_s": _households(env) / decisions,
        },
    )


async def run_cairo_case(env: Env) -> Trial:
    households = 20_000 if env.quick else int(os.environ.get("RATION_BENCH_CAIRO_HOUSEHOLDS", "2500000"))
    files = _files(households)
    seconds, decisions, peak, url = await _whole_import(env, files)
    fair = await _fair_copy(url, files.households)
    return Trial(
        measured=files.members / (seconds + decisions),
        baseline=files.members / fair,
        info={
            "households": float(households),
            "import_s": seconds,
            "evaluation_s": decisions,
            "peak_rss_growth_mb": peak,
        },
    )


async def run_reevaluation_case(env: Env) -> Trial:
    files = _files(_households(env))
    url, (engine, sessions) = await _database(env)
    try:
        for path, kind in (
            (files.households, "households"),
            (files.vehicles, "vehicles"),
            (files.electricity, "electricity"),
        ):
            await _import(url, path, kind)
        conn = await asyncpg.connect(url.replace("postgresql+asyncpg", "postgresql"))
        try:
            await conn.execute("VACUUM ANALYZE")
            start = time.perf_counter()
            await conn.fetchval(
                """SELECT count(*) FROM ration.households h JOIN ration.members m ON m.household_id = h.id
                   LEFT JOIN ration.vehicles v ON v.owner_national_id = m.national_id
                   LEFT JOIN ration.meters e ON e.subscriber_national_id = m.national_id
                   WHERE m.removed_at IS NULL AND (v.model_year >= 2017 OR e.monthly_kwh > 500 OR true)"""
            )
            floor = time.perf_counter() - start
        finally:
            await conn.close()
        async with sessions() as session, session.begin():
            draft = await rules.create_draft(session, data=_rules("2025.1", 2017, 500), actor="bench")
        async with sessions() as session, session.begin():
            start = time.perf_counter()  # the rule set goes live: every household re-evaluated, changes written
            await rules.schedule(
                session, rule_set_id=draft.id, effective_from=draft.created_at, actor="bench", now=utcnow()
            )
            seconds = time.perf_counter() - start
        async with sessions() as session:
            changed = await session.scalar(text("SELECT count(*) FROM ration.decisions WHERE trigger = 'rules:2025.1'"))
    finally:
        await engine.dispose()
    return Trial(
        measured=seconds,
        baseline=floor,
        info={"households_per_s": _households(env) / seconds, "decisions_changed": float(changed or 0)},
    )


CASES = [
    Case(
        name="ration_import",
        summary="the whole import (staging, checks, merge, counts, evaluation job) vs COPY into same-defined tables",
        unit="rows/s",
        target=0.5,
        run=run_import_case,
    ),
    Case(
        name="ration_import_cairo",
        summary="a Cairo-sized file (2.5 million households) imported whole: time and peak memory (info)",
        unit="rows/s",
        target=None,
        run=run_cairo_case,
        max_trials=1,  # about 10 million member rows: minutes, once
    ),
    Case(
        name="ration_reevaluation",
        summary="full set-based re-evaluation after a rule change vs one plain scan-join of the same facts",
        unit="s",
        target=3.0,
        run=run_reevaluation_case,
        higher_is_better=False,
    ),
]
