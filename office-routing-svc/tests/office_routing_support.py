"""Helpers for office-routing's tests: identity's keys served in-process, tokens minted here,
the app on real PostgreSQL and NATS, events published the way notary-svc's relay does."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, Event
from contracts.events.notary import PoaCancelled, PoaPaid
from kit.auth import Issuer, JWKSCache, TokenVerifier
from kit.db import transaction
from kit.testing import migrated_database, running, stream_messages
from office_routing import clock
from office_routing.main import create_app
from office_routing.settings import Settings

SERVICE_DIR = Path(__file__).parents[1]
ISSUER, AUDIENCE = "shubbak-identity", "shubbak"
SUNDAY_MORNING = datetime(2030, 1, 6, 5, 0, tzinfo=UTC)  # 07:00 in Cairo, a Sunday
ALL_WEEK = [1, 2, 3, 4, 5, 6, 7]


class Identity:
    """Stands in for identity-svc: one signing key, its JWKS, and tokens for any caller."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "id-1", "alg": "EdDSA", "use": "sig"}]}

    def headers(self, sub: str, **claims: Any) -> dict[str, str]:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 600, **claims}
        return {"Authorization": f"Bearer {jwt.encode(body, self.key, algorithm='EdDSA', headers={'kid': 'id-1'})}"}

    def verifier(self) -> TokenVerifier:
        jwks_app = FastAPI()
        jwks_app.get("/.well-known/jwks.json")(self.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://identity")
        return TokenVerifier(
            JWKSCache("http://identity/.well-known/jwks.json", http),
            issuer=ISSUER,
            audience=AUDIENCE,
            issued_by=Issuer.IDENTITY,
        )


class Harness:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient, settings: Settings) -> None:
        self.app, self.client, self.settings = app, client, settings
        self.identity = Identity()
        app.state.verifier = self.identity.verifier()
        self.admin = self.identity.headers(str(uuid.uuid4()), typ="staff", roles=["admin"])

    def citizen(self, citizen_id: uuid.UUID | None = None) -> tuple[uuid.UUID, dict[str, str]]:
        citizen_id = citizen_id or uuid.uuid4()
        return citizen_id, self.identity.headers(str(citizen_id), typ="citizen", nid="29001011234567")

    def clerk(self, office: str, role: str = "notary_clerk") -> dict[str, str]:
        return self.identity.headers(str(uuid.uuid4()), typ="staff", roles=[role], office=office, gov="03")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with transaction(self.app.state.runtime.sessions) as session:
            yield session

    async def office(self, governorate: str = "03", **overrides: Any) -> dict[str, Any]:
        code = overrides.pop("code", f"T-{governorate}-{secrets.token_hex(3).upper()}")
        body = {
            "code": code, "kind": "notary_office", "governorate": governorate,
            "name_ar": f"مكتب توثيق {code}", "name_en": f"Notary office {code}",
            "address_ar": "شارع الجمهورية", "address_en": "El Gomhoreya Street",
            "latitude": 31.26, "longitude": 32.3, "services": ["notary.poa.general", "notary.poa.special"],
            "working_days": ALL_WEEK, "opens_at": "09:00", "closes_at": "10:00", "slot_minutes": 30,
            "capacity_per_slot": 2, **overrides,
        }  # fmt: skip
        response = await self.client.post("/v1/offices", json=body, headers=self.admin)
        assert response.status_code == 201, response.text
        return response.json()

    async def publish(self, event: Event, *, envelope_id: uuid.UUID | None = None) -> Envelope:
        """Put an event on JetStream as another service's relay would."""
        envelope = Envelope.wrap(event, source="notary-svc", id=envelope_id)
        js = self.app.state.runtime.bus.js
        await js.publish(event.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": str(envelope.id)})
        return envelope

    async def paid(self, governorate: str = "03", *, citizen_id: uuid.UUID | None = None, **kw: Any) -> PoaPaid:
        poa_id = uuid.uuid4()
        event = PoaPaid(
            poa_id=poa_id, citizen_id=citizen_id or uuid.uuid4(), principal_national_id="29001011234567",
            kind="general", service_code=kw.pop("service_code", "notary.poa.general"), governorate=governorate,
            order_ref=f"notary:{poa_id}", paid_at=clock.now(), **kw,
        )  # fmt: skip
        await self.publish(event)
        return event

    async def cancelled(self, paid: PoaPaid) -> PoaCancelled:
        event = PoaCancelled(
            poa_id=paid.poa_id, citizen_id=paid.citizen_id, order_ref=paid.order_ref, refund_due=True,
            cancelled_at=clock.now(),
        )  # fmt: skip
        await self.publish(event)
        return event

    async def appointments_of(self, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/appointments", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    async def booked_for(self, paid: PoaPaid) -> dict[str, Any]:
        """Wait until the paid event has been handled and return the citizen's active appointment."""
        _, headers = self.citizen(paid.citizen_id)

        async def found() -> list[dict[str, Any]]:
            return [a for a in await self.appointments_of(headers) if a["order_ref"] == paid.order_ref]

        await wait_for(found)
        return (await found())[-1]

    async def events(self, subject: str, match: Callable[[dict[str, Any]], bool] = lambda _: True) -> list[Envelope]:
        msgs = await stream_messages(self.app.state.runtime.bus.js, "OFFICE", subject)
        envelopes = [Envelope.from_bytes(m.data) for m in msgs]
        return [e for e in envelopes if match(e.data)]

    async def event(self, subject: str, match: Callable[[dict[str, Any]], bool]) -> Envelope:
        async def found() -> list[Envelope]:
            return await self.events(subject, match)

        await wait_for(found)
        return (await found())[0]


async def wait_for(condition: Callable[[], Awaitable[Any]], timeout: float = 20.0) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while not await condition():
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("condition not reached in time")
        await asyncio.sleep(0.05)


@asynccontextmanager
async def harness(pg_server: Any, nats_url: str, **settings: Any) -> AsyncIterator[Harness]:
    """A migrated database of its own and the app running on it (one per test module)."""
    async with migrated_database(pg_server, SERVICE_DIR, "office_routing") as url:
        async with _running(url, nats_url, **settings) as h:
            yield h


@asynccontextmanager
async def _running(url: str, nats_url: str, **settings: Any) -> AsyncIterator[Harness]:
    config = Settings(
        database_url=url, nats_url=nats_url, environment="test", log_json=False, db_pool_size=12,
        waiting_sweep_seconds=3600, **settings,
    )  # fmt: skip
    clock.freeze(SUNDAY_MORNING)
    app = create_app(config)
    try:
        async with running(app) as client:
            yield Harness(app, client, config)
    finally:
        clock.freeze(None)
