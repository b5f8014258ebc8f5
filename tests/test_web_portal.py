"""The citizen portal in a real headless Chromium against the platform as `make run` starts it:
enrol and sign in, in Arabic, in English, and with JavaScript off; the catalogue; the public
verification page. axe-core checks every page visited; each page is captured in .data/screenshots."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from paperless_support import registry_people
from playwright.sync_api import Browser, BrowserContext, expect
from web_browser import Visitor, sms_code, sms_count

from devstack.background import BackgroundPlatform

PEOPLE = registry_people(("03",))


@pytest.fixture(scope="module")
def web(platform: BackgroundPlatform) -> str:
    return platform.services["web"]


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    made = browser.new_context(viewport={"width": 390, "height": 844})  # a phone first
    yield made
    made.close()


def enrol(visitor: Visitor, gateway: str, person: dict[str, str], mobile: str, *, english: bool) -> None:
    """From the start page to the account page, through an empty form's errors first."""
    page = visitor.page
    visitor.open("/")
    if english:
        with page.expect_navigation():
            page.get_by_role("link", name="English").click()
        visitor.check("home")
        expect(page.locator("html")).to_have_attribute("dir", "ltr")
    else:
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    with page.expect_navigation():
        page.get_by_role("link", name="Start now" if english else "ابدأ الآن").click()
    visitor.check("enrol")
    visitor.submit()  # nothing typed: the error summary links to each field
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    for field in ("national_id", "first_name", "mother_first_name", "mobile"):
        expect(summary.locator(f'a[href="#{field}"]')).to_have_count(1)
        expect(page.locator(f"#{field}")).to_have_attribute("aria-invalid", "true")
    page.get_by_label("National ID number" if english else "الرقم القومي").fill(person["national_id"])
    page.get_by_label("First name" if english else "الاسم الأول", exact=True).fill(person["first_name_ar"])
    page.get_by_label("Mother's first name" if english else "الاسم الأول للأم").fill(person["mother_first_name_ar"])
    page.get_by_label("Mobile number" if english else "رقم الهاتف المحمول").fill("0101")  # too short
    visitor.submit()
    mobile_error = page.locator("#mobile-error")  # the API's problem, at the field it names
    expect(mobile_error).to_be_visible()
    expect(page.locator('.error-summary a[href="#mobile"]')).to_have_count(1)
    expect(page.locator("#national_id")).to_have_value(person["national_id"])  # what was typed stays
    page.locator("#mobile").fill(mobile)
    visitor.submit()
    expect(page).to_have_url(visitor.base + "/enrol/code")
    page.locator("#code").fill(sms_code(gateway, mobile))
    visitor.submit()
    expect(page).to_have_url(visitor.base + "/account?welcome=1")
    expect(page.locator("main")).to_contain_text(person["national_id"])
    expect(page.locator("main")).to_contain_text(person["first_name_ar"])  # the registry's full name


def sign_out_and_in(visitor: Visitor, gateway: str, person: dict[str, str], mobile: str, *, english: bool) -> None:
    page = visitor.page
    visitor.submit("Sign out" if english else "تسجيل الخروج")
    visitor.open("/account")  # signed out: the account asks to sign in first
    expect(page).to_have_url(visitor.base + "/sign-in?next=/account")
    visitor.check("sign-in")
    page.locator("#national_id").fill(person["national_id"])
    before = sms_count(gateway, mobile)
    visitor.submit()
    page.locator("#code").fill("000000" if sms_code(gateway, mobile, after=before) != "000000" else "111111")
    visitor.submit()  # a wrong code: shown at the field
    expect(page.locator(".error-summary")).to_be_visible()
    page.locator("#code").fill(sms_code(gateway, mobile))
    visitor.submit()
    expect(page).to_have_url(visitor.base + "/account")
    expect(page.locator("h1")).to_have_text("My account" if english else "حسابي")


@pytest.mark.parametrize(("index", "english"), [(0, False), (1, True)], ids=["arabic", "english"])
def test_enrol_then_sign_out_and_back_in(
    platform: BackgroundPlatform, web: str, context: BrowserContext, axe_source: str, index: int, english: bool
) -> None:
    person = PEOPLE[index]
    mobile = "0101" + person["national_id"][-7:]
    visitor = Visitor(context.new_page(), base=web, axe_source=axe_source, name=f"enrol-{'en' if english else 'ar'}")
    enrol(visitor, platform.gateway, person, mobile, english=english)
    cookie = next(c for c in context.cookies() if c["name"] == "shubbak_session")
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Lax"
    assert "eyJ" not in cookie["value"]  # an opaque id: the tokens stay on the server
    sign_out_and_in(visitor, platform.gateway, person, mobile, english=english)
    visitor.open("/services")
    expect(visitor.page.locator("main h2").first).to_be_visible()
    visitor.assert_accessible()


def test_enrol_and_sign_in_with_javascript_off(
    platform: BackgroundPlatform, web: str, browser: Browser, axe_source: str
) -> None:
    person = PEOPLE[2]
    mobile = "0101" + person["national_id"][-7:]
    context = browser.new_context(java_script_enabled=False)
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
    visitor.assert_accessible()
