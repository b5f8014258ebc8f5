"""Paying for what a journey asked for, shared by every journey that charges a fee: the payment
intent for the locked quote, the provider's page (in development the payment sandbox stands in
for the wallet, the card acquirer, the post office and the e-payment network), and back to the
journey's page, which shows the confirmation with its reference."""

from __future__ import annotations

import uuid
from typing import Any, NoReturn

from fastapi import APIRouter
from fastapi.responses import HTMLResponse, Response

from kit import i18n
from web.deps import Page
from web.sessions import service as sessions
from web.visit import Redirect, Visit

METHODS = ("wallet", "card", "post_office", "cash_network")


async def start(page: Visit, *, payment: dict[str, Any], key: str, back: str) -> NoReturn:
    """Create and confirm the intent (the same `key` never pays twice), then the provider's page.
    `back` is the journey's page of the thing paid for (its provider page is `back/provider`)."""
    intent = await page.api("POST", "/v1/payments", json=payment, idempotency_key=key)
    confirm: dict[str, Any] = {}
    if intent["method"] == "wallet":
        me = await page.api("GET", "/v1/me")
        confirm["wallet_mobile"] = me["mobile"]
    elif intent["method"] == "card":
        confirm["return_url"] = str(page.request.base_url).rstrip("/") + back
    confirmed = await page.api("POST", f"/v1/payments/{intent['id']}/confirm", json=confirm)
    sessions.remember(page.row, payment={"for": back, "intent": confirmed})
    raise Redirect(to=f"{back}/provider")


def _held(page: Visit, back: str) -> dict[str, Any]:
    held = page.row.flow.get("payment")
    if not held or held.get("for") != back:
        raise Redirect(to=back)
    return dict(held["intent"])


def provider_page(page: Visit, back: str) -> HTMLResponse:
    """What the provider shows the payer: a wallet's approval, a reference to pay at the post
    office or an e-payment network's outlet."""
    sandbox = page.ctx.settings.environment != "production"
    return page.render("pay_provider.html", back=back, intent=_held(page, back), sandbox=sandbox,
                       title=i18n.text("web.pay.provider.title", page.lang))  # fmt: skip


async def sandbox_approve(page: Visit, back: str) -> Response:
    """Development only: the sandbox provider approves the payment, as the payer would."""
    await page.form()
    if page.ctx.settings.environment == "production":
        raise Redirect(to=back)
    intent = _held(page, back)
    await page.api("POST", f"/v1/payment-sandbox/{intent['method']}/{intent['provider_reference']}/approve",
                   signed_in=False)  # fmt: skip
    sessions.forget(page.row, "payment")
    raise Redirect(to=f"{back}?paid=1")


def add_provider_routes(router: APIRouter, base: str) -> None:
    """The provider's page and the sandbox's approval of what `base/{id}` shows (a power of
    attorney, a certificate request): `base/{id}/provider`, for its citizen."""

    @router.get(base + "/{item_id}/provider")
    async def provider(page: Page, item_id: uuid.UUID) -> HTMLResponse:
        page.require("citizen")
        return provider_page(page, f"{base}/{item_id}")

    @router.post(base + "/{item_id}/provider")
    async def approve(page: Page, item_id: uuid.UUID) -> Response:
        page.require("citizen")
        return await sandbox_approve(page, f"{base}/{item_id}")
