"""What notary-svc asks identity-svc over HTTP: the registry mirror (catalog's quotes: `kit.catalog`)."""

from __future__ import annotations

import logging
from datetime import date
from urllib.parse import quote as urlquote

import httpx
from pydantic import BaseModel, ConfigDict

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
