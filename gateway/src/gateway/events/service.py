"""The rules of events published over HTTP (no HTTP, no SQL here).

An integrator publishes the facts its authority owns (`contracts.audience.PUBLISHED_BY_INTEGRATORS`:
the civil registry, traffic, electricity, education), each type only with `publish:<type>` in its
account's and its token's scopes: the same events it may publish at all. Each event is judged on
its own: a valid one is recorded by id and put in the gateway's outbox in one transaction (so
nothing accepted is lost; the relay publishes it with Nats-Msg-Id = its id, and consumers dedupe
on it again), a repeated id is a duplicate however late it comes, and a bad one gets a problem
naming the field. A batch is answered per event; its good events are accepted whatever the others.
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
from contracts.envelope import BATCH_CONTENT_TYPE, CONTENT_TYPE, dataschema
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


def judge(item: Any, *, where: str, integrator: Integrator, token_scopes: frozenset[str]) -> Envelope:
    """The event as the platform publishes it, or the problem that refuses it (ProblemError)."""
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


def with_schema(envelope: Envelope, public_url: str) -> Envelope:
    """The event as the platform publishes it: its `dataschema` names the type's schema here."""
    if envelope.dataschema is not None:
        return envelope
    return envelope.model_copy(update={"dataschema": dataschema(envelope.type, public_url)})


async def publish(
    session: AsyncSession,
    items: list[Any],
    *,
    batch: bool,
    integrator: Integrator,
    token_scopes: frozenset[str],
    public_url: str,
    headers: dict[str, Any],
    now: datetime,
    path: str,
) -> list[Outcome]:
    """Each event judged, recorded and queued, or refused, in the request's transaction."""
    outcomes: list[Outcome] = []
    for index, item in enumerate(items):
        where = f"body.{index}" if batch else "body"
        given = item if isinstance(item, dict) else {}
        event_id, event_type = _text(given.get("id")), _text(given.get("type"))
        try:
            envelope = with_schema(
                judge(item, where=where, integrator=integrator, token_scopes=token_scopes), public_url
            )
            if await repository.take(session, envelope, integrator_id=integrator.id, now=now):
                await repository.enqueue(session, envelope, headers)
                status: Status = "accepted"
            elif await repository.owner_of(session, envelope.id) == integrator.id:
                status = "duplicate"
            else:
                raise ProblemError("event_id_taken", status=409)
            outcomes.append(Outcome(index, str(envelope.id), envelope.type, status))
        except ProblemError as refused:
            problem = render(
                path, code=refused.code, status=refused.status, params=refused.params, errors=refused.errors
            )
            outcomes.append(Outcome(index, event_id, event_type, "rejected", problem))
    return outcomes


def _text(value: object) -> str | None:
    return value[:200] if isinstance(value, str) else None
