"""catalog-svc as applications-svc asks it: a locked quote per application (kit.catalog), and
at publication whether the catalogue knows the service and prices it."""

from __future__ import annotations

import logging
from typing import Literal
from urllib.parse import quote as urlquote

from kit.catalog import Catalog
from kit.errors import ProblemError

log = logging.getLogger(__name__)


class Catalogue(Catalog):
    async def tariff_state(self, service_code: str) -> Literal["known", "no_tariff", "unknown_service"]:
        """`known` when the catalogue has a tariff in force or announced for the service."""
        response = await self._call("GET", f"/v1/services/{urlquote(service_code, safe='')}")
        if response.status_code == 404:
            return "unknown_service"
        if response.status_code != 200:
            log.warning("catalog answered %s for %s", response.status_code, service_code)
            raise ProblemError("catalog_unavailable", status=503)
        body = response.json()
        return "known" if body.get("tariff") or body.get("next_tariff") else "no_tariff"
