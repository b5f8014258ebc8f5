"""Facts published by traffic, electricity and education: store them, then re-evaluate the
households of the people they concern (once per batch of events). Each fact keeps the signed
event it came from (`kit.evidence.FactRef`), which the decisions resting on it cite."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope, Event
from contracts.events.education import FeesReported
from contracts.events.electricity import ConsumptionReported
from contracts.events.traffic import VehicleRegistered, VehicleTransferred
from kit.evidence import FactRef
from kit.messaging.consumer import Handlers
from ration.eligibility import service as eligibility
from ration.facts import repository as facts

if TYPE_CHECKING:
    from ration.resources import Resources, ServiceContext
    from ration.settings import Settings


def _trigger(items: Sequence[tuple[Event, Envelope]]) -> str:
    subject = items[0][1].type
    return f"event:{subject}" if len(items) > 1 else f"event:{subject}:{items[0][1].id}"


async def on_vehicles_registered(
    session: AsyncSession, items: list[tuple[VehicleRegistered, Envelope]], ctx: ServiceContext
) -> None:
    for event, envelope in items:
        await facts.vehicle_registered(
            session,
            vehicle_id=event.vehicle_id,
            plate=event.plate_number,
            owner=event.owner_national_id,
            vehicle_type=event.vehicle_type,
            make=event.make,
            model=event.model,
            model_year=event.model_year,
            engine_cc=event.engine_cc,
            governorate=event.governorate,
            at=event.registered_at,
            evidence=FactRef.of(envelope),
        )
    owners = [event.owner_national_id for event, _ in items]
    await eligibility.reevaluate_persons(session, national_ids=owners, trigger=_trigger(items), now=ctx.now())


async def on_vehicles_transferred(
    session: AsyncSession, items: list[tuple[VehicleTransferred, Envelope]], ctx: ServiceContext
) -> None:
    for event, envelope in items:
        await facts.vehicle_transferred(
            session,
            vehicle_id=event.vehicle_id,
            plate=event.plate_number,
            to_owner=event.to_national_id,
            at=event.transferred_at,
            evidence=FactRef.of(envelope),
        )
    people = [nid for event, _ in items for nid in (event.from_national_id, event.to_national_id)]
    await eligibility.reevaluate_persons(session, national_ids=people, trigger=_trigger(items), now=ctx.now())


async def on_consumption_reported(
    session: AsyncSession, items: list[tuple[ConsumptionReported, Envelope]], ctx: ServiceContext
) -> None:
    for event, envelope in items:
        await facts.consumption_reported(
            session,
            meter_id=event.meter_id,
            subscriber=event.subscriber_national_id,
            governorate=event.governorate,
            start=event.period_start,
            end=event.period_end,
            kwh=event.consumption_kwh,
            at=event.reported_at,
            evidence=FactRef.of(envelope),
        )
    people = [event.subscriber_national_id for event, _ in items]
    await eligibility.reevaluate_persons(session, national_ids=people, trigger=_trigger(items), now=ctx.now())


async def on_fees_reported(
    session: AsyncSession, items: list[tuple[FeesReported, Envelope]], ctx: ServiceContext
) -> None:
    for event, envelope in items:
        await facts.fees_reported(
            session,
            student=event.student_national_id,
            academic_year=event.academic_year,
            guardian=event.guardian_national_id,
            school_id=event.school_id,
            school_type=event.school_type,
            fees_piastres=event.annual_fees_piastres,
            at=event.reported_at,
            evidence=FactRef.of(envelope),
        )
    people = [nid for event, _ in items for nid in (event.guardian_national_id, event.student_national_id)]
    await eligibility.reevaluate_persons(session, national_ids=people, trigger=_trigger(items), now=ctx.now())


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on_batch(VehicleRegistered)(on_vehicles_registered)
    handlers.on_batch(VehicleTransferred)(on_vehicles_transferred)
    handlers.on_batch(ConsumptionReported)(on_consumption_reported)
    handlers.on_batch(FeesReported)(on_fees_reported)
