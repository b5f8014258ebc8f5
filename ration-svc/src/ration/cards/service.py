"""Cards and their members: what a citizen sees, and the civil-registry changes that need no
application (newborns added, deceased removed, a bride moving to her husband's card)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.national_id import birth_date
from kit.auth import Caller, Role
from kit.errors import ProblemError
from ration.audit import repository as audit
from ration.cards.models import Household, Member
from ration.cards.repository import HouseholdRepository
from ration.eligibility import service as eligibility

UNASSIGNED_OFFICE = "unassigned"


def new_card_number(governorate: str) -> str:
    return f"{governorate}{secrets.randbelow(10**12):012d}"


async def create_household(
    session: AsyncSession,
    *,
    governorate: str,
    supply_office: str,
    holder_national_id: str,
    members: Sequence[tuple[str, str]] = (),
    card_number: str | None = None,
    source: str = "registration",
    now: datetime,
    evaluate: bool = True,
) -> Household:
    """A new card with its holder and members (national ID, relation), then its first decision
    (`evaluate=False`: the caller decides many new cards at once)."""
    repo = HouseholdRepository(session)
    household = await repo.add(
        Household(
            card_number=card_number or new_card_number(governorate),
            governorate=governorate,
            supply_office=supply_office,
            holder_national_id=holder_national_id,
        )
    )
    await repo.issue(household_id=household.id, card_number=household.card_number, reason="new", at=now)
    for national_id, relation in [(holder_national_id, "holder"), *members]:
        await repo.add_member(
            household_id=household.id, national_id=national_id, relation=relation, source=source, at=now
        )
    if evaluate:
        await eligibility.reevaluate_households(session, household_ids=[household.id], trigger="card_created", now=now)
    await repo.reload(household)
    return household


def require_holder(household: Household, caller: Caller) -> None:
    """Card services are asked for by the holder; another member may only look."""
    if household.holder_national_id != caller.national_id:
        raise ProblemError("not_card_holder", status=403)


async def card_of(session: AsyncSession, *, caller: Caller) -> Household:
    if not caller.national_id:
        raise ProblemError("ration_card_not_found", status=404)
    household = await HouseholdRepository(session).of_member(caller.national_id)
    if household is None:
        raise ProblemError("ration_card_not_found", status=404)
    return household


async def card_for(session: AsyncSession, *, caller: Caller, card_id: uuid.UUID) -> Household:
    """A card by id: a member sees their own card; any other card is simply not found."""
    household = await card_of(session, caller=caller)
    if household.id != card_id:
        raise ProblemError("ration_card_not_found", status=404)
    return household


async def decision_evidence(
    session: AsyncSession, *, caller: Caller, card_id: uuid.UUID, decision_id: uuid.UUID
) -> list[uuid.UUID]:
    """The ids of the signed events a decision of the card rests on. A member sees their own
    card's; a ration officer those of their governorate (an administrator any), an auditor any,
    and each staff reading is in the audit trail. Another card, or a decision of another card,
    is simply not found."""
    if caller.kind == "citizen":
        household = await card_for(session, caller=caller, card_id=card_id)
    elif caller.has_role(Role.AUDITOR) or caller.has_role(Role.RATION_OFFICER):
        found = await HouseholdRepository(session).get(card_id)
        officer_may = Role.ADMIN in caller.roles or (found is not None and found.governorate == caller.governorate)
        if found is None or not (caller.has_role(Role.AUDITOR) or officer_may):
            raise ProblemError("ration_card_not_found", status=404)
        household = found
    else:
        raise ProblemError("forbidden", status=403)
    decision = await eligibility.decision(session, decision_id)
    if decision is None or decision.household_id != household.id:
        raise ProblemError("decision_not_found", status=404)
    if caller.kind != "citizen":
        await audit.append(
            session,
            actor=caller.subject,
            action="decision.evidence_read",
            target_type="decision",
            target_id=str(decision.id),
            details={"card_id": str(household.id), "events": len(decision.evidence_event_ids)},
        )
    return list(decision.evidence_event_ids)


async def card_valid(session: AsyncSession, *, card_number: str) -> bool:
    """False once the number is invalidated (reported lost, or replaced)."""
    issued = await HouseholdRepository(session).card_issue(card_number)
    return issued is None or issued.invalidated_at is None


async def members(session: AsyncSession, *, household_id: uuid.UUID) -> list[Member]:
    return await HouseholdRepository(session).members(household_id)


async def add_newborn(
    session: AsyncSession, *, child_national_id: str, parent_national_ids: Sequence[str | None], at: datetime
) -> Household | None:
    """Add the child to the card of the first parent who holds one (father, then mother)."""
    repo = HouseholdRepository(session)
    for parent in parent_national_ids:
        if not parent:
            continue
        household = await repo.of_member(parent)
        if household is None:
            continue
        if await repo.add_member(
            household_id=household.id, national_id=child_national_id, relation="child", source="birth", at=at
        ):
            await audit.append(
                session,
                actor="civil-registry",
                action="member.added",
                target_type="household",
                target_id=str(household.id),
                details={"national_id": child_national_id, "reason": "birth"},
            )
            await eligibility.reevaluate_households(session, household_ids=[household.id], trigger="birth", now=at)
        return household
    return None


async def remove_deceased(session: AsyncSession, *, national_id: str, at: datetime) -> Household | None:
    repo = HouseholdRepository(session)
    member = await repo.membership(national_id)
    if member is None:
        return None
    household = await repo.get(member.household_id)
    assert household is not None
    await repo.remove_member(member, reason="deceased", at=at)
    if household.holder_national_id == national_id:
        remaining = await repo.members(household.id)
        successor = _successor(remaining)
        if successor is None:
            household.status = "closed"
        else:
            household.holder_national_id = successor.national_id
            successor.relation = "holder"
        household.updated_at = at
        await session.flush()
    await audit.append(
        session,
        actor="civil-registry",
        action="member.removed",
        target_type="household",
        target_id=str(household.id),
        details={"national_id": national_id, "reason": "deceased", "holder_now": household.holder_national_id},
    )
    await eligibility.reevaluate_households(session, household_ids=[household.id], trigger="death", now=at)
    return household


def _successor(remaining: Sequence[Member]) -> Member | None:
    """The spouse, else the oldest remaining member."""
    if not remaining:
        return None
    spouses = [m for m in remaining if m.relation == "spouse"]
    if spouses:
        return spouses[0]
    return min(remaining, key=lambda m: birth_date(m.national_id) or date.max)


async def move_on_marriage(
    session: AsyncSession, *, husband_national_id: str, wife_national_id: str, at: datetime
) -> Household | None:
    """A wife listed on another card (e.g. her parents') moves to her husband's card, if he holds one.
    A holder of her own card keeps it."""
    repo = HouseholdRepository(session)
    husbands = await repo.of_member(husband_national_id)
    if husbands is None or husbands.holder_national_id != husband_national_id:
        return None
    membership = await repo.membership(wife_national_id)
    if membership is not None:
        if membership.household_id == husbands.id or membership.relation == "holder":
            return None
        await repo.remove_member(membership, reason="married", at=at)
    await repo.add_member(
        household_id=husbands.id, national_id=wife_national_id, relation="spouse", source="marriage", at=at
    )
    await audit.append(
        session,
        actor="civil-registry",
        action="member.moved",
        target_type="household",
        target_id=str(husbands.id),
        details={"national_id": wife_national_id, "reason": "marriage"},
    )
    affected = [husbands.id] + ([membership.household_id] if membership is not None else [])
    await eligibility.reevaluate_households(session, household_ids=affected, trigger="marriage", now=at)
    return husbands


async def split_on_divorce(
    session: AsyncSession, *, husband_national_id: str, wife_national_id: str, at: datetime
) -> Household | None:
    """The former spouses no longer share a card: whichever of them is not its holder leaves it and
    becomes the holder of a new card in the same governorate and supply office (children stay;
    custody is not in the event). Nothing happens when they are not on one card, so a repeat is a
    no-op. Returns the new card."""
    repo = HouseholdRepository(session)
    shared = await repo.of_member(husband_national_id)
    if shared is None or shared.status != "active":
        return None
    other = await repo.membership(wife_national_id)
    if other is None or other.household_id != shared.id:
        return None
    leaving = wife_national_id if shared.holder_national_id != wife_national_id else husband_national_id
    member = await repo.membership(leaving)
    assert member is not None
    await repo.remove_member(member, reason="divorced", at=at)
    own = await create_household(
        session,
        governorate=shared.governorate,
        supply_office=shared.supply_office,
        holder_national_id=leaving,
        source="divorce",
        now=at,
    )
    await audit.append(
        session,
        actor="civil-registry",
        action="member.moved",
        target_type="household",
        target_id=str(shared.id),
        details={"national_id": leaving, "reason": "divorce", "new_card_id": str(own.id)},
    )
    await eligibility.reevaluate_households(session, household_ids=[shared.id], trigger="divorce", now=at)
    return own


async def follow_address(
    session: AsyncSession, *, national_id: str, governorate: str, changed_at: datetime, now: datetime
) -> Household | None:
    """A holder who moves to another governorate takes the card along: it is served there (its
    officers, its batches), by a supply office that governorate assigns (`unassigned` until then).
    Members other than the holder, and moves within the governorate, change nothing here. An
    address older than the card's last move (a late redelivery) is ignored."""
    repo = HouseholdRepository(session)
    household = await repo.of_member(national_id)
    if household is None or household.holder_national_id != national_id or household.governorate == governorate:
        return None
    last = await audit.last_of(session, target_id=str(household.id), action="card.moved")
    if last is not None and str(last.details.get("changed_at", "")) > changed_at.isoformat():
        return None
    old = (household.governorate, household.supply_office)
    household.governorate, household.supply_office = governorate, UNASSIGNED_OFFICE
    household.updated_at = now
    await session.flush()
    await audit.append(
        session,
        actor="civil-registry",
        action="card.moved",
        target_type="household",
        target_id=str(household.id),
        details={
            "from_governorate": old[0],
            "from_supply_office": old[1],
            "to_governorate": governorate,
            "changed_at": changed_at.isoformat(),
        },
    )
    await eligibility.reevaluate_households(session, household_ids=[household.id], trigger="address", now=changed_at)
    return household
