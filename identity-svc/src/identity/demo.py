"""`make run` demo data: a small synthetic registry (2,000 people and their marriage records,
loaded idempotently), a staff account per role in development, and one person to try enrolment
with: a married adult of Port Said, so a marriage certificate and the ration card of their
household (ration-svc's demo builds the cards from this registry) can be tried at once."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from datetime import date, timedelta
from pathlib import Path

from identity.models import load_all
from identity.registry import service as registry
from identity.registry.generate import write_csv
from identity.settings import Settings
from identity.staff import service as staff
from kit import db
from kit.clock import utcnow
from kit.errors import Conflict

PEOPLE = 2000
SEED = 2074  # (a seed whose Port Said, the pilot governorate, has families to try every service with)
TODAY = date(2025, 6, 1)  # fixed, so every run generates the same registry
DEV_PASSWORD = "dev-only-password"
DEV_STAFF = (
    ("clerk", "notary_clerk", "NO-03-01"),
    ("office-clerk", "office_clerk", "SC-03-01"),
    ("ration", "ration_officer", "SC-03-01"),
    ("agent", "call_centre_agent", None),
    ("auditor", "auditor", None),
    ("admin", "admin", None),
)
"""(username, role, office code) of a development staff account per role, in Port Said (03): the
web console's sign-in for each role. Production makes none."""
DEMO_OFFICE_NAMESPACE = uuid.UUID("5b0c8f5e-8d4a-4f52-9a57-0f1c6b7f2d10")
"""office-routing's demo offices have the id uuid5(this, code); identity binds clerks to them."""


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
        now = utcnow()
        if settings.is_development:
            for username, role, office in DEV_STAFF:
                try:
                    async with db.transaction(db.sessionmaker(engine)) as session:
                        await staff.create(
                            session, username=username, full_name=f"Demo {role}", password=DEV_PASSWORD,
                            roles=[role], now=now, governorate="03" if office else None,
                            office_id=str(uuid.uuid5(DEMO_OFFICE_NAMESPACE, office)) if office else None,
                        )  # fmt: skip
                except Conflict:
                    pass  # made by an earlier run
        async with db.transaction(db.sessionmaker(engine)) as session:
            # a father of a newborn in Port Said: every service to try
            person = await registry.person_to_try(
                session, governorate="03", born_before=date(now.year - 25, 1, 1),
                newborn_since=TODAY - timedelta(days=365),
            )  # fmt: skip
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
        accounts = ", ".join(f"{user} ({role})" for user, role, _ in DEV_STAFF)
        print(f"  identity: development staff {accounts}; password {DEV_PASSWORD!r}")


if __name__ == "__main__":
    asyncio.run(main())
