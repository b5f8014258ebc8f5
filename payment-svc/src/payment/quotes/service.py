"""Verifying a signed quote (compact JWS, EdDSA) against catalog's published keys."""

from __future__ import annotations

from typing import Any

import httpx
import jwt
from pydantic import ValidationError

from kit import i18n
from kit.auth import JWKSCache
from kit.errors import FieldError, ProblemError
from payment.quotes.schemas import Quote

ALGORITHMS = ("EdDSA",)

i18n.register(
    {
        "problem.invalid_quote.title": {"en": "The price quote is not valid", "ar": "عرض السعر غير صالح"},
        "problem.invalid_quote.detail": {
            "en": "Ask for a new quote of the service fee and try again.",
            "ar": "اطلب عرض سعر جديدًا لرسوم الخدمة ثم أعد المحاولة.",
        },
        "quote.expired": {"en": "The quote has expired.", "ar": "انتهت صلاحية عرض السعر."},
        "quote.bad_signature": {
            "en": "The quote's signature is not valid.",
            "ar": "توقيع عرض السعر غير صالح.",
        },
        "quote.wrong_audience": {
            "en": "The quote was not issued for payments.",
            "ar": "لم يصدر عرض السعر لأغراض السداد.",
        },
        "quote.malformed": {"en": "The quote is malformed.", "ar": "عرض السعر تالف."},
        "quote.not_for_an_order": {
            "en": "This quote only shows the fee. Pay with the quote your order gives you, from its service.",
            "ar": "عرض السعر هذا لبيان الرسوم فقط. ادفع بعرض السعر الذي يصدر لطلبك من الخدمة المختصة.",
        },
        "quote.another_order": {
            "en": "The quote was issued for another order or another service.",
            "ar": "صدر عرض السعر لطلب آخر أو لخدمة أخرى.",
        },
        "validation.quote_lines_total": {
            "en": "The quote's lines do not add up to its total.",
            "ar": "مجموع بنود عرض السعر لا يساوي إجماليه.",
        },
        "quote.nothing_to_pay": {
            "en": "This service is free: there is nothing to pay.",
            "ar": "هذه الخدمة مجانية: لا يوجد ما يُسدَّد.",
        },
    }
)


def invalid_quote(reason: str) -> ProblemError:
    return ProblemError(
        "invalid_quote",
        status=422,
        errors=[FieldError(field="body.quote", reason=i18n.text(f"quote.{reason}"), code=f"quote_{reason}")],
    )


class QuoteVerifier:
    def __init__(self, jwks: JWKSCache, *, issuer: str, audience: str, leeway_seconds: int = 5) -> None:
        self.jwks = jwks
        self.issuer = issuer
        self.audience = audience
        self.leeway = leeway_seconds

    async def verify(self, token: str) -> Quote:
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as exc:
            raise invalid_quote("malformed") from exc
        kid = header.get("kid")
        if not isinstance(kid, str) or header.get("alg") not in ALGORITHMS:
            raise invalid_quote("bad_signature")
        try:
            key = await self.jwks.key(kid)
        except httpx.HTTPError as exc:
            raise ProblemError("service_unavailable", status=503) from exc
        if key is None:
            raise invalid_quote("bad_signature")
        try:
            claims: dict[str, Any] = jwt.decode(
                token,
                key=key.key,
                algorithms=list(ALGORITHMS),
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway,
                options={"require": ["exp", "iat", "iss", "aud", "jti"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise invalid_quote("expired") from exc
        except (jwt.InvalidAudienceError, jwt.InvalidIssuerError) as exc:
            raise invalid_quote("wrong_audience") from exc
        except jwt.InvalidSignatureError as exc:
            raise invalid_quote("bad_signature") from exc
        except jwt.PyJWTError as exc:
            raise invalid_quote("malformed") from exc
        if claims.get("total_piastres") == 0:
            raise invalid_quote("nothing_to_pay")
        try:
            return Quote.model_validate(claims)
        except ValidationError as exc:
            raise invalid_quote("malformed") from exc
