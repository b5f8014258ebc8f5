"""The ration officer's desk in the staff console, in a real headless Chromium against the
platform as `make run` starts it (its development `ration` account, Port Said): a governorate's
file uploaded, its progress followed to the end and its rejected rows downloaded; a rule set
drafted from the live one, simulated for the governorate with its chart, and scheduled. Every
page is checked by axe and captured in Arabic and in English."""

from __future__ import annotations

import csv
import io
import re
import uuid
from datetime import date, timedelta

from paperless_support import registry_people
from playwright.sync_api import Browser, expect
from web_browser import Visitor, new_context

from devstack.background import BackgroundPlatform
from identity.demo import DEV_PASSWORD

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩", "0123456789")
PEOPLE = registry_people(("03",))
"""Port Said's adults: one of them gets a reported salary (well under any threshold)."""


def _staff(browser: Browser, web: str, axe_source: str, name: str, username: str = "ration") -> Visitor:
    """A development staff account signed in to the console (Arabic; every page also in English)."""
    staff = Visitor(new_context(browser).new_page(), base=web, axe_source=axe_source, name=name, bilingual=True)
    staff.open("/staff/sign-in")
    staff.page.locator("#username").fill(username)
    staff.page.locator("#password").fill(DEV_PASSWORD)
    staff.submit()
    expect(staff.page).to_have_url(web + "/staff")
    return staff


def _officer(browser: Browser, web: str, axe_source: str, name: str) -> Visitor:
    officer = _staff(browser, web, axe_source, name)
    expect(officer.page.locator("main")).to_contain_text("ملفات المحافظات")
    return officer


def test_a_governorate_file_uploaded_followed_and_its_rejects_downloaded(
    platform: BackgroundPlatform, browser: Browser, axe_source: str
) -> None:
    officer = _officer(browser, platform.services["web"], axe_source, "imports")
    page = officer.page
    officer.open("/staff/imports")
    page.get_by_role("button", name="ارفع الملف").click()  # nothing chosen: sent by script, answered in place
    expect(page.locator(".error-summary")).to_be_focused()
    officer.check("imports-errors")
    for field in ("kind", "file"):
        expect(page.locator(f'.error-summary a[href="#{field}"]')).to_have_count(1)
    good = PEOPLE[-1]["national_id"]
    body = f"national_id,monthly_salary_piastres,employer\n{good},150000,هيئة قناة السويس\n12345,90000,خطأ\n"
    page.locator("#kind").select_option("incomes")
    page.locator("#file").set_input_files({"name": "incomes-03.csv", "mimeType": "text/csv", "buffer": body.encode()})
    officer.submit()
    expect(page).to_have_url(officer.base + "/staff/imports/" + page.url.rsplit("/", 1)[-1])
    expect(page.locator("#rows-accepted")).to_have_text("١")
    expect(page.locator("#rows-rejected")).to_have_text("١")
    # the status refreshes itself (app.js fetches the page again) until every household is decided
    expect(page.locator("#import-status")).to_have_attribute("data-status", "done", timeout=60_000)
    expect(page.locator("#import-progress")).to_have_attribute("value", "100")
    officer.check("import-done")
    with page.expect_download() as download:
        page.get_by_role("link", name="نزّل الصفوف المرفوضة").click()
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text(encoding="utf-8"))))
    assert [(r["line"], r["field"], r["code"]) for r in rows] == [("3", "national_id", "invalid_national_id")]
    assert rows[0]["reason"]
    assert rows[0]["value"] == "12345"
    officer.open("/staff/imports")  # the upload is listed among the officer's latest
    expect(page.locator("main table")).to_contain_text("incomes-03.csv")
    officer.assert_accessible()


def test_a_rule_set_drafted_simulated_and_scheduled(
    platform: BackgroundPlatform, browser: Browser, axe_source: str
) -> None:
    officer = _officer(browser, platform.services["web"], axe_source, "rules")
    page = officer.page
    officer.open("/staff/rules")
    expect(page.locator('[data-status="active"]')).to_have_count(1)
    with page.expect_navigation():
        page.get_by_role("link", name="مسودة جديدة").click()
    officer.check("rule-new")
    salary = page.get_by_label("راتب شهري أكثر من (جنيه)")
    salary.fill("لا شيء")  # not a number: named at its field
    officer.submit()
    expect(page.locator(".field-error").first).to_be_visible()
    expect(page.locator(".error-summary a").first).to_have_attribute("href", "#version")
    version = f"web-{uuid.uuid4().hex[:8]}"
    page.locator("#version").fill(version)
    salary.fill("1000")  # EGP 1,000: the salary reported by the import test, and others, would exclude
    officer.submit()
    expect(page.locator("#rule-set-status")).to_have_attribute("data-status", "draft")
    expect(page.locator("h1")).to_contain_text(version)

    page.locator("#governorate").select_option("03")
    officer.submit("جرّب")
    expect(page.locator("svg.chart rect.excluded")).to_have_count(1)
    expect(page.locator('#simulation-table tr[data-governorate="03"]')).to_contain_text("بورسعيد")
    households = page.locator("#simulation-table td").nth(0).inner_text().translate(DIGITS)
    assert int(re.sub(r"\D", "", households)) > 0

    officer.submit("جدوِل القواعد")  # no day: named at its field
    expect(page.locator("#effective_day-error")).to_be_visible()
    page.locator("#effective_day").fill((date.today() + timedelta(days=3650)).isoformat())
    officer.submit("جدوِل القواعد")
    expect(page.locator("#rule-set-status")).to_have_attribute("data-status", "scheduled")
    officer.assert_accessible()


def test_the_auditors_and_the_administrators_console(
    platform: BackgroundPlatform, browser: Browser, axe_source: str
) -> None:
    """The desks no other journey opens: the auditor's chain check, the administrator's start page
    (every desk) and the appeals already decided."""
    web = platform.services["web"]
    auditor = _staff(browser, web, axe_source, "audit", username="auditor")
    auditor.open("/staff/audit")
    expect(auditor.page.locator("h1")).to_have_text("التدقيق")
    auditor.open("/staff/imports")  # not the auditor's desk: back to the console's start
    expect(auditor.page).to_have_url(web + "/staff")
    auditor.assert_accessible()
    admin = _staff(browser, web, axe_source, "admin", username="admin")
    for desk in ("/staff/appointments", "/staff/appeals", "/staff/imports", "/staff/rules", "/staff/call-centre"):
        expect(admin.page.locator(f'main a[href="{desk}"]')).to_have_count(1)
    admin.open("/staff/appeals?status=accepted")
    admin.assert_accessible()
