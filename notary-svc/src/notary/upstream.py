"""What notary-svc asks other services over HTTP: identity's registry mirror and catalog's quotes."""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any
from urllib.parse import quote as urlquote

import httpx
from pydantic import BaseModel, ConfigDict

from kit import i18n
from kit.errors import ProblemError

log = logging.getLogger("notary.upstream")


class Marriage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    marriage_id: str
    husband_national_id: str
    wife_national_id: str
    marriage_date: date
    divorce_date: date | None = None
    governorate: str


class RegistryPerson(BaseModel):
    """A person as the civil registry knows them (identity's internal registry answer)."""

    model_config = ConfigDict(extra="ignore")

    national_id: str
    first_name_ar: str
    full_name_ar: str
    full_name_latin: str | None = None
    mother_first_name_ar: str | None = None
    birth_date: date
    sex: str
    governorate: str
    district_ar: str | None = None
    alive: bool
    date_of_death: date | None = None
    father_national_id: str | None = None
    mother_national_id: str | None = None
    spouse_national_id: str | None = None
    marital_status: str
    children: list[str] = []
    marriages: list[Marriage] = []

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class Registry:
    """identity-svc's `/internal/registry/persons/{national_id}`, with the service token."""

    def __init__(self, http: httpx.AsyncClient, base_url: str, token: str) -> None:
        self.http, self.base_url, self.token = http, base_url.rstrip("/"), token

    async def person(self, national_id: str) -> RegistryPerson | None:
        url = f"{self.base_url}/internal/registry/persons/{urlquote(national_id)}"
        try:
            response = await self.http.get(url, headers={"Authorization": f"Bearer {self.token}"}, timeout=5.0)
        except httpx.HTTPError as exc:
            log.warning("registry unreachable: %s", exc)
            raise ProblemError("registry_unavailable", status=503) from exc
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            log.warning("registry answered %s", response.status_code)
            raise ProblemError("registry_unavailable", status=503)
        return RegistryPerson.model_validate(response.json())


class FeeLine(BaseModel):
    model_config = ConfigDict(extra="ignore")

    code: str
    amount_piastres: int
    label_ar: str | None = None
    label_en: str | None = None


class Quote(BaseModel):
    """catalog-svc's locked quote (its `token` is what payment-svc accepts)."""

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
    token: str


class Catalog:
    def __init__(self, http: httpx.AsyncClient, base_url: str) -> None:
        self.http, self.base_url = http, base_url.rstrip("/")

    async def quote(self, *, service_code: str, channel: str, method: str, governorate: str | None) -> Quote:
        params = {"channel": channel, "method": method}
        if governorate:
            params["governorate"] = governorate
        url = f"{self.base_url}/v1/services/{urlquote(service_code)}/quote"
        try:
            response = await self.http.get(
                url, params=params, headers={"Accept-Language": i18n.current_language()}, timeout=5.0
            )
        except httpx.HTTPError as exc:
            log.warning("catalog unreachable: %s", exc)
            raise ProblemError("catalog_unavailable", status=503) from exc
        if response.status_code == 200:
            return Quote.model_validate(response.json())
        if 400 <= response.status_code < 500:
            body = _json(response)
            reason = body.get("detail") or body.get("title") or str(response.status_code)
            raise ProblemError(
                "quote_refused",
                status=409,
                params={"reason": reason},
                extra={"catalog_problem": {k: body[k] for k in ("code", "status", "detail") if k in body}},
            )
        log.warning("catalog answered %s", response.status_code)
        raise ProblemError("catalog_unavailable", status=503)


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}
