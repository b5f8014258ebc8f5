"""What applications-svc's tests share: the definitions of the three services (as data, from
definitions/), a catalogue stand-in that knows their tariffs, and steps as admin, citizen, officer."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.responses import JSONResponse

from contracts import Envelope, Event
from contracts.national_id import compose
from kit.clock import ManualClock
from kit.testing import QuotesStandIn, RegistryStandIn, TokenIssuer, signed

DEFINITIONS = Path(__file__).parents[1] / "definitions"
CATALOGUE_FEES: dict[str, list[tuple[str, int]]] = {
    "takaful.support.apply": [("base_fee", 0)],
    "traffic.licence.renew_vehicle": [("base_fee", 15000), ("stamp_duty", 1000), ("delivery", 2500)],
    "registry.commercial.extract": [("base_fee", 3000), ("stamp_duty", 500)],
}


def definition(code: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((DEFINITIONS / f"{code}.json").read_text(encoding="utf-8"))
    return loaded


def catalogue_app(quotes: QuotesStandIn) -> FastAPI:
    """catalog-svc's public service read (its tariff) beside its order quotes."""
    app = quotes.app()

    @app.get("/v1/services/{code}")
    async def service(code: str) -> Any:
        if code not in quotes.fees and code != "family_court.case.file":
            return JSONResponse({"code": "service_not_found"}, status_code=404)
        tariff = {"version": 1} if code in quotes.fees else None
        return {"code": code, "status": "coming", "tariff": tariff, "next_tariff": None}

    return app


_people = iter(range(100, 10_000))


def new_nid(born: str = "1980-05-01", sex: str = "female") -> str:
    from datetime import date

    return compose(born=date.fromisoformat(born), governorate="03", sequence=next(_people), sex=sex)  # type: ignore[arg-type]  # a Sex literal


@dataclass
class Harness:
    http: httpx.AsyncClient
    identity: TokenIssuer
    registry: RegistryStandIn
    quotes: QuotesStandIn
    clock: ManualClock
    js: Any

    @property
    def admin(self) -> dict[str, str]:
        return {**self.identity.staff("admin"), "Accept-Language": "en"}

    def officer(self, governorate: str = "03") -> dict[str, str]:
        return {**self.identity.staff("case_officer", gov=governorate), "Accept-Language": "en"}

    def citizen(self, national_id: str) -> dict[str, str]:
        return {**self.identity.citizen(uuid.uuid4(), national_id=national_id), "Accept-Language": "en"}

    async def publish_definition(self, body: dict[str, Any]) -> dict[str, Any]:
        drafted = await self.http.post("/v1/application-definitions", json=body, headers=self.admin)
        assert drafted.status_code == 201, drafted.text
        path = f"/v1/application-definitions/{drafted.json()['id']}/publication"
        published = await self.http.post(path, json={"reason": "the service goes online"}, headers=self.admin)
        assert published.status_code == 200, published.text
        result: dict[str, Any] = published.json()
        return result

    async def publish_event(self, event: Event) -> None:
        envelope = Envelope.wrap(event, source="test-authority")
        await self.js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
