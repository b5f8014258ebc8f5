"""Publishing tariffs: admin only, validated, versioned, audited, announced; a locked quote
never changes."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

import httpx
import jwt
from catalog_support import Identity, tariff_body, wait_for_event

from catalog.settings import Settings
from kit.clock import OffsetClock

SERVICE = "notary.poa.special"
TARIFFS = f"/v1/services/{SERVICE}/tariffs"
QUOTE = f"/v1/services/{SERVICE}/quote"
PARAMS = {"channel": "web", "method": "card", "governorate": "03"}


class TestLockedQuote:
    async def test_tariff_change_does_not_alter_a_locked_quote(
        self, client: httpx.AsyncClient, identity: Identity, settings: Settings
    ) -> None:
        locked = (await client.get(QUOTE, params=PARAMS)).json()
        assert locked["total_piastres"] == 4000 + 1500 + 300 - 250

        published = await client.post(TARIFFS, json=tariff_body(9000), headers=identity.admin("admin-9"))
        assert published.status_code == 201, published.text
        version = published.json()["version"]
        assert version >= 2

        fresh = (await client.get(QUOTE, params=PARAMS)).json()
        assert fresh["tariff_version"] == version
        assert fresh["total_piastres"] == 9000 + 500 - 300

        again = (await client.get(f"/v1/quotes/{locked['quote_id']}")).json()
        assert again == locked
        claims = jwt.decode(locked["token"], options={"verify_signature": False})
        assert claims["total_piastres"] == locked["total_piastres"]
        assert claims["tariff_version"] == 1

        event = await wait_for_event(
            settings.nats_url,
            "catalog.tariff.changed.v1",
            lambda d: d["service_code"] == SERVICE and d["tariff_version"] == version,
        )
        fees = {(f["channel"], f["method"]): f["fee_piastres"] for f in event.data["fees"]}
        assert fees[("web", "card")] == 9200
        assert fees[("office", "cash_network")] == 10500
        assert ("post_office", "card") not in fees  # channel no longer offered

        trail = (await client.get(f"/v1/services/{SERVICE}/audit", headers=identity.admin())).json()["items"]
        entry = next(e for e in trail if e["target"] == f"v{version}")
        assert entry["actor"] == "admin-9"
        assert entry["action"] == "tariff.published"
        assert entry["before"]["version"] == 1
        assert entry["after"]["components"][0] == {
            "code": "base_fee",
            "amount_piastres": 9000,
            "channel": None,
            "method": None,
        }
        assert entry["reason"] == "Ministerial decree 12/2026"

    async def test_channel_dropped_by_the_new_tariff_is_no_longer_quoted(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            QUOTE, params={**PARAMS, "channel": "call_centre"}, headers={"Accept-Language": "en"}
        )
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "channel_not_offered"


class TestScheduled:
    async def test_future_tariff_is_announced_but_not_yet_charged(
        self, client: httpx.AsyncClient, identity: Identity, clock: OffsetClock
    ) -> None:
        service = "civil.certificate.divorce"
        starts = (clock.now() + timedelta(days=30)).replace(microsecond=0)
        body = tariff_body(7000, effective_from=starts.isoformat())
        published = await client.post(f"/v1/services/{service}/tariffs", json=body, headers=identity.admin())
        assert published.status_code == 201
        detail = (await client.get(f"/v1/services/{service}")).json()
        assert detail["tariff"]["version"] == 1
        assert detail["next_tariff"]["version"] == published.json()["version"]
        assert datetime.fromisoformat(detail["next_tariff"]["effective_from"]) == starts
        quoted = (await client.get(f"/v1/services/{service}/quote", params=PARAMS)).json()
        assert quoted["tariff_version"] == 1

        history = (await client.get(f"/v1/services/{service}/tariffs")).json()["items"]
        assert [t["version"] for t in history] == [2, 1]

        clock.advance(timedelta(days=31))  # the day comes: the new tariff is charged
        try:
            quoted = (await client.get(f"/v1/services/{service}/quote", params=PARAMS)).json()
            detail = (await client.get(f"/v1/services/{service}")).json()
        finally:
            clock.advance(-timedelta(days=31))
        assert quoted["tariff_version"] == 2
        assert quoted["total_piastres"] == 7000 + 500 - 300
        assert (detail["tariff"]["version"], detail["next_tariff"]) == (2, None)


class TestConcurrent:
    async def test_simultaneous_publications_get_consecutive_versions(
        self, client: httpx.AsyncClient, identity: Identity
    ) -> None:
        service = "ration.card.add_newborn"
        responses = await asyncio.gather(
            *(
                client.post(f"/v1/services/{service}/tariffs", json=tariff_body(100 * i), headers=identity.admin())
                for i in range(1, 6)
            )
        )
        assert [r.status_code for r in responses] == [201] * 5
        assert sorted(r.json()["version"] for r in responses) == [2, 3, 4, 5, 6]
        trail = (await client.get(f"/v1/services/{service}/audit", headers=identity.admin())).json()["items"]
        assert len([e for e in trail if e["action"] == "tariff.published"]) == 5


class TestRefused:
    async def test_only_admins_publish(self, client: httpx.AsyncClient, identity: Identity) -> None:
        assert (await client.post(TARIFFS, json=tariff_body())).status_code == 401
        clerk = identity.headers("clerk", typ="staff", roles=["notary_clerk"])
        assert (await client.post(TARIFFS, json=tariff_body(), headers=clerk)).status_code == 403
        assert (await client.post(TARIFFS, json=tariff_body(), headers=identity.citizen())).status_code == 403

    async def test_invalid_tariff_names_every_problem_in_arabic(
        self, client: httpx.AsyncClient, identity: Identity, clock: OffsetClock
    ) -> None:
        yesterday = (clock.now() - timedelta(days=1)).isoformat()
        body = tariff_body(effective_from=yesterday)
        body["components"].append({"code": "stamp_duty", "amount_piastres": -5, "channel": "web"})
        response = await client.post(TARIFFS, json=body, headers=identity.admin())
        assert response.status_code == 422
        problem = response.json()
        assert problem["code"] == "invalid_tariff"
        assert problem["title"] == "التعريفة غير صالحة"
        assert {e["code"] for e in problem["errors"]} == {"retroactive", "negative"}
        assert all(e["reason"] for e in problem["errors"])

    async def test_floats_and_unknown_fields_are_refused(self, client: httpx.AsyncClient, identity: Identity) -> None:
        floats = tariff_body()
        floats["components"][0]["amount_piastres"] = 30.5
        extra = {**tariff_body(), "discount_percent": 10}
        for body in (floats, extra):
            response = await client.post(TARIFFS, json=body, headers=identity.admin())
            assert response.status_code == 422

    async def test_unknown_service(self, client: httpx.AsyncClient, identity: Identity) -> None:
        response = await client.post("/v1/services/no.such/tariffs", json=tariff_body(), headers=identity.admin())
        assert response.status_code == 404
