"""A receipt wholly in the caller's language: amounts by CLDR (a discount of 250 piastres is
-2.50, not "EGP -3.50"), the day and time in Cairo, the service by its catalogue name (from a
stand-in for catalog-svc's public catalogue; the platform-wide flow in tests/ uses the real one)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import httpx
import pytest
from payment_support import Harness

from kit.catalog import ServiceNames
from kit.testing import catalogue_stand_in

DISCOUNTED = [
    {"code": "base_fee", "amount_piastres": 6000, "label_ar": "الرسم الأساسي", "label_en": "Base fee"},
    {"code": "stamp_duty", "amount_piastres": 800, "label_ar": "ضريبة الدمغة", "label_en": "Stamp duty"},
    {"code": "e_payment_incentive", "amount_piastres": -250, "label_ar": "حافز الدفع الإلكتروني",
     "label_en": "E-payment incentive"},
]  # fmt: skip


@pytest.fixture(scope="module")
async def catalog_http() -> AsyncIterator[httpx.AsyncClient]:
    async with catalogue_stand_in({"notary.poa.general": ("توكيل عام رسمي", "General power of attorney")}) as client:
        yield client


async def paid_receipt(h: Harness, citizen: dict[str, str]) -> str:
    order_id = f"poa-{uuid.uuid4().hex[:12]}"
    quote = h.order_quote(citizen, order_id, lines=DISCOUNTED, total_piastres=6550)
    intent = await h.started(citizen, method="card", order_id=order_id, quote=quote)
    await h.sandbox(intent, "approve")
    return (await h.get(intent["id"], citizen))["receipt_number"]


class TestReceipt:
    async def test_in_arabic_by_default_with_the_catalogue_name(self, h: Harness, catalog_http):
        h.app.state.service_names = ServiceNames(catalog_http, "http://catalog")
        _, citizen = h.citizen()
        number = await paid_receipt(h, citizen)
        response = await h.client.get(f"/v1/receipts/{number}", headers=citizen)
        assert response.headers["content-language"] == "ar"
        receipt = response.json()
        assert receipt["language"] == "ar"
        assert receipt["title"] == "إيصال سداد رسوم خدمة حكومية"
        assert receipt["service_name"] == "توكيل عام رسمي"  # not notary.poa.general
        amounts = [line["amount"] for line in receipt["lines"]]
        assert amounts == ["٦٠٫٠٠ جنيهًا مصريًا", "٨٫٠٠ جنيهات مصرية", "-٢٫٥٠ جنيه مصري"]  # CLDR plural forms
        assert receipt["lines"][2]["amount_piastres"] == -250
        assert receipt["total"] == "٦٥٫٥٠ جنيه مصري"
        assert receipt["method"] == "بطاقة مصرفية"
        assert receipt["status_name"] == "تم السداد"
        assert not any(c.isascii() and c.isalpha() for c in receipt["issued_on"])  # Cairo day and time, in Arabic

    async def test_in_english_by_accept_language(self, h: Harness, catalog_http):
        h.app.state.service_names = ServiceNames(catalog_http, "http://catalog")
        _, citizen = h.citizen()
        number = await paid_receipt(h, citizen)
        receipt = (await h.client.get(f"/v1/receipts/{number}", headers={**citizen, "Accept-Language": "en"})).json()
        assert receipt["service_name"] == "General power of attorney"
        assert receipt["lines"][2] == {
            "code": "e_payment_incentive",
            "label": "E-payment incentive",
            "amount_piastres": -250,
            "amount": "-2.50 Egyptian pounds",
        }
        assert receipt["total"] == "65.50 Egyptian pounds"
        assert receipt["method"] == "Bank card"
        assert receipt["refunded"] is None

    async def test_without_the_catalogue_the_receipt_still_comes(self, h: Harness):
        h.app.state.service_names = ServiceNames(httpx.AsyncClient(), "http://127.0.0.1:9", timeout=0.5)
        _, citizen = h.citizen()
        number = await paid_receipt(h, citizen)
        receipt = (await h.client.get(f"/v1/receipts/{number}", headers=citizen)).json()
        assert receipt["service_name"] is None
        assert receipt["service_code"] == "notary.poa.general"
