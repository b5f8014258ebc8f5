"""Dead letters: the events a consumer gave up on, kept in the DEADLETTER stream, and their replay.

A dead letter is `deadletter.<durable>.<original subject>` with the original body and the
reason in its headers. An operator replays one (or every one of a consumer) through the very
consumer that gave up on it: the event is handled in one transaction through the inbox, so an
event already applied (e.g. by an earlier replay) is not applied twice, and the audit row
(who, when, which, what came of it) commits in that same transaction. A replay that fails
again is audited too, and the dead letter stays where it is.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import unquote

from nats.js import JetStreamContext
from nats.js.api import RawStreamMsg
from nats.js.errors import NotFoundError
from sqlalchemy import RowMapping, Table, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, InvalidEnvelope, UnknownEvent
from contracts.streams import DEAD_LETTER
from kit import metrics
from kit.db import transaction, unreachable
from kit.messaging.consumer import DEAD_CONSUMER, DEAD_DELIVERIES, DEAD_KIND, DEAD_REASON, Consumer

PREFIX = DEAD_LETTER.subjects[0].removesuffix(">")  # "deadletter."
OUTCOMES = ("applied", "duplicate", "failed")


@dataclass(frozen=True)
class DeadLetter:
    seq: int
    consumer: str
    subject: str
    event_id: uuid.UUID | None
    kind: str | None
    reason: str
    deliveries: int | None
    dead_at: datetime | None
    data: bytes
    headers: dict[str, str]

    @classmethod
    def of(cls, raw: RawStreamMsg) -> DeadLetter:
        headers = {k: str(v) for k, v in (raw.headers or {}).items()}
        _, consumer, subject = (raw.subject or "").split(".", 2)
        deliveries = headers.get(DEAD_DELIVERIES, "")
        return cls(
            seq=raw.seq or 0,
            consumer=headers.get(DEAD_CONSUMER, consumer),
            subject=subject,
            event_id=_event_id(raw.data or b""),
            kind=headers.get(DEAD_KIND),
            reason=unquote(str(headers.get(DEAD_REASON, ""))),
            deliveries=int(deliveries) if deliveries.isdigit() else None,
            dead_at=raw.time,
            data=raw.data or b"",
            headers={k: v for k, v in headers.items() if not k.startswith(("Shubbak-Dead-", "Nats-"))},
        )


@dataclass(frozen=True)
class Replay:
    dead_letter_seq: int
    consumer: str
    subject: str
    event_id: uuid.UUID | None
    outcome: str
    error: str | None
    replayed_by: str
    replayed_at: datetime


async def page(
    js: JetStreamContext, *, consumer: str, subject: str | None = None, after: int = 0, limit: int = 50
) -> list[DeadLetter]:
    """Up to `limit` of `consumer`'s dead letters (of `subject` if given) after sequence `after`."""
    wanted = f"{PREFIX}{consumer}.{subject or '>'}"
    found: list[DeadLetter] = []
    seq = after + 1
    while len(found) < limit:
        try:
            raw = await js.get_msg(DEAD_LETTER.name, seq=seq, subject=wanted, next=True)
        except NotFoundError:
            break
        found.append(DeadLetter.of(raw))
        seq = found[-1].seq + 1
    return found


async def one(js: JetStreamContext, seq: int) -> DeadLetter | None:
    try:
        raw = await js.get_msg(DEAD_LETTER.name, seq=seq)
    except NotFoundError:
        return None
    if not (raw.subject or "").startswith(PREFIX):
        return None
    return DeadLetter.of(raw)


async def replays_of(session: AsyncSession, table: Table, seqs: Sequence[int]) -> dict[int, list[Replay]]:
    """The replays of these dead letters, newest first."""
    if not seqs:
        return {}
    rows = await session.execute(
        select(table).where(table.c.dead_letter_seq.in_(list(seqs))).order_by(table.c.id.desc())
    )
    out: dict[int, list[Replay]] = {}
    for row in rows.mappings():
        out.setdefault(row["dead_letter_seq"], []).append(_replay(row))
    return out


def consumer_for(consumers: Sequence[Consumer], letter: DeadLetter) -> Consumer | None:
    """The consumer of this service that gave up on `letter`, if it is one of ours."""
    for consumer in consumers:
        if consumer.durable == letter.consumer and letter.subject in consumer.handlers:
            return consumer
    return None


async def replay(consumer: Consumer, table: Table, letter: DeadLetter, *, by: str, request_id: str | None) -> Replay:
    """Handle `letter` again through `consumer` and its inbox, and audit it. An unreachable
    database is raised (nothing happened, nothing to audit); any other failure is audited."""
    values: dict[str, object] = {
        "consumer": letter.consumer,
        "dead_letter_seq": letter.seq,
        "subject": letter.subject,
        "event_id": letter.event_id,
        "replayed_by": by,
        "request_id": request_id,
    }

    written: list[RowMapping] = []

    async def audit(session: AsyncSession, fresh: bool) -> None:
        values["outcome"] = "applied" if fresh else "duplicate"
        written.append(await _insert(session, table, values))

    try:
        await consumer.replay(letter.data, letter.headers, audit)
    except Exception as exc:
        if unreachable(exc):
            raise
        written.clear()  # rolled back with the handlers' work
        values.update(outcome="failed", error=_error(exc))
        async with transaction(consumer.sessions) as session:
            written.append(await _insert(session, table, values))
    metrics.DEAD_LETTERS_REPLAYED.labels(consumer=letter.consumer, outcome=values["outcome"]).inc()
    return _replay(written[-1])


async def replay_all(
    js: JetStreamContext,
    consumers: Sequence[Consumer],
    table: Table,
    *,
    consumer: str,
    subject: str | None,
    after: int,
    limit: int,
    include_replayed: bool,
    by: str,
    request_id: str | None,
) -> tuple[list[Replay], int | None]:
    """Replay `consumer`'s dead letters (of `subject` if given) after sequence `after`, at most
    `limit`; skip those already replayed with success unless `include_replayed`. Returns the
    replays and the sequence to continue after (None when none are left)."""
    done: list[Replay] = []
    cursor = after
    while len(done) < limit:
        letters = await page(js, consumer=consumer, subject=subject, after=cursor, limit=min(limit, 100))
        if not letters:
            return done, None
        earlier: dict[int, list[Replay]] = {}
        if not include_replayed:
            async with consumers[0].sessions() as session:
                earlier = await replays_of(session, table, [letter.seq for letter in letters])
        for letter in letters:
            cursor = letter.seq
            owner = consumer_for(consumers, letter)
            if owner is None:
                continue
            if not include_replayed and any(r.outcome != "failed" for r in earlier.get(letter.seq, ())):
                continue
            done.append(await replay(owner, table, letter, by=by, request_id=request_id))
            if len(done) >= limit:
                break
    return done, cursor


async def _insert(session: AsyncSession, table: Table, values: dict[str, object]) -> RowMapping:
    return (await session.execute(insert(table).values(**values).returning(table))).mappings().one()


def _error(exc: BaseException) -> str:
    if isinstance(exc, InvalidEnvelope | UnknownEvent):
        return f"unreadable event: {exc}"[:1000]
    if isinstance(exc, KeyError):
        return f"no handler for {exc.args[0]}"[:1000]
    return " ".join(f"{type(exc).__name__}: {exc}".split())[:1000]


def _event_id(data: bytes) -> uuid.UUID | None:
    try:
        return Envelope.from_bytes(data).id
    except (InvalidEnvelope, ValueError):
        return None


def _replay(row: RowMapping) -> Replay:
    return Replay(
        dead_letter_seq=row["dead_letter_seq"],
        consumer=row["consumer"],
        subject=row["subject"],
        event_id=row["event_id"],
        outcome=row["outcome"],
        error=row["error"],
        replayed_by=row["replayed_by"],
        replayed_at=row["replayed_at"],
    )
