"""The events that keep the read models current (each once, through the inbox; a later fact
replaces an earlier one, an older one arriving late changes nothing)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from applications.facts.models import Company, Consumption, RationCard, SchoolFees, Vehicle
from applications.facts.repository import FactsRepository
from applications.resources import EventCtx, Resources
from applications.settings import Settings
from contracts.events.education import FeesReported
from contracts.events.electricity import ConsumptionReported
from contracts.events.ration import EligibilityChanged
from contracts.events.registry import CompanyRegistered
from contracts.events.traffic import VehicleRegistered, VehicleTransferred
from kit.messaging.consumer import Handlers


async def on_vehicle_registered(session: AsyncSession, event: VehicleRegistered, ctx: EventCtx) -> None:
    values = event.model_dump(
        include={
            "vehicle_id",
            "owner_national_id",
            "plate_number",
            "vehicle_type",
            "make",
            "model",
            "model_year",
            "governorate",
        }
    )
    await FactsRepository(session).upsert(Vehicle, {**values, "changed_at": event.registered_at})


async def on_vehicle_transferred(session: AsyncSession, event: VehicleTransferred, ctx: EventCtx) -> None:
    vehicle = await FactsRepository(session).vehicle(event.vehicle_id)
    if vehicle is not None and vehicle.changed_at <= event.transferred_at:
        vehicle.owner_national_id, vehicle.changed_at = event.to_national_id, event.transferred_at


async def on_eligibility_changed(session: AsyncSession, event: EligibilityChanged, ctx: EventCtx) -> None:
    values = {
        "holder_national_id": event.holder_national_id,
        "card_id": event.card_id,
        "eligible": event.eligible,
        "decided_at": event.decided_at,
    }
    await FactsRepository(session).upsert(RationCard, values, newer=RationCard.decided_at <= event.decided_at)


async def on_consumption(session: AsyncSession, event: ConsumptionReported, ctx: EventCtx) -> None:
    values = event.model_dump(
        include={"meter_id", "subscriber_national_id", "period_start", "period_end", "consumption_kwh"}
    )
    await FactsRepository(session).upsert(Consumption, values, newer=Consumption.period_end <= event.period_end)


async def on_fees(session: AsyncSession, event: FeesReported, ctx: EventCtx) -> None:
    values = event.model_dump(
        include={
            "student_national_id",
            "academic_year",
            "guardian_national_id",
            "school_type",
            "annual_fees_piastres",
        }
    )
    await FactsRepository(session).upsert(SchoolFees, values)


async def on_company(session: AsyncSession, event: CompanyRegistered, ctx: EventCtx) -> None:
    values = event.model_dump(exclude={"owner_national_ids"})
    values["owner_national_ids"] = list(event.owner_national_ids)
    await FactsRepository(session).upsert(Company, values, newer=Company.registered_at <= event.registered_at)


def register(handlers: Handlers[Settings, Resources]) -> None:
    handlers.on(VehicleRegistered)(on_vehicle_registered)
    handlers.on(VehicleTransferred)(on_vehicle_transferred)
    handlers.on(EligibilityChanged)(on_eligibility_changed)
    handlers.on(ConsumptionReported)(on_consumption)
    handlers.on(FeesReported)(on_fees)
    handlers.on(CompanyRegistered)(on_company)
