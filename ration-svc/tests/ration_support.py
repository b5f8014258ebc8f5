"""Helpers for ration-svc's tests: national IDs, a default rule set, tokens, events, waiting."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm

from kit.auth import Issuer, JWKSCache, TokenVerifier, Verifiers

ISSUER, AUDIENCE = "shubbak-identity", "shubbak"
INTEGRATOR_ISSUER = "shubbak-gateway"

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


def nid(born: str = "900101", governorate: str = "03", male: bool = True) -> str:
    """A well-formed national ID, unique per call (century 2 = born in the 1900s).

    Random IDs for one birth date and governorate have only 5,000 spellings, so two calls
    could collide (a person on two cards by accident); issued ones are remembered."""
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


class KeyRing:
    """Stands in for identity-svc's JWKS and the gateway's integrator JWKS (one key serves both
    here): tokens signed here verify like real ones, each kind under the issuer that issues it."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "k1", "alg": "EdDSA", "use": "sig"}]}

    def token(self, **claims: Any) -> str:
        issued = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "user-1", "iat": issued, "exp": issued + 600, **claims}
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": "k1"})

    def citizen(self, national_id: str) -> dict[str, str]:
        token = self.token(typ="citizen", sub=str(citizen_id(national_id)), nid=national_id)
        return {"Authorization": f"Bearer {token}"}

    def officer(self, governorate: str = "03") -> dict[str, str]:
        token = self.token(typ="staff", sub=f"officer-{governorate}", roles=["ration_officer"], gov=governorate)
        return {"Authorization": f"Bearer {token}"}

    def integrator(self, *scopes: str) -> dict[str, str]:
        token = self.token(typ="integrator", iss=INTEGRATOR_ISSUER, sub="gov-03", scope=" ".join(scopes))
        return {"Authorization": f"Bearer {token}"}

    def verifier(self) -> Verifiers:
        jwks_app = FastAPI()
        jwks_app.get("/.well-known/jwks.json")(self.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://identity")
        cache = JWKSCache("http://identity/.well-known/jwks.json", http, min_refresh_seconds=0)
        return Verifiers(  # as kit.app.verifiers trusts them in production
            TokenVerifier(cache, issuer=ISSUER, audience=AUDIENCE, issued_by=Issuer.IDENTITY),
            TokenVerifier(cache, issuer=INTEGRATOR_ISSUER, audience=AUDIENCE, issued_by=Issuer.GATEWAY),
        )


async def eventually(check: Callable[[], Awaitable[Any]], timeout: float = 20.0) -> Any:
    """Poll until `check` returns something truthy (not a timing assertion: a bounded wait)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("condition not reached in time")
        await asyncio.sleep(0.1)
