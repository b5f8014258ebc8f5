"""The rules of events published over HTTP (no HTTP, no SQL here).

An integrator publishes the facts its authority owns (`contracts.audience.PUBLISHED_BY_INTEGRATORS`:
the civil registry, traffic, electricity, education), each type only with `publish:<type>` in its
account's and its token's scopes: the same events it may publish at all. Each event is judged on
its own: a valid one is recorded by id and put in the gateway's outbox in one transaction (so
nothing accepted is lost; the relay publishes it with Nats-Msg-Id = its id, and consumers dedupe
on it again), a repeated id is a duplicate however late it comes, and a bad one gets a problem
naming the field. A batch is answered per event; its good events are accepted whatever the others.

Every event must be signed (`contracts.signing`) by one of the publisher's registered, active keys
(`gateway.event_keys`), for its own source and a type of its `publish:` scopes. The signature is
checked over the JSON object as received, and that very object goes to the outbox: what reaches
NATS is what the integrator signed (the gateway adds nothing to it, not even `dataschema`). The
same id again is a duplicate only with the same signature; signed otherwise, it is refused.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, InvalidEnvelope, UnknownEvent, registry
from contracts.audience import published_by_integrators
from contracts.envelope import BATCH_CONTENT_TYPE, CONTENT_TYPE
from contracts.signing import KEY_ID, REPLAYED, KeyRing, SignatureRejected, content_digest
from gateway.event_keys import service as event_keys
from gateway.events import repository
from gateway.integrators.models import Integrator
from gateway.integrators.service import PUBLISH
from kit import i18n
from kit.errors import FieldError, ProblemError, field_errors, render

MAX_BATCH = 100
Status = Literal["accepted", "duplicate", "rejected"]


@dataclass(frozen=True)
class Outcome:
    index: int
    id: str | None
    type: str | None
    status: Status
    problem: dict[str, Any] | None = None

    def answer(self) -> dict[str, Any]:
        found: dict[str, Any] = {"index": self.index, "id": self.id, "type": self.type, "status": self.status}
        if self.problem is not None:
            found["problem"] = self.problem
        return found


def parse(content_type: str, body: bytes) -> tuple[list[Any], bool]:
    """The events in the body and whether it is a batch; refuses another media type or bad JSON."""
    kind = content_type.split(";")[0].strip().lower()
    if kind not in (CONTENT_TYPE, BATCH_CONTENT_TYPE):
        raise ProblemError("cloudevents_media_type", status=415)
    try:
        found = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise _invalid("body", "json_invalid") from None
    if kind == CONTENT_TYPE:
        return [found], False
    if not isinstance(found, list):
        raise _invalid("body", "list_type")
    if not found or len(found) > MAX_BATCH:
        code = "too_short" if not found else "too_long"
        raise _invalid("body", code, min_length=1, max_length=MAX_BATCH)
    return found, True


def _invalid(field: str, code: str, **params: object) -> ProblemError:
    reason = i18n.text(f"validation.{code}", **params)
    return ProblemError("validation_failed", status=422, errors=[FieldError(field=field, reason=reason, code=code)])


def judge(item: Any, *, where: str, integrator: Integrator, token_scopes: frozenset[str], ring: KeyRing) -> Envelope:
    """The event read from `item` (which is what the platform publishes), or the problem that
    refuses it (ProblemError). The signature is checked once the type is known to be one
    integrators publish, before the scopes: a type outside them is named as such by the signature."""
    if not isinstance(item, dict):
        raise _invalid(where, "model_attributes_type")
    try:
        envelope = Envelope.model_validate(item)
    except ValidationError as exc:
        raise _validation(exc.errors(include_url=False), where) from None
    try:
        registry.event_class(envelope.type)
    except UnknownEvent:
        raise _invalid(f"{where}.type", "unknown_event_type") from None
    if not published_by_integrators(envelope.type):
        raise ProblemError("event_type_not_publishable", status=403, params={"type": envelope.type})
    try:
        ring.verify(item)
    except SignatureRejected as refused:
        raise signature_refused(refused.reason) from None
    scope = PUBLISH + envelope.type
    if scope not in token_scopes or scope not in integrator.scopes:
        raise ProblemError("publish_not_in_scope", status=403, params={"type": envelope.type})
    try:
        envelope.event()
    except InvalidEnvelope as exc:
        if not exc.errors:  # the subject is not the event's aggregate id
            raise _invalid(f"{where}.subject", "subject_not_aggregate") from None
        raise _validation(exc.errors, f"{where}.data") from None
    return envelope


def _validation(errors: Sequence[Mapping[str, Any]], where: str) -> ProblemError:
    located = [{**err, "loc": (*where.split("."), *err.get("loc", ()))} for err in errors]
    return ProblemError("validation_failed", status=422, errors=field_errors(located))


def signature_refused(reason: str) -> ProblemError:
    """403 naming why (`reason`: one of `contracts.signing.REASONS`), in the caller's language."""
    return ProblemError(
        "event_signature_rejected",
        status=403,
        params={"why": i18n.text(f"signature.{reason}")},
        extra={"reason": reason},
    )


def as_signed(item: dict[str, Any]) -> bytes:
    """The bytes published: the JSON object as received (its signature covers its canonical form)."""
    return json.dumps(item, ensure_ascii=False, separators=(",", ":")).encode()


async def publish(
    session: AsyncSession,
    items: list[Any],
    *,
    batch: bool,
    integrator: Integrator,
    token_scopes: frozenset[str],
    fetching: event_keys.Fetching,
    key_limit: int,
    headers: dict[str, Any],
    now: datetime,
    path: str,
) -> list[Outcome]:
    """Each event judged, recorded and queued, or refused, in the request's transaction."""
    ring = await _ring(session, items, integrator=integrator, fetching=fetching, key_limit=key_limit, now=now)
    outcomes: list[Outcome] = []
    for index, item in enumerate(items):
        where = f"body.{index}" if batch else "body"
        given = item if isinstance(item, dict) else {}
        event_id, event_type = _text(given.get("id")), _text(given.get("type"))
        try:
            envelope = judge(item, where=where, integrator=integrator, token_scopes=token_scopes, ring=ring)
            digest = content_digest(given)
            if await repository.take(session, envelope, digest=digest, integrator_id=integrator.id, now=now):
                await repository.enqueue(session, envelope, as_signed(given), headers)
                status: Status = "accepted"
            else:
                status = await _again(session, envelope, digest, integrator=integrator)
            outcomes.append(Outcome(index, str(envelope.id), envelope.type, status))
        except ProblemError as refused:
            problem = render(
                path,
                code=refused.code,
                status=refused.status,
                params=refused.params,
                errors=refused.errors,
                extra=refused.extra,
            )
            outcomes.append(Outcome(index, event_id, event_type, "rejected", problem))
    return outcomes


async def _ring(
    session: AsyncSession,
    items: list[Any],
    *,
    integrator: Integrator,
    fetching: event_keys.Fetching,
    key_limit: int,
    now: datetime,
) -> KeyRing:
    """The publisher's keys; fetched again from its JWKS URL first if an event names a key not
    registered (at most once a minute: event_keys.refresh_for_unknown_kid)."""
    ring = await event_keys.ring_for(session, integrator)
    kids = {item.get(KEY_ID) for item in items if isinstance(item, dict)}
    unknown = sorted(kid for kid in kids if isinstance(kid, str) and kid not in ring.keys)
    if unknown and await event_keys.refresh_for_unknown_kid(
        session, integrator=integrator, kid=unknown[0], fetching=fetching, limit=key_limit, now=now
    ):
        ring = await event_keys.ring_for(session, integrator)
    return ring


async def _again(session: AsyncSession, envelope: Envelope, digest: str | None, *, integrator: Integrator) -> Status:
    """An id taken before: a duplicate if this integrator sent this very event (the same signed
    content: `contracts.signing.content_digest`, a lone event's signature or a batch-signed one's leaf)."""
    first = await repository.taken(session, envelope.id)
    if first is None or first.integrator_id != integrator.id:
        raise ProblemError("event_id_taken", status=409)
    if first.signature is not None and first.signature != digest:
        raise ProblemError("event_id_resigned", status=409, extra={"reason": REPLAYED})
    return "duplicate"


def _text(value: object) -> str | None:
    return value[:200] if isinstance(value, str) else None
