"""Test helpers: registry people, enrolment through the API, reading the dev SMS outbox."""

from __future__ import annotations

import random
import re
import secrets
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from contracts.national_id import compose
from identity.models import load_all
from identity.registry.models import Person
from identity.resources import Resources, ServiceContext
from identity.settings import Settings
from identity.staff import service as staff_service
from kit import db
from kit.clock import utcnow
from kit.testing import runtime_of, signed

_rng = random.Random()
STAFF_PASSWORD = "correct horse battery"


_used: set[str] = set()


def new_national_id(born: date = date(1990, 5, 17), sex: str = "male", governorate: str = "03") -> str:
    return _unique(born, sex, governorate)


def _unique(born: date, sex: str, governorate: str) -> str:
    while True:
        nid = compose(born=born, governorate=governorate, sequence=_rng.randint(0, 999), sex=sex)
        if nid not in _used:
            _used.add(nid)
            return nid


def new_mobile() -> str:
    return "010" + "".join(str(_rng.randint(0, 9)) for _ in range(8))


def e164(mobile: str) -> str:
    return "+20" + mobile[1:]


def client_ip() -> dict[str, str]:
    return {"X-Forwarded-For": f"10.{_rng.randint(0, 255)}.{_rng.randint(0, 255)}.{_rng.randint(1, 254)}"}


async def add_person(engine: AsyncEngine, **overrides: Any) -> dict[str, Any]:
    born = overrides.pop("birth_date", date(1990, 5, 17))
    sex = overrides.pop("sex", "male")
    values: dict[str, Any] = {
        "national_id": _unique(born, sex, "03"),
        "first_name_ar": "أحمد",
        "full_name_ar": "أحمد محمود علي النجار",
        "full_name_latin": "Ahmed Mahmoud Ali El-Naggar",
        "mother_first_name_ar": "فاطمة",
        "birth_date": born,
        "sex": sex,
        "governorate": "03",
        "district_ar": "حي الشرق",
        "address_ar": "١٢ شارع فلسطين",
        "marital_status": "single",
        "alive": True,
        **overrides,
    }
    async with engine.begin() as conn:
        await conn.execute(insert(Person).values(**values))
    return values


def resources(app: FastAPI) -> Resources:
    """The running app's resources (its SMS providers and outbox, its key ring)."""
    ctx: ServiceContext = runtime_of(app).context
    return ctx.resources


def last_code(app: FastAPI, mobile: str) -> str:
    sms = resources(app).sms_outbox.latest(mobile if mobile.startswith("+") else e164(mobile))
    assert sms is not None, "no SMS was sent"
    match = re.search(r"\b(\d{6})\b", sms.body)
    assert match
    return match.group(1)


def wrong(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


async def start(client: httpx.AsyncClient, person: dict[str, Any], mobile: str, **changes: Any) -> httpx.Response:
    body = {
        "national_id": person["national_id"],
        "first_name": person["first_name_ar"],
        "mother_first_name": person["mother_first_name_ar"],
        "mobile": mobile,
        **changes,
    }
    return await client.post("/v1/enrolments", json=body, headers={**client_ip(), "Accept-Language": "en"})


async def enrol(app: FastAPI, client: httpx.AsyncClient, person: dict[str, Any], mobile: str | None = None) -> dict:
    mobile = mobile or new_mobile()
    started = await start(client, person, mobile)
    assert started.status_code == 202, started.text
    enrolment_id = started.json()["id"]
    verified = await client.post(f"/v1/enrolments/{enrolment_id}/verification", json={"code": last_code(app, mobile)})
    assert verified.status_code == 201, verified.text
    return {**verified.json(), "mobile": mobile}


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def token_of(enrolled: dict) -> str:
    return enrolled["tokens"]["access_token"]


def random_name() -> str:
    return secrets.token_hex(4)


async def publish(nats_url: str, event: Any, envelope_id: Any = None) -> Any:
    """Publish an event as its producer's relay would (envelope, Nats-Msg-Id)."""
    import nats

    from contracts import Envelope

    envelope = Envelope.wrap(event, source="registry-authority", id=envelope_id)
    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
    finally:
        await nc.close()
    return envelope


def identity_settings(migrated_url: str, nats_url: str, **overrides: Any) -> Settings:
    return Settings(
        database_url=migrated_url,
        nats_url=nats_url,
        environment="development",
        log_json=False,
        service_name=f"identity-svc-{secrets.token_hex(3)}",  # a durable consumer of its own per module
        **overrides,
    )


async def create_staff(engine: AsyncEngine, *roles: str, **extra: Any) -> tuple[str, str]:
    """A staff account (password STAFF_PASSWORD): (id, username)."""
    load_all()
    username = f"s{secrets.token_hex(4)}"
    async with db.transaction(db.sessionmaker(engine)) as session:
        member = await staff_service.create(
            session,
            username=username,
            full_name="موظف",
            password=STAFF_PASSWORD,
            roles=list(roles),
            now=utcnow(),
            **extra,
        )
    return str(member.id), username


async def staff(client: httpx.AsyncClient, engine: AsyncEngine, *roles: str, **extra: Any) -> tuple[str, str]:
    """A signed-in staff member: (id, access token)."""
    staff_id, username = await create_staff(engine, *roles, **extra)
    answer = await client.post("/v1/staff/sessions", json={"username": username, "password": STAFF_PASSWORD})
    assert answer.status_code == 201, answer.text
    return staff_id, answer.json()["access_token"]
