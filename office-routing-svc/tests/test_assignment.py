"""Assignment when a power of attorney is paid: earliest free slot, load spread across
near-equal offices, once per order, waiting when nothing is free, never overbooked."""

from __future__ import annotations

import asyncio
import uuid
from collections import Counter
from datetime import timedelta

from office_routing_support import SUNDAY_MORNING, Harness, requested
from sqlalchemy import func, select

from kit.testing import eventually
from office_routing.appointments import service
from office_routing.appointments.models import Appointment, Order
from office_routing.offices import repository as offices_repo
from office_routing.offices.models import Slot

NINE_CAIRO = SUNDAY_MORNING + timedelta(hours=2)  # 09:00 Cairo, the first slot of the day


class TestAssignOnPaid:
    async def test_books_the_earliest_slot_and_announces_it(self, h: Harness):
        office = await h.office("01")
        paid = await h.paid("01")
        appointment = await h.booked_for(paid)
        assert appointment["office"]["id"] == office["id"]
        assert appointment["status"] == "booked"
        assert appointment["starts_at"].replace("Z", "+00:00") == NINE_CAIRO.isoformat()
        assert appointment["local_start"] == "2030-01-06 09:00"
        event = await h.event("office.appointment.booked.v1", lambda d: d["order_ref"] == paid.order_ref)
        assert event.data["appointment_id"] == appointment["id"]
        assert event.data["office_id"] == office["id"]
        assert event.data["citizen_id"] == str(paid.citizen_id)
        assert event.data["governorate"] == "01"
        assert event.data["service_code"] == "notary.poa.general"

    async def test_only_offices_offering_the_service_in_the_governorate(self, h: Harness):
        await h.office("02", services=["civil.certificate.birth"])
        await h.office("04")  # right service, other governorate
        right = await h.office("02", opens_at="12:00", closes_at="13:00")
        appointment = await h.booked_for(await h.paid("02"))
        assert appointment["office"]["id"] == right["id"]

    async def test_once_per_order_whatever_the_repeats(self, h: Harness):
        await h.office("11")
        paid = await h.paid("11")
        first = await h.booked_for(paid)
        await h.publish(paid)  # the same request again, as a new event
        marker = await h.booked_for(await h.paid("11"))  # handled after the repeat (stream order)
        assert marker["order_ref"] != paid.order_ref
        _, headers = h.citizen(paid.citizen_id)
        assert [a["id"] for a in await h.appointments_of(headers)] == [first["id"]]
        booked = await h.events("office.appointment.booked.v1", lambda d: d["order_ref"] == paid.order_ref)
        assert len(booked) == 1


class TestSpread:
    async def test_near_equal_offices_share_the_load(self, h: Harness):
        a, b = await h.office("12"), await h.office("12")
        orders = [await h.paid("12") for _ in range(4)]
        booked = [await h.booked_for(p) for p in orders]
        assert Counter(x["office"]["id"] for x in booked) == {a["id"]: 2, b["id"]: 2}
        assert {x["local_start"] for x in booked} == {"2030-01-06 09:00"}

    async def test_a_clearly_earlier_slot_wins_over_an_idle_office(self, h: Harness):
        early = await h.office("13", capacity_per_slot=1)
        late = await h.office("13", opens_at="12:00", closes_at="13:00")
        booked = [await h.booked_for(await h.paid("13")) for _ in range(3)]
        assert [(x["office"]["id"], x["local_start"][-5:]) for x in booked] == [
            (early["id"], "09:00"),
            (early["id"], "09:30"),
            (late["id"], "12:00"),
        ]


class TestWaiting:
    async def test_no_office_waits_and_is_booked_when_one_opens(self, h: Harness):
        paid = await h.paid("33")

        async def waiting() -> bool:
            async with h.session() as session:
                order = await session.get(Order, paid.order_ref)
                return order is not None and order.waiting_reason == "no_office"

        await eventually(waiting)
        office = await h.office("33")
        async with h.session() as session:
            assert await service.retry_waiting(session, policy=service.Policy.of(h.settings), now=h.clock.now()) == 1
        appointment = await h.booked_for(paid)
        assert appointment["office"]["id"] == office["id"]


class TestNoOverbooking:
    async def test_concurrent_assignments_fill_slots_exactly_to_capacity(self, h: Harness):
        office = await h.office("14")  # 2 slots a day, 2 seats each
        policy = service.Policy.of(h.settings)

        async def pay_and_assign() -> None:
            async with h.session() as session:
                event = requested("14", at=SUNDAY_MORNING)
                await service.on_requested(session, event=event, policy=policy, now=h.clock.now())

        await asyncio.gather(*(pay_and_assign() for _ in range(12)))
        async with h.session() as session:
            per_slot = Counter(
                (
                    await session.scalars(
                        select(Appointment.starts_at).where(Appointment.office_id == uuid.UUID(office["id"]))
                    )
                ).all()
            )
            counters = {
                s.starts_at: s.booked
                for s in await session.scalars(select(Slot).where(Slot.office_id == uuid.UUID(office["id"])))
            }
        assert sum(per_slot.values()) == 12
        assert set(per_slot.values()) == {2}  # every slot exactly full, none over
        assert per_slot == Counter(counters)
        first_six = sorted(per_slot)[:6]
        assert sorted(per_slot) == first_six  # the earliest slots, no gaps: 3 days x 2 slots

    async def test_racing_seat_takers_get_exactly_the_capacity(self, h: Harness):
        office = await h.office("16", capacity_per_slot=3)

        async def take() -> bool:
            async with h.session() as session:
                return await offices_repo.take_seat(
                    session, office_id=uuid.UUID(office["id"]), starts_at=NINE_CAIRO,
                    ends_at=NINE_CAIRO + timedelta(minutes=30), capacity=3,
                )  # fmt: skip

        results = await asyncio.gather(*(take() for _ in range(20)))
        assert results.count(True) == 3
        async with h.session() as session:
            assert (
                await session.scalar(select(func.max(Slot.booked)).where(Slot.office_id == uuid.UUID(office["id"])))
                == 3
            )

    async def test_concurrent_reschedules_into_one_slot(self, h: Harness):
        await h.office("15", capacity_per_slot=10, closes_at="09:30")
        citizens = [h.citizen() for _ in range(6)]
        booked = [await h.booked_for(await h.paid("15", citizen_id=cid)) for cid, _ in citizens]
        target = await h.office("15", opens_at="11:00", closes_at="11:30", capacity_per_slot=2)
        starts_at = (NINE_CAIRO + timedelta(hours=2)).isoformat()

        async def move(appointment: dict, headers: dict) -> int:
            response = await h.client.post(
                f"/v1/appointments/{appointment['id']}/reschedule",
                json={"office_id": target["id"], "starts_at": starts_at},
                headers={**headers, "Accept-Language": "en"},
            )
            assert response.status_code in (201, 409), response.text
            if response.status_code == 409:
                assert response.json()["code"] == "slot_full"
            return response.status_code

        codes = await asyncio.gather(*(move(a, hdr) for a, (_, hdr) in zip(booked, citizens, strict=True)))
        assert sorted(codes) == [201, 201, 409, 409, 409, 409]
        async with h.session() as session:
            assert await session.scalar(select(Slot.booked).where(Slot.office_id == uuid.UUID(target["id"]))) == 2
