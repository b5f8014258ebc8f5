"""Cards and their members: what a citizen sees, and the civil-registry changes that need no
application (newborns added, deceased removed, a bride moving to her husband's card)."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Sequence
from datetime import UTC, date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.auth import Caller
from kit.errors import ProblemError
from ration.audit import repository as audit
from ration.cards.models import Household, Member
from ration.cards.repository import HouseholdRepository
from ration.eligibility import service as eligibility

i18n.register(
    {
        "problem.ration_card_not_found.title": {"en": "No ration card", "ar": "لا توجد بطاقة تموين"},
        "problem.ration_card_not_found.detail": {
            "en": "No ration card lists you as a member.",
            "ar": "لا توجد بطاقة تموين مسجل بها اسمك.",
        },
        "problem.not_card_holder.title": {"en": "Only the card holder can do this", "ar": "لصاحب البطاقة فقط"},
        "problem.not_card_holder.detail": {
            "en": "This service is requested by the holder of the ration card.",
            "ar": "يطلب هذه الخدمة صاحب بطاقة التموين.",
        },
    }
)


UNASSIGNED_OFFICE = "unassigned"


def new_card_number(governorate: str) -> str:
    return f"{governorate}{secrets.randbelow(10**12):012d}"


def birth_date_of(national_id: str) -> date | None:
    """From the national ID: century digit (2 → 1900s, 3 → 2000s), then YYMMDD."""
    century = {"2": 1900, "3": 2000}.get(national_id[0])
    if century is None:
        return None
    try:
        return date(century + int(national_id[1:3]), int(national_id[3:5]), int(national_id[5:7]))
    except ValueError:
        return None


async def create_household(
    session: AsyncSession,
    *,
    governorate: str,
    supply_office: str,
    holder_national_id: str,
    members: Sequence[tuple[str, str]] = (),
    card_number: str | None = None,
    source: str = "registration",
    now: datetime | None = None,
    evaluate: bool = True,
) -> Household:
    """A new card with its holder and members (national ID, relation), then its first decision
    (`evaluate=False`: the caller decides many new cards at once)."""
    now = now or datetime.now(UTC)
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
    await session.refresh(household)
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
    return min(remaining, key=lambda m: birth_date_of(m.national_id) or date.max)


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
    session: AsyncSession, *, national_id: str, governorate: str, changed_at: datetime
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
    household.updated_at = datetime.now(UTC)
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
