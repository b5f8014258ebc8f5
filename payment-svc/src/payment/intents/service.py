"""Payment intents: idempotent creation from a signed quote, confirmation with the provider,
cancellation, expiry. What providers report is applied in `payments.py` of this folder."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Awaitable, Callable
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.payment import PaymentFailed, PaymentIntentCreated
from kit import i18n
from kit.auth import Caller, Role
from kit.errors import FieldError, NotFound, ProblemError
from kit.messaging import record
from kit.repository import Page
from payment import texts
from payment.intents.models import OPEN, PaymentIntent, Status
from payment.intents.repository import IntentRepository
from payment.intents.schemas import ConfirmIntent, CreateIntent
from payment.intents.transitions import move, note
from payment.providers.base import Providers, StartRequest
from payment.quotes.schemas import Quote
from payment.quotes.service import invalid_quote

i18n.register(
    {
        "problem.idempotency_key_reused.title": {
            "en": "This Idempotency-Key was used for a different request",
            "ar": "مفتاح عدم التكرار (Idempotency-Key) استُخدم لطلب مختلف",
        },
        "problem.idempotency_key_reused.detail": {
            "en": "Use a new Idempotency-Key for a new payment, or resend exactly the same request.",
            "ar": "استخدم مفتاحًا جديدًا لعملية سداد جديدة، أو أعد إرسال الطلب نفسه دون تغيير.",
        },
        "problem.order_already_has_payment.title": {
            "en": "This order already has a payment",
            "ar": "يوجد سداد قائم لهذا الطلب",
        },
        "problem.order_already_has_payment.detail": {
            "en": "An order is paid at most once; continue with payment {payment_id}.",
            "ar": "لا يُسدَّد الطلب إلا مرة واحدة؛ تابع عملية السداد {payment_id}.",
        },
        "problem.quote_method_mismatch.title": {
            "en": "The quote was priced for another payment method",
            "ar": "عرض السعر محسوب لطريقة سداد أخرى",
        },
        "problem.quote_method_mismatch.detail": {
            "en": "Ask for a quote for {method}; fees differ by payment method.",
            "ar": "اطلب عرض سعر لطريقة السداد {method}؛ فالرسوم تختلف باختلاف طريقة السداد.",
        },
        "problem.payment_not_found.title": {"en": "Payment not found", "ar": "عملية السداد غير موجودة"},
        "problem.order_not_found.title": {"en": "Order not found", "ar": "الطلب غير موجود"},
        "problem.order_not_found.detail": {
            "en": "You have no order with this reference awaiting payment.",
            "ar": "لا يوجد لديك طلب بهذا المرجع بانتظار السداد.",
        },
        "problem.payment_not_found.detail": {
            "en": "You have no payment with this id.",
            "ar": "لا توجد عملية سداد بهذا المعرف في حسابك.",
        },
        "problem.payment_state_conflict.title": {
            "en": "The payment cannot do this now",
            "ar": "لا يمكن تنفيذ هذا الإجراء على عملية السداد الآن",
        },
        "problem.payment_state_conflict.detail": {
            "en": "The payment is {status}.",
            "ar": "حالة عملية السداد: {status}.",
        },
        "problem.method_unavailable.title": {
            "en": "This payment method is not available",
            "ar": "طريقة السداد هذه غير متاحة",
        },
        "problem.method_unavailable.detail": {
            "en": "Payment by {method} is not available right now; choose another method.",
            "ar": "السداد عن طريق {method} غير متاح الآن؛ اختر طريقة أخرى.",
        },
        "problem.wallet_mobile_required.title": {
            "en": "The wallet's mobile number is required",
            "ar": "رقم الهاتف المحمول للمحفظة مطلوب",
        },
        "problem.wallet_mobile_required.detail": {
            "en": "To pay by mobile wallet, give the mobile number that holds the wallet (wallet_mobile).",
            "ar": "للسداد بمحفظة الهاتف المحمول أدخل رقم الهاتف المسجلة عليه المحفظة (wallet_mobile).",
        },
    }
)

READERS = (Role.AUDITOR, Role.ADMIN)


def citizen_id_of(caller: Caller) -> uuid.UUID:
    try:
        return uuid.UUID(caller.subject)
    except ValueError as exc:
        raise ProblemError("forbidden", status=403) from exc


def request_hash(body: CreateIntent) -> str:
    canonical = json.dumps(body.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def state_conflict(intent: PaymentIntent) -> ProblemError:
    return ProblemError(
        "payment_state_conflict",
        status=409,
        params={"status": texts.status(intent.status)},
        extra={"payment_status": intent.status},
    )


async def create(
    session: AsyncSession,
    *,
    citizen_id: uuid.UUID,
    idempotency_key: str,
    body: CreateIntent,
    verify_quote: Callable[[str], Awaitable[Quote]],
    ttl_minutes: Callable[[str], int],
    now: datetime,
) -> tuple[PaymentIntent, bool]:
    """The intent for this request, and whether it was created now (False: a replay)."""
    repo = IntentRepository(session)
    digest = request_hash(body)
    existing = await repo.by_key(citizen_id, idempotency_key)
    if existing is not None:
        return _replay(existing, digest), False
    quote = _for_the_order(await verify_quote(body.quote), body=body, citizen_id=citizen_id)
    if body.method is not None and body.method != quote.method:
        raise ProblemError(
            "quote_method_mismatch",
            status=422,
            params={"method": texts.method(body.method)},
            errors=[
                FieldError(
                    field="body.method",
                    reason=i18n.text("problem.quote_method_mismatch.title"),
                    code="quote_method_mismatch",
                )
            ],
        )
    payment_id = uuid.uuid4()
    expires_at = now + timedelta(minutes=ttl_minutes(quote.method))
    values = {
        "id": payment_id,
        "citizen_id": citizen_id,
        "owner_service": body.owner_service,
        "order_id": body.order_id,
        "service_code": quote.service_code,
        "channel": quote.channel,
        "governorate": quote.governorate,
        "tariff_version": quote.tariff_version,
        "quote_id": quote.jti,
        "currency": quote.currency,
        "amount_piastres": quote.total_piastres,
        "lines": [line.model_dump() for line in quote.lines],
        "method": quote.method,
        "provider": quote.method,
        "status": Status.REQUIRES_PAYMENT.value,
        "idempotency_key": idempotency_key,
        "request_hash": digest,
        "expires_at": expires_at,
        "created_at": now,
        "updated_at": now,
    }
    if not await repo.insert_new(values):
        existing = await repo.by_key(citizen_id, idempotency_key)
        if existing is not None:
            return _replay(existing, digest), False
        live = await repo.live_for_order(body.owner_service, body.order_id)
        if live is None or live.citizen_id != citizen_id:
            raise NotFound("order_not_found")  # only its citizen learns that an order has a payment
        raise ProblemError(
            "order_already_has_payment",
            status=409,
            params={"payment_id": str(live.id)},
            extra={"payment_id": str(live.id)},
        )
    intent = await repo.get(payment_id)
    assert intent is not None
    await note(session, intent, Status.REQUIRES_PAYMENT, now=now, actor=f"citizen:{citizen_id}", reason="created")
    await record(
        session,
        PaymentIntentCreated(
            payment_id=payment_id,
            citizen_id=citizen_id,
            service_code=quote.service_code,
            order_ref=intent.order_ref,
            amount_piastres=quote.total_piastres,
            method=quote.method,
            expires_at=expires_at,
            created_at=now,
        ),
    )
    return intent, True


def _for_the_order(quote: Quote, *, body: CreateIntent, citizen_id: uuid.UUID) -> Quote:
    """A payment is taken only with the quote the order's own service had issued for that order
    and its citizen: another order's or another service's quote is refused (422), and an order of
    someone else answers as if it did not exist (404)."""
    if quote.order_ref is None or quote.sub is None:
        raise invalid_quote("not_for_an_order")
    if quote.order_ref != f"{body.owner_service}:{body.order_id}":
        raise invalid_quote("another_order")
    if quote.sub != str(citizen_id):
        raise NotFound("order_not_found")
    return quote


def _replay(existing: PaymentIntent, digest: str) -> PaymentIntent:
    if existing.request_hash != digest:
        raise ProblemError("idempotency_key_reused", status=422, extra={"payment_id": str(existing.id)})
    return existing


async def visible(session: AsyncSession, *, payment_id: uuid.UUID, caller: Caller) -> PaymentIntent:
    """The intent if the caller may see it (its citizen, or an auditor/admin); else 404."""
    intent = await IntentRepository(session).get(payment_id)
    if intent is None or not _may_see(caller, intent):
        raise NotFound("payment_not_found")
    return intent


def _may_see(caller: Caller, intent: PaymentIntent) -> bool:
    if caller.kind == "citizen":
        return caller.subject == str(intent.citizen_id)
    return any(caller.has_role(role) for role in READERS)


async def _locked_own(session: AsyncSession, *, payment_id: uuid.UUID, caller: Caller) -> PaymentIntent:
    intent = await IntentRepository(session).lock(payment_id)
    if intent is None or caller.subject != str(intent.citizen_id):
        raise NotFound("payment_not_found")
    return intent


async def confirm(
    session: AsyncSession,
    *,
    payment_id: uuid.UUID,
    caller: Caller,
    body: ConfirmIntent,
    providers: Providers,
    now: datetime,
) -> PaymentIntent:
    """Ask the provider to collect: a redirect (card), a push (wallet) or a reference (cash).
    Confirming again returns the same instructions."""
    intent = await _locked_own(session, payment_id=payment_id, caller=caller)
    if intent.status == Status.PROCESSING:
        return intent
    if intent.status != Status.REQUIRES_PAYMENT or intent.expires_at <= now:
        raise state_conflict(intent)
    if intent.method == "wallet" and not body.wallet_mobile:
        raise ProblemError(
            "wallet_mobile_required",
            status=422,
            errors=[FieldError(field="body.wallet_mobile", reason=i18n.text("validation.missing"), code="missing")],
        )
    started = await providers.for_method(intent.method).start(
        StartRequest(
            payment_id=intent.id,
            amount_piastres=intent.amount_piastres,
            currency=intent.currency,
            expires_at=intent.expires_at,
            return_url=body.return_url,
            mobile=body.wallet_mobile,
        )
    )
    intent.provider_reference = started.reference
    intent.next_action = started.next_action
    await move(session, intent, Status.PROCESSING, now=now, actor=f"citizen:{intent.citizen_id}", reason="confirmed")
    return intent


async def cancel(session: AsyncSession, *, payment_id: uuid.UUID, caller: Caller, now: datetime) -> PaymentIntent:
    intent = await _locked_own(session, payment_id=payment_id, caller=caller)
    if intent.status not in OPEN:
        raise state_conflict(intent)
    await fail(session, intent, to=Status.CANCELLED, reason="cancelled", now=now, actor=f"citizen:{intent.citizen_id}")
    return intent


async def fail(
    session: AsyncSession, intent: PaymentIntent, *, to: Status, reason: str, now: datetime, actor: str
) -> None:
    await move(session, intent, to, now=now, actor=actor, reason=reason)
    await record(
        session,
        PaymentFailed(
            payment_id=intent.id,
            citizen_id=intent.citizen_id,
            service_code=intent.service_code,
            order_ref=intent.order_ref,
            reason=reason,  # type: ignore[arg-type]
            failed_at=now,
        ),
    )


async def expire_due(session: AsyncSession, *, now: datetime, limit: int = 200) -> int:
    """Expire open intents whose time is up (safe to run on every replica at once)."""
    due = await IntentRepository(session).lock_due(now, limit)
    for intent in due:
        await fail(session, intent, to=Status.EXPIRED, reason="expired", now=now, actor="system:expiry")
    return len(due)


async def page_for(
    session: AsyncSession, *, citizen_id: uuid.UUID, limit: int, cursor: str | None
) -> Page[PaymentIntent]:
    return await IntentRepository(session).page_for_citizen(citizen_id, limit=limit, cursor=cursor)


async def history(session: AsyncSession, *, payment_id: uuid.UUID, caller: Caller) -> list:
    await visible(session, payment_id=payment_id, caller=caller)
    return list(await IntentRepository(session).transitions(payment_id))
