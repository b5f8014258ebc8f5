"""Keeping the mirror current from the registry authority's civil-status events.

Every change is idempotent (the same event twice has one effect) and an event about a
person the mirror does not hold yet is logged and skipped: the next extract brings them.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.civil import (
    AddressChanged,
    BirthRegistered,
    DeathRegistered,
    DivorceRegistered,
    MarriageRegistered,
)
from contracts.national_id import age_on
from identity.registry.models import Marriage, Person
from identity.registry.repository import MarriageRepository, PersonRepository
from kit.repository import Page

log = logging.getLogger("identity.registry")


@dataclass(frozen=True)
class Facts:
    """What the registry knows about one person: their entry, children and marriage records."""

    person: Person
    children: Sequence[Person]
    marriages: Sequence[Marriage]


async def get_person(session: AsyncSession, *, national_id: str) -> Person | None:
    return await PersonRepository(session).get(national_id)


async def facts(session: AsyncSession, *, national_id: str) -> Facts | None:
    persons = PersonRepository(session)
    person = await persons.get(national_id)
    if person is None:
        return None
    children = await persons.children_of(national_id)
    return Facts(person, children, await MarriageRepository(session).of_person(national_id))


async def person_to_try(
    session: AsyncSession, *, governorate: str, born_before: date, newborn_since: date
) -> Person | None:
    """Someone not enrolled yet to try enrolment with (the demo's suggestion)."""
    return await PersonRepository(session).not_enrolled(
        governorate=governorate, born_before=born_before, newborn_since=newborn_since
    )


async def page(session: AsyncSession, *, governorate: str | None, limit: int, cursor: str | None) -> Page[Person]:
    """The registry's people by national ID, a page at a time (of one governorate of residence)."""
    return await PersonRepository(session).page(governorate=governorate, limit=limit, cursor=cursor)


async def load_extract(session: AsyncSession, *, path: Path, marriages: Path | None = None) -> int:
    """Load (or reload) a registry extract: its people and, if given, its marriage records.
    Returns how many rows were new or changed."""
    changed = await PersonRepository(session).bulk_load(path)
    if marriages is not None:
        changed += await MarriageRepository(session).bulk_load(marriages)
    return changed


async def register_birth(session: AsyncSession, *, event: BirthRegistered) -> None:
    persons = PersonRepository(session)
    mother = await persons.get(event.mother_national_id)
    home = mother or (await persons.get(event.father_national_id) if event.father_national_id else None)
    await persons.insert_if_absent(
        {
            "national_id": event.child_national_id,
            "first_name_ar": event.first_name_ar,
            "full_name_ar": event.full_name_ar,
            "full_name_latin": event.full_name_latin,
            "mother_first_name_ar": mother.first_name_ar if mother else None,
            "birth_date": event.birth_date,
            "sex": event.sex,
            "governorate": home.governorate if home else event.governorate,
            "district_ar": home.district_ar if home else None,
            "address_ar": home.address_ar if home else None,
            "father_national_id": event.father_national_id,
            "mother_national_id": event.mother_national_id,
            "marital_status": "single",
            "alive": True,
        }
    )


async def register_death(session: AsyncSession, *, event: DeathRegistered) -> Person | None:
    persons = PersonRepository(session)
    person = await persons.get(event.national_id, for_update=True)
    if person is None:
        log.warning("death of a person not in the mirror; skipped", extra={"event": event.subject})
        return None
    if person.alive:
        person.alive = False
        person.date_of_death = event.date_of_death
        if person.spouse_national_id and person.marital_status == "married":
            await persons.set_spouse(
                person.spouse_national_id,
                spouse=person.national_id,
                status="widowed",
                only_if_spouse=person.national_id,
            )
    return person


async def register_marriage(session: AsyncSession, *, event: MarriageRegistered) -> None:
    created = await MarriageRepository(session).insert_if_absent(
        {
            "marriage_id": event.marriage_id,
            "husband_national_id": event.husband_national_id,
            "wife_national_id": event.wife_national_id,
            "marriage_date": event.marriage_date,
            "governorate": event.governorate,
        }
    )
    if created:
        persons = PersonRepository(session)
        await persons.set_spouse(event.husband_national_id, spouse=event.wife_national_id, status="married")
        await persons.set_spouse(event.wife_national_id, spouse=event.husband_national_id, status="married")


async def register_divorce(session: AsyncSession, *, event: DivorceRegistered) -> None:
    marriages = MarriageRepository(session)
    marriage = await marriages.get(event.marriage_id)
    if marriage is not None and marriage.divorce_date is not None:
        return
    if marriage is not None:
        await marriages.end(event.marriage_id, event.divorce_date)
    persons = PersonRepository(session)
    husband, wife = event.husband_national_id, event.wife_national_id
    await persons.set_spouse(husband, spouse=None, status="divorced", only_if_spouse=wife)
    await persons.set_spouse(wife, spouse=None, status="divorced", only_if_spouse=husband)


async def change_address(session: AsyncSession, *, event: AddressChanged) -> None:
    person = await PersonRepository(session).get(event.national_id, for_update=True)
    if person is None:
        log.warning("address change of a person not in the mirror; skipped")
        return
    person.governorate = event.governorate
    person.district_ar = event.district_ar
    person.address_ar = event.address_ar


def is_adult(person: Person, *, today: date, min_age: int) -> bool:
    return age_on(person.birth_date, today) >= min_age
