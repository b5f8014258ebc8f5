"""The receipt of a paid intent, in Arabic and English side by side."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from kit import i18n
from kit.auth import Caller
from kit.errors import NotFound
from payment.intents.models import PaymentIntent
from payment.intents.repository import IntentRepository
from payment.intents.service import READERS
from payment.receipts.schemas import Bilingual, Receipt, ReceiptLine

METHODS = {
    "card": Bilingual(ar="بطاقة مصرفية", en="Bank card"),
    "wallet": Bilingual(ar="محفظة الهاتف المحمول", en="Mobile wallet"),
    "post_office": Bilingual(ar="مكتب البريد", en="Post office"),
    "cash_network": Bilingual(ar="شبكة الدفع الإلكتروني", en="E-payment network"),
}
ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")

i18n.register({"problem.receipt_not_found.title": {"en": "Receipt not found", "ar": "الإيصال غير موجود"}})


def money(piastres: int) -> Bilingual:
    pounds, rest = divmod(piastres, 100)
    plain = f"{pounds:,}.{rest:02d}"
    return Bilingual(ar=f"{plain.translate(ARABIC_DIGITS)} جنيه مصري", en=f"EGP {plain}")


def build(intent: PaymentIntent) -> Receipt:
    assert intent.receipt_number
    assert intent.paid_at
    assert intent.provider_txn
    return Receipt(
        receipt_number=intent.receipt_number,
        title=Bilingual(ar="إيصال سداد رسوم خدمة حكومية", en="Government service fee receipt"),
        payment_id=intent.id,
        issued_at=intent.paid_at,
        service_code=intent.service_code,
        order_ref=intent.order_ref,
        method=METHODS[intent.method],
        transaction_id=intent.provider_txn,
        currency=intent.currency,
        lines=[
            ReceiptLine(
                code=line["code"],
                label=Bilingual(ar=line["label_ar"], en=line["label_en"]),
                amount_piastres=line["amount_piastres"],
                amount=money(line["amount_piastres"]),
            )
            for line in intent.lines
        ],
        total_piastres=intent.amount_piastres,
        total=money(intent.amount_piastres),
        refunded_piastres=intent.refunded_piastres,
        status=intent.status,
    )


async def receipt(session: AsyncSession, *, receipt_number: str, caller: Caller) -> Receipt:
    intent = await IntentRepository(session).by_receipt(receipt_number)
    if intent is None:
        raise NotFound("receipt_not_found")
    owner = caller.kind == "citizen" and caller.subject == str(intent.citizen_id)
    if not owner and not any(caller.has_role(role) for role in READERS):
        raise NotFound("receipt_not_found")
    return build(intent)
