"""The development providers: a card acquirer with a 3-D Secure-like step, a mobile wallet
with a push the citizen approves on the phone, and the post office and an e-payment cash
network issuing reference numbers paid later at a counter.

They stand in for systems outside the state and behave like them: each keeps its own
records, answers payment requests with its own references, takes time, and reports outcomes
as HMAC-signed notifications posted to payment-svc (retrying when it does not answer 2xx).
Tests and `make run` drive them (approve, decline, time out, duplicate, late, out of order)
through the development-only routes in `routes.py`. Never mounted in production.
"""

from __future__ import annotations

import asyncio
import csv
import io
import json
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import httpx

from kit import i18n
from kit.clock import SYSTEM, Clock
from payment.providers import signing
from payment.providers.base import RefundKeyReused, Started, StartRequest

log = logging.getLogger("payment.sandbox")

CARD_OTP = "123456"
"""The one-time code the sandbox's 3-D Secure page accepts."""

PROVIDERS = ("card", "wallet", "post_office", "cash_network")


@dataclass
class SandboxPayment:
    provider: str
    reference: str
    payment_id: uuid.UUID
    amount_piastres: int
    currency: str
    expires_at: datetime
    return_url: str | None = None
    mobile: str | None = None
    status: str = "pending"
    transactions: list[tuple[str, int, datetime]] = field(default_factory=list)
    sent: list[dict[str, Any]] = field(default_factory=list)
    held: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Delivery:
    notification_id: str
    http_status: int | None
    outcome: str | None


class Sandbox:
    def __init__(
        self,
        *,
        secrets_by_provider: dict[str, bytes],
        callback_url: str,
        public_url: str,
        http: httpx.AsyncClient | None = None,
        delay_seconds: float = 0.2,
        attempts: int = 3,
        clock: Clock = SYSTEM,
    ) -> None:
        self.secrets = secrets_by_provider
        self.callback_url = callback_url.rstrip("/")
        self.public_url = public_url.rstrip("/")
        self.http = http
        self.delay_seconds = delay_seconds
        self.attempts = attempts
        self.clock = clock  # the platform's time (tests move it): its notifications stay fresh
        self.payments: dict[tuple[str, str], SandboxPayment] = {}
        self.refunds: list[dict[str, Any]] = []
        self._refunds_by_key: dict[tuple[str, str], dict[str, Any]] = {}
        self._background: set[asyncio.Task[None]] = set()

    # -- the provider side of a payment request ------------------------------------------
    async def start(self, provider: str, request: StartRequest) -> Started:
        await asyncio.sleep(0)  # a real provider answers over the network
        reference = self._new_reference(provider)
        payment = SandboxPayment(
            provider=provider,
            reference=reference,
            payment_id=request.payment_id,
            amount_piastres=request.amount_piastres,
            currency=request.currency,
            expires_at=request.expires_at,
            return_url=request.return_url,
            mobile=request.mobile,
        )
        self.payments[(provider, reference)] = payment
        return Started(reference=reference, next_action=self._next_action(payment))

    def _new_reference(self, provider: str) -> str:
        while True:
            if provider in ("post_office", "cash_network"):
                reference = "".join(secrets.choice("0123456789") for _ in range(12))
            else:
                reference = f"{provider[:2]}_{secrets.token_hex(10)}"
            if (provider, reference) not in self.payments:
                return reference

    def _next_action(self, p: SandboxPayment) -> dict[str, Any]:
        expires = p.expires_at.isoformat()
        if p.provider == "card":
            return {
                "type": "redirect",
                "url": f"{self.public_url}/v1/payment-sandbox/card/checkout/{p.reference}",
                "expires_at": expires,
            }
        if p.provider == "wallet":
            masked = f"{p.mobile[:3]}*****{p.mobile[-3:]}" if p.mobile else None
            return {"type": "approve_on_phone", "mobile": masked, "expires_at": expires}
        where = (
            {"ar": "أي مكتب بريد", "en": "any post office"}
            if p.provider == "post_office"
            else {"ar": "أي منفذ دفع إلكتروني", "en": "any e-payment outlet"}
        )
        amount = p.amount_piastres
        return {
            "type": "pay_reference",
            "reference_number": p.reference,
            "amount_piastres": p.amount_piastres,
            "expires_at": expires,
            "instructions": {
                "ar": f"ادفع {i18n.money(amount, 'ar')} نقدًا في {where['ar']} بالرقم المرجعي {p.reference}.",
                "en": f"Pay {i18n.money(amount, 'en')} in cash at {where['en']} with reference {p.reference}.",
            },
        }

    async def refund(
        self, provider: str, *, transaction_id: str, amount_piastres: int, reason: str, idempotency_key: str
    ) -> str:
        """Return money, once per idempotency key, as acquirers do: the same key for the same
        refund answers the refund made the first time (nothing is paid again); the same key for
        another transaction or amount is refused."""
        await asyncio.sleep(0)
        made = self._refunds_by_key.get((provider, idempotency_key))
        if made is not None:
            if (made["transaction_id"], made["amount"]) != (transaction_id, amount_piastres):
                raise RefundKeyReused(idempotency_key)
            return str(made["refund_id"])
        refund_id = f"rf_{secrets.token_hex(8)}"
        made = {"provider": provider, "refund_id": refund_id, "transaction_id": transaction_id,
                "amount": amount_piastres, "idempotency_key": idempotency_key}  # fmt: skip
        self.refunds.append(made)
        self._refunds_by_key[(provider, idempotency_key)] = made
        return refund_id

    # -- what the citizen (or the test) does at the provider ----------------------------
    def find(self, provider: str, reference: str) -> SandboxPayment | None:
        return self.payments.get((provider, reference))

    async def approve(
        self,
        p: SandboxPayment,
        *,
        hold: bool = False,
        delay: float | None = None,
        amount_piastres: int | None = None,
        currency: str | None = None,
    ) -> list[Delivery]:
        """The citizen paid: the provider captures and notifies (a new transaction each time)."""
        txn = f"tx_{secrets.token_hex(8)}"
        amount = p.amount_piastres if amount_piastres is None else amount_piastres
        p.transactions.append((txn, amount, self.clock.now()))
        p.status = "captured"
        notice = self._notice(
            p,
            "payment.succeeded",
            transaction_id=txn,
            amount_piastres=amount,
            currency=currency or p.currency,
        )
        return await self._dispatch(p, [notice], hold=hold, delay=delay)

    async def decline(
        self, p: SandboxPayment, *, reason: str = "declined", hold: bool = False, delay: float | None = None
    ) -> list[Delivery]:
        p.status = "timed_out" if reason == "timeout" else "declined"
        return await self._dispatch(p, [self._notice(p, "payment.failed", reason=reason)], hold=hold, delay=delay)

    async def resend_last(self, p: SandboxPayment) -> list[Delivery]:
        """A provider retrying a notification it already delivered (same id: a duplicate)."""
        if not p.sent:
            return []
        return await self._dispatch(p, [p.sent[-1]], hold=False, delay=0)

    async def deliver_held(self, p: SandboxPayment, *, reverse: bool = False) -> list[Delivery]:
        """Deliver what was held back (late), optionally newest first (out of order)."""
        held, p.held = p.held, []
        return await self._dispatch(p, list(reversed(held)) if reverse else held, hold=False, delay=0)

    def settlement_csv(self, provider: str) -> str:
        """The provider's settlement file: every capture it made."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["transaction_id", "reference", "amount_piastres", "currency", "captured_at"])
        for p in self.payments.values():
            if p.provider == provider:
                for txn, amount, at in p.transactions:
                    writer.writerow([txn, p.reference, amount, p.currency, at.isoformat()])
        return out.getvalue()

    # -- notifications -----------------------------------------------------------------
    def _notice(self, p: SandboxPayment, kind: str, **fields: Any) -> dict[str, Any]:
        return {
            "id": f"evt_{secrets.token_hex(10)}",
            "type": kind,
            "reference": p.reference,
            "occurred_at": self.clock.now().isoformat(),
            **fields,
        }

    async def _dispatch(
        self, p: SandboxPayment, notices: list[dict[str, Any]], *, hold: bool, delay: float | None
    ) -> list[Delivery]:
        if hold:
            p.held.extend(notices)
            return []
        delay = self.delay_seconds if delay is None else delay
        if delay > 0:
            task = asyncio.create_task(self._later(p, notices, delay))
            self._background.add(task)
            task.add_done_callback(self._background.discard)
            return []
        return [await self.post(p, notice) for notice in notices]

    async def _later(self, p: SandboxPayment, notices: list[dict[str, Any]], delay: float) -> None:
        await asyncio.sleep(delay)
        for notice in notices:
            await self.post(p, notice)

    async def post(self, p: SandboxPayment, notice: dict[str, Any]) -> Delivery:
        """POST one signed notification; retry while payment-svc does not answer 2xx/4xx."""
        body = json.dumps(notice, separators=(",", ":")).encode()
        url = f"{self.callback_url}/v1/provider-notifications/{p.provider}"
        status: int | None = None
        outcome: str | None = None
        for attempt in range(self.attempts):
            headers = {
                "Content-Type": "application/json",
                signing.HEADER: signing.sign(self.secrets[p.provider], body, int(self.clock.now().timestamp())),
            }
            try:
                assert self.http is not None, "the sandbox has no HTTP client"
                response = await self.http.post(url, content=body, headers=headers)
                status = response.status_code
                if status < 500:
                    outcome = response.json().get("outcome") if status == 200 else None
                    break
            except httpx.HTTPError as exc:
                log.warning("sandbox notification %s failed: %s", notice["id"], exc)
            await asyncio.sleep(0.2 * 2**attempt)
        if notice not in p.sent:
            p.sent.append(notice)
        return Delivery(notification_id=notice["id"], http_status=status, outcome=outcome)

    async def close(self) -> None:
        for task in list(self._background):
            task.cancel()
        await asyncio.gather(*self._background, return_exceptions=True)


class SandboxProvider:
    """The `Provider` adapter over one of the sandbox's providers."""

    def __init__(self, sandbox: Sandbox, name: str) -> None:
        self.sandbox = sandbox
        self.name = name

    async def start(self, request: StartRequest) -> Started:
        return await self.sandbox.start(self.name, request)

    async def refund(self, *, transaction_id: str, amount_piastres: int, reason: str, idempotency_key: str) -> str:
        return await self.sandbox.refund(
            self.name,
            transaction_id=transaction_id,
            amount_piastres=amount_piastres,
            reason=reason,
            idempotency_key=idempotency_key,
        )
