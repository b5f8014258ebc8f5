"""Enrolled citizens and their registry-prefilled profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from identity.citizens.models import Citizen
from identity.problems import texts
from identity.registry.models import Person
from kit.errors import ProblemError

texts(
    {
        "citizen_not_found": (
            "المواطن غير موجود",
            "Citizen not found",
            "لا يوجد حساب مسجل بهذه البيانات.",
            "There is no enrolled account with these details.",
        ),
    }
)


@dataclass(frozen=True)
class Profile:
    citizen: Citizen
    person: Person


async def by_national_id(session: AsyncSession, *, national_id: str) -> Citizen | None:
    return await session.scalar(select(Citizen).where(Citizen.national_id == national_id))


async def by_mobile(session: AsyncSession, *, mobile: str) -> Citizen | None:
    return await session.scalar(select(Citizen).where(Citizen.mobile == mobile))


async def profile(session: AsyncSession, *, citizen_id: uuid.UUID) -> Profile:
    row = (
        await session.execute(
            select(Citizen, Person)
            .join(Person, Person.national_id == Citizen.national_id)
            .where(Citizen.id == citizen_id)
        )
    ).one_or_none()
    if row is None:
        raise ProblemError("citizen_not_found", status=404)
    return Profile(citizen=row[0], person=row[1])


async def mark_deceased(session: AsyncSession, *, national_id: str) -> Citizen | None:
    citizen = await by_national_id(session, national_id=national_id)
    if citizen is not None:
        citizen.status = "deceased"
    return citizen
