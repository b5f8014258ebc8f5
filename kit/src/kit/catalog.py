"""catalog-svc's locked fee quotes, as the services that charge a fee ask for them (notary-svc,
ration-svc): over HTTP with a timeout and a few retries. And services' catalogue names, for the
texts that name a service (an SMS, a receipt): `ServiceNames`, cached, never failing a caller.

A quote a citizen can pay with is bound to one order: it names the order (`<owner>:<id>`), its
service and the citizen it is for, and only a service (presenting the internal token) can have
one issued; payment-svc takes a payment only for the order and citizen its quote names.

Asking for a quote leaves at worst a new, unused quote on catalog's side, so retrying a timeout or a
5xx is safe. A 4xx is catalog's answer (service not live in that governorate, no tariff) and is
passed on as a 409; an unreachable catalog is a 503 and nothing is made on our side."""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any
from urllib.parse import quote as urlquote

import httpx
from pydantic import BaseModel, ConfigDict, Field

from kit import i18n, upstream
from kit.errors import ProblemError

log = logging.getLogger("kit.catalog")

i18n.register(
    {
        "problem.catalog_unavailable.title": {
            "en": "The fee cannot be priced right now",
            "ar": "تعذر تحديد الرسوم الآن",
        },
        "problem.catalog_unavailable.detail": {
            "en": "The service catalogue is not answering. Nothing was changed; please try again in a few minutes.",
            "ar": "دليل الخدمات لا يستجيب. لم يتغير شيء؛ يُرجى المحاولة بعد دقائق.",
        },
        "problem.quote_refused.title": {
            "en": "The service cannot be priced",
            "ar": "تعذر تسعير الخدمة",
        },
        "problem.quote_refused.detail": {
            "en": "The service catalogue refused: {reason}",
            "ar": "رفض دليل الخدمات الطلب: {reason}",
        },
    }
)


class FeeLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str
    amount_piastres: int
    label_ar: str | None = Field(default=None, examples=["رسم الخدمة"])
    label_en: str | None = Field(default=None, examples=["Service fee"])


class Quote(BaseModel):
    """catalog-svc's locked quote; its `token` is what payment-svc accepts."""

    model_config = ConfigDict(extra="ignore")

    quote_id: str
    service_code: str
    channel: str
    method: str
    governorate: str | None = None
    lines: list[FeeLine]
    total_piastres: int
    currency: str
    issued_at: datetime
    expires_at: datetime
    tariff_version: int
    order_ref: str | None = None
    citizen_id: uuid.UUID | None = None
    token: str


class Catalog(upstream.Service):
    unavailable = "catalog_unavailable"

    async def quote(
        self,
        *,
        service_code: str,
        channel: str,
        method: str,
        governorate: str | None,
        order_ref: str,
        citizen_id: uuid.UUID,
    ) -> Quote:
        """A quote for one order of ours and its citizen: the only kind payment-svc accepts."""
        body = {
            "service_code": service_code,
            "channel": channel,
            "method": method,
            "governorate": governorate,
            "order_ref": order_ref,
            "citizen_id": str(citizen_id),
        }
        response = await self._call("POST", "/internal/quotes", json=body)
        if response.status_code in (200, 201):
            return Quote.model_validate(response.json())
        if response.status_code in (401, 403):
            log.error("catalog refused our internal token (%s): check <PREFIX>INTERNAL_TOKEN", response.status_code)
        elif 400 <= response.status_code < 500:
            problem = _json(response)
            reason = problem.get("detail") or problem.get("title") or str(response.status_code)
            raise ProblemError(
                "quote_refused",
                status=409,
                params={"reason": reason},
                extra={"catalog_problem": {k: problem[k] for k in ("code", "status", "detail") if k in problem}},
            )
        else:
            log.warning("catalog answered %s", response.status_code)
        raise ProblemError("catalog_unavailable", status=503)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


class ServiceNames:
    """A service's name as the catalogue publishes it (`GET /v1/services/{code}`), in both
    languages, with a short timeout, one retry and a cache: names change rarely, and a text must
    not wait long on (or fail with) the catalogue. `None` when the catalogue does not answer or
    does not know the code: the caller words its text without the name rather than show a code."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        *,
        timeout: float = 2.0,
        attempts: int = 2,
        backoff: float = 0.1,
        ttl: float = 600.0,
        retry_after: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.http, self.base_url = http, base_url.rstrip("/")
        self.timeout, self.attempts, self.backoff = timeout, attempts, backoff
        self.ttl, self.retry_after, self.clock = ttl, retry_after, clock
        self._cache: dict[str, tuple[float, i18n.Words | None]] = {}

    async def get(self, code: str) -> i18n.Words | None:
        cached = self._cache.get(code)
        if cached is not None and cached[0] > self.clock():
            return cached[1]
        names, keep = await self._fetch(code)
        self._cache[code] = (self.clock() + keep, names)
        return names

    async def _fetch(self, code: str) -> tuple[i18n.Words | None, float]:
        url = f"{self.base_url}/v1/services/{urlquote(code)}"
        try:
            response = await upstream.call(
                self.http,
                "GET",
                url,
                unavailable="catalog_unavailable",
                timeout=self.timeout,
                attempts=self.attempts,
                backoff=self.backoff,
            )
        except ProblemError:
            log.warning("catalog unreachable for the name of %s", code)
            return None, self.retry_after
        if response.status_code in upstream.RETRYABLE:
            log.warning("catalog answered %s for the name of %s", response.status_code, code)
            return None, self.retry_after
        return self._names(code, response)

    def _names(self, code: str, response: httpx.Response) -> tuple[i18n.Words | None, float]:
        body = _json(response) if response.status_code == 200 else {}
        ar, en = body.get("name_ar"), body.get("name_en")
        if isinstance(ar, str) and isinstance(en, str) and ar and en:
            return i18n.Words(ar=ar, en=en), self.ttl
        if response.status_code != 404:
            log.warning("catalog answered %s for the name of %s", response.status_code, code)
            return None, self.retry_after
        return None, self.ttl
