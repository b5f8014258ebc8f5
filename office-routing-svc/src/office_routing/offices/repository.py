"""All SQL about offices, holidays and slot seats."""

from __future__ import annotations

import uuid
from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import Select, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.repository import Repository
from office_routing.offices.models import Holiday, Office, Slot


class OfficeRepository(Repository[Office]):
    model = Office
    order = (Office.governorate, Office.code)

    def listing(self, *, governorate: str | None, kind: str | None, service_code: str | None) -> Select[Office]:
        query = select(Office).where(Office.active)
        if governorate:
            query = query.where(Office.governorate == governorate)
        if kind:
            query = query.where(Office.kind == kind)
        if service_code:
            query = query.where(Office.services.contains([service_code]))
        return query

    async def by_ids(self, ids: set[uuid.UUID]) -> Sequence[Office]:
        return (await self.session.scalars(select(Office).where(Office.id.in_(ids)))).all() if ids else ()

    async def by_code(self, code: str) -> Office | None:
        return await self.session.scalar(select(Office).where(Office.code == code))

    async def candidates(self, *, governorate: str, service_code: str) -> Sequence[Office]:
        """Active offices of a governorate offering a service, in a stable order."""
        query = self.listing(governorate=governorate, kind=None, service_code=service_code)
        return (await self.session.scalars(query.order_by(Office.code))).all()


async def closed_days(
    session: AsyncSession, *, office_ids: Sequence[uuid.UUID], first: date, last: date
) -> dict[uuid.UUID, set[date]]:
    """For each office, its holidays and the national ones between `first` and `last` inclusive."""
    rows = await session.execute(
        select(Holiday.office_id, Holiday.day).where(
            Holiday.day.between(first, last), or_(Holiday.office_id.is_(None), Holiday.office_id.in_(office_ids))
        )
    )
    national: set[date] = set()
    own: dict[uuid.UUID, set[date]] = defaultdict(set)
    for office_id, day in rows:
        (national if office_id is None else own[office_id]).add(day)
    return {office_id: national | own[office_id] for office_id in office_ids}


async def upcoming_holidays(session: AsyncSession, *, office_id: uuid.UUID, since: date) -> Sequence[Holiday]:
    query = (
        select(Holiday)
        .where(Holiday.day >= since, or_(Holiday.office_id.is_(None), Holiday.office_id == office_id))
        .order_by(Holiday.day)
        .limit(60)
    )
    return (await session.scalars(query)).all()


async def seats(
    session: AsyncSession, *, office_ids: Sequence[uuid.UUID], start: datetime, end: datetime
) -> dict[tuple[uuid.UUID, datetime], tuple[int, int]]:
    """(office, slot start) → (booked, capacity) for the slots with a booking in [start, end)."""
    rows = await session.execute(
        select(Slot.office_id, Slot.starts_at, Slot.booked, Slot.capacity).where(
            Slot.office_id.in_(office_ids), Slot.starts_at >= start, Slot.starts_at < end
        )
    )
    return {(o, s): (b, c) for o, s, b, c in rows}


async def booked_per_office(
    session: AsyncSession, *, office_ids: Sequence[uuid.UUID], start: datetime, end: datetime
) -> dict[uuid.UUID, int]:
    rows = await session.execute(
        select(Slot.office_id, func.sum(Slot.booked))
        .where(Slot.office_id.in_(office_ids), Slot.starts_at >= start, Slot.starts_at < end)
        .group_by(Slot.office_id)
    )
    return {office_id: int(total or 0) for office_id, total in rows}


async def take_seat(
    session: AsyncSession, *, office_id: uuid.UUID, starts_at: datetime, ends_at: datetime, capacity: int
) -> bool:
    """Take one seat if one is free. The guarded UPDATE locks the slot's row, so concurrent
    bookings queue on it and each sees the count the previous one committed: never overbooked."""
    await session.execute(
        insert(Slot)
        .values(office_id=office_id, starts_at=starts_at, ends_at=ends_at, capacity=capacity, booked=0)
        .on_conflict_do_nothing()
    )
    taken = await session.scalar(
        update(Slot)
        .where(Slot.office_id == office_id, Slot.starts_at == starts_at, Slot.booked < Slot.capacity)
        .values(booked=Slot.booked + 1)
        .returning(Slot.booked)
    )
    return taken is not None


async def release_seat(session: AsyncSession, *, office_id: uuid.UUID, starts_at: datetime) -> None:
    await session.execute(
        update(Slot)
        .where(Slot.office_id == office_id, Slot.starts_at == starts_at, Slot.booked > 0)
        .values(booked=Slot.booked - 1)
    )


async def add_holiday(session: AsyncSession, holiday: Holiday) -> bool:
    """Insert unless that office (or the nation) already has a holiday that day."""
    inserted = await session.scalar(
        insert(Holiday)
        .values(
            id=holiday.id,
            office_id=holiday.office_id,
            day=holiday.day,
            name_ar=holiday.name_ar,
            name_en=holiday.name_en,
        )
        .on_conflict_do_nothing()
        .returning(Holiday.id)
    )
    return inserted is not None
