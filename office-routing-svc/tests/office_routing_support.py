"""Helpers for office-routing's tests: identity's keys served in-process, tokens minted here,
the app on real PostgreSQL and NATS, events published the way notary-svc's relay does."""

from __future__ import annotations

import secrets
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, Event
from contracts.events.office import AppointmentRequested, AppointmentWithdrawn
from kit.clock import ManualClock
from kit.db import transaction
from kit.testing import TokenIssuer, eventually, migrated_database, running, runtime_of, signed, stream_messages, trust
from office_routing.main import create_app
from office_routing.settings import Settings

SERVICE_DIR = Path(__file__).parents[1]
SUNDAY_MORNING = datetime(2030, 1, 6, 5, 0, tzinfo=UTC)  # 07:00 in Cairo, a Sunday
ALL_WEEK = [1, 2, 3, 4, 5, 6, 7]


class Harness:
    def __init__(self, app: FastAPI, client: httpx.AsyncClient, settings: Settings, clock: ManualClock) -> None:
        self.app, self.client, self.settings, self.clock = app, client, settings, clock
        self.identity = TokenIssuer()
        trust(app, self.identity.verifier())
        self.admin = self.identity.headers(str(uuid.uuid4()), typ="staff", roles=["admin"])

    def citizen(self, citizen_id: uuid.UUID | None = None) -> tuple[uuid.UUID, dict[str, str]]:
        citizen_id = citizen_id or uuid.uuid4()
        return citizen_id, self.identity.headers(str(citizen_id), typ="citizen", nid="29001011234567")

    def clerk(self, office: str, role: str = "notary_clerk") -> dict[str, str]:
        return self.identity.headers(str(uuid.uuid4()), typ="staff", roles=[role], office=office, gov="03")

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with transaction(runtime_of(self.app).sessions) as session:
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
        js = runtime_of(self.app).bus.js
        await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
        return envelope

    async def paid(
        self, governorate: str = "03", *, citizen_id: uuid.UUID | None = None, **kw: Any
    ) -> AppointmentRequested:
        """A requesting service (notary, here) asks for a visit for one of its paid orders."""
        event = requested(governorate, citizen_id=citizen_id, at=self.clock.now(), **kw)
        await self.publish(event)
        return event

    async def cancelled(self, paid: AppointmentRequested) -> AppointmentWithdrawn:
        now = self.clock.now()
        event = AppointmentWithdrawn(order_ref=paid.order_ref, citizen_id=paid.citizen_id, withdrawn_at=now)
        await self.publish(event)
        return event

    async def appointments_of(self, headers: dict[str, str], **params: Any) -> list[dict[str, Any]]:
        response = await self.client.get("/v1/appointments", headers=headers, params=params)
        assert response.status_code == 200, response.text
        return response.json()["items"]

    async def booked_for(self, paid: AppointmentRequested) -> dict[str, Any]:
        """Wait until the paid event has been handled and return the citizen's active appointment."""
        _, headers = self.citizen(paid.citizen_id)

        async def found() -> list[dict[str, Any]]:
            return [a for a in await self.appointments_of(headers) if a["order_ref"] == paid.order_ref]

        await eventually(found)
        return (await found())[-1]

    async def events(self, subject: str, match: Callable[[dict[str, Any]], bool] = lambda _: True) -> list[Envelope]:
        msgs = await stream_messages(runtime_of(self.app).bus.js, "OFFICE", subject)
        envelopes = [Envelope.from_bytes(m.data) for m in msgs]
        return [e for e in envelopes if match(e.data)]

    async def event(self, subject: str, match: Callable[[dict[str, Any]], bool]) -> Envelope:
        async def found() -> list[Envelope]:
            return await self.events(subject, match)

        await eventually(found)
        return (await found())[0]


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
    clock = ManualClock(SUNDAY_MORNING)
    app = create_app(config, clock=clock)
    async with running(app) as client:
        yield Harness(app, client, config, clock)


def requested(
    governorate: str, *, at: datetime, citizen_id: uuid.UUID | None = None, **kw: Any
) -> AppointmentRequested:
    return AppointmentRequested(
        order_ref=f"notary:{uuid.uuid4()}", citizen_id=citizen_id or uuid.uuid4(), national_id="29001011234567",
        service_code=kw.pop("service_code", "notary.poa.general"), governorate=governorate, requested_at=at, **kw,
    )  # fmt: skip
