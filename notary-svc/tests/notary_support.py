"""notary-svc's tests run it beside the real identity-svc (registry, tokens, JWKS) and
catalog-svc (locked quotes), each on its own migrated database, all on real PostgreSQL and NATS.
payment-svc and office-routing-svc are played by publishing their events onto NATS, as their
outbox relays would."""

from __future__ import annotations

import asyncio
import random
import uuid
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from fastapi import FastAPI
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import create_async_engine

from catalog.main import create_app as create_catalog
from catalog.settings import Settings as CatalogSettings
from contracts import Envelope, Event
from contracts.events.office import AppointmentBooked, AppointmentCancelled, AppointmentVerified
from contracts.events.payment import PaymentSucceeded
from identity.main import create_app as create_identity
from identity.national_id import compose
from identity.registry.models import Marriage, Person
from identity.sessions.service import access_token
from identity.settings import Settings as IdentitySettings
from kit.auth import Issuer, JWKSCache, TokenVerifier
from kit.catalog import Catalog
from kit.migrations import upgrade_async
from kit.testing import running, stream_messages
from notary.main import create_app
from notary.settings import Settings
from notary.upstream import Registry

ROOT = Path(__file__).parents[2]
INTERNAL = "test-internal-token-" + uuid.uuid4().hex
_rng = random.Random()
_used: set[str] = set()


def new_nid(born: date, sex: str = "male", governorate: str = "03") -> str:
    while True:
        nid = compose(born=born, governorate=governorate, sequence=_rng.randint(0, 999), sex=sex)
        if nid not in _used:
            _used.add(nid)
            return nid


class Harness:
    def __init__(self) -> None:
        self.stack = AsyncExitStack()
        self.nats_url = ""

    async def person(self, *, born: date = date(1985, 4, 3), sex: str = "male", **values: Any) -> str:
        """A person in the civil registry (identity's mirror); their national ID."""
        nid = values.pop("national_id", None) or new_nid(born, sex, values.pop("birth_governorate", "03"))
        row = {
            "national_id": nid,
            "first_name_ar": "محمد",
            "full_name_ar": "محمد أحمد علي",
            "full_name_latin": "Mohamed Ahmed Ali",
            "mother_first_name_ar": "فاطمة",
            "birth_date": born,
            "sex": sex,
            "governorate": "03",
            "marital_status": "single",
            "alive": True,
            **values,
        }
        async with self.identity_engine.begin() as conn:
            await conn.execute(insert(Person).values(**row))
        return nid

    async def marriage(self, husband: str, wife: str, *, divorced: date | None = None) -> str:
        marriage_id = uuid.uuid4()
        async with self.identity_engine.begin() as conn:
            await conn.execute(
                insert(Marriage).values(
                    marriage_id=marriage_id,
                    husband_national_id=husband,
                    wife_national_id=wife,
                    marriage_date=date(2010, 2, 3),
                    divorce_date=divorced,
                    governorate="03",
                )
            )
        return str(marriage_id)

    async def citizen(self, national_id: str | None = None, **person: Any) -> tuple[str, dict[str, str], str]:
        """An enrolled citizen: (citizen id, Authorization headers, national ID)."""
        nid = national_id or await self.person(**person)
        sub = str(uuid.uuid4())
        token = await access_token(self.identity.state.keyring, subject=sub, kind="citizen", ttl=600, nid=nid)
        return sub, {"Authorization": f"Bearer {token}", "Accept-Language": "en"}, nid

    async def publish(self, event: Event, source: str) -> None:
        envelope = Envelope.wrap(event, source=source)
        nc = await nats.connect(self.nats_url)
        try:
            await nc.jetstream().publish(event.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": str(envelope.id)})
        finally:
            await nc.close()

    async def pay(
        self,
        order_id: str,
        citizen: str,
        amount: int,
        service_code: str = "notary.poa.general",
        payment_id: uuid.UUID | None = None,
    ) -> str:
        """payment-svc announcing a payment of the order (again, if `payment_id` is given)."""
        payment_id = payment_id or uuid.uuid4()
        await self.publish(
            PaymentSucceeded(
                payment_id=payment_id,
                citizen_id=uuid.UUID(citizen),
                service_code=service_code,
                order_ref=f"notary:{order_id}",
                amount_piastres=amount,
                method="wallet",
                provider_reference=f"tx_{uuid.uuid4().hex[:8]}",
                paid_at=datetime.now(UTC),
            ),
            "payment-svc",
        )
        return str(payment_id)

    async def answers(self, payment_id: str) -> list[dict[str, Any]]:
        """What notary answered payment-svc about a payment (applied / refused), in order."""
        nc = await nats.connect(self.nats_url)
        try:
            found = [
                Envelope.from_bytes(m.data) for m in await stream_messages(nc.jetstream(), "PAYMENT", "payment.order.")
            ]
        finally:
            await nc.close()
        return [{"answer": e.type.split(".")[2], **e.data} for e in found if e.subject == payment_id]

    async def answered(self, payment_id: str, count: int = 1) -> list[dict[str, Any]]:
        async def enough() -> list[dict[str, Any]]:
            found = await self.answers(payment_id)
            return found if len(found) >= count else []

        return await eventually(enough, f"payment {payment_id} was not answered {count} time(s)")

    async def book(self, poa_id: str, citizen: str, office: uuid.UUID | None = None) -> AppointmentBooked:
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=1)
        event = AppointmentBooked(
            appointment_id=uuid.uuid4(),
            citizen_id=uuid.UUID(citizen),
            office_id=office or uuid.uuid4(),
            governorate="03",
            service_code="notary.poa.general",
            order_ref=f"notary:{poa_id}",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=20),
            booked_at=datetime.now(UTC),
        )
        await self.publish(event, "office-routing-svc")
        return event

    async def verify(self, booked: AppointmentBooked) -> None:
        await self.publish(
            AppointmentVerified(
                appointment_id=booked.appointment_id,
                citizen_id=booked.citizen_id,
                office_id=booked.office_id,
                service_code=booked.service_code,
                order_ref=booked.order_ref,
                clerk_id=uuid.uuid4(),
                verified_at=datetime.now(UTC),
            ),
            "office-routing-svc",
        )

    async def end(self, booked: AppointmentBooked, reason: str) -> None:
        await self.publish(
            AppointmentCancelled(
                appointment_id=booked.appointment_id,
                citizen_id=booked.citizen_id,
                office_id=booked.office_id,
                service_code=booked.service_code,
                order_ref=booked.order_ref,
                reason=reason,  # type: ignore[arg-type]
                cancelled_at=datetime.now(UTC),
            ),
            "office-routing-svc",
        )

    async def status_is(self, poa_id: str, headers: dict[str, str], status: str) -> dict[str, Any]:
        """Wait until the power of attorney reaches `status` (consumers are asynchronous)."""

        async def reached() -> dict[str, Any] | None:
            body = (await self.client.get(f"/v1/powers-of-attorney/{poa_id}", headers=headers)).json()
            return body if body.get("status") == status else None

        return await eventually(reached, f"{poa_id} never reached {status}")


async def eventually(check: Any, message: str = "condition not reached", within: float = 20.0) -> Any:
    """Poll until `check()` is truthy; fails (not a timing assertion) after `within` seconds."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        result = await check()
        if result:
            return result
        if loop.time() > deadline:
            pytest.fail(message)
        await asyncio.sleep(0.05)


async def _database(pg_server: Any, prefix: str, folder: str) -> str:
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    pg_server.create_database(name)
    url = pg_server.dsn(name, driver="postgresql+asyncpg")
    await upgrade_async(ROOT / folder, url)
    return url


def _asgi(app: FastAPI, base: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=base)


@asynccontextmanager
async def harness(pg_server: Any, nats_url: str) -> AsyncIterator[Harness]:
    h = Harness()
    h.nats_url = nats_url
    tag = uuid.uuid4().hex[:6]
    identity_url = await _database(pg_server, "identity", "identity-svc")
    catalog_url = await _database(pg_server, "catalog", "catalog-svc")
    notary_url = await _database(pg_server, "notary", "notary-svc")
    common = {"nats_url": nats_url, "environment": "test", "log_json": False}
    async with h.stack:
        h.identity = create_identity(
            IdentitySettings(
                database_url=identity_url, service_name=f"identity-{tag}", internal_token=INTERNAL, **common
            )
        )
        h.catalog = create_catalog(
            CatalogSettings(database_url=catalog_url, service_name=f"catalog-{tag}", internal_token=INTERNAL, **common)
        )
        h.settings = Settings(database_url=notary_url, service_name=f"notary-{tag}", **common)
        h.app = create_app(h.settings)
        await h.stack.enter_async_context(running(h.identity))
        await h.stack.enter_async_context(running(h.catalog))
        h.client = await h.stack.enter_async_context(running(h.app, base_url="http://notary"))
        identity_http = await h.stack.enter_async_context(_asgi(h.identity, "http://identity"))
        catalog_http = await h.stack.enter_async_context(_asgi(h.catalog, "http://catalog"))
        h.app.state.registry = Registry(identity_http, "http://identity", INTERNAL)
        h.app.state.catalog = Catalog(catalog_http, "http://catalog", token=INTERNAL)
        h.app.state.verifier = TokenVerifier(
            JWKSCache("http://identity/.well-known/jwks.json", identity_http, min_refresh_seconds=0),
            issuer="shubbak-identity",
            audience="shubbak",
            issued_by=Issuer.IDENTITY,
        )
        h.identity_engine = create_async_engine(identity_url)
        try:
            yield h
        finally:
            await h.identity_engine.dispose()
    for url in (identity_url, catalog_url, notary_url):
        pg_server.drop_database(url.rsplit("/", 1)[1])
