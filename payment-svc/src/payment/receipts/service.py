"""The receipt of a paid intent, wholly in the caller's language: amounts by Babel (CLDR),
the day and time in Cairo, the service by its catalogue name."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.auth import Caller
from kit.catalog import ServiceNames
from kit.errors import NotFound
from payment import texts
from payment.intents.models import PaymentIntent
from payment.intents.repository import IntentRepository
from payment.intents.service import READERS
from payment.receipts.schemas import Receipt, ReceiptLine

i18n.register(
    {
        "problem.receipt_not_found.title": {"en": "Receipt not found", "ar": "الإيصال غير موجود"},
        "problem.receipt_not_found.detail": {
            "en": "You have no receipt with this number.",
            "ar": "لا يوجد إيصال بهذا الرقم في حسابك.",
        },
        "receipt.title": {"en": "Government service fee receipt", "ar": "إيصال سداد رسوم خدمة حكومية"},
    }
)


def build(intent: PaymentIntent, *, service_name: i18n.Words | None, language: i18n.Language) -> Receipt:
    assert intent.receipt_number
    assert intent.paid_at
    assert intent.provider_txn
    return Receipt(
        receipt_number=intent.receipt_number,
        language=language,
        title=i18n.text("receipt.title", language),
        payment_id=intent.id,
        issued_at=intent.paid_at,
        issued_on=i18n.moment(intent.paid_at, language),
        service_code=intent.service_code,
        service_name=service_name.localize(language) if service_name else None,
        order_ref=intent.order_ref,
        method=texts.method(intent.method).localize(language),
        method_code=intent.method,
        transaction_id=intent.provider_txn,
        currency=intent.currency,
        lines=[
            ReceiptLine(
                code=line["code"],
                label=line["label_ar"] if language == "ar" else line["label_en"],
                amount_piastres=line["amount_piastres"],
                amount=i18n.money(line["amount_piastres"], language),
            )
            for line in intent.lines
        ],
        total_piastres=intent.amount_piastres,
        total=i18n.money(intent.amount_piastres, language),
        refunded_piastres=intent.refunded_piastres,
        refunded=i18n.money(intent.refunded_piastres, language) if intent.refunded_piastres else None,
        status=intent.status,
        status_name=texts.status(intent.status).localize(language),
    )


async def receipt(session: AsyncSession, *, receipt_number: str, caller: Caller, names: ServiceNames | None) -> Receipt:
    intent = await IntentRepository(session).by_receipt(receipt_number)
    if intent is None:
        raise NotFound("receipt_not_found")
    owner = caller.kind == "citizen" and caller.subject == str(intent.citizen_id)
    if not owner and not any(caller.has_role(role) for role in READERS):
        raise NotFound("receipt_not_found")
    language = i18n.current_language()
    service_name = await names.get(intent.service_code) if names is not None else None
    return build(intent, service_name=service_name, language=language)
