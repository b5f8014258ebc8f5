"""Quotes: the price of a service for a channel and payment method, locked and signed.

The signed token carries every amount, so a later tariff never changes an issued quote; the
quote is also stored so it can be read back by id. Anyone may ask for a quote to see a fee; a
quote a payment can be made with is bound to one order (claims `order_ref` and `sub`, the
citizen) and issued only to the service that owns the order."""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

import jwt
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.catalogue import service as catalogue
from catalog.quotes.keys import QuoteKeys
from catalog.quotes.models import Quote
from catalog.quotes.repository import QuoteRepository
from catalog.quotes.schemas import AUDIENCE, ISSUER, QuoteOut
from catalog.rollout import service as rollout
from catalog.tariffs import pricing
from catalog.tariffs import service as tariffs
from catalog.tariffs.schemas import Line
from kit import i18n
from kit.errors import FieldError, NotFound, ProblemError

CURRENCY = "EGP"


async def issue(
    session: AsyncSession,
    *,
    keys: QuoteKeys,
    service_code: str,
    channel: str,
    method: str,
    governorate: str | None,
    now: datetime,
    ttl: timedelta,
    order_ref: str | None = None,
    citizen_id: uuid.UUID | None = None,
) -> QuoteOut:
    """A locked quote; bound to `order_ref` and `citizen_id` when a service asks for its order's."""
    service = await catalogue.get(session, code=service_code)
    if governorate is not None:
        rollout.check_governorate(governorate, "query.governorate")
    if service.status != "live":
        name = i18n.Words(ar=service.name_ar, en=service.name_en)
        raise ProblemError("service_coming_soon", status=409, params={"name": name})
    await rollout.ensure_available(session, service=service, governorate=governorate, now=now)
    tariff = await tariffs.in_force(session, service_code=service_code, now=now)
    if tariff is None:
        raise ProblemError("no_tariff", status=409)
    _ensure_offered(channel in tariff.channels, "query.channel", "catalog.channel_not_offered", "channel_not_offered")
    _ensure_offered(method in tariff.methods, "query.method", "catalog.method_not_offered", "method_not_offered")

    lines = pricing.lines_for(tariff.components, channel=channel, method=method)
    total = sum(line.amount_piastres for line in lines)
    issued_at = now.replace(microsecond=0)
    expires_at = issued_at + ttl
    quote_id = uuid.uuid4()
    kid, private_key = await keys.active(session, now=now)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "jti": str(quote_id),
        "iat": int(issued_at.timestamp()),
        "exp": int(expires_at.timestamp()),
        "service_code": service_code,
        "channel": channel,
        "method": method,
        "governorate": governorate,
        "tariff_version": tariff.version,
        "currency": CURRENCY,
        "total_piastres": total,
        "lines": [line.model_dump() for line in lines],
    }
    if order_ref is not None and citizen_id is not None:
        claims |= {"order_ref": order_ref, "sub": str(citizen_id)}
    token = jwt.encode(claims, private_key, algorithm="EdDSA", headers={"kid": kid})
    quote = Quote(
        id=quote_id,
        service_code=service_code,
        channel=channel,
        method=method,
        governorate=governorate,
        tariff_version=tariff.version,
        lines=claims["lines"],
        total_piastres=total,
        currency=CURRENCY,
        issued_at=issued_at,
        expires_at=expires_at,
        kid=kid,
        token=token,
        order_ref=claims.get("order_ref"),
        citizen_id=citizen_id if "order_ref" in claims else None,
    )
    await QuoteRepository(session).add(quote)
    return out(quote)


async def get(session: AsyncSession, *, quote_id: uuid.UUID) -> QuoteOut:
    """A quote for browsing fees, as issued. An order's quote is its citizen's: it is read through
    the service that owns the order, never here (as absent as a missing one)."""
    quote = await QuoteRepository(session).get(quote_id)
    if quote is None or quote.order_ref is not None:
        raise NotFound("quote_not_found")
    return out(quote)


def out(quote: Quote) -> QuoteOut:
    return QuoteOut(
        quote_id=quote.id,
        service_code=quote.service_code,
        channel=quote.channel,  # type: ignore[arg-type]
        method=quote.method,  # type: ignore[arg-type]
        governorate=quote.governorate,
        lines=[Line.model_validate(line) for line in quote.lines],
        total_piastres=quote.total_piastres,
        currency=CURRENCY,
        issued_at=quote.issued_at,
        expires_at=quote.expires_at,
        tariff_version=quote.tariff_version,
        order_ref=quote.order_ref,
        citizen_id=quote.citizen_id,
        token=quote.token,
    )


def _ensure_offered(offered: bool, field: str, text_key: str, code: str) -> None:
    if not offered:
        raise ProblemError(
            "validation_failed", status=422, errors=[FieldError(field=field, reason=i18n.text(text_key), code=code)]
        )
