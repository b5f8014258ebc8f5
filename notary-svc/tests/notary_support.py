"""notary-svc's tests run it alone on real PostgreSQL and NATS. What it asks other services over
HTTP is answered by stand-ins served on local ports (kit.testing): identity's civil registry (the
people and marriages a test adds), catalog's order quotes and evidence-svc's bundles; tokens are minted here
(`TokenIssuer`). payment-svc and office-routing-svc are played by publishing their events onto
NATS, as their outbox relays would. The platform-wide tests in tests/ run the real services."""

from __future__ import annotations

import random
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TypeVar

import httpx
from fastapi import FastAPI

from contracts import Envelope, Event
from contracts.events.office import AppointmentBooked, AppointmentCancelled, AppointmentEnd, AppointmentVerified
from contracts.events.payment import PaymentSucceeded
from kit.clock import OffsetClock, local_day
from kit.registry import Marriage, RegistryPerson
from kit.testing import (
    EvidenceStandIn,
    QuotesStandIn,
    RegistryStandIn,
    TokenIssuer,
    eventually,
    evidence_stand_in,
    migrated_database,
    quotes_stand_in,
    registry_stand_in,
    running,
    runtime_of,
    signed,
    stream_messages,
    trust,
)
from notary.main import create_app
from notary.settings import Settings

SERVICE_DIR = Path(__file__).parents[1]
INTERNAL = "test-internal-token-" + uuid.uuid4().hex
"""The platform's internal token, which catalog asks of notary."""
IDENTITY_INTERNAL = "test-identity-token-" + uuid.uuid4().hex
"""identity's service token, which its registry asks of notary."""
FEES = {
    code: [("base_fee", base), ("stamp_duty", 550)]
    for code, base in {
        "notary.poa.general": 6000,
        "notary.poa.special": 4500,
        "civil.certificate.birth": 2000,
        "civil.certificate.marriage": 2500,
        "civil.certificate.divorce": 2500,
    }.items()
}
"""The fee lines catalog's stand-in quotes (piastres)."""

_rng = random.Random()
_used: set[str] = set()
T = TypeVar("T")


def new_nid(born: date, sex: str = "male", governorate: str = "03") -> str:
    """A national ID of the right shape: century, birth date, governorate of birth, a serial whose
    last digit is odd for a man and even for a woman, a check digit (notary reads no more)."""
    while True:
        serial = _rng.randint(0, 999) * 10 + _rng.choice((1, 3, 5, 7, 9) if sex == "male" else (0, 2, 4, 6, 8))
        century = "2" if born.year < 2000 else "3"
        nid = f"{century}{born:%y%m%d}{governorate}{serial:04d}{_rng.randint(0, 9)}"
        if nid not in _used:
            _used.add(nid)
            return nid


class Harness:
    def __init__(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        settings: Settings,
        clock: OffsetClock,
        registry: RegistryStandIn,
        catalog: QuotesStandIn,
        archive: EvidenceStandIn,
        nats_url: str,
    ) -> None:
        self.app, self.client, self.settings, self.clock, self.nats_url = app, client, settings, clock, nats_url
        self.registry, self.catalog, self.archive = registry, catalog, archive
        self.published: list[Envelope] = []
        """Every event a test published as another service, in order."""
        self.identity = TokenIssuer()
        trust(app, self.identity.verifier())

    def today(self) -> date:
        """The day in Egypt by the service's clock."""
        return local_day(self.clock.now())

    async def person(self, *, born: date = date(1985, 4, 3), sex: str = "male", **values: Any) -> str:
        """A person in the civil registry; their national ID."""
        nid = values.pop("national_id", None) or new_nid(born, sex, values.pop("birth_governorate", "03"))
        facts = {
            "first_name_ar": "محمد",
            "full_name_ar": "محمد أحمد علي",
            "full_name_latin": "Mohamed Ahmed Ali",
            "mother_first_name_ar": "فاطمة",
            "governorate": "03",
            "marital_status": "single",
            "alive": True,
            **values,
        }
        self.registry.add(RegistryPerson(national_id=nid, birth_date=born, sex=sex, **facts))
        return nid

    async def marriage(self, husband: str, wife: str, *, divorced: date | None = None) -> str:
        marriage = Marriage(
            marriage_id=str(uuid.uuid4()),
            husband_national_id=husband,
            wife_national_id=wife,
            marriage_date=date(2010, 2, 3),
            divorce_date=divorced,
            governorate="03",
        )
        return self.registry.marry(marriage).marriage_id

    async def citizen(self, national_id: str | None = None, **person: Any) -> tuple[str, dict[str, str], str]:
        """An enrolled citizen: (citizen id, Authorization headers, national ID)."""
        nid = national_id or await self.person(**person)
        sub = uuid.uuid4()
        return str(sub), {**self.identity.citizen(sub, national_id=nid), "Accept-Language": "en"}, nid

    async def publish(self, event: Event, source: str) -> None:
        """Put an event on JetStream as another service's relay would."""
        envelope = Envelope.wrap(event, source=source)
        self.published.append(envelope)
        js = runtime_of(self.app).bus.js
        await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})

    async def pay(
        self,
        order_id: str,
        citizen: str,
        amount: int,
        service_code: str = "notary.poa.general",
        payment_id: uuid.UUID | None = None,
        owner: str = "notary",
    ) -> str:
        """payment-svc announcing a payment of the order (again, if `payment_id` is given); `owner`:
        the service whose order it is (another's: notary receives it too)."""
        payment_id = payment_id or uuid.uuid4()
        await self.publish(
            PaymentSucceeded(
                payment_id=payment_id,
                citizen_id=uuid.UUID(citizen),
                service_code=service_code,
                order_ref=f"{owner}:{order_id}",
                amount_piastres=amount,
                method="wallet",
                provider_reference=f"tx_{uuid.uuid4().hex[:8]}",
                paid_at=self.clock.now(),
            ),
            "payment-svc",
        )
        return str(payment_id)

    async def answers(self, payment_id: str) -> list[dict[str, Any]]:
        """What notary answered payment-svc about a payment (applied / refused), in order."""
        messages = await stream_messages(runtime_of(self.app).bus.js, "PAYMENT", "payment.order.")
        found = [Envelope.from_bytes(m.data) for m in messages]
        return [{"answer": e.type.split(".")[2], **e.data} for e in found if e.subject == payment_id]

    async def answered(self, payment_id: str, count: int = 1) -> list[dict[str, Any]]:
        async def enough() -> list[dict[str, Any]]:
            found = await self.answers(payment_id)
            return found if len(found) >= count else []

        return await eventually(enough, f"payment {payment_id} was not answered {count} time(s)")

    async def book(self, poa_id: str, citizen: str, office: uuid.UUID | None = None) -> AppointmentBooked:
        starts = self.clock.now().replace(microsecond=0) + timedelta(days=1)
        event = AppointmentBooked(
            appointment_id=uuid.uuid4(),
            citizen_id=uuid.UUID(citizen),
            office_id=office or uuid.uuid4(),
            governorate="03",
            service_code="notary.poa.general",
            order_ref=f"notary:{poa_id}",
            starts_at=starts,
            ends_at=starts + timedelta(minutes=20),
            booked_at=self.clock.now(),
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
                verified_at=self.clock.now(),
            ),
            "office-routing-svc",
        )

    async def end(self, booked: AppointmentBooked, reason: AppointmentEnd) -> None:
        await self.publish(
            AppointmentCancelled(
                appointment_id=booked.appointment_id,
                citizen_id=booked.citizen_id,
                office_id=booked.office_id,
                service_code=booked.service_code,
                order_ref=booked.order_ref,
                reason=reason,
                cancelled_at=self.clock.now(),
            ),
            "office-routing-svc",
        )

    async def status_is(self, poa_id: str, headers: dict[str, str], status: str) -> dict[str, Any]:
        """Wait until the power of attorney reaches `status` (consumers are asynchronous)."""

        async def reached() -> dict[str, Any] | None:
            body: dict[str, Any] = (await self.client.get(f"/v1/powers-of-attorney/{poa_id}", headers=headers)).json()
            return body if body.get("status") == status else None

        return await eventually(reached, f"{poa_id} never reached {status}")


@asynccontextmanager
async def harness(pg_server: Any, nats_url: str) -> AsyncIterator[Harness]:
    """notary on a migrated database of its own, with its stand-ins (one per test module)."""
    clock = OffsetClock()
    async with (
        registry_stand_in(token=IDENTITY_INTERNAL) as registry,
        quotes_stand_in(FEES, token=INTERNAL, clock=clock) as catalog,
        evidence_stand_in(token=INTERNAL) as archive,
        migrated_database(pg_server, SERVICE_DIR, "notary") as url,
    ):
        settings = Settings(
            database_url=url, nats_url=nats_url, environment="test", log_json=False,
            service_name=f"notary-{uuid.uuid4().hex[:6]}",  # its own durable consumers on the shared NATS
            identity_url=registry.url, identity_internal_token=IDENTITY_INTERNAL,
            catalog_url=catalog.url, internal_token=INTERNAL,
            evidence_url=archive.url, evidence_attempts=2, evidence_timeout_seconds=1,
        )  # fmt: skip
        app = create_app(settings, clock=clock)
        async with running(app, base_url="http://notary") as client:
            yield Harness(app, client, settings, clock, registry, catalog, archive, nats_url)
