"""The ration officer's pages in-process, before any call to the API: the upload's own checks and
its CSRF token, the import's status page refreshing without a script, the simulation's chart in
both reading directions, and a draft's numbers as an officer types them."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import Portal
from test_pages import csrf_of

from web.charts import impact_chart
from web.gateway import FieldProblem
from web.pages.ration_rules import _at_form_field, _typed
from web.pages.staff import _started
from web.resources import templates

CSV = ("incomes.csv", b"national_id,monthly_salary_piastres,employer\n", "text/csv")


class TestUpload:
    async def test_needs_the_sessions_own_token(self, portal: Portal) -> None:
        await portal.sign_in_directly(kind="staff", roles=["ration_officer"])
        form = {"kind": "incomes", "governorate": "03"}
        refused = await portal.http.post("/staff/imports", data={**form, "csrf": "forged"}, files={"file": CSV})
        assert refused.status_code == 400

    async def test_names_each_missing_choice_without_calling_the_api(self, portal: Portal) -> None:
        await portal.sign_in_directly(kind="staff", roles=["ration_officer"])
        token = csrf_of(await portal.http.get("/staff/imports"))
        answer = await portal.http.post("/staff/imports", data={"csrf": token, "kind": "cars"})
        assert answer.status_code == 422  # the gateway (nothing listens there) was not called
        for field in ("kind", "governorate", "file"):
            assert f'href="#{field}"' in answer.text
            assert f'id="{field}-error"' in answer.text

    async def test_is_for_ration_officers(self, portal: Portal) -> None:
        await portal.sign_in_directly(kind="staff", roles=["auditor"])
        answer = await portal.http.get("/staff/imports")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/staff"


def _status_page(evaluation: str) -> str:
    item = {"id": "i-1", "kind": "incomes", "governorate": "03", "filename": "f.csv", "rows_total": 3,
            "rows_accepted": 2, "rows_rejected": 1, "evaluation_status": evaluation}  # fmt: skip
    page: dict[str, Any] = {"lang": "ar", "dir": "rtl", "csrf": "x", "who": None, "path": "/staff/imports/i-1"}
    page |= {"item": item, "finished": evaluation == "done", "percent": 40, "done": 2, "total": 5}
    return templates().get_template("import.html").render(page)


class TestImportStatus:
    def test_refreshes_itself_while_the_households_are_decided(self) -> None:
        running = _status_page("running")
        assert '<noscript><meta http-equiv="refresh" content="5"></noscript>' in running  # without a script
        assert 'data-refresh="3"' in running  # app.js fetches the status again
        assert '<progress id="import-progress" max="100" value="40">' in running
        assert 'href="/staff/imports/i-1/rejects"' in running

    def test_stops_when_done(self) -> None:
        done = _status_page("done")
        assert "http-equiv" not in done
        assert "data-refresh" not in done


IMPACTS = [
    {"governorate": "03", "newly_excluded": 40, "newly_eligible": 10},
    {"governorate": "01", "newly_excluded": 0, "newly_eligible": 20},
]


class TestChart:
    def test_bars_grow_from_the_start_of_the_reading_direction(self) -> None:
        ltr, rtl = impact_chart(IMPACTS, "en"), impact_chart(IMPACTS, "ar")
        assert [r.name for r in ltr.rows] == ["Port Said", "Cairo"]
        assert [r.name for r in rtl.rows] == ["بورسعيد", "القاهرة"]
        longest = ltr.rows[0].excluded
        assert longest.width == pytest.approx(rtl.rows[0].excluded.width)
        assert ltr.rows[0].eligible.width == pytest.approx(longest.width / 4)  # in proportion
        assert ltr.rows[1].excluded.width == 0
        assert all(r.excluded.x == ltr.rows[0].excluded.x for r in ltr.rows)  # all start at the same edge
        assert all(r.excluded.x + r.excluded.width == pytest.approx(rtl.width - 150) for r in rtl.rows)
        assert rtl.rows[0].excluded.value == "٤٠"

    def test_no_change_draws_no_bar(self) -> None:
        chart = impact_chart([{"governorate": "03", "newly_excluded": 0, "newly_eligible": 0}], "en")
        assert chart.rows[0].excluded.width == 0


class TestNumbers:
    @pytest.mark.parametrize(
        ("typed", "kind", "expected"),
        [("9600", "money", 960000), ("50.5", "money", 5050), ("1,200", "money", 120000), ("0.001", "money", None),
         ("2026", "year", 2026), ("2.5", "whole", None), ("0", "whole", None), ("1.25", "decimal", "1.25"),
         ("abc", "whole", None), ("NaN", "money", None), ("-3", "money", None)],
    )  # fmt: skip
    def test_as_an_officer_types_them(self, typed: str, kind: str, expected: object) -> None:
        assert _typed(typed, kind) == expected

    def test_an_appointment_has_started_once_its_time_has_come(self) -> None:
        now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
        assert _started({"starts_at": "2026-12-03T09:30:00+00:00"}, now)
        assert not _started({"starts_at": "2026-12-03T10:30:00+00:00"}, now)
        assert not _started({"starts_at": None}, now)


def test_the_apis_amount_fields_are_named_as_the_form_names_them() -> None:
    assert _at_form_field(FieldProblem("card_cap_piastres", "too big")) == FieldProblem("card_cap", "too big")
    assert _at_form_field(FieldProblem("version", "taken")) == FieldProblem("version", "taken")


def _day_list(started: bool) -> str:
    booked = {"id": "a-1", "status": "booked", "started": started, "starts_at": "2026-12-03T09:30:00+00:00",
              "service_code": "poa.general"}  # fmt: skip
    page: dict[str, Any] = {"lang": "ar", "dir": "rtl", "csrf": "the-token", "who": None, "path": "/staff/appointments"}
    page |= {"appointments": [booked], "day": "2026-12-03", "errors": []}
    return templates().get_template("day_list.html").render(page)


class TestDayList:
    def test_a_booked_citizen_whose_time_has_come_may_be_marked_a_no_show(self) -> None:
        shown = _day_list(started=True)
        form = re.search(
            r'<form method="post" action="/staff/appointments/a-1/no-show\?day=2026-12-03">(.*?)</form>', shown
        )
        assert form is not None
        assert 'name="csrf" value="the-token"' in form.group(1)
        assert "لم يحضر" in form.group(1)

    def test_not_before(self) -> None:
        assert "/no-show" not in _day_list(started=False)
        assert "/check-in" in _day_list(started=False)
