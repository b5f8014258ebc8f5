"""`make run` demo data: a small synthetic registry (2,000 people and their marriage records,
loaded idempotently), two demo staff accounts in development, and one person to try enrolment
with: a married adult of Port Said, so a marriage certificate and the ration card of their
household (ration-svc's demo builds the cards from this registry) can be tried at once."""

from __future__ import annotations

import asyncio
import tempfile
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import aliased

from identity.citizens.models import Citizen
from identity.models import load_all
from identity.registry import service as registry
from identity.registry.generate import write_csv
from identity.registry.models import Person
from identity.settings import Settings
from identity.staff import service as staff
from identity.staff.models import StaffMember
from kit import db

PEOPLE = 2000
SEED = 2074  # (a seed whose Port Said, the pilot governorate, has families to try every service with)
TODAY = date(2025, 6, 1)  # fixed, so every run generates the same registry
DEV_PASSWORD = "dev-only-password"


async def main() -> None:
    load_all()
    settings = Settings()
    engine = db.create_engine(settings.database_url, pool_size=1)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            path, marriages = Path(tmp) / "registry.csv", Path(tmp) / "marriages.csv"
            with path.open("w", encoding="utf-8", newline="") as out, marriages.open("w", encoding="utf-8") as rec:
                write_csv(out, PEOPLE, seed=SEED, today=TODAY, marriages=rec)
            async with db.transaction(db.sessionmaker(engine)) as session:
                changed = await registry.load_extract(session, path=path, marriages=marriages)
        async with db.transaction(db.sessionmaker(engine)) as session:
            if settings.is_development:
                for username, role in (("agent", "call_centre_agent"), ("auditor", "auditor")):
                    if not await session.scalar(select(StaffMember.id).where(StaffMember.username == username)):
                        await staff.create(
                            session, username=username, full_name=f"Demo {role}", password=DEV_PASSWORD, roles=[role]
                        )
            enrolled = select(Citizen.national_id)
            adult_before = date(datetime.now(UTC).year - 25, 1, 1)
            child = aliased(Person)
            baby = select(child.national_id).where(
                child.father_national_id == Person.national_id, child.birth_date >= TODAY - timedelta(days=365)
            )
            married = (
                select(Person)
                .where(Person.alive, Person.birth_date < adult_before, Person.national_id.not_in(enrolled))
                .where(Person.governorate == "03", Person.marital_status == "married")
                .order_by(Person.national_id)
                .limit(1)
            )
            person = (
                await session.scalar(married.where(baby.exists()))  # a father of a newborn: every service to try
                or await session.scalar(married)
                or await session.scalar(
                    select(Person).where(Person.alive, Person.national_id.not_in(enrolled)).order_by(Person.birth_date)
                )
            )
    finally:
        await engine.dispose()
    print(
        f"  identity: registry mirror has {PEOPLE} synthetic people and their marriages ({changed} rows new or changed)"
    )
    if person is not None:
        mobile = "010" + person.national_id[-8:]
        print(
            f"  identity: try enrolment with national_id={person.national_id} first_name={person.first_name_ar} "
            f"mother_first_name={person.mother_first_name_ar} mobile={mobile}; "
            f"read the code at GET /v1/dev/sms?mobile={mobile}"
        )
    if settings.is_development:
        print(f"  identity: staff 'agent' (call centre) and 'auditor', password {DEV_PASSWORD!r}")


if __name__ == "__main__":
    asyncio.run(main())
