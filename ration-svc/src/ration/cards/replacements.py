"""Replacement cards (بدل تالف / بدل فاقد), a paid service: the holder asks → the fee is locked
by a catalog quote (`ration.card.replace_damaged|lost`, the card's governorate) → the order
awaits payment with payment-svc (`ration:<order_id>`) → on `payment.intent.succeeded.v1` the new
number is issued and the old one invalidated (`ration.card.replaced.v1`).

- A lost card's number is invalidated at once, so nobody can use it while the fee is pending;
  a damaged one keeps working until the new number is issued.
- A failed payment (declined, expired, cancelled, provider error) leaves the order awaiting
  payment: the citizen pays again (payment-svc takes a new payment for the order once the
  previous one failed), with a fresh quote if the old one expired. The order ends only when
  the citizen cancels it.
- The quote is catalog's quote for this order and its holder's account, the only kind
  payment-svc takes a payment with. A payment is applied as `kit.payable` judges it (the
  holder's, this order's service and fee, while it awaits payment); any other (the order was
  cancelled while the payment was in flight, a second payment, another service's fee) is
  refused, and payment-svc refunds it, as for every order type.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import orders as order_refs
from contracts.events.payment import PaymentFailed, PaymentSucceeded
from contracts.events.ration import CardReplaced, ReplacementCancelled
from kit import i18n, payable
from kit.auth import Caller
from kit.catalog import Catalog
from kit.errors import NotFound, ProblemError
from kit.messaging import record
from kit.repository import Page
from ration.audit import repository as audit
from ration.cards.models import Household, ReplacementOrder
from ration.cards.repository import HouseholdRepository, ReplacementRepository
from ration.cards.service import new_card_number
from ration.orders.models import citizen_of

log = logging.getLogger("ration.replacements")

SERVICE_CODES = {"damaged": "ration.card.replace_damaged", "lost": "ration.card.replace_lost"}
AWAITING, ISSUED, CANCELLED, FAILED = "awaiting_payment", "issued", "cancelled", "failed"
STATUSES = {
    AWAITING: i18n.Words(ar="بانتظار السداد", en="awaiting payment"),
    ISSUED: i18n.Words(ar="صدرت البطاقة البديلة", en="issued"),
    CANCELLED: i18n.Words(ar="أُلغي الطلب", en="cancelled"),
    FAILED: i18n.Words(ar="تعذر التنفيذ", en="failed"),
}
CARD_STATUSES = {
    "active": i18n.Words(ar="سارية", en="active"),
    "closed": i18n.Words(ar="مغلقة", en="closed"),
}

i18n.register_problems(
    {
        "replacement_already_open": (
            "يوجد طلب بدل مفتوح لهذه البطاقة",
            "A replacement is already open for this card",
            "سدد رسوم الطلب {order_id} أو ألغه أولًا.",
            "Pay or cancel order {order_id} first.",
        ),
        "replacement_not_found": (
            "طلب البدل غير موجود",
            "Replacement order not found",
            "لا يوجد طلب بدل بهذا المعرف لهذه البطاقة.",
            "This card has no replacement order with this id.",
        ),
        "replacement_state_conflict": (
            "لا يمكن تنفيذ هذا الإجراء على طلب البدل الآن",
            "The replacement order cannot do this now",
            "حالة الطلب: {status}.",
            "The order is {status}.",
        ),
        "card_not_active": (
            "البطاقة غير سارية",
            "The card is not active",
            "لا تُصدر بطاقة بديلة لبطاقة حالتها {status}.",
            "No replacement is issued for a card that is {status}.",
        ),
    }
)


def conflict(order: ReplacementOrder) -> ProblemError:
    return ProblemError(
        "replacement_state_conflict",
        status=409,
        params={"status": STATUSES.get(order.status, i18n.Words(ar=order.status, en=order.status))},
        extra={"order_status": order.status},
    )


def _already_open(order: ReplacementOrder) -> ProblemError:
    return ProblemError(
        "replacement_already_open", status=409, params={"order_id": str(order.id)}, extra={"order_id": str(order.id)}
    )


def _holder_only(household: Household, caller: Caller) -> None:
    if household.holder_national_id != caller.national_id:
        raise ProblemError("not_card_holder", status=403)


async def _audit(session: AsyncSession, order: ReplacementOrder, *, actor: str, action: str, **details: object) -> None:
    await audit.append(
        session,
        actor=actor,
        action=action,
        target_type="household",
        target_id=str(order.household_id),
        details={"order_id": str(order.id), "status": order.status, **details},
    )


# -- the holder's actions -------------------------------------------------------------------


async def request(
    session: AsyncSession,
    *,
    household: Household,
    caller: Caller,
    reason: str,
    channel: str,
    method: str,
    catalog: Catalog,
    now: datetime,
) -> ReplacementOrder:
    """Open a replacement order with a locked fee. Catalog is asked before anything is written,
    so a catalog outage leaves nothing behind (503)."""
    _holder_only(household, caller)
    if household.status != "active":
        words = CARD_STATUSES.get(household.status, i18n.Words(ar=household.status, en=household.status))
        raise ProblemError("card_not_active", status=409, params={"status": words})
    orders = ReplacementRepository(session)
    if (existing := await orders.open_for(household.id)) is not None:
        raise _already_open(existing)
    order_id = uuid.uuid4()
    quote = await catalog.quote(
        service_code=SERVICE_CODES[reason],
        channel=channel,
        method=method,
        governorate=household.governorate,
        order_ref=order_refs.order_ref("ration", order_id),
        citizen_id=citizen_of(caller.subject),
    )
    cards = HouseholdRepository(session)
    locked = await cards.lock(household.id)  # serialises two requests for one card
    assert locked is not None
    if (existing := await orders.open_for(household.id)) is not None:
        raise _already_open(existing)
    order = ReplacementOrder(
        id=order_id,
        household_id=locked.id,
        requested_by=caller.subject,
        holder_national_id=locked.holder_national_id,
        reason=reason,
        service_code=SERVICE_CODES[reason],
        governorate=locked.governorate,
        status=AWAITING,
        old_card_number=locked.card_number,
        failed_payments=0,
        created_at=now,
        updated_at=now,
    )
    order.take_quote(quote)
    if reason == "lost":
        await cards.invalidate(locked.card_number, reason="lost", at=now)
        order.old_invalidated_at = now
    await orders.add(order)
    await _audit(
        session,
        order,
        actor=caller.subject,
        action="replacement.requested",
        reason=reason,
        card_number=order.old_card_number,
        old_invalidated=reason == "lost",
        quote_id=quote.quote_id,
        amount_piastres=quote.total_piastres,
    )
    return order


async def get(
    session: AsyncSession, *, household: Household, order_id: uuid.UUID, lock: bool = False
) -> ReplacementOrder:
    repo = ReplacementRepository(session)
    order = await (repo.lock(order_id) if lock else repo.get(order_id))
    if order is None or order.household_id != household.id:
        raise NotFound("replacement_not_found")
    return order


async def page(
    session: AsyncSession, *, household: Household, limit: int, cursor: str | None
) -> Page[ReplacementOrder]:
    return await ReplacementRepository(session).newest_first(household.id, limit=limit, cursor=cursor)


async def requote(
    session: AsyncSession,
    *,
    household: Household,
    order_id: uuid.UUID,
    caller: Caller,
    channel: str,
    method: str,
    catalog: Catalog,
    now: datetime,
) -> ReplacementOrder:
    """A fresh quote for an order awaiting payment (the old one expired, or another method)."""
    _holder_only(household, caller)
    order = await get(session, household=household, order_id=order_id)
    if order.status != AWAITING:
        raise conflict(order)
    quote = await catalog.quote(
        service_code=order.service_code,
        channel=channel,
        method=method,
        governorate=order.governorate,
        order_ref=order.order_ref,
        citizen_id=citizen_of(order.requested_by),
    )
    order = await get(session, household=household, order_id=order_id, lock=True)
    if order.status != AWAITING:
        raise conflict(order)
    order.take_quote(quote)
    order.updated_at = now
    await _audit(
        session, order, actor=caller.subject, action="replacement.requoted", quote_id=quote.quote_id,
        amount_piastres=quote.total_piastres, method=quote.method, channel=quote.channel,
    )  # fmt: skip
    return order


async def cancel(
    session: AsyncSession, *, household: Household, order_id: uuid.UUID, caller: Caller, now: datetime
) -> ReplacementOrder:
    """Cancel an unpaid order. A lost card stays invalid (it was reported lost)."""
    _holder_only(household, caller)
    order = await get(session, household=household, order_id=order_id, lock=True)
    if order.status != AWAITING:
        raise conflict(order)
    order.status, order.ended_at, order.end_reason, order.updated_at = CANCELLED, now, "cancelled by the holder", now
    await _audit(session, order, actor=caller.subject, action="replacement.cancelled")
    await record(
        session,
        ReplacementCancelled(
            order_id=order.id,
            card_id=order.household_id,
            order_ref=order.order_ref,
            refund_due=False,  # only an unpaid order is cancelled; a payment in flight is refused on arrival
            reason=order.end_reason,
            cancelled_at=now,
        ),
    )
    return order


# -- what payment-svc reports ---------------------------------------------------------------


def payable_order(order: ReplacementOrder) -> payable.Order:
    return order.payable(ended=order.status == CANCELLED)


async def paid(session: AsyncSession, *, order_id: uuid.UUID, event: PaymentSucceeded, now: datetime) -> bool:
    """A payment of `ration:<order_id>`: issue the new number (once) if it is the order's own;
    otherwise it is refused (and refunded by payment-svc). False if it is no replacement order."""
    order = await ReplacementRepository(session).lock(order_id)
    if order is None:
        return False
    verdict = await payable.settle(session, event, payable_order(order), now=now)
    if verdict.reason is not None:
        order.refund_requested_at, order.updated_at = now, now
        await _audit(
            session, order, actor=f"payment:{event.payment_id}", action="replacement.payment_refused",
            payment_id=str(event.payment_id), refusal=verdict.reason, amount_piastres=event.amount_piastres,
            service_code=event.service_code,
        )  # fmt: skip
    if verdict.apply:
        await _issue(session, order, event=event, now=now)
    return True


async def _issue(session: AsyncSession, order: ReplacementOrder, *, event: PaymentSucceeded, now: datetime) -> None:
    cards = HouseholdRepository(session)
    household = await cards.lock(order.household_id)
    assert household is not None
    old = household.card_number
    await cards.invalidate(old, reason=order.reason, at=now)  # a lost one already is: no-op
    household.card_number = new_card_number(household.governorate)
    household.updated_at = now
    await session.flush()
    await cards.issue(household_id=household.id, card_number=household.card_number, reason=order.reason, at=now)
    order.status, order.new_card_number, order.issued_at, order.updated_at = ISSUED, household.card_number, now, now
    order.payment_id, order.paid_piastres, order.paid_at = event.payment_id, event.amount_piastres, event.paid_at
    order.old_invalidated_at = order.old_invalidated_at or now
    await _audit(
        session, order, actor=f"payment:{event.payment_id}", action="card.replaced", reason=order.reason,
        old=old, new=household.card_number, amount_piastres=event.amount_piastres,
    )  # fmt: skip
    await record(
        session,
        CardReplaced(
            card_id=household.id,
            order_id=order.id,
            holder_national_id=household.holder_national_id,
            governorate=household.governorate,
            reason=order.reason,  # type: ignore[arg-type]
            old_card_number=old,
            new_card_number=household.card_number,
            service_code=order.service_code,
            payment_id=event.payment_id,
            amount_piastres=event.amount_piastres,
            replaced_at=now,
        ),
    )


async def payment_failed(session: AsyncSession, *, order_id: uuid.UUID, event: PaymentFailed, now: datetime) -> None:
    """The order keeps awaiting payment: the citizen can pay again (see the module's docstring)."""
    order = await ReplacementRepository(session).lock(order_id)
    if order is None or order.status != AWAITING:
        return
    order.failed_payments += 1
    order.last_payment_failure, order.updated_at = event.reason, now
    await _audit(
        session, order, actor=f"payment:{event.payment_id}", action="replacement.payment_failed",
        payment_id=str(event.payment_id), failure=event.reason,
    )  # fmt: skip


# -- what the citizen is told ---------------------------------------------------------------


i18n.register(
    {
        "replacement.next.pay": {
            "ar": "ادفع الرسوم ({amount}) قبل {deadline} بتوقيت القاهرة ببيانات السداد المرفقة بالطلب. إن انتهت "
            "صلاحية عرض السعر أو فشل السداد فاطلب عرض سعر جديدًا وادفع مرة أخرى.",
            "en": "Pay the fee of {amount} with POST /v1/payments using `payment` (owner_service, order_id, quote) "
            "before {deadline} Cairo time. If the quote expires or a payment fails, ask for a new quote "
            "(POST .../quote) and pay again.",
        },
        "replacement.next.lost_stopped": {
            "ar": " رقم البطاقة المفقودة {card} أُوقف ولا يمكن استخدامه.",
            "en": " The lost card's number {card} is stopped and cannot be used.",
        },
        "replacement.next.current_works": {
            "ar": " تظل بطاقتك الحالية صالحة حتى يصدر الرقم الجديد.",
            "en": " Your current card keeps working until the new number is issued.",
        },
        "replacement.next.issued": {
            "ar": "رقم بطاقتك الجديد {new}؛ الرقم القديم {old} لم يعد صالحًا. استلم البطاقة المطبوعة من مكتب التموين.",
            "en": "Your new card number is {new}; the old number {old} no longer works. "
            "Collect the printed card at your supply office.",
        },
        "replacement.next.issued_damaged": {
            "ar": "رقم بطاقتك الجديد {new}؛ الرقم القديم {old} لم يعد صالحًا. "
            "استلم البطاقة المطبوعة من مكتب التموين مع البطاقة التالفة.",
            "en": "Your new card number is {new}; the old number {old} no longer works. "
            "Collect the printed card at your supply office, bringing the damaged card.",
        },
        "replacement.next.ended": {
            "ar": "انتهى الطلب دون إصدار بطاقة.",
            "en": "The order ended without a new card.",
        },
        "replacement.next.refunded": {
            "ar": " أي مبلغ سُدد له يُرد إليك تلقائيًا.",
            "en": " Any fee paid for it is refunded to you automatically.",
        },
        "replacement.next.lost_stays_stopped": {
            "ar": " تظل البطاقة المفقودة موقوفة؛",
            "en": " The lost card stays stopped;",
        },
        "replacement.next.new_order": {
            "ar": " يمكنك تقديم طلب بدل جديد.",
            "en": " You can open a new replacement order.",
        },
    }
)


def next_step(order: ReplacementOrder) -> dict[str, str]:
    """What the holder does next, in each language (shown with every answer about an order)."""
    return {language: _next_step(order, language) for language in i18n.SUPPORTED}


def _next_step(order: ReplacementOrder, language: i18n.Language) -> str:
    def t(key: str, **params: object) -> str:
        return i18n.text(f"replacement.next.{key}", language, **params)

    if order.status == AWAITING:
        text = t("pay", amount=i18n.Money(order.amount_piastres), deadline=i18n.Moment(order.quote_expires_at))
        if order.reason == "lost":
            return text + t("lost_stopped", card=order.old_card_number)
        return text + t("current_works")
    if order.status == ISSUED:
        key = "issued_damaged" if order.reason == "damaged" else "issued"
        return t(key, new=order.new_card_number, old=order.old_card_number)
    text = t("ended")
    if order.refund_requested_at:
        text += t("refunded")
    if order.reason == "lost":
        text += t("lost_stays_stopped")
    return text + t("new_order")
