"""Helpers for ration-svc's tests: national IDs, a default rule set, tokens, the app on real
PostgreSQL and NATS, the other services it asks (catalog-svc as a process, identity's registry
stood in), waiting."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, date, datetime
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from kit.auth import Issuer, Verifiers
from kit.clock import Clock
from kit.testing import TokenIssuer, running, trust
from ration.cards import service as cards
from ration.cards.models import Household
from ration.main import create_app
from ration.settings import Settings

INTERNAL = f"test-internal-{uuid.uuid4().hex}"
"""The platform's internal token in these tests (catalog-svc's process and the registry stand-in)."""

RULES_2025: dict[str, Any] = {
    "version": "2025.1",
    "subsidy_per_member_piastres": 5000,
    "card_cap_piastres": 20000,
    "appeal_window_days": 30,
    "rules": [
        {
            "code": "car_model_year",
            "kind": "vehicle_model_year",
            "min_model_year": 2017,
            "vehicle_types": ["private_car"],
            "explanation_ar": "تملك الأسرة سيارة {make} موديل {model_year} مسجلة بتاريخ {registered_on}",
            "explanation_en": "The household owns a car, {make} model {model_year}, registered {registered_on}",
        },
        {
            "code": "electricity_consumption",
            "kind": "electricity_monthly_kwh",
            "max_monthly_kwh": 650,
            "explanation_ar": "استهلاك الكهرباء {monthly_kwh} ك.و.س شهريًا للعداد {meter_id}",
            "explanation_en": "Electricity use of {monthly_kwh} kWh a month on meter {meter_id}",
        },
        {
            "code": "private_school_fees",
            "kind": "school_fees",
            "min_annual_fees_piastres": 2_000_000,
            "explanation_ar": "مصروفات مدرسية {annual_fees_egp} جنيه للعام {academic_year}",
            "explanation_en": "School fees of EGP {annual_fees_egp} for {academic_year}",
        },
        {
            "code": "salary",
            "kind": "monthly_salary",
            "max_monthly_salary_piastres": 960_000,
            "explanation_ar": "راتب شهري {monthly_salary_egp} جنيه",
            "explanation_en": "A monthly salary of EGP {monthly_salary_egp}",
        },
        {
            "code": "farmland",
            "kind": "land_feddans",
            "min_feddans": "10",
            "explanation_ar": "حيازة زراعية {feddans} فدان",
            "explanation_en": "Farmland of {feddans} feddans",
        },
    ],
}


_issued: set[str] = set()


def nid(born: str | date = "900101", governorate: str = "03", male: bool = True) -> str:
    """A well-formed national ID, unique per call, of someone born on `born` (a date, or YYMMDD:
    a year after 30 is in the 1900s); the sequence's last digit says the sex.

    Random IDs for one birth date and governorate have only 5,000 spellings, so two calls
    could collide (a person on two cards by accident); issued ones are remembered."""
    if isinstance(born, date):
        century, born = ("2" if born.year < 2000 else "3"), f"{born:%y%m%d}"
    else:
        century = "2" if int(born[:2]) > 30 else "3"
    while True:
        seq = secrets.randbelow(500) * 2 + (1 if male else 0)
        found = f"{century}{born}{governorate}{seq:04d}{secrets.randbelow(10)}"[:14].ljust(14, "0")
        if found not in _issued:
            _issued.add(found)
            return found


def now() -> datetime:
    return datetime.now(UTC)


def citizen_id(national_id: str) -> uuid.UUID:
    """The citizen account (token `sub`) of a national ID in these tests: a UUID, as identity's."""
    return uuid.uuid5(uuid.NAMESPACE_OID, f"citizen:{national_id}")


class Tokens:
    """Callers' tokens: citizens' and officers' as identity-svc signs them, integrators' as the
    gateway does (`kit.testing.TokenIssuer` for each), verified as production verifies them."""

    def __init__(self) -> None:
        self.identity = TokenIssuer()
        self.gateway = TokenIssuer(issued_by=Issuer.GATEWAY)

    def citizen(self, national_id: str) -> dict[str, str]:
        return self.identity.headers(str(citizen_id(national_id)), typ="citizen", nid=national_id)

    def officer(self, governorate: str = "03") -> dict[str, str]:
        return self.identity.headers(f"officer-{governorate}", typ="staff", roles=["ration_officer"], gov=governorate)

    def integrator(self, *scopes: str) -> dict[str, str]:
        return self.gateway.integrator(*scopes, sub="gov-03")

    def verifier(self) -> Verifiers:
        return Verifiers(self.identity.verifier(), self.gateway.verifier())


def settings(ration_url: str, nats_url: str, **overrides: Any) -> Settings:
    """The service's settings in these tests: its own consumer name (so a module's app never
    shares a durable with another's), no sweep during a test (tests tick by hand)."""
    values: dict[str, Any] = {
        "service_name": f"ration-{uuid.uuid4().hex[:8]}", "database_url": ration_url, "nats_url": nats_url,
        "environment": "test", "log_json": False, "tick_seconds": 3600, "bus_backoff_seconds": (0.2,),
        "internal_token": INTERNAL, "identity_internal_token": INTERNAL, **overrides,
    }  # fmt: skip
    return Settings(**values)


@asynccontextmanager
async def started(
    config: Settings, tokens: Tokens, *, clock: Clock | None = None
) -> AsyncIterator[tuple[FastAPI, httpx.AsyncClient]]:
    """ration-svc running (bus, relay, consumers, sweeps) with callers' tokens trusted; the app
    and an in-process client."""
    app = create_app(config, clock=clock)
    trust(app, tokens.verifier())
    async with running(app) as client:
        yield app, client


async def new_card(
    sessions: async_sessionmaker[AsyncSession],
    *members: tuple[str, str],
    holder: str | None = None,
    governorate: str = "03",
) -> tuple[Household, str]:
    """A card (decided at once) with its holder (a new person unless given) and members (national
    ID, relation); the card and the holder's national ID."""
    holder = holder or nid(governorate=governorate)
    async with sessions() as session, session.begin():
        card = await cards.create_household(
            session, governorate=governorate, supply_office="PS-01", holder_national_id=holder, members=members,
            now=now(),
        )  # fmt: skip
    return card, holder
