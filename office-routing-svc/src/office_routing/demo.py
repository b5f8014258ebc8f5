"""`make run` demo data: three offices in each of the 27 governorates (a notary office, a
government service centre, a post office) and Egypt's fixed-date national holidays.

Loaded here and not by a migration: these offices are invented (real ones come from the
ministries through the admin API), and a production database must never hold them. Office
ids are derived from the codes, so every run (and identity's demo clerks) agree on them.
Idempotent: existing offices and holidays are left as they are.
"""

from __future__ import annotations

import asyncio
import uuid
from datetime import date, time

from sqlalchemy.dialects.postgresql import insert

from kit import db
from kit.clock import utcnow
from office_routing.governorates import GOVERNORATES, Governorate
from office_routing.models import load_all
from office_routing.offices.models import SUNDAY_TO_THURSDAY, Holiday, Office
from office_routing.offices.service import office_id_for
from office_routing.settings import Settings

NOTARY = ["notary.poa.general", "notary.poa.special", "notary.real_estate.register"]
CIVIL = ["civil.certificate.birth", "civil.certificate.marriage", "civil.certificate.divorce"]
RATION = ["ration.card.replace_damaged", "ration.card.replace_lost", "ration.card.add_newborn", "ration.appeal"]
CENTRE = [*NOTARY, *CIVIL, *RATION, "traffic.licence.renew_vehicle", "tax.certificate.clearance"]

FIXED_HOLIDAYS = [
    ((1, 7), "عيد الميلاد المجيد", "Coptic Christmas"),
    ((1, 25), "عيد الثورة وعيد الشرطة", "Revolution Day and Police Day"),
    ((4, 25), "عيد تحرير سيناء", "Sinai Liberation Day"),
    ((5, 1), "عيد العمال", "Labour Day"),
    ((6, 30), "ذكرى ثورة 30 يونيو", "June 30 Revolution"),
    ((7, 23), "عيد ثورة 23 يوليو", "July 23 Revolution"),
    ((10, 6), "عيد القوات المسلحة", "Armed Forces Day"),
]


def offices_of(g: Governorate) -> list[dict[str, object]]:
    common = {"governorate": g.code, "working_days": SUNDAY_TO_THURSDAY, "active": True}
    return [
        {
            **common, "code": f"NO-{g.code}-01", "kind": "notary_office",
            "name_ar": f"مكتب توثيق {g.capital_ar} الرئيسي", "name_en": f"{g.capital_en} Main Notary Office",
            "address_ar": f"شارع الجمهورية، {g.capital_ar}، محافظة {g.name_ar}",
            "address_en": f"El Gomhoreya Street, {g.capital_en}, {g.name_en} Governorate",
            "latitude": g.latitude + 0.004, "longitude": g.longitude - 0.003, "services": NOTARY,
            "opens_at": time(9, 0), "closes_at": time(14, 0), "slot_minutes": 15, "capacity_per_slot": 3,
        },
        {
            **common, "code": f"SC-{g.code}-01", "kind": "service_centre",
            "name_ar": f"مركز الخدمات الحكومية بـ{g.capital_ar}",
            "name_en": f"{g.capital_en} Government Service Centre",
            "address_ar": f"مبنى المحافظة، {g.capital_ar}، محافظة {g.name_ar}",
            "address_en": f"Governorate Building, {g.capital_en}, {g.name_en} Governorate",
            "latitude": g.latitude - 0.006, "longitude": g.longitude + 0.005, "services": CENTRE,
            "opens_at": time(8, 30), "closes_at": time(15, 30), "slot_minutes": 20, "capacity_per_slot": 4,
        },
        {
            **common, "code": f"PO-{g.code}-01", "kind": "post_office",
            "name_ar": f"مكتب بريد {g.capital_ar} الرئيسي", "name_en": f"{g.capital_en} Main Post Office",
            "address_ar": f"ميدان البريد، {g.capital_ar}، محافظة {g.name_ar}",
            "address_en": f"Post Square, {g.capital_en}, {g.name_en} Governorate",
            "latitude": g.latitude + 0.008, "longitude": g.longitude + 0.002, "services": [*CIVIL, *RATION],
            "opens_at": time(8, 30), "closes_at": time(14, 30), "slot_minutes": 15, "capacity_per_slot": 2,
        },
    ]  # fmt: skip


def holidays(years: range) -> list[dict[str, object]]:
    return [
        {"id": uuid.uuid5(uuid.NAMESPACE_URL, f"holiday:{year}-{m}-{d}"), "office_id": None, "day": date(year, m, d),
         "name_ar": ar, "name_en": en}
        for year in years for (m, d), ar, en in FIXED_HOLIDAYS
    ]  # fmt: skip


async def main() -> None:
    load_all()
    engine = db.create_engine(Settings().database_url, pool_size=1)
    rows = [{"id": office_id_for(str(o["code"])), **o} for g in GOVERNORATES for o in offices_of(g)]
    try:
        async with db.transaction(db.sessionmaker(engine)) as session:
            added = await session.execute(insert(Office).values(rows).on_conflict_do_nothing().returning(Office.id))
            new = len(added.all())
            this_year = utcnow().year
            await session.execute(
                insert(Holiday).values(holidays(range(this_year, this_year + 2))).on_conflict_do_nothing()
            )
    finally:
        await engine.dispose()
    print(f"  office-routing: {len(rows)} demo offices in {len(GOVERNORATES)} governorates ({new} new)")


if __name__ == "__main__":
    asyncio.run(main())
