"""The evidence archive's write cost per event (issue 16).

Measured: N signed CloudEvents (a traffic fact, as a ministry signs it) appended to evidence-svc's
archive in batches of 256, as its consumer hands them over (`evidence.archive.service.append`: the
chain lock, the leaf hash over the RFC 8785 form, the chain hash, one multi-row INSERT with the
trigger and indexes), each batch its own transaction; then sealed (Merkle trees, signed seals).
Baseline: the same events stored plainly: one multi-row INSERT of the JSON per batch into a table
with only a primary key. Info: microseconds per event for appending, sealing and both, and the
milliseconds of one 100-event bundle export (one person's facts) (proofs, seals, keys, the signed canonical document).
"""

from __future__ import annotations

import json
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import text

import kit.db as db
from bench.harness import Case, Env, Trial
from contracts import Envelope
from contracts.events.traffic import VehicleRegistered
from contracts.signing import SigningKey
from evidence.archive.service import append
from evidence.bundles.service import Exporter, Query, export
from evidence.keys import load
from evidence.seals.service import seal_pending
from kit.messaging.trust import TrustList
from kit.migrations import upgrade_async

SERVICE_DIR = Path(__file__).resolve().parents[2] / "evidence-svc"
BATCH = 256
OWNER = "29001011234567"


producer = SigningKey.generate("traffic-bench", "traffic-authority", ["traffic.>"])


def signed_events(n: int) -> list[dict[str, Any]]:
    key = producer
    now = datetime.now(UTC)
    events = []
    for i in range(n):
        fact = VehicleRegistered(
            vehicle_id=uuid.uuid4(), plate_number=f"ق ط ع {i % 10000}", owner_national_id=OWNER,
            vehicle_type="private_car", make="Toyota", model="Corolla", model_year=2025, governorate="03",
            registered_at=now,
        )  # fmt: skip
        events.append(key.sign(json.loads(Envelope.wrap(fact, source=key.producer, time=now).to_bytes())))
    return events


async def run(env: Env) -> Trial:
    n = env.events
    events = signed_events(n)
    url = env.stack.new_database("evidence")
    await upgrade_async(SERVICE_DIR, url)
    engine = db.create_engine(url)
    sessions = db.sessionmaker(engine)
    keys = load("dev-only-bench")
    try:
        start = time.perf_counter()
        for i in range(0, n, BATCH):
            async with db.transaction(sessions) as session:
                await append(session, events[i : i + BATCH], now=datetime.now(UTC))
        appended = time.perf_counter() - start
        start = time.perf_counter()
        async with db.transaction(sessions) as session:
            await seal_pending(session, key=keys.active, now=datetime.now(UTC), max_events=4096)
        sealed = time.perf_counter() - start
        baseline = await _plain(sessions, events)
        exporter = Exporter(keys=keys, trust=TrustList([], None, extra=[producer.public()]), max_events=100)
        start = time.perf_counter()
        async with db.transaction(sessions) as session:
            query = Query(national_id=OWNER)
            await export(session, query, exporter=exporter, limit=100, cursor=None, now=datetime.now(UTC))
        exported = time.perf_counter() - start
    finally:
        await engine.dispose()
    return Trial(
        measured=n / (appended + sealed),
        baseline=n / baseline,
        info={
            "append_us_per_event": appended / n * 1e6,
            "seal_us_per_event": sealed / n * 1e6,
            "archive_us_per_event": (appended + sealed) / n * 1e6,
            "plain_insert_us_per_event": baseline / n * 1e6,
            "export_100_event_bundle_ms": exported * 1e3,
        },
    )


async def _plain(sessions: Any, events: list[dict[str, Any]]) -> float:
    async with db.transaction(sessions) as session:
        await session.execute(text("CREATE TABLE evidence.plain (id uuid PRIMARY KEY, event text NOT NULL)"))
    start = time.perf_counter()
    for i in range(0, len(events), BATCH):
        rows = [{"id": uuid.UUID(e["id"]), "event": json.dumps(e, ensure_ascii=False)} for e in events[i : i + BATCH]]
        async with db.transaction(sessions) as session:
            await session.execute(text("INSERT INTO evidence.plain (id, event) VALUES (:id, :event)"), rows)
    return time.perf_counter() - start


CASES = [
    Case(
        name="evidence_archive",
        summary="evidence archive: append (chain) + seal (Merkle, signed) per event vs a plain INSERT of the same JSON",
        unit="events/s",
        target=None,
        run=run,
    )
]
