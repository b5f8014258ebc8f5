"""The portal's pages in-process: the language, the session cookie, CSRF, the forms' own checks
and the guards, before any call to the API."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from conftest import Portal


def csrf_of(page: httpx.Response) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found, "no CSRF token in the form"
    return found.group(1)


class TestLanguage:
    async def test_arabic_first_right_to_left(self, portal: Portal) -> None:
        home = await portal.http.get("/")
        assert home.status_code == 200
        assert '<html lang="ar" dir="rtl">' in home.text
        assert "ابدأ الآن" in home.text

    async def test_the_switch_is_remembered(self, portal: Portal) -> None:
        switched = await portal.http.get("/language", params={"to": "en", "next": "/enrol"})
        assert switched.status_code == 303
        assert switched.headers["location"] == "/enrol"
        page = await portal.http.get("/enrol")
        assert '<html lang="en" dir="ltr">' in page.text
        assert "National ID number" in page.text

    async def test_the_switch_goes_nowhere_else(self, portal: Portal) -> None:
        for elsewhere in ("https://evil.example/", "//evil.example/x", "javascript:alert(1)"):
            switched = await portal.http.get("/language", params={"to": "en", "next": elsewhere})
            assert switched.headers["location"] == "/"


class TestSessionCookie:
    async def test_opaque_http_only_same_site(self, portal: Portal) -> None:
        home = await portal.http.get("/")
        cookie = home.headers["set-cookie"]
        assert cookie.startswith("shubbak_session=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        again = await portal.http.get("/")
        assert "set-cookie" not in again.headers  # the same session, not a new one per page

    async def test_pages_are_not_cached_and_carry_a_strict_policy(self, portal: Portal) -> None:
        home = await portal.http.get("/")
        assert home.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in home.headers["content-security-policy"]
        assert home.headers["x-frame-options"] == "DENY"

    async def test_an_idle_session_ends(self, portal: Portal) -> None:
        first = await portal.http.get("/enrol")
        token = csrf_of(first)
        portal.clock.advance(timedelta(minutes=31))
        late = await portal.http.post("/enrol", data={"csrf": token, "national_id": ""})
        assert late.status_code == 400  # a new session: the old form's token is no longer good
        assert "انتهت صلاحية النموذج" in late.text


class TestForms:
    async def test_a_form_without_its_token_is_refused(self, portal: Portal) -> None:
        await portal.http.get("/enrol")
        refused = await portal.http.post("/enrol", data={"csrf": "forged", "national_id": "29001011234567"})
        assert refused.status_code == 400

    async def test_empty_fields_are_named_in_the_summary_and_at_each_field(self, portal: Portal) -> None:
        token = csrf_of(await portal.http.get("/enrol"))
        answer = await portal.http.post("/enrol", data={"csrf": token, "first_name": "أحمد"})
        assert answer.status_code == 422
        for field in ("national_id", "mother_first_name", "mobile"):
            assert f'href="#{field}"' in answer.text
            assert f'id="{field}-error"' in answer.text
        assert 'href="#first_name"' not in answer.text
        assert 'value="أحمد"' in answer.text  # what was typed stays

    async def test_the_code_page_needs_a_started_enrolment(self, portal: Portal) -> None:
        answer = await portal.http.get("/enrol/code")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/enrol"


class TestGuards:
    async def test_the_account_asks_to_sign_in_first(self, portal: Portal) -> None:
        answer = await portal.http.get("/account")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/sign-in?next=/account"

    async def test_the_console_asks_staff_to_sign_in(self, portal: Portal) -> None:
        answer = await portal.http.get("/staff/appointments")
        assert answer.status_code == 303
        assert answer.headers["location"] == "/staff/sign-in?next=/staff/appointments"

    async def test_an_unreachable_platform_is_a_page_not_a_traceback(self, portal: Portal) -> None:
        answer = await portal.http.get("/services", headers={"Accept": "text/html"})
        assert answer.status_code == 503
        assert "لا يمكن الوصول إلى المنصة الآن" in answer.text

    async def test_no_such_page_is_a_page_for_a_browser(self, portal: Portal) -> None:
        answer = await portal.http.get("/no-such-page", headers={"Accept": "text/html"})
        assert answer.status_code == 404
        assert "الصفحة غير موجودة" in answer.text
        api_client = await portal.http.get("/no-such-page", headers={"Accept": "application/json"})
        assert api_client.headers["content-type"].startswith("application/problem+json")

    async def test_only_its_own_assets_are_served(self, portal: Portal) -> None:
        assert (await portal.http.get("/static/app.css")).status_code == 200
        assert (await portal.http.get("/static/../settings.py")).status_code == 404
