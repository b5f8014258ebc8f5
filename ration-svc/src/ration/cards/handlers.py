"""Civil registry events: newborns join a parent's card, the deceased leave it, a bride moves,
divorced spouses get separate cards, a holder's card follows them to another governorate; a
member request the event has just fulfilled is closed as already done (`ration.requests`).
Payment events: a card service's fee paid (a replacement card's new number is issued, a member
request's change is made) or failed."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, orders
from contracts.events.civil import (
    AddressChanged,
    BirthRegistered,
    DeathRegistered,
    DivorceRegistered,
    MarriageRegistered,
)
from contracts.events.payment import PaymentFailed, PaymentSucceeded
from kit import payable
from kit.messaging.consumer import Handlers
from ration.cards import replacements, service
from ration.requests import service as requests


async def on_birth(session: AsyncSession, event: BirthRegistered, envelope: Envelope) -> None:
    now = datetime.now(UTC)
    await service.add_newborn(
        session,
        child_national_id=event.child_national_id,
        parent_national_ids=[event.father_national_id, event.mother_national_id],
        at=now,
    )
    await requests.settle(session, national_ids=[event.child_national_id], now=now)


async def on_death(session: AsyncSession, event: DeathRegistered, envelope: Envelope) -> None:
    now = datetime.now(UTC)
    await service.remove_deceased(session, national_id=event.national_id, at=now)
    await requests.settle(session, national_ids=[event.national_id], now=now)


async def on_marriage(session: AsyncSession, event: MarriageRegistered, envelope: Envelope) -> None:
    now = datetime.now(UTC)
    await service.move_on_marriage(
        session,
        husband_national_id=event.husband_national_id,
        wife_national_id=event.wife_national_id,
        at=now,
    )
    await requests.settle(session, national_ids=[event.husband_national_id, event.wife_national_id], now=now)


async def on_divorce(session: AsyncSession, event: DivorceRegistered, envelope: Envelope) -> None:
    now = datetime.now(UTC)
    await service.split_on_divorce(
        session,
        husband_national_id=event.husband_national_id,
        wife_national_id=event.wife_national_id,
        at=now,
    )
    await requests.settle(session, national_ids=[event.husband_national_id, event.wife_national_id], now=now)


async def on_address(session: AsyncSession, event: AddressChanged, envelope: Envelope) -> None:
    await service.follow_address(
        session, national_id=event.national_id, governorate=event.governorate, changed_at=event.changed_at
    )


async def on_payment_succeeded(session: AsyncSession, event: PaymentSucceeded, envelope: Envelope) -> None:
    """A payment of a `ration:` order (a replacement card, a member request) is answered (applied
    or refused); other services' are skipped."""
    if orders.owner_of(event.order_ref) != "ration":
        return
    now = datetime.now(UTC)
    if (order_id := orders.order_id(event.order_ref, "ration")) is not None:
        # Each kind of paid card-service order in turn (the next one goes here); none: refused.
        if await replacements.paid(session, order_id=order_id, event=event, now=now):
            return
        if await requests.paid(session, request_id=order_id, event=event, now=now):
            return
    await payable.settle(session, event, None, now=now)  # no such order


async def on_payment_failed(session: AsyncSession, event: PaymentFailed, envelope: Envelope) -> None:
    if (order_id := orders.order_id(event.order_ref, "ration")) is not None:
        if await requests.is_request(session, order_id):
            await requests.payment_failed(session, request_id=order_id, event=event, now=datetime.now(UTC))
        else:
            await replacements.payment_failed(session, order_id=order_id, event=event, now=datetime.now(UTC))


def register(handlers: Handlers) -> None:
    handlers.on(BirthRegistered)(on_birth)  # type: ignore[arg-type]
    handlers.on(DeathRegistered)(on_death)  # type: ignore[arg-type]
    handlers.on(MarriageRegistered)(on_marriage)  # type: ignore[arg-type]
    handlers.on(DivorceRegistered)(on_divorce)  # type: ignore[arg-type]
    handlers.on(AddressChanged)(on_address)  # type: ignore[arg-type]
    payable.on_payment(handlers, on_payment_succeeded)
    handlers.on(PaymentFailed)(on_payment_failed)  # type: ignore[arg-type]
