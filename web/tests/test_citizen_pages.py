"""The citizen's appointments, ration card requests, documents and notifications, in-process:
what the portal decides before it calls the API (guards, CSRF, the forms' own checks, where an
API problem is shown), and the count of API calls each page tells outside production."""

from __future__ import annotations

import uuid

import pytest
from conftest import Portal
from test_pages import csrf_of

from web.gateway import FieldProblem
from web.pages.appointments import _elsewhere, slot_value
from web.pages.ration_requests import ASKS, _asked, _fee

CITIZEN_PAGES = (
    "/appointments", f"/appointments/{uuid.uuid4()}", f"/appointments/{uuid.uuid4()}/reschedule",
    "/ration-card/add-newborn", "/ration-card/remove-member", "/ration-card/replacement", "/ration-card/check",
    f"/ration-card/requests/{uuid.uuid4()}", f"/ration-card/replacements/{uuid.uuid4()}", "/documents",
    "/notifications",
)  # fmt: skip


class TestGuards:
    @pytest.mark.parametrize("path", CITIZEN_PAGES)
    async def test_ask_to_sign_in_first(self, portal: Portal, path: str) -> None:
        answer = await portal.http.get(path)
        assert answer.status_code == 303
        assert answer.headers["location"] == f"/sign-in?next={path}"

    async def test_a_check_page_without_answers_goes_back_to_the_start(self, portal: Portal) -> None:
        await portal.sign_in_directly()
        assert (await portal.http.get("/ration-card/check")).headers["location"] == "/ration-card"
        appointment = uuid.uuid4()
        moved = await portal.http.get(f"/appointments/{appointment}/reschedule/check")
        assert moved.headers["location"] == f"/appointments/{appointment}/reschedule"


class TestRationAsks:
    async def test_empty_answers_are_named_in_the_summary_and_at_each_question(self, portal: Portal) -> None:
        await portal.sign_in_directly()
        form = await portal.http.get("/ration-card/add-newborn")  # asks the API nothing
        assert form.status_code == 200
        assert form.headers["x-gateway-calls"] == "0"
        answer = await portal.http.post(
            "/ration-card/add-newborn", data={"csrf": csrf_of(form), "note": "وُلد أمس", "method": "gold"}
        )
        assert answer.status_code == 422
        assert answer.text.index('href="#national_id"') < answer.text.index('href="#method"')  # as the form asks
        assert "أدخل الرقم القومي للمولود" in answer.text
        assert 'id="national_id-error"' in answer.text
        assert "وُلد أمس" in answer.text  # what was typed stays

    async def test_a_replacement_needs_one_of_its_reasons(self, portal: Portal) -> None:
        row = await portal.sign_in_directly()
        answer = await portal.http.post(
            "/ration-card/replacement", data={"csrf": row.csrf, "reason": "stolen", "method": "card"}
        )
        assert answer.status_code == 422
        assert 'id="reason-error"' in answer.text
        assert 'href="#method"' not in answer.text

    async def test_answers_are_held_for_the_check_page(self, portal: Portal) -> None:
        row = await portal.sign_in_directly()
        answer = await portal.http.post(
            "/ration-card/add-newborn", data={"csrf": row.csrf, "national_id": " 32401010300033 ", "method": "wallet"}
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/ration-card/check"
        again = await portal.http.get("/ration-card/add-newborn")  # "change" finds the answers as given
        assert 'value="32401010300033"' in again.text
        assert 'value="wallet" checked' in again.text

    async def test_a_form_without_the_sessions_token_is_refused(self, portal: Portal) -> None:
        await portal.sign_in_directly()
        for path in ("/ration-card/add-newborn", "/ration-card/check", f"/appointments/{uuid.uuid4()}/reschedule"):
            refused = await portal.http.post(path, data={"csrf": "forged", "national_id": "32401010300033"})
            assert refused.status_code == 400, path

    def test_an_api_problem_is_shown_at_the_question_it_names(self) -> None:
        newborn = ASKS["add_newborn"]
        union = FieldProblem(field="add_newborn", reason="x", location="body.add_newborn.national_id")
        assert _asked(newborn, union) == "national_id"
        assert _asked(newborn, FieldProblem(field="channel", reason="x", location="body.channel")) == ""
        assert _asked(ASKS["replacement"], FieldProblem(field="reason", reason="x")) == "reason"

    def test_the_published_fee_for_the_web_and_the_method(self) -> None:
        service = {"tariff": {"fees": [
            {"channel": "office", "method": "card", "total_piastres": 700},
            {"channel": "web", "method": "wallet", "total_piastres": 550},
            {"channel": "web", "method": "card", "total_piastres": 600},
        ]}}  # fmt: skip
        assert _fee(service, "card") == 600
        assert _fee(service, "post_office") is None
        assert _fee({"tariff": None}, "card") is None
        assert ASKS["replacement"].service_code({"reason": "lost"}) == "ration.card.replace_lost"
        assert ASKS["add_newborn"].service_code({}) == "ration.card.add_newborn"


def test_a_slot_is_named_by_its_office_and_start() -> None:
    office = uuid.uuid4()
    opening = {"office": {"id": str(office)}, "starts_at": "2026-12-06T08:30:00Z"}
    assert slot_value(opening) == f"{office}|2026-12-06T08:30:00Z"


def test_the_slot_the_appointment_holds_is_not_offered_as_a_move() -> None:
    office, other = str(uuid.uuid4()), str(uuid.uuid4())
    current = {"office": {"id": office}, "starts_at": "2026-12-06T06:30:00Z"}
    openings = [
        {"office": {"id": office}, "starts_at": "2026-12-06T06:30:00+00:00"},  # its own seat, spelt otherwise
        {"office": {"id": other}, "starts_at": "2026-12-06T06:30:00Z"},
        {"office": {"id": office}, "starts_at": "2026-12-06T06:50:00Z"},
    ]
    assert _elsewhere(openings, current) == openings[1:]
