"""Development-only routes driving the sandbox providers (never mounted in production).

POST /v1/payment-sandbox/{provider}/{reference}/approve   ?hold=&delay=&amount_piastres=&currency=
POST /v1/payment-sandbox/{provider}/{reference}/decline   ?reason=declined|timeout|error&hold=
POST /v1/payment-sandbox/{provider}/{reference}/duplicate  resend the last notification
POST /v1/payment-sandbox/{provider}/{reference}/deliver    ?reverse=  deliver held ones (late / out of order)
GET  /v1/payment-sandbox/card/checkout/{reference}          the acquirer's 3-D Secure page
POST /v1/payment-sandbox/card/checkout/{reference}          submit the one-time code
GET  /v1/payment-sandbox/{provider}/settlement.csv          the provider's settlement file
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from starlette.responses import PlainTextResponse, RedirectResponse

from kit.errors import NotFound, responses
from payment.deps import Ctx
from payment.providers.sandbox import CARD_OTP, Delivery, Sandbox, SandboxPayment
from payment.providers.schemas import DeliveryOut, OtpIn, SandboxResult

router = APIRouter(prefix="/v1/payment-sandbox", tags=["development: payment sandbox"])

ProviderName = Literal["card", "wallet", "post_office", "cash_network"]


async def _sandbox(ctx: Ctx) -> Sandbox:
    if ctx.resources.sandbox is None:  # production has none, and does not mount these routes
        raise NotFound()
    return ctx.resources.sandbox


SandboxOf = Annotated[Sandbox, Depends(_sandbox)]
"""The development providers, from the service's resources."""


def _payment(sandbox: Sandbox, provider: str, reference: str) -> SandboxPayment:
    payment = sandbox.find(provider, reference)
    if payment is None:
        raise NotFound("sandbox_payment_not_found")
    return payment


def _result(p: SandboxPayment, deliveries: list[Delivery]) -> SandboxResult:
    return SandboxResult(
        provider=p.provider,
        reference=p.reference,
        status=p.status,
        deliveries=[DeliveryOut(**d.__dict__) for d in deliveries],
        held=len(p.held),
    )


@router.post("/{provider}/{reference}/approve", response_model=SandboxResult, responses=responses(404, 422))
async def approve_sandbox_payment(
    provider: ProviderName,
    reference: str,
    sandbox: SandboxOf,
    hold: bool = False,
    delay: Annotated[float, Query(ge=0, le=60)] = 0,
    amount_piastres: Annotated[int | None, Query(ge=0)] = None,
    currency: Annotated[str | None, Query(pattern=r"^[A-Z]{3}$")] = None,
) -> SandboxResult:
    """The citizen paid (card, wallet approved, or cash at the counter). `hold` keeps the
    notification for a late delivery; `amount_piastres` simulates a wrong amount."""
    p = _payment(sandbox, provider, reference)
    deliveries = await sandbox.approve(p, hold=hold, delay=delay, amount_piastres=amount_piastres, currency=currency)
    return _result(p, deliveries)


@router.post("/{provider}/{reference}/decline", response_model=SandboxResult, responses=responses(404, 422))
async def decline_sandbox_payment(
    provider: ProviderName,
    reference: str,
    sandbox: SandboxOf,
    reason: Literal["declined", "timeout", "error"] = "declined",
    hold: bool = False,
    delay: Annotated[float, Query(ge=0, le=60)] = 0,
) -> SandboxResult:
    """The citizen rejected (wallet), the issuer declined (card), or nobody paid in time (`timeout`)."""
    p = _payment(sandbox, provider, reference)
    return _result(p, await sandbox.decline(p, reason=reason, hold=hold, delay=delay))


@router.post("/{provider}/{reference}/duplicate", response_model=SandboxResult, responses=responses(404, 422))
async def duplicate_sandbox_notification(provider: ProviderName, reference: str, sandbox: SandboxOf) -> SandboxResult:
    p = _payment(sandbox, provider, reference)
    return _result(p, await sandbox.resend_last(p))


@router.post("/{provider}/{reference}/deliver", response_model=SandboxResult, responses=responses(404, 422))
async def deliver_sandbox_notification(
    provider: ProviderName, reference: str, sandbox: SandboxOf, reverse: bool = False
) -> SandboxResult:
    p = _payment(sandbox, provider, reference)
    return _result(p, await sandbox.deliver_held(p, reverse=reverse))


@router.get("/card/checkout/{reference}", responses=responses(404))
async def checkout_page(reference: str, request: Request, sandbox: SandboxOf) -> dict[str, Any]:
    """The acquirer's 3-D Secure challenge (a real acquirer shows a form; this one takes JSON)."""
    p = _payment(sandbox, "card", reference)
    return {
        "merchant": "Shubbak — the one window",
        "amount_piastres": p.amount_piastres,
        "currency": p.currency,
        "challenge": {
            "ar": f"أدخل رمز التحقق المرسل إلى هاتفك (في بيئة التطوير: {CARD_OTP}).",
            "en": f"Enter the one-time code sent to your phone (development: {CARD_OTP}).",
        },
        "submit": str(request.url),
    }


@router.post("/card/checkout/{reference}", responses=responses(404, 422))
async def checkout_submit(reference: str, body: OtpIn, sandbox: SandboxOf) -> Any:
    """Submit the code: the acquirer captures (or declines), notifies payment-svc asynchronously,
    and sends the citizen back to the merchant's `return_url`."""
    p = _payment(sandbox, "card", reference)
    if body.otp == CARD_OTP:
        await sandbox.approve(p)
    else:
        await sandbox.decline(p, reason="declined")
    outcome = "succeeded" if p.status == "captured" else "failed"
    if p.return_url:
        separator = "&" if "?" in p.return_url else "?"
        return RedirectResponse(f"{p.return_url}{separator}payment_id={p.payment_id}&result={outcome}", status_code=303)
    return {"payment_id": str(p.payment_id), "result": outcome}


class CsvResponse(PlainTextResponse):
    media_type = "text/csv"  # documented as sent (not text/plain)


@router.get("/{provider}/settlement.csv", response_class=CsvResponse, responses=responses(422))
async def settlement_file(provider: ProviderName, sandbox: SandboxOf) -> CsvResponse:
    return CsvResponse(sandbox.settlement_csv(provider))
