"""All SQL about orders, appointments and their history."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from kit.repository import Repository
from office_routing.appointments.models import ACTIVE, Appointment, AppointmentEvent, Order, OrderStatus


class AppointmentRepository(Repository[Appointment]):
    model = Appointment
    order = (Appointment.starts_at, Appointment.id)

    def of_citizen(self, citizen_id: uuid.UUID, *, status: str | None) -> Select[Appointment]:
        query = select(Appointment).where(Appointment.citizen_id == citizen_id)
        return query.where(Appointment.status == status) if status else query

    def of_office(
        self, office_id: uuid.UUID, *, start: datetime, end: datetime, status: str | None
    ) -> Select[Appointment]:
        query = select(Appointment).where(
            Appointment.office_id == office_id, Appointment.starts_at >= start, Appointment.starts_at < end
        )
        return query.where(Appointment.status == status) if status else query

    async def for_update(self, appointment_id: uuid.UUID) -> Appointment | None:
        query = select(Appointment).where(Appointment.id == appointment_id).with_for_update(key_share=True)
        return await self.session.scalar(query.execution_options(populate_existing=True))

    async def active_for(self, order_ref: str) -> Appointment | None:
        query = select(Appointment).where(Appointment.order_ref == order_ref, Appointment.status.in_(ACTIVE))
        return await self.session.scalar(query)

    async def any_for(self, order_ref: str) -> bool:
        return (
            await self.session.scalar(select(Appointment.id).where(Appointment.order_ref == order_ref).limit(1))
            is not None
        )

    async def active_on(
        self, *, office_ids: Sequence[uuid.UUID] | None, start: datetime, end: datetime
    ) -> Sequence[Appointment]:
        query = select(Appointment).where(
            Appointment.status.in_(ACTIVE), Appointment.starts_at >= start, Appointment.starts_at < end
        )
        if office_ids is not None:
            query = query.where(Appointment.office_id.in_(office_ids))
        return (await self.session.scalars(query.order_by(Appointment.starts_at).with_for_update(key_share=True))).all()

    async def history(self, appointment_id: uuid.UUID) -> Sequence[AppointmentEvent]:
        query = select(AppointmentEvent).where(AppointmentEvent.appointment_id == appointment_id)
        return (await self.session.scalars(query.order_by(AppointmentEvent.id))).all()

    async def log(self, appointment_id: uuid.UUID, action: str, *, actor: str, at: datetime, **detail: Any) -> None:
        self.session.add(
            AppointmentEvent(appointment_id=appointment_id, action=action, actor=actor, at=at, detail=detail)
        )


async def ensure_order(session: AsyncSession, **values: Any) -> None:
    """Create the order unless it is known already (its first event wins)."""
    await session.execute(insert(Order).values(**values).on_conflict_do_nothing())


async def lock_order(session: AsyncSession, order_ref: str) -> Order | None:
    """The order, locked for this transaction: every change to an order's appointments goes
    through this lock, so they happen one after the other."""
    query = select(Order).where(Order.order_ref == order_ref).with_for_update(key_share=True)
    return await session.scalar(query.execution_options(populate_existing=True))


async def waiting_orders(session: AsyncSession, *, limit: int) -> Sequence[Order]:
    query = (
        select(Order)
        .where(Order.status == OrderStatus.OPEN, Order.waiting_reason.is_not(None))
        .order_by(Order.updated_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return (await session.scalars(query)).all()
