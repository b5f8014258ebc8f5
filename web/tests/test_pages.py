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


ANONYMOUS_PAGES = (
    "/", "/enrol", "/sign-in", "/sign-in?next=/ration-card", "/staff/sign-in", "/verify",
    "/verify?number=NO-2026-000001&code=ABCDEF12", "/services", "/language?to=en&next=/enrol", "/enrol/code",
    "/account", "/no-such-page",
)  # fmt: skip


class TestAnonymousVisitors:
    async def test_store_no_session(self, portal: Portal) -> None:
        """A crawler, a QR code's visitor, the start pages: no row, however many come."""
        for _ in range(3):
            portal.http.cookies.clear()
            for path in ANONYMOUS_PAGES:
                answer = await portal.http.get(path, headers={"Accept": "text/html"})
                assert answer.status_code < 500 or path.startswith(("/verify", "/services")), path
                assert "shubbak_session" not in answer.headers.get("set-cookie", ""), path
        assert await portal.stored_sessions() == 0

    async def test_a_refused_form_stores_nothing_either(self, portal: Portal) -> None:
        token = csrf_of(await portal.http.get("/enrol"))
        await portal.http.post("/enrol", data={"csrf": token, "first_name": "أحمد"})  # fields missing
        await portal.http.post("/sign-in", data={"csrf": "forged", "national_id": "29001011234567"})
        assert await portal.stored_sessions() == 0

    async def test_forms_carry_a_token_signed_for_the_browsers_cookie(self, portal: Portal) -> None:
        page = await portal.http.get("/enrol")
        cookie = page.headers["set-cookie"]
        assert cookie.startswith("shubbak_csrf=")
        assert "HttpOnly" in cookie
        assert "SameSite=lax" in cookie
        token = csrf_of(page)
        assert token not in cookie  # an HMAC of the value, not the value
        again = await portal.http.get("/sign-in")
        assert "set-cookie" not in again.headers  # the same cookie, the same token
        assert csrf_of(again) == token

    async def test_a_forged_or_borrowed_token_is_refused(self, portal: Portal) -> None:
        token = csrf_of(await portal.http.get("/enrol"))
        form = {"national_id": "29001011234567", "first_name": "أحمد"}
        assert (await portal.http.post("/enrol", data={**form, "csrf": "forged"})).status_code == 400
        assert (await portal.http.post("/enrol", data=form)).status_code == 400
        portal.http.cookies.clear()  # another browser, holding a token it read elsewhere
        borrowed = await portal.http.post("/enrol", data={**form, "csrf": token})
        assert borrowed.status_code == 400
        assert "انتهت صلاحية النموذج" in borrowed.text

    async def test_pages_are_not_cached_and_carry_a_strict_policy(self, portal: Portal) -> None:
        home = await portal.http.get("/")
        assert home.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in home.headers["content-security-policy"]
        assert home.headers["x-frame-options"] == "DENY"


class TestSignedInForms:
    async def test_need_the_sessions_own_token(self, portal: Portal) -> None:
        anonymous = csrf_of(await portal.http.get("/enrol"))  # this browser's signed token, before sign-in
        row = await portal.sign_in_directly()
        account_nav = await portal.http.get("/")
        assert csrf_of(account_nav) == row.csrf  # the sign-out form in the navigation
        for forged in ("forged", anonymous):
            refused = await portal.http.post("/sign-out", data={"csrf": forged})
            assert refused.status_code == 400
        assert await portal.stored_sessions() == 1
        signed_out = await portal.http.post("/sign-out", data={"csrf": row.csrf})
        assert signed_out.status_code == 303
        assert await portal.stored_sessions() == 0

    async def test_an_idle_session_ends(self, portal: Portal) -> None:
        await portal.sign_in_directly()
        assert (await portal.http.get("/account/access-log")).status_code != 303
        portal.clock.advance(timedelta(minutes=31))
        late = await portal.http.get("/account/access-log")
        assert late.status_code == 303
        assert late.headers["location"] == "/sign-in?next=/account/access-log"


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

    async def test_the_error_summary_speaks_the_pages_language(self, portal: Portal) -> None:
        await portal.http.get("/language", params={"to": "en", "next": "/enrol"})
        token = csrf_of(await portal.http.get("/enrol"))
        answer = await portal.http.post("/enrol", data={"csrf": token})
        assert answer.status_code == 422
        assert "There is a problem" in answer.text  # the macros see the page's language
        assert "يوجد خطأ" not in answer.text

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
