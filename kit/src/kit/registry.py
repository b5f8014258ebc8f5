"""identity-svc's mirror of the civil registry, as other services ask it (notary-svc: agents and
certificates; ration-svc: newborns' parents, members' deaths and marriages): over HTTP with the
service token, a timeout and a few retries (`kit.upstream`).

Not found is an answer (None); an identity that does not answer is a 503 (`registry_unavailable`)
and the caller changes nothing, so the citizen can simply try again."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from datetime import date
from urllib.parse import quote as urlquote

import httpx
from pydantic import BaseModel, ConfigDict

from kit import i18n, upstream
from kit.errors import ProblemError

log = logging.getLogger("kit.registry")

i18n.register_problems(
    {
        "registry_unavailable": (
            "السجل المدني غير متاح",
            "The civil registry is unavailable",
            "تعذر الاستعلام من السجل المدني الآن. يُرجى المحاولة بعد قليل.",
            "The civil registry could not be asked right now. Please try again shortly.",
        ),
    }
)


class Marriage(BaseModel):
    model_config = ConfigDict(extra="ignore")

    marriage_id: str
    husband_national_id: str
    wife_national_id: str
    marriage_date: date
    divorce_date: date | None = None
    governorate: str


class RegistryEntry(BaseModel):
    """One person of the extract's pages: family links and vital facts, no names."""

    model_config = ConfigDict(extra="ignore")

    national_id: str
    birth_date: date
    sex: str
    governorate: str
    alive: bool
    date_of_death: date | None = None
    father_national_id: str | None = None
    mother_national_id: str | None = None
    spouse_national_id: str | None = None
    marital_status: str

    def age_on(self, day: date) -> int:
        born = self.birth_date
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


class RegistryPerson(RegistryEntry):
    """A person as the civil registry knows them (identity's internal registry answer)."""

    first_name_ar: str
    full_name_ar: str
    full_name_latin: str | None = None
    mother_first_name_ar: str | None = None
    district_ar: str | None = None
    children: list[str] = []
    marriages: list[Marriage] = []


class Registry(upstream.Service):
    """identity-svc's `/internal/registry`, with the service token."""

    unavailable = "registry_unavailable"

    async def _get(self, path: str, params: dict[str, str] | None = None) -> httpx.Response:
        response = await self._call("GET", f"/internal/registry/{path}", params=params)
        if response.status_code not in (200, 404):
            log.warning("registry answered %s", response.status_code)
            raise ProblemError("registry_unavailable", status=503)
        return response

    async def person(self, national_id: str) -> RegistryPerson | None:
        response = await self._get(f"persons/{urlquote(national_id)}")
        if response.status_code == 404:
            return None
        return RegistryPerson.model_validate(response.json())

    async def everyone(self, *, governorate: str | None = None, page_size: int = 100) -> AsyncIterator[RegistryEntry]:
        """The whole extract (of one governorate of residence), page by page."""
        cursor: str | None = None
        while True:
            params = {"limit": str(page_size)}
            if governorate:
                params["governorate"] = governorate
            if cursor:
                params["cursor"] = cursor
            response = await self._get("persons", params)
            if response.status_code != 200:
                raise ProblemError("registry_unavailable", status=503)
            body = response.json()
            for item in body["items"]:
                yield RegistryEntry.model_validate(item)
            if not (cursor := body.get("next_cursor")):
                return
