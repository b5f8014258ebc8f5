from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast
from uuid import UUID
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from contracts.fields import Channel, PaymentMethod, TypedNationalId
from kit import i18n
from ration.cards.schemas import FeeOut, NextStep, PaymentInstructions, fee_out
from ration.requests import texts
from ration.requests.models import MemberRequest

CAIRO = ZoneInfo("Africa/Cairo")
Kind = Literal["add_newborn", "remove_member"]
Reason = Literal["birth", "death", "emigration", "marriage"]
Status = Literal["in_review", "awaiting_payment", "completed", "already_done", "rejected", "cancelled", "failed"]
Note = Annotated[str | None, Field(default=None, max_length=500, description="Anything the officer should know.")]


class _Ask(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    national_id: TypedNationalId
    note: Note = None
    method: PaymentMethod = Field(default="card", description="How you will pay, where there is a fee.")
    channel: Channel = Field(default="web", description="Where you ask from; the fee may differ by channel.")


class AddNewbornIn(_Ask):
    """Add a newborn (إضافة مولود): the child's national ID, from the birth registration."""

    kind: Literal["add_newborn"]
    reason: Literal["birth"] = "birth"


class RemoveMemberIn(_Ask):
    """Remove a member who is no longer entitled (حذف فرد), with the reason."""

    kind: Literal["remove_member"]
    reason: Literal["death", "emigration", "marriage"] = Field(
        description="death (وفاة), emigration (هجرة), or marriage into another household (زواج)."
    )


MemberRequestIn = Annotated[AddNewbornIn | RemoveMemberIn, Field(discriminator="kind")]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    outcome: Literal["approved", "rejected"]
    reason: str = Field(min_length=3, max_length=2000, description="Shown to the citizen.")


class QuoteIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    method: PaymentMethod
    channel: Channel = "web"


class AlreadyDoneOut(BaseModel):
    """The card already is as asked (the civil registry's own events did it): nothing was recorded
    and nothing is to be paid."""

    outcome: Literal["already_done"] = "already_done"
    card_id: UUID
    kind: Kind
    national_id: str
    since: datetime = Field(description="When the person joined or left the card.")
    by: str = Field(description="How: birth, marriage, request, ... (joined); deceased, married, ... (left).")
    detail: str = Field(description="In the caller's language.")


class FindingOut(BaseModel):
    code: str
    text: str = Field(description="In the caller's language.")


class DecisionOut(BaseModel):
    outcome: Literal["approved", "rejected"]
    by: Literal["registry", "officer"]
    reason: str = Field(description="The officer's reason, or the registry record that proves it.")
    decided_at: datetime


class StepOut(BaseModel):
    at: datetime
    step: str
    by: str = Field(description="holder, registry, officer, payment, civil-registry or ration.")
    text: str = Field(description="In the caller's language.")
    note: str | None = None


class MemberRequestOut(BaseModel):
    id: UUID
    card_id: UUID
    kind: Kind
    reason: Reason
    national_id: str
    note: str | None
    status: Status
    status_text: str = Field(description="In the caller's language.")
    governorate: str
    order_ref: str = Field(description="`ration:<id>`: how payment-svc names this request.")
    registry_proves: bool = Field(description="The civil registry's records prove it (decided at once).")
    findings: list[FindingOut] = Field(description="What the registry does not show (why an officer reviews it).")
    registry: dict[str, Any] = Field(description="What the civil registry answered about the person.")
    decision: DecisionOut | None
    fee: FeeOut
    payment: PaymentInstructions | None = Field(
        default=None, description="Present while the request awaits payment and its quote is valid."
    )
    payment_id: UUID | None = None
    paid_piastres: int | None = None
    failed_payments: int
    refund_requested: bool = Field(description="A payment it cannot use arrived; it is refunded automatically.")
    next_step: NextStep
    history: list[StepOut] = Field(description="Every step, oldest first.")
    created_at: datetime
    updated_at: datetime
    completed_at: datetime | None = None
    ended_at: datetime | None = None


class MemberRequestPage(BaseModel):
    items: list[MemberRequestOut]
    next_cursor: str | None


def _decision(request: MemberRequest) -> DecisionOut | None:
    if request.decided_at is None or request.decided_by is None:
        return None
    by_registry = request.decided_by == "registry"
    return DecisionOut(
        outcome="rejected" if request.status == "rejected" else "approved",
        by="registry" if by_registry else "officer",
        reason=texts.proof(request.reason) if by_registry else request.decision_reason or "",
        decided_at=request.decided_at,
    )


def next_step(request: MemberRequest, *, now: datetime) -> dict[str, str]:
    """What the holder does next, in both languages."""
    if request.status == "in_review":
        return {
            "ar": "يراجع موظف التموين بالمحافظة طلبك، وستظهر النتيجة هنا مع أسبابها.",
            "en": "A ration officer of your governorate reviews the request; the decision and its reasons appear here.",
        }
    if request.status == "awaiting_payment" and request.quote_expires_at > now:
        fee, until = request.amount_piastres, request.quote_expires_at
        return {
            "ar": f"ادفع الرسوم {i18n.money(fee, 'ar')} عبر POST /v1/payments ببيانات `payment` قبل "
            f"{i18n.moment(until, 'ar')} بتوقيت القاهرة؛ تتغير البطاقة فور السداد.",
            "en": f"Pay the fee of {i18n.money(fee, 'en')} with POST /v1/payments using `payment` before "
            f"{i18n.moment(until, 'en')} Cairo time; the card changes as soon as it is paid.",
        }
    if request.status == "awaiting_payment":
        return {
            "ar": f"انتهت صلاحية عرض السعر: اطلب عرضًا جديدًا (POST /v1/ration-card-requests/{request.id}/quote) ثم "
            "ادفع الرسوم.",
            "en": f"The fee quote has expired: ask for a new one (POST /v1/ration-card-requests/{request.id}/quote), "
            "then pay.",
        }
    if request.status == "completed":
        added = request.kind == "add_newborn"
        return {
            "ar": f"{'أُضيف' if added else 'حُذف'} {request.national_id} {'إلى' if added else 'من'} البطاقة، "
            "وأعيد حساب الاستحقاق.",
            "en": f"{request.national_id} is {'on' if added else 'off'} the card now; the entitlement is recalculated.",
        }
    refund_ar = " أي مبلغ سُدد له يُرد إليك تلقائيًا." if request.refund_requested_at else ""
    refund_en = " Any fee paid for it is refunded to you automatically." if request.refund_requested_at else ""
    if request.status == "already_done":
        return {
            "ar": f"كان السجل المدني قد نفذ هذا التعديل على البطاقة؛ لا شيء عليك.{refund_ar}",
            "en": f"The civil registry had already made this change to the card; nothing to do.{refund_en}",
        }
    return {
        "ar": f"انتهى الطلب دون تعديل البطاقة.{refund_ar} يمكنك تقديم طلب جديد مع بيان الأسباب.",
        "en": f"The request ended without changing the card.{refund_en} You can file a new one, giving more details.",
    }


def request_out(request: MemberRequest) -> MemberRequestOut:
    now = datetime.now(UTC)
    payable = request.status == "awaiting_payment" and request.quote_expires_at > now
    return MemberRequestOut(
        id=request.id,
        card_id=request.household_id,
        kind=cast(Kind, request.kind),
        reason=cast(Reason, request.reason),
        national_id=request.national_id,
        note=request.note,
        status=cast(Status, request.status),
        status_text=texts.status(request.status),
        governorate=request.governorate,
        order_ref=request.order_ref,
        registry_proves=not request.findings,
        findings=[FindingOut(code=code, text=texts.finding(code)) for code in request.findings],
        registry=request.registry_facts,
        decision=_decision(request),
        fee=fee_out(request),
        payment=PaymentInstructions(order_id=str(request.id), quote=request.quote_token, method=request.method)
        if payable and request.amount_piastres > 0
        else None,
        payment_id=request.payment_id,
        paid_piastres=request.paid_piastres,
        failed_payments=request.failed_payments,
        refund_requested=request.refund_requested_at is not None,
        next_step=NextStep(**next_step(request, now=now)),
        history=[StepOut(**entry, text=texts.step(entry["step"])) for entry in request.history],
        created_at=request.created_at,
        updated_at=request.updated_at,
        completed_at=request.completed_at,
        ended_at=request.ended_at,
    )
