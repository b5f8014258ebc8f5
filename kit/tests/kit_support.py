"""A small but real service built on the kit, for the kit's own tests: an address book
that records `civil.address.changed.v1` and a household store fed by events."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from uuid import UUID, uuid4

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import APIRouter, FastAPI
from jwt.algorithms import OKPAlgorithm
from pydantic import BaseModel, Field
from sqlalchemy import Column, Integer, MetaData, Table, Text, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine

from contracts.events.civil import AddressChanged
from contracts.events.ration import EligibilityChanged
from kit import db, errors
from kit.app import Session
from kit.messaging import record
from kit.messaging.bus import connect
from kit.messaging.consumer import Consumer, Handlers
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.tables import messaging_tables
from kit.runtime import Runtime
from kit.service import Manifest
from kit.settings import ServiceSettings


def service_metadata(schema: str) -> tuple[MetaData, Table]:
    metadata = db.metadata(schema)
    effects = Table(
        "effects",
        metadata,
        Column("key", Text, primary_key=True),
        Column("count", Integer, nullable=False),
        Column("last", Text),
    )
    messaging_tables(metadata)
    return metadata, effects


async def create_schema(url: str, metadata: MetaData) -> None:
    engine = create_async_engine(url)
    async with engine.begin() as conn:
        await conn.execute(text(f'CREATE SCHEMA IF NOT EXISTS "{metadata.schema}"'))
        await conn.run_sync(metadata.create_all)
    await engine.dispose()


async def bump(session: AsyncSession, effects: Table, key: str, last: str) -> None:
    """The effect a handler has: count how often it happened, remember the last value."""
    stmt = pg_insert(effects).values(key=key, count=1, last=last)
    stmt = stmt.on_conflict_do_update(index_elements=[effects.c.key], set_={"count": effects.c.count + 1, "last": last})
    await session.execute(stmt)


async def effects_of(url: str, effects: Table) -> dict[str, tuple[int, str | None]]:
    engine = create_async_engine(url)
    async with engine.connect() as conn:
        rows = (await conn.execute(select(effects))).all()
    await engine.dispose()
    return {row.key: (row.count, row.last) for row in rows}


def address_event(national_id: str, line: str) -> AddressChanged:
    return AddressChanged(
        national_id=national_id,
        governorate="03",
        district_ar="حي الشرق",
        address_ar=line,
        changed_at=datetime.now(UTC),
    )


def eligibility_event(national_id: str, eligible: bool) -> EligibilityChanged:
    return EligibilityChanged(
        card_id=uuid4(),
        holder_national_id=national_id,
        eligible=eligible,
        appealable=not eligible,
        rules_version="2026.1",
        effective_from=date.today(),
        decided_at=datetime.now(UTC),
    )


class AddressIn(BaseModel):
    national_id: str = Field(pattern=r"^[0-9]{14}$")
    address: str = Field(min_length=1, max_length=200)


def registry_router() -> APIRouter:
    """Service A: records an address change and its event in one transaction."""
    router = APIRouter()

    @router.post("/v1/addresses", status_code=202, responses=errors.responses(422))
    async def change_address(body: AddressIn, session: Session) -> dict[str, str]:
        envelope = await record(session, address_event(body.national_id, body.address))
        if body.address == "fail-after-record":
            raise errors.ProblemError("bad_request", status=400)
        if body.address == "refuse-but-keep":
            raise errors.ProblemError("bad_request", status=400, commit=True)
        return {"event_id": str(envelope.id)}

    return router


def settings_for(name: str, url: str, nats_url: str, **overrides: object) -> ServiceSettings:
    return ServiceSettings(
        service_name=name,
        environment="test",
        database_url=url,
        nats_url=nats_url,
        log_json=False,
        bus_backoff_seconds=(0.2,),
        **overrides,  # type: ignore[arg-type]
    )


def make_app(
    name: str,
    url: str,
    nats_url: str,
    metadata: MetaData,
    *,
    handlers: Handlers[ServiceSettings, None] | None = None,
    routers: tuple[APIRouter, ...] = (),
    **overrides: object,
) -> FastAPI:
    manifest: Manifest[ServiceSettings, None] = Manifest(
        title=name,
        settings=ServiceSettings,
        metadata=metadata,
        build_resources=no_resources,
        routers=routers,
        handlers=handlers,
    )
    return manifest.create_app(settings_for(name, url, nats_url, **overrides))


async def no_resources(runtime: Runtime[ServiceSettings]) -> None:
    return None


def new_id() -> UUID:
    return uuid4()


ISSUER, AUDIENCE = "shubbak-identity", "shubbak"


class KeyRing:
    """What identity-svc will publish: a JWKS with the current and previous keys."""

    def __init__(self) -> None:
        self.keys: dict[str, Ed25519PrivateKey] = {}
        self.fetches = 0

    def rotate(self, kid: str) -> None:
        self.keys[kid] = Ed25519PrivateKey.generate()

    def jwks(self) -> dict:
        self.fetches += 1
        out = []
        for kid, key in self.keys.items():
            jwk = json.loads(OKPAlgorithm.to_jwk(key.public_key()))
            out.append({**jwk, "kid": kid, "alg": "EdDSA", "use": "sig"})
        return {"keys": out}

    def token(self, kid: str, **claims) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "citizen-1", "iat": now, "exp": now + 300, **claims}
        return jwt.encode(body, self.keys[kid], algorithm="EdDSA", headers={"kid": kid})


async def civil_consumer(url, schema, nats_url, handler, *, engine_options=None, **options):
    """A kit Consumer of civil.address.changed.v1 on its own schema (durable = schema), with
    `handler(session, effects, event, envelope)`; (consumer, bus, engine, effects)."""
    metadata, effects = service_metadata(schema)
    await create_schema(url, metadata)
    engine = db.create_engine(url, **(engine_options or {}))
    tables = messaging_tables(metadata)
    sessions = db.sessionmaker(engine, **{SESSION_KEY: OutboxBinding(tables, source=schema)})
    bus = await connect(nats_url, name=schema)

    async def wrapped(session, event, envelope):
        await handler(session, effects, event, envelope)

    consumer = Consumer(
        js=bus.js,
        sessions=sessions,
        tables=tables,
        durable=schema,
        stream="CIVIL",
        handlers={AddressChanged.subject: wrapped},
        **{"max_deliver": 3, "backoff": (0.1,), "fetch_timeout": 0.2, **options},
    )
    return consumer, bus, engine, effects
