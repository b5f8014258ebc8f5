"""Public reads of the catalogue: pagination, family filter, detail, caching, problems."""

from __future__ import annotations

import httpx


class TestList:
    async def test_pages_through_every_service_once(self, client: httpx.AsyncClient) -> None:
        codes: list[str] = []
        cursor = None
        while True:
            params = {"limit": 4, **({"cursor": cursor} if cursor else {})}
            body = (await client.get("/v1/services", params=params)).json()
            assert len(body["items"]) <= 4
            codes += [item["code"] for item in body["items"]]
            cursor = body["next_cursor"]
            if cursor is None:
                break
        assert codes == sorted(codes)
        assert len(codes) == len(set(codes)) == 19
        assert {"civil.certificate.birth", "notary.poa.general", "ration.card.replace_damaged", "ration.appeal"} <= set(
            codes
        )

    async def test_filter_by_family(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/services", params={"family": "ration", "limit": 100})).json()
        assert {item["code"] for item in body["items"]} == {
            "ration.card.replace_damaged",
            "ration.card.replace_lost",
            "ration.card.add_newborn",
            "ration.card.remove_member",
            "ration.appeal",
        }
        assert all(item["entitlement"] and item["family_name_ar"] == "التموين" for item in body["items"])

    async def test_unknown_family_and_bad_cursor_are_validation_problems(self, client: httpx.AsyncClient) -> None:
        for params in ({"family": "astrology"}, {"cursor": "not-a-cursor"}, {"limit": 0}):
            response = await client.get("/v1/services", params=params, headers={"Accept-Language": "en"})
            assert response.status_code == 422, params
            assert response.headers["content-type"].startswith("application/problem+json")


class TestDetail:
    async def test_live_service_has_everything_a_citizen_needs(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/services/notary.poa.general")).json()
        assert body["name_ar"] == "توكيل عام رسمي"
        assert body["name_en"] == "General power of attorney"
        assert body["status"] == "live"
        assert body["entitlement"] is False
        assert body["delivery"] == "office"
        assert body["processing_hours"] == 24
        assert len(body["requirements"]) == 3
        fees = {(f["channel"], f["method"]): f["total_piastres"] for f in body["tariff"]["fees"]}
        assert fees[("web", "card")] == 5000 + 1500 + 300 - 250
        assert fees[("office", "cash_network")] == 5000 + 1500 + 1000 + 200

    async def test_coming_service_has_no_tariff(self, client: httpx.AsyncClient) -> None:
        body = (await client.get("/v1/services/family_court.case.file")).json()
        assert body["status"] == "coming"
        assert body["tariff"] is None

    async def test_unknown_service_is_a_bilingual_problem(self, client: httpx.AsyncClient) -> None:
        arabic = await client.get("/v1/services/no.such.service")
        english = await client.get("/v1/services/no.such.service", headers={"Accept-Language": "en"})
        assert arabic.status_code == english.status_code == 404
        assert arabic.json()["title"] == "الخدمة غير موجودة"
        assert english.json()["detail"] == "There is no service with the code no.such.service."

    async def test_malformed_code_is_a_validation_problem(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/services/DROP TABLE")
        assert response.status_code == 422


class TestCaching:
    async def test_etag_and_304(self, client: httpx.AsyncClient) -> None:
        first = await client.get("/v1/services/civil.certificate.birth")
        etag = first.headers["etag"]
        assert first.headers["cache-control"].startswith("public, max-age=")
        again = await client.get("/v1/services/civil.certificate.birth", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        weak = await client.get("/v1/services/civil.certificate.birth", headers={"If-None-Match": f'"x", W/{etag}'})
        assert weak.status_code == 304

    async def test_stale_etag_gets_the_body(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/services", headers={"If-None-Match": '"stale"'})
        assert response.status_code == 200
        assert response.json()["items"]

    async def test_every_public_read_is_cacheable(self, client: httpx.AsyncClient) -> None:
        for path in (
            "/v1/services?family=civil",
            "/v1/services/ration.appeal/tariffs",
            "/v1/services/ration.appeal/rollout",
            "/.well-known/quote-keys.json",
        ):
            response = await client.get(path)
            assert response.status_code == 200, path
            assert "etag" in response.headers, path
            assert "max-age" in response.headers["cache-control"], path
