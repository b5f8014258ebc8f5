"""All SQL of the registry mirror, including the bulk load (COPY through asyncpg)."""

from __future__ import annotations

import uuid
from datetime import date
from pathlib import Path
from typing import Any, cast

from sqlalchemy import CursorResult, func, select, text, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from identity.citizens.models import Citizen
from identity.registry.extract import COLUMNS, MARRIAGE_COLUMNS
from identity.registry.models import Marriage, Person
from kit.repository import Page, Repository

_STAGE = "registry_load"


def _upsert(table: str, columns: tuple[str, ...], key: str, *, touch: bool) -> str:
    """Insert the staged rows; overwrite only rows that changed (so a reload counts changes)."""
    stamp, set_stamp = (", updated_at", ", updated_at = now()") if touch else ("", "")
    return f"""
INSERT INTO identity.{table} ({", ".join(columns)}{stamp})
SELECT {", ".join(columns)}{", now()" if touch else ""} FROM {_STAGE}
ON CONFLICT ({key}) DO UPDATE SET
{", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c != key)}{set_stamp}
WHERE ({", ".join(f"{table}.{c}" for c in columns)}) IS DISTINCT FROM ({", ".join(f"EXCLUDED.{c}" for c in columns)})
"""


async def _bulk_load(session: AsyncSession, source: Path, *, table: str, columns: tuple[str, ...], upsert: str) -> int:
    """COPY the CSV into a staging table, then upsert only rows that changed. One transaction."""
    await session.execute(text(f"CREATE TEMP TABLE {_STAGE} (LIKE identity.{table} INCLUDING DEFAULTS) ON COMMIT DROP"))
    conn = await session.connection()
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    await driver.copy_to_table(
        _STAGE, source=str(source), columns=list(columns), format="csv", header=True, null="", encoding="utf-8"
    )
    # A DML statement's result is a CursorResult: how many rows the upsert wrote.
    result = cast("CursorResult[Any]", await session.execute(text(upsert)))
    await session.execute(text(f"DROP TABLE {_STAGE}"))
    return int(result.rowcount or 0)


_UPSERT_PERSONS = _upsert("persons", COLUMNS, "national_id", touch=True)
_UPSERT_MARRIAGES = _upsert("marriages", MARRIAGE_COLUMNS, "marriage_id", touch=False)


class PersonRepository(Repository[Person]):
    model = Person
    order = (Person.national_id,)

    async def insert_if_absent(self, values: dict[str, Any]) -> bool:
        inserted = await self.session.scalar(
            insert(Person)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[Person.national_id])
            .returning(Person.national_id)
        )
        return inserted is not None

    async def page(self, *, governorate: str | None, limit: int, cursor: str | None) -> Page[Person]:
        query = select(Person)
        if governorate is not None:
            query = query.where(Person.governorate == governorate)
        return await self.paginate(query, limit=limit, cursor=cursor)

    async def children_of(self, national_id: str) -> list[Person]:
        query = select(Person).where(
            (Person.father_national_id == national_id) | (Person.mother_national_id == national_id)
        )
        return list((await self.session.scalars(query.order_by(Person.birth_date))).all())

    async def set_spouse(
        self, national_id: str, *, spouse: str | None, status: str, only_if_spouse: str | None = None
    ) -> None:
        query = update(Person).where(Person.national_id == national_id)
        if only_if_spouse is not None:
            query = query.where(Person.spouse_national_id == only_if_spouse)
        await self.session.execute(
            query.values(spouse_national_id=spouse, marital_status=status, updated_at=func.now())
        )

    async def bulk_load(self, source: Path) -> int:
        return await _bulk_load(self.session, source, table="persons", columns=COLUMNS, upsert=_UPSERT_PERSONS)

    async def not_enrolled(self, *, governorate: str, born_before: date, newborn_since: date) -> Person | None:
        """Someone who could enrol (the demo's suggestion): a married adult of `governorate`, a
        parent of a child born since `newborn_since` if there is one; else anyone alive."""
        enrolled = select(Citizen.national_id)
        child = aliased(Person)
        baby = select(child.national_id).where(
            child.father_national_id == Person.national_id, child.birth_date >= newborn_since
        )
        married = (
            select(Person)
            .where(Person.alive, Person.birth_date < born_before, Person.national_id.not_in(enrolled))
            .where(Person.governorate == governorate, Person.marital_status == "married")
            .order_by(Person.national_id)
            .limit(1)
        )
        anyone = select(Person).where(Person.alive, Person.national_id.not_in(enrolled)).order_by(Person.birth_date)
        found: Person | None = (
            await self.session.scalar(married.where(baby.exists()))
            or await self.session.scalar(married)
            or await self.session.scalar(anyone.limit(1))
        )
        return found

    async def count(self) -> int:
        return int((await self.session.execute(text("SELECT count(*) FROM identity.persons"))).scalar_one())


class MarriageRepository(Repository[Marriage]):
    model = Marriage
    order = (Marriage.marriage_id,)

    async def insert_if_absent(self, values: dict[str, Any]) -> bool:
        inserted = await self.session.scalar(
            insert(Marriage)
            .values(**values)
            .on_conflict_do_nothing(index_elements=[Marriage.marriage_id])
            .returning(Marriage.marriage_id)
        )
        return inserted is not None

    async def of_person(self, national_id: str) -> list[Marriage]:
        query = select(Marriage).where(
            (Marriage.husband_national_id == national_id) | (Marriage.wife_national_id == national_id)
        )
        return list((await self.session.scalars(query.order_by(Marriage.marriage_date))).all())

    async def bulk_load(self, source: Path) -> int:
        return await _bulk_load(
            self.session, source, table="marriages", columns=MARRIAGE_COLUMNS, upsert=_UPSERT_MARRIAGES
        )

    async def end(self, marriage_id: uuid.UUID, on: date) -> None:
        await self.session.execute(update(Marriage).where(Marriage.marriage_id == marriage_id).values(divorce_date=on))
