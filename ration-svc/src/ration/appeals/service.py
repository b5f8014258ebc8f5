"""Appeals (تظلم): filed by a member within the window against an exclusion, one open appeal per
decision, decided by a ration officer of the card's governorate. Every decision is published as
`ration.appeal.decided.v1`. An accepted appeal makes the household eligible until the override's
expiry; the re-evaluation records it and tells the citizen."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Literal, cast

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.ration import AppealDecided
from kit import i18n, messaging
from kit.auth import Caller, Role
from kit.errors import ProblemError
from kit.repository import Page
from ration.appeals import repository
from ration.appeals.models import Appeal
from ration.appeals.repository import AppealRepository
from ration.audit import repository as audit
from ration.cards import service as cards
from ration.cards.models import Household
from ration.cards.repository import HouseholdRepository
from ration.eligibility import service as eligibility
from ration.eligibility.citations import Citation, citations
from ration.eligibility.models import Decision

ANSWER_WITHIN = timedelta(days=15)
MAX_OVERRIDE = timedelta(days=366)


async def file(session: AsyncSession, *, caller: Caller, card_id: uuid.UUID, grounds: str, now: datetime) -> Appeal:
    household = await cards.card_for(session, caller=caller, card_id=card_id)
    decision = await eligibility.decision(session, household.current_decision_id)
    if decision is None or decision.eligible:
        raise ProblemError("not_excluded", status=409)
    if decision.appeal_deadline is None or now.date() > decision.appeal_deadline:
        deadline = i18n.Day(decision.appeal_deadline) if decision.appeal_deadline else "-"
        raise ProblemError("appeal_window_closed", status=409, params={"deadline": deadline})
    repo = AppealRepository(session)
    if await repo.open_for(decision.id) is not None:
        raise ProblemError("appeal_already_open", status=409)
    try:
        async with session.begin_nested():
            appeal = await repo.add(
                Appeal(
                    household_id=household.id,
                    decision_id=decision.id,
                    governorate=household.governorate,
                    filed_by=caller.national_id or caller.subject,
                    grounds=grounds,
                    status="open",
                    filed_at=now,
                    deadline=now + ANSWER_WITHIN,
                )
            )
    except IntegrityError as exc:  # a concurrent appeal on the same decision won
        raise ProblemError("appeal_already_open", status=409) from exc
    await audit.append(
        session,
        actor=caller.subject,
        action="appeal.filed",
        target_type="appeal",
        target_id=str(appeal.id),
        details={"card_id": str(household.id), "decision_id": str(decision.id)},
    )
    return appeal


async def cited_facts(session: AsyncSession, *, appeal: Appeal) -> list[Citation]:
    """The facts the appealed decision rests on: who stated each, when, and whether its signature
    was verified on receipt (what the officer weighs against the grounds)."""
    decision = await eligibility.decision(session, appeal.decision_id)
    return [] if decision is None else [c for reason in decision.reasons for c in citations(reason)]


def _visible_to(officer: Caller, appeal: Appeal) -> bool:
    return Role.ADMIN in officer.roles or officer.governorate == appeal.governorate


async def cases(session: AsyncSession, appeals: Sequence[Appeal]) -> dict[uuid.UUID, tuple[Decision, Household, int]]:
    """What the deciding officer sees beside each appeal: the appealed decision, the household and
    its member count today (three queries for a whole queue)."""
    return await repository.cases(session, appeals)


async def get_for_officer(session: AsyncSession, *, officer: Caller, appeal_id: uuid.UUID) -> Appeal:
    appeal = await AppealRepository(session).get(appeal_id)
    if appeal is None or not _visible_to(officer, appeal):
        raise ProblemError("appeal_not_found", status=404)
    return appeal


async def get_for_citizen(session: AsyncSession, *, caller: Caller, appeal_id: uuid.UUID) -> Appeal:
    household: Household = await cards.card_of(session, caller=caller)
    appeal = await AppealRepository(session).get(appeal_id)
    if appeal is None or appeal.household_id != household.id:
        raise ProblemError("appeal_not_found", status=404)
    return appeal


async def queue(session: AsyncSession, *, officer: Caller, status: str, limit: int, cursor: str | None) -> Page[Appeal]:
    governorate = None if Role.ADMIN in officer.roles else officer.governorate or "--"
    return await AppealRepository(session).queue(governorate=governorate, status=status, limit=limit, cursor=cursor)


async def mine(session: AsyncSession, *, caller: Caller, limit: int, cursor: str | None) -> Page[Appeal]:
    household = await cards.card_of(session, caller=caller)
    return await AppealRepository(session).of_household(household.id, limit=limit, cursor=cursor)


async def decide(
    session: AsyncSession,
    *,
    officer: Caller,
    appeal_id: uuid.UUID,
    outcome: str,
    reason: str,
    override_until: datetime | None,
    now: datetime,
) -> Appeal:
    await get_for_officer(session, officer=officer, appeal_id=appeal_id)
    appeal = await AppealRepository(session).get(appeal_id, for_update=True)
    assert appeal is not None  # found a moment ago; appeals are never deleted
    if appeal.status != "open":
        raise ProblemError("appeal_already_decided", status=409)
    if outcome == "accepted":
        if override_until is None or not (now < override_until <= now + MAX_OVERRIDE):
            raise ProblemError("override_out_of_range", status=422)
        appeal.override_until = override_until
    appeal.status = outcome
    appeal.outcome_reason = reason
    appeal.decided_by = officer.subject
    appeal.decided_at = now
    await session.flush()
    await audit.append(
        session,
        actor=officer.subject,
        action=f"appeal.{outcome}",
        target_type="appeal",
        target_id=str(appeal.id),
        details={"reason": reason, "override_until": override_until.isoformat() if override_until else None},
    )
    household = await HouseholdRepository(session).get(appeal.household_id)
    assert household is not None
    await messaging.record(
        session,
        AppealDecided(
            appeal_id=appeal.id,
            card_id=appeal.household_id,
            decision_id=appeal.decision_id,
            filed_by_national_id=appeal.filed_by,
            holder_national_id=household.holder_national_id,
            governorate=appeal.governorate,
            outcome=cast(Literal["accepted", "rejected"], outcome),
            reason=reason,
            override_until=override_until.astimezone(UTC).date() if override_until else None,
            decided_at=now,
        ),
    )
    if outcome == "accepted":
        await eligibility.reevaluate_households(
            session, household_ids=[appeal.household_id], trigger=f"appeal:{appeal.id}", now=now
        )
    return appeal
