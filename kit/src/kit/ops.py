"""The operators' API every service has: its dead letters, and their replay (admin staff only).

Not public: the gateway routes no `/ops/...` path and the Ingress exposes none; operators reach a
service inside the cluster (e.g. `kubectl port-forward deploy/notary 8003`) with an admin's
access token from identity-svc, so every replay is audited under a real staff account.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field

from kit import i18n
from kit.auth import Caller, Role, staff_of
from kit.context import current_request_id
from kit.errors import ProblemError
from kit.messaging import deadletters
from kit.messaging.consumer import Consumer
from kit.runtime import Runtime

router = APIRouter(prefix="/ops/dead-letters", tags=["operations"], include_in_schema=False)
Admin = Annotated[Caller, Depends(staff_of(Role.ADMIN))]

i18n.register_problems(
    {
        "dead_letter_not_found": (
            "رسالة غير مسلَّمة غير موجودة",
            "Dead letter not found",
            "لا توجد رسالة غير مسلَّمة بهذا الرقم لدى مستهلكي هذه الخدمة.",
            "This service's consumers have no dead letter with this sequence number.",
        ),
        "unknown_consumer": (
            "مستهلك غير معروف",
            "Unknown consumer",
            "ليس لهذه الخدمة مستهلك بهذا الاسم: {consumer}.",
            "This service has no consumer named {consumer}.",
        ),
    }
)


class ReplayOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    dead_letter_seq: int
    consumer: str
    subject: str
    event_id: uuid.UUID | None
    outcome: str = Field(description="applied | duplicate (already applied: nothing done) | failed")
    error: str | None
    replayed_by: str = Field(description="the staff account that replayed it")
    replayed_at: datetime


class DeadLetterOut(BaseModel):
    seq: int = Field(description="its sequence number in the DEADLETTER stream")
    consumer: str
    subject: str = Field(description="the subject it was published on")
    event_id: uuid.UUID | None
    kind: str | None = Field(description="unreadable | failed | no_outcome")
    reason: str
    deliveries: int | None
    dead_at: datetime | None
    replays: list[ReplayOut] = Field(description="newest first")


class DeadLetterPage(BaseModel):
    items: list[DeadLetterOut]
    next_after: int | None = Field(description="pass as `after` for the next page")


class ReplayAllIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    consumer: str | None = Field(default=None, description="default: this service's consumer")
    subject: str | None = Field(default=None, description="only dead letters of this subject")
    after: int = Field(default=0, ge=0)
    limit: int = Field(default=100, ge=1, le=1000)
    include_replayed: bool = Field(default=False, description="replay those already replayed with success too")


class ReplayAllOut(BaseModel):
    replayed: list[ReplayOut]
    counts: dict[str, int]
    next_after: int | None


def _runtime(request: Request) -> tuple[Runtime, list[Consumer]]:
    runtime: Runtime = request.app.state.runtime
    return runtime, list(runtime.consumers)


def _consumer_name(consumers: list[Consumer], wanted: str | None) -> str:
    names = sorted({c.durable for c in consumers})
    if wanted is None and names:
        return names[0]
    if wanted not in names:
        raise ProblemError("unknown_consumer", status=404, params={"consumer": wanted or "-"})
    return wanted


@router.get("")
async def list_dead_letters(
    request: Request,
    caller: Admin,
    consumer: str | None = None,
    subject: str | None = None,
    after: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> DeadLetterPage:
    """This service's dead letters, oldest first, with what became of each replay."""
    runtime, consumers = _runtime(request)
    if runtime.bus is None or not consumers:
        return DeadLetterPage(items=[], next_after=None)
    name = _consumer_name(consumers, consumer)
    letters = await deadletters.page(runtime.bus.js, consumer=name, subject=subject, after=after, limit=limit)
    async with runtime.sessions() as session:
        replays = await deadletters.replays_of(session, runtime.tables.replays, [d.seq for d in letters])
    items = [_out(letter, replays.get(letter.seq, [])) for letter in letters]
    return DeadLetterPage(items=items, next_after=letters[-1].seq if len(letters) == limit else None)


@router.get("/{seq}")
async def get_dead_letter(request: Request, seq: int, caller: Admin) -> DeadLetterOut:
    runtime, consumers = _runtime(request)
    letter = await _ours(runtime, consumers, seq)
    async with runtime.sessions() as session:
        replays = await deadletters.replays_of(session, runtime.tables.replays, [seq])
    return _out(letter, replays.get(seq, []))


@router.post("/{seq}/replay")
async def replay_dead_letter(request: Request, seq: int, caller: Admin) -> ReplayOut:
    """Handle the event again through the consumer that gave up on it (once only: the inbox)."""
    runtime, consumers = _runtime(request)
    letter = await _ours(runtime, consumers, seq)
    owner = deadletters.consumer_for(consumers, letter)
    assert owner is not None  # _ours checked it
    done = await deadletters.replay(
        owner, runtime.tables.replays, letter, by=_who(caller), request_id=current_request_id()
    )
    return ReplayOut.model_validate(done)


@router.post("/replay")
async def replay_dead_letters(request: Request, body: ReplayAllIn, caller: Admin) -> ReplayAllOut:
    """Replay a consumer's dead letters (of one subject, if given), oldest first, up to `limit`."""
    runtime, consumers = _runtime(request)
    if runtime.bus is None or not consumers:
        return ReplayAllOut(replayed=[], counts={}, next_after=None)
    done, next_after = await deadletters.replay_all(
        runtime.bus.js,
        consumers,
        runtime.tables.replays,
        consumer=_consumer_name(consumers, body.consumer),
        subject=body.subject,
        after=body.after,
        limit=body.limit,
        include_replayed=body.include_replayed,
        by=_who(caller),
        request_id=current_request_id(),
    )
    return ReplayAllOut(
        replayed=[ReplayOut.model_validate(r) for r in done],
        counts=dict(Counter(r.outcome for r in done)),
        next_after=next_after,
    )


async def _ours(runtime: Runtime, consumers: list[Consumer], seq: int) -> deadletters.DeadLetter:
    letter = await deadletters.one(runtime.bus.js, seq) if runtime.bus is not None else None
    if letter is None or deadletters.consumer_for(consumers, letter) is None:
        raise ProblemError("dead_letter_not_found", status=404)
    return letter


def _who(caller: Caller) -> str:
    return f"staff:{caller.subject}"


def _out(letter: deadletters.DeadLetter, replays: list[deadletters.Replay]) -> DeadLetterOut:
    return DeadLetterOut(
        seq=letter.seq,
        consumer=letter.consumer,
        subject=letter.subject,
        event_id=letter.event_id,
        kind=letter.kind,
        reason=letter.reason,
        deliveries=letter.deliveries,
        dead_at=letter.dead_at,
        replays=[ReplayOut.model_validate(r) for r in replays],
    )
