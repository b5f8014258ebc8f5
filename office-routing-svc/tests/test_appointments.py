"""The citizen's appointments (alternatives, reschedule, cancel), the clerk's desk (day list,
check-in, verify, no-show), the requester's cancellation, and holidays declared late."""

from __future__ import annotations

import uuid
from datetime import timedelta

from office_routing_support import SUNDAY_MORNING, Harness, requested
from sqlalchemy import select

from contracts.events.office import AppointmentWithdrawn
from office_routing.offices.models import Slot

EN = {"Accept-Language": "en"}


async def seats(h: Harness, office_id: str) -> dict[str, int]:
    async with h.session() as session:
        rows = await session.scalars(select(Slot).where(Slot.office_id == uuid.UUID(office_id)))
        return {s.starts_at.isoformat(): s.booked for s in rows}


class TestCitizen:
    async def test_only_the_owner_sees_or_acts(self, h: Harness):
        await h.office("19")
        appointment = await h.booked_for(await h.paid("19"))
        _, stranger = h.citizen()
        base = f"/v1/appointments/{appointment['id']}"
        assert (await h.client.get(base, headers=stranger)).status_code == 404
        assert (await h.client.get(f"{base}/alternatives", headers=stranger)).status_code == 404
        assert (await h.client.post(f"{base}/cancel", headers=stranger)).status_code == 404
        body = {"office_id": appointment["office"]["id"], "starts_at": appointment["starts_at"]}
        assert (await h.client.post(f"{base}/reschedule", json=body, headers=stranger)).status_code == 404
        assert await h.appointments_of(stranger) == []
        assert (await h.client.get("/v1/appointments")).status_code == 401

    async def test_alternatives_reschedule_and_cancel(self, h: Harness):
        office = await h.office("23")
        elsewhere = await h.office("24")
        paid = await h.paid("23")
        first = await h.booked_for(paid)
        _, me = h.citizen(paid.citizen_id)
        base = f"/v1/appointments/{first['id']}"

        options = (await h.client.get(f"{base}/alternatives", params={"limit": 3}, headers=me)).json()
        assert [(o["local_start"], o["free_seats"]) for o in options] == [
            ("2030-01-06 09:00", 1),
            ("2030-01-06 09:30", 2),
            ("2030-01-07 09:00", 2),
        ]
        target = {"office_id": office["id"], "starts_at": options[1]["starts_at"]}
        moved = await h.client.post(f"{base}/reschedule", json=target, headers=me)
        assert moved.status_code == 201, moved.text
        second = moved.json()
        assert second["replaces_id"] == first["id"]
        assert second["local_start"] == "2030-01-06 09:30"
        assert (await h.client.get(base, headers=me)).json()["status"] == "rescheduled"
        assert set((await seats(h, office["id"])).values()) == {0, 1}  # old seat freed, new one taken
        again = await h.client.post(f"/v1/appointments/{second['id']}/reschedule", json=target, headers=me)
        assert again.json()["id"] == second["id"]  # the same request twice changes nothing
        await h.event("office.appointment.booked.v1", lambda d: d["appointment_id"] == second["id"])

        stale = await h.client.post(f"{base}/reschedule", json=target, headers={**me, **EN})
        assert stale.status_code == 409
        assert stale.json()["code"] == "illegal_transition"
        off_grid = {"office_id": office["id"], "starts_at": "2030-01-06T07:40:00Z"}
        wrong = await h.client.post(f"/v1/appointments/{second['id']}/reschedule", json=off_grid, headers=me)
        assert wrong.status_code == 422
        assert wrong.json()["title"] == "لا يوجد موعد بهذا الوقت"
        far = {"office_id": elsewhere["id"], "starts_at": options[2]["starts_at"]}
        other = await h.client.post(f"/v1/appointments/{second['id']}/reschedule", json=far, headers={**me, **EN})
        assert (other.status_code, other.json()["code"]) == (422, "office_not_eligible")

        cancelled = await h.client.post(f"/v1/appointments/{second['id']}/cancel", headers=me)
        assert cancelled.json()["status"] == "cancelled"
        assert cancelled.json()["end_reason"] == "cancelled_by_citizen"
        assert set((await seats(h, office["id"])).values()) == {0}
        assert (await h.client.post(f"/v1/appointments/{second['id']}/cancel", headers=me)).status_code == 409
        event = await h.event("office.appointment.cancelled.v1", lambda d: d["appointment_id"] == second["id"])
        assert event.data["reason"] == "cancelled_by_citizen"
        history = (await h.client.get(f"/v1/appointments/{second['id']}/history", headers=me)).json()
        assert [x["action"] for x in history] == ["booked", "cancelled"]
        rebooked = await h.client.post(f"/v1/appointments/{second['id']}/reschedule", json=target, headers=me)
        assert rebooked.status_code == 201
        assert len(await h.appointments_of(me)) == 3
        assert [a["status"] for a in await h.appointments_of(me, status="booked")] == ["booked"]


class TestDesk:
    async def test_day_list_check_in_and_verify(self, h: Harness):
        office = await h.office("17")
        paid = await h.paid("17")
        appointment = await h.booked_for(paid)
        clerk = h.clerk(office["id"])
        day = await h.client.get(f"/v1/offices/{office['id']}/appointments", headers=clerk)
        assert [a["id"] for a in day.json()["items"]] == [appointment["id"]]
        by_code = h.clerk(office["code"], role="office_clerk")
        assert (await h.client.get(f"/v1/offices/{office['id']}/appointments", headers=by_code)).status_code == 200
        other_clerk = h.clerk(str(uuid.uuid4()))
        listing = await h.client.get(f"/v1/offices/{office['id']}/appointments", headers=other_clerk)
        assert (listing.status_code, listing.json()["code"]) == (403, "not_your_office")
        _, citizen = h.citizen(paid.citizen_id)
        assert (await h.client.get(f"/v1/offices/{office['id']}/appointments", headers=citizen)).status_code == 403

        base = f"/v1/appointments/{appointment['id']}"
        assert (await h.client.post(f"{base}/check-in", headers=other_clerk)).status_code == 404
        early = await h.client.post(f"{base}/verify", json={"national_id": paid.national_id}, headers=clerk)
        assert (early.status_code, early.json()["code"]) == (409, "illegal_transition")
        h.clock.set(SUNDAY_MORNING + timedelta(days=1))
        try:
            late = await h.client.post(f"{base}/check-in", headers=clerk)
        finally:
            h.clock.set(SUNDAY_MORNING)
        assert (late.status_code, late.json()["code"]) == (409, "appointment_passed")
        checked = await h.client.post(f"{base}/check-in", headers=clerk)
        assert checked.json()["status"] == "checked_in"

        mismatch = await h.client.post(f"{base}/verify", json={"national_id": "29505152345678"}, headers=clerk)
        assert (mismatch.status_code, mismatch.json()["errors"][0]["code"]) == (422, "identity_mismatch")
        verified = await h.client.post(f"{base}/verify", json={"national_id": paid.national_id}, headers=clerk)
        assert verified.json()["status"] == "verified"
        event = await h.event("office.appointment.verified.v1", lambda d: d["appointment_id"] == appointment["id"])
        assert event.data["order_ref"] == paid.order_ref
        assert event.data["office_id"] == office["id"]
        again = await h.client.post(f"{base}/verify", json={"national_id": paid.national_id}, headers=clerk)
        assert again.status_code == 409
        history = (await h.client.get(f"{base}/history", headers=citizen)).json()
        assert [x["action"] for x in history] == ["booked", "checked_in", "verification_refused", "verified"]
        assert history[-1]["detail"]["national_id_checked"] is True

    async def test_an_early_arrival_is_served_and_gives_the_seat_back(self, h: Harness):
        office = await h.office("31")
        paid = await h.paid("31")
        appointment = await h.booked_for(paid)
        clerk, base = h.clerk(office["id"]), f"/v1/appointments/{appointment['id']}"
        assert sum((await seats(h, office["id"])).values()) == 1
        h.clock.set(SUNDAY_MORNING - timedelta(days=2))
        try:
            assert (await h.client.post(f"{base}/check-in", headers=clerk)).status_code == 200
            unchecked = await h.client.post(f"{base}/verify", json={}, headers=clerk)
            assert unchecked.status_code == 422  # the clerk must type the national ID from the card
            verified = await h.client.post(f"{base}/verify", json={"national_id": paid.national_id}, headers=clerk)
        finally:
            h.clock.set(SUNDAY_MORNING)
        assert verified.json()["status"] == "verified"
        assert sum((await seats(h, office["id"])).values()) == 0  # the future seat is free for others
        await h.event("office.appointment.verified.v1", lambda d: d["appointment_id"] == appointment["id"])

    async def test_no_show_frees_the_seat_and_the_citizen_books_again(self, h: Harness):
        office = await h.office("18")
        paid = await h.paid("18")
        appointment = await h.booked_for(paid)
        clerk, base = h.clerk(office["id"]), f"/v1/appointments/{appointment['id']}"
        early = await h.client.post(f"{base}/no-show", headers={**clerk, **EN})
        assert (early.status_code, early.json()["code"]) == (409, "too_early")
        h.clock.set(SUNDAY_MORNING + timedelta(hours=2, minutes=20))
        try:
            missed = await h.client.post(f"{base}/no-show", headers=clerk)
            assert missed.json()["status"] == "no_show"
            assert set((await seats(h, office["id"])).values()) == {0}
            event = await h.event("office.appointment.cancelled.v1", lambda d: d["appointment_id"] == appointment["id"])
            assert event.data["reason"] == "no_show"
            _, me = h.citizen(paid.citizen_id)
            options = (await h.client.get(f"{base}/alternatives", headers=me)).json()
            assert options[0]["local_start"] == "2030-01-07 09:00"  # today's slots have passed
            body = {"office_id": office["id"], "starts_at": options[0]["starts_at"]}
            rebooked = await h.client.post(f"{base}/reschedule", json=body, headers=me)
            assert rebooked.status_code == 201
            assert rebooked.json()["replaces_id"] == appointment["id"]
        finally:
            h.clock.set(SUNDAY_MORNING)


class TestRequesterCancels:
    async def test_cancellation_frees_the_appointment_and_closes_the_order(self, h: Harness):
        office = await h.office("21")
        paid = await h.paid("21")
        appointment = await h.booked_for(paid)
        await h.cancelled(paid)
        event = await h.event("office.appointment.cancelled.v1", lambda d: d["appointment_id"] == appointment["id"])
        assert event.data["reason"] == "cancelled_by_requester"
        assert set((await seats(h, office["id"])).values()) == {0}
        _, me = h.citizen(paid.citizen_id)
        body = {"office_id": office["id"], "starts_at": appointment["starts_at"]}
        closed = await h.client.post(f"/v1/appointments/{appointment['id']}/reschedule", json=body, headers=me)
        assert (closed.status_code, closed.json()["code"]) == (409, "order_closed")

    async def test_a_cancelled_order_is_never_booked_later(self, h: Harness):
        await h.office("22")
        citizen_id = uuid.uuid4()
        request = requested("22", citizen_id=citizen_id, at=h.clock.now())
        await h.publish(AppointmentWithdrawn(order_ref=request.order_ref, citizen_id=citizen_id,
                                             withdrawn_at=h.clock.now()))  # fmt: skip
        await h.publish(request)
        await h.booked_for(await h.paid("22"))  # a later order is handled, so the two above were too
        _, me = h.citizen(citizen_id)
        assert await h.appointments_of(me) == []


class TestHoliday:
    async def test_a_late_holiday_cancels_the_day_and_hides_its_slots(self, h: Harness):
        office = await h.office("25")
        paid = await h.paid("25")
        appointment = await h.booked_for(paid)
        body = {"day": "2030-01-06", "name_ar": "عطلة طارئة", "name_en": "Emergency closure"}
        closed = await h.client.post(f"/v1/offices/{office['id']}/holidays", json=body, headers=h.admin)
        assert closed.json() == {"day": "2030-01-06", "cancelled_appointments": 1}
        assert (
            await h.client.post(f"/v1/offices/{office['id']}/holidays", json=body, headers=h.admin)
        ).status_code == 409
        event = await h.event("office.appointment.cancelled.v1", lambda d: d["appointment_id"] == appointment["id"])
        assert event.data["reason"] == "office_closed"
        _, me = h.citizen(paid.citizen_id)
        options = (await h.client.get(f"/v1/appointments/{appointment['id']}/alternatives", headers=me)).json()
        assert options[0]["local_start"] == "2030-01-07 09:00"
        detail = (await h.client.get(f"/v1/offices/{office['id']}")).json()
        assert detail["holidays"] == [
            {"day": "2030-01-06", "name_ar": "عطلة طارئة", "name_en": "Emergency closure", "national": False}
        ]
