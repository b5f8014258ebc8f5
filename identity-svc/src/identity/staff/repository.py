"""All SQL of staff sign-in protection and the staff audit trail."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, delete, func, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from identity.otp.repository import prune
from identity.staff.models import KnownAddress, SignInFailure, StaffAudit, StaffMember
from kit.db import serialize
from kit.repository import Page, Repository


@dataclass(frozen=True)
class Failures:
    count: int
    last: datetime | None


class StaffRepository(Repository[StaffMember]):
    model = StaffMember
    order = (StaffMember.created_at, StaffMember.id)

    async def by_username(self, username: str) -> StaffMember | None:
        found: StaffMember | None = await self.session.scalar(
            select(StaffMember).where(StaffMember.username == username)
        )
        return found


class SignInRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def lock(self, username: str) -> None:
        """One sign-in per username at a time: parallel guesses cannot all slip in before the delay."""
        await serialize(self.session, "identity.staff.sign_in", username)

    async def member(self, username: str) -> StaffMember | None:
        return await StaffRepository(self.session).by_username(username)

    async def failures(
        self, *, since: datetime, username: str | None = None, address_key: str | None = None
    ) -> Failures:
        where: list[ColumnElement[bool]] = [SignInFailure.at > since]
        if username is not None:
            where.append(SignInFailure.username == username)
        if address_key is not None:
            where.append(SignInFailure.address_key == address_key)
        count, last = (await self.session.execute(select(func.count(), func.max(SignInFailure.at)).where(*where))).one()
        return Failures(int(count), last)

    async def add_failure(self, *, username: str, address_key: str, at: datetime) -> None:
        self.session.add(SignInFailure(username=username, address_key=address_key, at=at))
        await self.session.flush()

    async def forget(self, *, username: str, address_key: str | None = None) -> int:
        """Clear a username's failures (at one address, or everywhere); how many were cleared."""
        statement = delete(SignInFailure).where(SignInFailure.username == username)
        if address_key is not None:
            statement = statement.where(SignInFailure.address_key == address_key)
        cleared = await self.session.scalars(statement.returning(SignInFailure.id))
        return len(cleared.all())

    async def forget_before(self, at: datetime) -> None:
        """Drop a few failures older than the window (each failure clears some: the table stays small)."""
        await prune(self.session, SignInFailure.id, SignInFailure.at, before=at)

    async def is_known(self, *, staff_id: uuid.UUID, address_key: str, since: datetime) -> bool:
        found = await self.session.scalar(
            select(KnownAddress.staff_id).where(
                KnownAddress.staff_id == staff_id,
                KnownAddress.address_key == address_key,
                KnownAddress.last_signed_in_at > since,
            )
        )
        return found is not None

    async def remember(self, *, staff_id: uuid.UUID, address_key: str, at: datetime) -> None:
        statement = insert(KnownAddress).values(staff_id=staff_id, address_key=address_key, last_signed_in_at=at)
        await self.session.execute(
            statement.on_conflict_do_update(
                index_elements=[KnownAddress.staff_id, KnownAddress.address_key], set_={"last_signed_in_at": at}
            )
        )

    async def known_count(self, *, staff_id: uuid.UUID, since: datetime) -> int:
        query = select(func.count()).where(KnownAddress.staff_id == staff_id, KnownAddress.last_signed_in_at > since)
        return int(await self.session.scalar(query) or 0)


class StaffAuditRepository(Repository[StaffAudit]):
    model = StaffAudit
    order = (StaffAudit.at, StaffAudit.id)

    async def page(self, *, limit: int, cursor: str | None) -> Page[StaffAudit]:
        return await self.paginate(limit=limit, cursor=cursor, newest_first=True)
