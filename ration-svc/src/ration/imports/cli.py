"""`ration import <kind> --governorate <code> FILE`: load a governorate's file with a progress bar.

Runs against the service's database (RATION_DATABASE_URL). Events go to the outbox; the running
service's relay publishes them. Rejected rows are written to FILE.rejects.csv (line, field,
code, reason, value). Interrupted during the load, the transaction rolls back: nothing is
half-applied, and running the command again imports the file from the start. Once the rows are
committed, the command decides the households they concern (the import's evaluation job, in
chunks, with a second progress bar) unless --no-wait is given; the running service's worker
does the same work, so stopping the command there loses nothing: the service finishes the job.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import functools
import sys
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TextIO

from kit import db
from kit.clock import SYSTEM
from kit.errors import ProblemError
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.tables import messaging_tables
from kit.service import register_texts
from ration import scheduler
from ration.imports import repository, service
from ration.imports.kinds import KINDS
from ration.models import Base
from ration.settings import Settings
from ration.texts import TEXTS

CHUNK = 1 << 20


class Bar:
    def __init__(self, total: int, stream: TextIO = sys.stderr, unit: str = "MB/s") -> None:
        self.total = max(total, 1)
        self.unit = unit
        self.done = 0
        self.stream = stream
        self.started = time.monotonic()
        self.shown = 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self.shown < 0.2 and self.done < self.total:
            return
        self.shown = now
        share = self.done / self.total
        rate = self.done / max(now - self.started, 1e-6) / (1e6 if self.unit == "MB/s" else 1)
        filled = int(share * 30)
        self.stream.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {share:6.1%} {rate:8.1f} {self.unit}")
        self.stream.flush()


async def chunks_of(path: Path) -> AsyncIterator[bytes]:
    with path.open("rb") as f:
        while chunk := await asyncio.to_thread(f.read, CHUNK):
            yield chunk


@functools.cache
def _register_texts() -> None:
    """The service's texts (its manifest's table), once a process: the check that none is missing
    reads the package's sources."""
    register_texts(TEXTS, Settings)


async def run_import(
    url: str,
    *,
    kind: str,
    governorate: str,
    path: Path,
    rejects_path: Path,
    source: str,
    size: int | None = None,
    evaluate: bool = True,
) -> service.Outcome:
    """Import `path`; a progress bar on stderr when `size` (the file's bytes) is given. With
    `evaluate`, then work the import's evaluation job until its households are all decided."""
    _register_texts()  # the rejects file says why in words, as the service does
    engine = db.create_engine(url, pool_size=1)
    binding = OutboxBinding(messaging_tables(Base.metadata), source=source)
    sessions = db.sessionmaker(engine, **{SESSION_KEY: binding})
    try:
        async with db.transaction(sessions) as session:
            outcome = await service.run(
                session,
                kind=kind,
                governorate=governorate,
                chunks=chunks_of(path),
                filename=path.name,
                actor="cli",
                clock=SYSTEM,
                progress=None if size is None else Bar(size),
            )
            rejected = await repository.rejects(session, outcome.record.id, limit=10**9)
        if rejected:
            with rejects_path.open("w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "field", "code", "reason", "value"])
                for row in rejected:
                    writer.writerow(
                        [row.line, row.field, row.reason, service.reject_reason(row.reason, "en"), row.value]
                    )
        if evaluate and outcome.job_id is not None and outcome.record.evaluation_status != "done":
            bar = None if size is None else Bar(outcome.record.households_to_evaluate, unit="households/s")
            await scheduler.drain(
                sessions,
                clock=SYSTEM,
                job_id=outcome.job_id,
                progress=None if bar is None else (lambda step: bar(step["evaluated"])),
            )
            async with db.transaction(sessions) as session:
                record = await repository.get(session, outcome.record.id)
            assert record is not None  # imports are never deleted
            outcome.record = record
        return outcome
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ration import", description=__doc__.split("\n")[0])
    parser.add_argument("kind", choices=sorted(KINDS))
    parser.add_argument("file", type=Path)
    parser.add_argument("--governorate", required=True, help="two-digit governorate code, e.g. 03")
    parser.add_argument("--rejects", type=Path, help="where to write rejected rows (default FILE.rejects.csv)")
    parser.add_argument("--quiet", action="store_true")
    parser.add_argument(
        "--no-wait", action="store_true", help="return once the rows are committed; the service decides the households"
    )
    args = parser.parse_args(argv)
    if not (len(args.governorate) == 2 and args.governorate.isdigit()):
        parser.error("--governorate must be two digits")
    settings = Settings()
    rejects_path = args.rejects or args.file.with_name(args.file.name + ".rejects.csv")
    try:
        outcome = asyncio.run(
            run_import(
                settings.database_url,
                kind=args.kind,
                governorate=args.governorate,
                path=args.file,
                rejects_path=rejects_path,
                source=settings.service_name,
                size=None if args.quiet else args.file.stat().st_size,
                evaluate=not args.no_wait,
            )
        )
    except ProblemError as exc:
        print(f"\nrefused: {exc.code} {exc.params or ''}", file=sys.stderr)
        return 2
    r = outcome.record
    if outcome.repeated:
        print(f"\nalready imported as {r.id} on {r.finished_at:%Y-%m-%d %H:%M}; nothing changed")
        return 0
    print(
        f"\nimport {r.id}: {r.rows_total} rows, {r.rows_accepted} accepted, {r.rows_rejected} rejected"
        f"{f' (see {rejects_path})' if r.rows_rejected else ''}; "
        + (
            f"{r.households_reevaluated} households re-evaluated"
            if r.evaluation_status == "done"
            else f"{r.households_to_evaluate} households to re-evaluate (the service is deciding them)"
        )
    )
    return 0
