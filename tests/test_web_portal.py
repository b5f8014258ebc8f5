"""The citizen portal in a real headless Chromium against the platform as `make run` starts it:
enrol and sign in, in Arabic, in English, and with JavaScript off; the catalogue; the public
verification page. axe-core checks every page visited; each page is captured in .data/screenshots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from paperless_support import mobile_of, registry_people
from playwright.sync_api import Browser, BrowserContext, expect
from web_browser import Visitor, enrol, new_context, sign_out_and_in

from devstack.background import BackgroundPlatform

PEOPLE = registry_people(("02",))
"""Alexandria's adults: the other cross-service tests enrol Port Said's, and an enrolment is once."""


@pytest.fixture(scope="module")
def web(platform: BackgroundPlatform) -> str:
    return platform.services["web"]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = new_context(browser, viewport={"width": 390, "height": 844})  # a phone first
    yield made
    made.close()


@pytest.mark.parametrize(("index", "english"), [(0, False), (1, True)], ids=["arabic", "english"])
def test_enrol_then_sign_out_and_back_in(
    platform: BackgroundPlatform, web: str, context: BrowserContext, axe_source: str, index: int, english: bool
) -> None:
    person = PEOPLE[index]
    mobile = mobile_of(person)
    visitor = Visitor(context.new_page(), base=web, axe_source=axe_source, name=f"enrol-{'en' if english else 'ar'}")
    enrol(visitor, platform.gateway, person, mobile, english=english)
    cookie = next(c for c in context.cookies() if c["name"] == "shubbak_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert "eyJ" not in cookie["value"]  # an opaque id: the tokens stay on the server
    sign_out_and_in(visitor, platform.gateway, person, mobile, english=english)
    visitor.open("/ration-card")  # the household's card, from ration-svc: the citizen is on it
    expect(visitor.page.locator("main table").first).to_contain_text(person["national_id"])
    visitor.open("/services")
    expect(visitor.page.locator("main h2").first).to_be_visible()
    with visitor.page.expect_navigation():
        visitor.page.locator('main a[href^="/services/"]').first.click()
    visitor.check("service")  # one service: its fees by channel and method, where it is live
    visitor.open("/no-such-page")  # a page for a person, in the page's language
    expect(visitor.page.locator("h1")).to_have_text("Page not found" if english else "الصفحة غير موجودة")
    visitor.in_the_other_language()
    visitor.assert_accessible()


def test_enrol_and_sign_in_with_javascript_off(
    platform: BackgroundPlatform, web: str, browser: Browser, axe_source: str
) -> None:
    person = PEOPLE[2]
    mobile = mobile_of(person)
    context = new_context(browser, java_script_enabled=False)
    try:
        visitor = Visitor(context.new_page(), base=web, axe_source=axe_source, name="no-js", scripts=False)
        enrol(visitor, platform.gateway, person, mobile, english=False)
        sign_out_and_in(visitor, platform.gateway, person, mobile, english=False)
    finally:
        context.close()


def test_a_form_without_its_csrf_token_is_refused(web: str, context: BrowserContext) -> None:
    page = context.new_page()
    page.goto(web + "/sign-in")
    answer = page.request.post(web + "/sign-in", form={"national_id": PEOPLE[3]["national_id"], "csrf": "forged"})
    assert answer.status == 400
    assert "انتهت صلاحية النموذج" in answer.text()


def test_public_verification_names_the_problem(web: str, context: BrowserContext, axe_source: str) -> None:
    visitor = Visitor(context.new_page(), base=web, axe_source=axe_source, name="verify")
    visitor.open("/verify")
    visitor.page.locator("#number").fill("NO-SUCH-DOCUMENT")
    visitor.page.locator("#code").fill("ABCDEF12")
    visitor.submit()
    expect(visitor.page.locator(".error-summary")).to_be_visible()
    visitor.in_the_other_language()
    visitor.assert_accessible()
