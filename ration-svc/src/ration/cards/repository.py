"""All SQL of cards and members."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, text, update

from kit.repository import Page, Repository
from ration.cards.models import CardIssue, Household, Member, ReplacementOrder


class HouseholdRepository(Repository[Household]):
    model = Household
    order = (Household.created_at, Household.id)

    async def of_member(self, national_id: str) -> Household | None:
        """The household a person is currently a member of."""
        query = (
            select(Household)
            .join(Member, Member.household_id == Household.id)
            .where(Member.national_id == national_id, Member.removed_at.is_(None))
        )
        return await self.session.scalar(query)

    async def members(self, household_id: uuid.UUID) -> list[Member]:
        query = (
            select(Member)
            .where(Member.household_id == household_id, Member.removed_at.is_(None))
            .order_by(Member.added_at, Member.id)
        )
        return list(await self.session.scalars(query))

    async def membership(self, national_id: str) -> Member | None:
        return await self.session.scalar(
            select(Member).where(Member.national_id == national_id, Member.removed_at.is_(None))
        )

    async def last_membership(self, household_id: uuid.UUID, national_id: str) -> Member | None:
        """The person's latest membership of this card, current or removed."""
        query = (
            select(Member)
            .where(Member.household_id == household_id, Member.national_id == national_id)
            .order_by(Member.added_at.desc(), Member.id.desc())
            .limit(1)
        )
        return await self.session.scalar(query)

    async def add_member(
        self, *, household_id: uuid.UUID, national_id: str, relation: str, source: str, at: datetime
    ) -> bool:
        """Add a person to a card unless they are already on one; True if added."""
        result = await self.session.execute(
            text(
                "INSERT INTO ration.members (household_id, national_id, relation, source, added_at)"
                " VALUES (:h, :n, :r, :s, :at)"
                " ON CONFLICT (national_id) WHERE removed_at IS NULL DO NOTHING RETURNING id"
            ),
            {"h": household_id, "n": national_id, "r": relation, "s": source, "at": at},
        )
        return result.scalar() is not None

    async def remove_member(self, member: Member, *, reason: str, at: datetime) -> None:
        member.removed_at = at
        member.removed_reason = reason
        await self.session.flush()

    async def issue(self, *, household_id: uuid.UUID, card_number: str, reason: str, at: datetime) -> None:
        self.session.add(CardIssue(card_number=card_number, household_id=household_id, reason=reason, issued_at=at))
        await self.session.flush()

    async def invalidate(self, card_number: str, *, reason: str, at: datetime) -> None:
        await self.session.execute(
            update(CardIssue)
            .where(CardIssue.card_number == card_number, CardIssue.invalidated_at.is_(None))
            .values(invalidated_at=at, invalidated_reason=reason)
        )

    async def lock(self, household_id: uuid.UUID) -> Household | None:
        return await self.session.scalar(
            select(Household)
            .where(Household.id == household_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def card_issue(self, card_number: str) -> CardIssue | None:
        return await self.session.get(CardIssue, card_number, populate_existing=True)

    async def issues(self, household_id: uuid.UUID) -> list[CardIssue]:
        query = select(CardIssue).where(CardIssue.household_id == household_id).order_by(CardIssue.issued_at)
        return list(await self.session.scalars(query))


class ReplacementRepository(Repository[ReplacementOrder]):
    model = ReplacementOrder
    order = (ReplacementOrder.created_at, ReplacementOrder.id)

    async def lock(self, order_id: uuid.UUID) -> ReplacementOrder | None:
        return await self.session.scalar(
            select(ReplacementOrder)
            .where(ReplacementOrder.id == order_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        )

    async def open_for(self, household_id: uuid.UUID) -> ReplacementOrder | None:
        return await self.session.scalar(
            select(ReplacementOrder).where(
                ReplacementOrder.household_id == household_id, ReplacementOrder.status == "awaiting_payment"
            )
        )

    async def newest_first(self, household_id: uuid.UUID, *, limit: int, cursor: str | None) -> Page[ReplacementOrder]:
        """The card's orders, newest first; keyset on (created_at, id) descending."""
        query = select(ReplacementOrder).where(ReplacementOrder.household_id == household_id)
        return await self.paginate(query, limit=limit, cursor=cursor, newest_first=True)
