"""The facts a definition may prefill, and filling them in for one applicant: from identity's
civil registry (asked once, at the start) and from the local read models events keep current."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Literal

from sqlalchemy.ext.asyncio import AsyncSession

from applications.facts.repository import FactsRepository
from contracts.national_id import age_on, birth_date
from kit.errors import ProblemError
from kit.registry import Registry, RegistryPerson

Kind = Literal["text", "integer", "money", "boolean", "list"]


@dataclass(frozen=True)
class Fact:
    kind: Kind
    sample: Any
    """A value of the fact's shape: rules are tried on it at publication."""
    source: str


_VEHICLE = {"vehicle_id": "", "plate_number": "", "vehicle_type": "", "make": "", "model": "", "model_year": 0}
_COMPANY = {
    "registry_number": "",
    "name_ar": "",
    "legal_form": "",
    "status": "",
    "capital_piastres": 0,
    "activity_ar": "",
    "governorate": "",
}

FACTS: dict[str, Fact] = {
    "full_name_ar": Fact("text", "", "civil"),
    "national_id": Fact("text", "", "civil"),
    "age": Fact("integer", 0, "civil"),
    "sex": Fact("text", "", "civil"),
    "marital_status": Fact("text", "", "civil"),
    "governorate": Fact("text", "", "civil"),
    "district_ar": Fact("text", "", "civil"),
    "children_under_18": Fact("integer", 0, "civil"),
    "has_ration_card": Fact("boolean", False, "ration"),
    "ration_card_eligible": Fact("boolean", False, "ration"),
    "vehicles": Fact("list", [_VEHICLE], "traffic"),
    "private_cars": Fact("integer", 0, "traffic"),
    "electricity_kwh_month": Fact("integer", 0, "electricity"),
    "private_school_fees": Fact("money", 0, "education"),
    "companies": Fact("list", [_COMPANY], "registry"),
}
"""Every fact a definition may name: its shape, a sample, and the authority it comes from."""

CHOICE_KEYS = {"vehicles": "plate_number", "companies": "registry_number"}
"""A list fact offered as a question's choices: the item field that is the answer."""


async def applicant(registry: Registry, national_id: str) -> RegistryPerson:
    person = await registry.person(national_id)
    if person is None or not person.alive:
        raise ProblemError("not_in_registry", status=409)
    return person


async def prefill(session: AsyncSession, *, person: RegistryPerson, names: list[str], today: date) -> dict[str, Any]:
    """The named facts of this applicant, as the state knows them today."""
    repo, nid = FactsRepository(session), person.national_id
    out: dict[str, Any] = {}
    for name in names:
        out[name] = await _one(repo, name, person, nid, today)
    return out


async def _one(repo: FactsRepository, name: str, person: RegistryPerson, nid: str, today: date) -> Any:
    if name in ("full_name_ar", "national_id", "sex", "marital_status", "governorate"):
        return str(getattr(person, name))
    if name == "district_ar":
        return person.district_ar or ""
    if name == "age":
        return person.age_on(today)
    if name == "children_under_18":
        born = [birth_date(child) for child in person.children]
        return sum(1 for b in born if b is not None and age_on(b, today) < 18)
    if name in ("has_ration_card", "ration_card_eligible"):
        card = await repo.ration_card_of(nid)
        return card is not None and (name == "has_ration_card" or card.eligible)
    if name in ("vehicles", "private_cars"):
        vehicles = await repo.vehicles_of(nid)
        if name == "private_cars":
            return sum(1 for v in vehicles if v.vehicle_type == "private_car")
        return [
            {**{k: getattr(v, k) for k in _VEHICLE if k != "vehicle_id"}, "vehicle_id": str(v.vehicle_id)}
            for v in vehicles
        ]
    if name == "electricity_kwh_month":
        readings = await repo.latest_consumption_of(nid)
        return sum(_monthly(r.consumption_kwh, r.period_start, r.period_end) for r in readings)
    if name == "private_school_fees":
        fees = await repo.school_fees_paid_by(nid)
        latest = max((f.academic_year for f in fees), default=None)
        return sum(
            f.annual_fees_piastres
            for f in fees
            if f.academic_year == latest and f.school_type in ("private", "international")
        )
    if name == "companies":
        return [{k: getattr(c, k) for k in _COMPANY} for c in await repo.companies_of(nid)]
    raise KeyError(name)  # publication refuses an unknown fact


def _monthly(kwh: int, start: date, end: date) -> int:
    """A billing period's consumption over 30 days."""
    days = (end - start).days + 1
    return round(kwh * 30 / days) if days > 0 else kwh


def as_of(now: datetime) -> date:
    return now.date()
