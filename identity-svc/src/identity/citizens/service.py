"""Enrolled citizens and their registry-prefilled profile."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from identity.citizens.models import Citizen
from identity.citizens.repository import CitizenRepository
from identity.registry.models import Person
from kit.errors import ProblemError


@dataclass(frozen=True)
class Profile:
    citizen: Citizen
    person: Person


async def get(session: AsyncSession, *, citizen_id: uuid.UUID, for_update: bool = False) -> Citizen | None:
    return await CitizenRepository(session).get(citizen_id, for_update=for_update)


async def by_national_id(session: AsyncSession, *, national_id: str) -> Citizen | None:
    return await CitizenRepository(session).by_national_id(national_id)


async def by_mobile(session: AsyncSession, *, mobile: str) -> Citizen | None:
    return await CitizenRepository(session).by_mobile(mobile)


async def profile(session: AsyncSession, *, citizen_id: uuid.UUID) -> Profile:
    found = await CitizenRepository(session).with_person(citizen_id)
    if found is None:
        raise ProblemError("citizen_not_found", status=404)
    return Profile(citizen=found[0], person=found[1])


async def mark_deceased(session: AsyncSession, *, national_id: str) -> Citizen | None:
    citizen = await by_national_id(session, national_id=national_id)
    if citizen is not None:
        citizen.status = "deceased"
    return citizen
