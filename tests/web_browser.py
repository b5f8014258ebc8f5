"""What the browser tests share: the system's Chromium driven by Playwright (its own browser
download cannot reach a closed network), axe-core injected from `.data/node` (installed by npm
like the other Node tools; no CDN), a screenshot of every page, and the development SMS outbox."""

from __future__ import annotations

import itertools
import os
import random
import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import node_tools
import pytest
from playwright.sync_api import Browser, BrowserContext, Locator, Page, Response, expect, sync_playwright

ROOT = Path(__file__).resolve().parents[1]
SCREENSHOTS = ROOT / ".data" / "screenshots"
BLOCKING = ("serious", "critical")
LANGUAGE_COOKIE = "shubbak_lang"
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def chromium_path() -> str:
    """Debian's chromium (`make browser` installs it), or $CHROMIUM; the test fails saying what to
    install when there is none: the browser journeys are part of `make test`, never skipped."""
    found = os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        pytest.fail("the browser tests need Chromium: run 'make browser' as root, or 'sudo apt-get install chromium'")
    return found


@contextmanager
def launched() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
        try:
            yield browser
        finally:
            browser.close()


_addresses = (f"198.19.{a}.{b}" for a, b in itertools.product(range(random.randrange(1, 200), 256), range(1, 255)))


def new_context(browser: Browser, **options: Any) -> BrowserContext:
    """A browser context that is a person of its own: it comes from an address of its own (sent
    as the ingress would, in X-Forwarded-For: the suite's platform runs web as behind one), so the
    platform's per-address limits count the suite's citizens apart, as they count real ones."""
    headers = {"X-Forwarded-For": next(_addresses), **options.pop("extra_http_headers", {})}
    return browser.new_context(extra_http_headers=headers, **options)


def axe_script() -> str:
    return (node_tools.ensure() / "node_modules" / "axe-core" / "axe.min.js").read_text(encoding="utf-8")


def axe_violations(page: Page, axe_source: str) -> list[dict[str, Any]]:
    """axe-core's serious and critical violations on the page as it is now (WCAG 2.1 AA rules)."""
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(axe_source)  # evaluated, not a <script> tag: the page's CSP refuses inline scripts
    result = page.evaluate(
        "async () => (await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target)}))"
    )
    return [v for v in result if v["impact"] in BLOCKING]


MAX_GATEWAY_CALLS = 3
"""No page calls the gateway more than this to render (web tells how many outside production)."""

FOCUS_STOPS = """(root) => {
  const selector = 'a[href], button:not([disabled]), input:not([disabled]):not([type=hidden]), '
    + 'select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';
  const shown = [...root.querySelectorAll(selector)].filter(e => e.getClientRects().length > 0);
  const stops = [], groups = new Set();
  for (const e of shown) {  // Tab stops once in a group of radio buttons: at the checked one, or the first
    if (e.type !== 'radio') { stops.push(e); continue; }
    if (groups.has(e.name)) continue;
    groups.add(e.name);
    const group = shown.filter(x => x.type === 'radio' && x.name === e.name);
    stops.push(group.find(x => x.checked) || group[0]);
  }
  stops.forEach((e, i) => { e.dataset.focusStop = String(i); });
  return stops.length;
}"""
FOCUSED = """() => {
  const e = document.activeElement, box = e.getBoundingClientRect();
  return {stop: e.dataset.focusStop ?? null, tag: e.tagName + (e.id ? '#' + e.id : ''),
          top: box.top + window.scrollY, bottom: box.bottom + window.scrollY, left: box.left, right: box.right};
}"""


def _reads_after(before: dict[str, Any], after: dict[str, Any], rtl: bool) -> bool:
    """`after` comes after `before` in reading order: on a later line, or further along the same
    line in the page's direction (leftwards in Arabic, rightwards in English)."""
    if after["top"] >= before["bottom"] - 2:
        return True
    same_line = abs(after["top"] - before["top"]) < 4
    return same_line and (after["right"] <= before["left"] + 2 if rtl else after["left"] >= before["right"] - 2)


class Visitor:
    """One browser context on the portal: each page it lands on is checked by axe and captured,
    and held to at most three gateway calls; `in_the_other_language` captures them all again."""

    def __init__(
        self, page: Page, *, base: str, axe_source: str, name: str, scripts: bool = True, bilingual: bool = False
    ) -> None:
        self.page, self.base, self.axe_source, self.name, self.scripts = page, base, axe_source, name, scripts
        self.bilingual = bilingual
        """Each page is also captured (and checked by axe) in the other language: the console's
        journeys run in Arabic, and every console page is shown in English too."""
        self.shots = 0
        self.problems: list[str] = []
        self.visited: dict[str, str] = {}
        """Each page seen (its path, ids as `id`) → the address it was first seen at."""
        self.rendered: list[tuple[str, int, str]] = []
        page.on("response", self._count_calls)

    def _count_calls(self, response: Response) -> None:
        if response.request.resource_type != "document" or response.frame != self.page.main_frame:
            return
        calls = response.headers.get("x-gateway-calls")
        if calls is not None and response.status != 303:
            self.rendered.append((response.url, int(calls), response.request.method))
            if int(calls) > MAX_GATEWAY_CALLS:
                self.problems.append(f"{response.url}: {calls} gateway calls to render (at most {MAX_GATEWAY_CALLS})")

    def open(self, path: str) -> None:
        self.page.goto(self.base + path)
        self.check()

    def check(self, label: str = "") -> None:
        """axe (with scripts on; a context without JavaScript is checked by its twin that has it)
        and a screenshot named after the journey, the step and the page's language."""
        page = self.page
        page.wait_for_load_state("load")
        lang = page.locator("html").get_attribute("lang") or "none"
        self.shots += 1
        where = UUID.sub("id", page.url.split("//", 1)[-1].split("/", 1)[-1].split("?")[0])
        self.visited.setdefault(where, page.url)
        slug = re.sub(r"[^a-z0-9]+", "-", (label or where or "home").lower())
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{self.name}-{self.shots:02d}-{slug.strip('-')}-{lang}.png"),
                        full_page=True)  # fmt: skip
        self._axe(page)
        if self.bilingual and lang in ("ar", "en"):
            self._other_language(slug.strip("-"), "en" if lang == "ar" else "ar")

    def _axe(self, page: Page) -> None:
        if self.scripts:
            for v in axe_violations(page, self.axe_source):
                self.problems.append(f"{page.url}: {v['impact']} {v['id']} ({v['help']}) at {v['nodes'][:3]}")

    def _other_language(self, slug: str, other: str) -> None:
        """The page's address opened again (a GET: what a form answered shows as its page does) in
        the other language, by a second browser context holding this one's cookies (the same
        session) but the other language's: this page and its scripts never see the switch."""
        browser = self.page.context.browser
        assert browser is not None
        twin_context = new_context(browser, storage_state=self.page.context.storage_state())
        try:
            twin_context.add_cookies([{"name": LANGUAGE_COOKIE, "value": other, "url": self.base}])
            twin = twin_context.new_page()
            response = twin.goto(self.page.url)
            if response is not None and response.status == 405:
                return  # a form's answer at an address only a form reaches (its error shown in place)
            twin.wait_for_load_state("load")
            twin.screenshot(path=str(SCREENSHOTS / f"{self.name}-{self.shots:02d}-{slug}-{other}.png"), full_page=True)
            self._axe(twin)
        finally:
            twin_context.close()

    def submit(self, button: str | None = None) -> None:
        """Press the form's button (the main one by default) and check the page it leads to."""
        target = (
            self.page.locator("main form button[type=submit]")
            if button is None
            else self.page.get_by_role("button", name=button)
        )
        with self.page.expect_navigation():
            target.first.click()
        self.check()

    def submit_in(self, where: Locator, button: str) -> None:
        """Press `button` inside `where` (one row of a list of many) and check the page it leads to."""
        with self.page.expect_navigation():
            where.get_by_role("button", name=button).click()
        self.check()

    def assert_focus_follows_reading_order(self, scope: str = "main", *, optional: bool = False) -> None:
        """Tab through `scope` and back: the focus visits every stop in the order of the page's
        source (forwards, then backwards with Shift+Tab), and each stop comes after the one
        before it in reading order for the page's direction."""
        page = self.page
        count = page.locator(scope).first.evaluate(FOCUS_STOPS)
        if optional and count < 2:
            return
        assert count > 1, f"nothing to tab through in {scope} of {page.url}"
        rtl = page.locator("html").get_attribute("dir") == "rtl"
        page.locator('[data-focus-stop="0"]').focus()
        seen = [page.evaluate(FOCUSED)]
        for _ in range(count - 1):
            page.keyboard.press("Tab")
            seen.append(page.evaluate(FOCUSED))
        assert [s["stop"] for s in seen] == [str(i) for i in range(count)], f"tab order of {page.url}: {seen}"
        for before, after in itertools.pairwise(seen):
            assert _reads_after(before, after, rtl), f"{after['tag']} is focused after {before['tag']}, read before it"
        for _ in range(count - 1):
            page.keyboard.press("Shift+Tab")
        assert page.evaluate(FOCUSED)["stop"] == "0", f"Shift+Tab did not lead back to the start of {page.url}"

    def in_the_other_language(self) -> None:
        """Every page this visitor saw, again in the other language (switched and switched back by
        the portal's own switch): captured and checked by axe like the first time, and its form
        tabbed through in the other direction. A page that was only ever the answer to a form (no
        GET) is left out."""
        page = self.page
        first = page.locator("html").get_attribute("lang") or "ar"
        other = "en" if first == "ar" else "ar"
        page.goto(f"{self.base}/language?to={other}&next=/")
        for where, url in list(self.visited.items()):
            answer = page.goto(url)
            if answer is None or answer.status == 405:
                continue
            self.check(f"{where or 'home'}")
            assert page.locator("html").get_attribute("lang") == other, page.url
            if self.scripts and page.locator("main form").count():  # the forms, in the other direction
                self.assert_focus_follows_reading_order(optional=True)
        page.goto(f"{self.base}/language?to={first}&next=/")

    def assert_accessible(self) -> None:
        assert not self.problems, "axe-core found serious or critical violations:\n" + "\n".join(self.problems)


def sms_code(gateway: str, mobile: str, *, after: int = 0) -> str:
    """The newest code the development SMS provider 'sent' to the mobile (read through the gateway)."""
    sent = httpx.get(f"{gateway}/v1/dev/sms", params={"mobile": mobile}, timeout=10).json()
    assert len(sent) > after, f"no new SMS to {mobile}"
    found = re.search(r"\b(\d{6})\b", sent[0]["body"])
    assert found, sent[0]["body"]
    return found.group(1)


def sms_count(gateway: str, mobile: str) -> int:
    return len(httpx.get(f"{gateway}/v1/dev/sms", params={"mobile": mobile}, timeout=10).json())


# -- the citizen's journeys, shared by the browser tests ------------------------------------------


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
    visitor.assert_focus_follows_reading_order()
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
