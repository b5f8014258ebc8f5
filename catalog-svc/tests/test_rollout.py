"""Roll-out per governorate: refusal with the go-live date in the caller's language, admin-only
changes, the audit trail and the published event."""

from __future__ import annotations

from typing import Any

import httpx
from catalog_support import Identity, wait_for_event

from catalog.settings import Settings

SERVICE = "ration.card.replace_lost"
QUOTE = f"/v1/services/{SERVICE}/quote"
FAR = "2031-03-15T00:00:00+02:00"


def change(live_from: str | None, **extra: Any) -> dict[str, Any]:
    return {"live_from": live_from, "reason": "Data of the governorate loaded", **extra}


class TestRefusal:
    async def test_not_live_yet_says_when_in_the_callers_language(
        self, client: httpx.AsyncClient, identity: Identity
    ) -> None:
        put = await client.put(f"/v1/services/{SERVICE}/rollout/27", json=change(FAR), headers=identity.admin())
        assert put.status_code == 200, put.text
        assert put.json()["status"] == "planned"

        params = {"channel": "web", "method": "card", "governorate": "27"}
        arabic = await client.get(QUOTE, params=params)
        english = await client.get(QUOTE, params=params, headers={"Accept-Language": "en"})
        assert arabic.status_code == english.status_code == 409
        assert arabic.headers["content-type"].startswith("application/problem+json")
        assert english.json()["code"] == "service_not_live_here"
        assert (
            english.json()["detail"] == "“Ration card replacement (lost)” will be available in Qena from 15 March 2031."
        )
        assert arabic.json()["detail"] == "خدمة «بدل فاقد لبطاقة التموين» ستتاح في محافظة قنا اعتبارًا من ١٥ مارس ٢٠٣١."
        assert english.json()["live_from"].startswith("2031-03-1")
        assert english.json()["governorate"] == "27"

    async def test_no_date_and_suspended(self, client: httpx.AsyncClient, identity: Identity) -> None:
        await client.put(f"/v1/services/{SERVICE}/rollout/33", json=change(None), headers=identity.admin())
        await client.put(
            f"/v1/services/{SERVICE}/rollout/34",
            json=change("2025-01-01T00:00:00Z", suspended=True),
            headers=identity.admin(),
        )
        english = {"Accept-Language": "en"}
        undated = await client.get(
            QUOTE, params={"channel": "web", "method": "card", "governorate": "33"}, headers=english
        )
        assert undated.status_code == 409
        assert undated.json()["code"] == "service_not_scheduled_here"
        assert undated.json()["live_from"] is None
        suspended = await client.get(QUOTE, params={"channel": "web", "method": "card", "governorate": "34"})
        assert suspended.status_code == 409
        assert suspended.json()["code"] == "service_suspended_here"

    async def test_pilot_governorate_is_served(self, client: httpx.AsyncClient) -> None:
        response = await client.get(QUOTE, params={"channel": "office", "method": "cash_network", "governorate": "03"})
        assert response.status_code == 200, response.text

    async def test_coming_service_is_refused_everywhere(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/services/takaful.support.apply/quote",
            params={"channel": "web", "method": "card"},
            headers={"Accept-Language": "en"},
        )
        assert response.status_code == 409
        assert response.json()["code"] == "service_coming_soon"

    async def test_unknown_governorate(self, client: httpx.AsyncClient) -> None:
        response = await client.get(QUOTE, params={"channel": "web", "method": "card", "governorate": "99"})
        assert response.status_code == 422
        assert response.json()["errors"][0]["code"] == "unknown_governorate"


class TestChange:
    async def test_going_live_is_audited_published_and_served(
        self, client: httpx.AsyncClient, identity: Identity, settings: Settings
    ) -> None:
        params = {"channel": "mobile", "method": "wallet", "governorate": "11"}
        await client.put(f"/v1/services/{SERVICE}/rollout/11", json=change(FAR), headers=identity.admin())
        assert (await client.get(QUOTE, params=params)).status_code == 409
        before = await client.get(f"/v1/services/{SERVICE}/rollout")
        damietta = next(i for i in before.json()["items"] if i["governorate"] == "11")
        assert damietta["status"] == "planned"
        assert damietta["phase"] == "rest"

        live_from = "2026-01-10T00:00:00+02:00"
        put = await client.put(
            f"/v1/services/{SERVICE}/rollout/11", json=change(live_from), headers=identity.admin("admin-42")
        )
        assert put.json()["status"] == "live"
        assert (await client.get(QUOTE, params=params)).status_code == 200

        after = await client.get(f"/v1/services/{SERVICE}/rollout", headers={"If-None-Match": before.headers["etag"]})
        assert after.status_code == 200  # the listing changed, so the old ETag no longer matches

        event = await wait_for_event(
            settings.nats_url,
            "catalog.rollout.changed.v1",
            lambda d: d["service_code"] == SERVICE and d["governorate"] == "11" and d["status"] == "live",
        )
        assert event.data["live_from"].startswith("2026-01-09T22:00:00")

        trail = await client.get(
            f"/v1/services/{SERVICE}/audit", headers=identity.headers("aud-1", typ="staff", roles=["auditor"])
        )
        entry = [e for e in trail.json()["items"] if e["target"] == "11"][-1]
        assert entry["actor"] == "admin-42"
        assert entry["action"] == "rollout.changed"
        assert entry["before"]["live_from"].startswith("2031-03-1")
        assert entry["after"]["status"] == "live"
        assert entry["reason"] == "Data of the governorate loaded"

    async def test_only_admins_change_rollout(self, client: httpx.AsyncClient, identity: Identity) -> None:
        url = f"/v1/services/{SERVICE}/rollout/01"
        assert (await client.put(url, json=change(FAR))).status_code == 401
        citizen = await client.put(url, json=change(FAR), headers=identity.citizen())
        clerk = await client.put(
            url, json=change(FAR), headers=identity.headers("c", typ="staff", roles=["notary_clerk"])
        )
        assert citizen.status_code == clerk.status_code == 403
        listing = (await client.get(f"/v1/services/{SERVICE}/rollout")).json()["items"]
        assert next(i for i in listing if i["governorate"] == "01")["status"] == "live"  # unchanged
        assert (await client.get(f"/v1/services/{SERVICE}/audit", headers=identity.citizen())).status_code == 403

    async def test_bad_changes_are_validation_problems(self, client: httpx.AsyncClient, identity: Identity) -> None:
        naive = await client.put(
            f"/v1/services/{SERVICE}/rollout/01", json=change("2027-01-01T00:00:00"), headers=identity.admin()
        )
        unknown = await client.put(f"/v1/services/{SERVICE}/rollout/99", json=change(FAR), headers=identity.admin())
        missing = await client.put("/v1/services/no.such/rollout/01", json=change(FAR), headers=identity.admin())
        assert naive.status_code == unknown.status_code == 422
        assert missing.status_code == 404
