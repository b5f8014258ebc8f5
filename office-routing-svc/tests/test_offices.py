"""The office directory: public listing and detail, administration, bilingual validation."""

from __future__ import annotations

from office_routing_support import Harness


class TestDirectory:
    async def test_filter_and_paginate(self, h: Harness):
        for _ in range(3):
            await h.office("26")
        await h.office("26", kind="post_office", services=["civil.certificate.birth"])
        await h.office("27")
        query = {"governorate": "26", "service_code": "notary.poa.general", "limit": 2}
        first = (await h.client.get("/v1/offices", params=query)).json()
        second = (await h.client.get("/v1/offices", params={**query, "cursor": first["next_cursor"]})).json()
        codes = [o["code"] for o in first["items"] + second["items"]]
        assert len(codes) == 3
        assert len(set(codes)) == 3
        assert second["next_cursor"] is None
        posts = (await h.client.get("/v1/offices", params={"governorate": "26", "kind": "post_office"})).json()
        assert [o["kind"] for o in posts["items"]] == ["post_office"]

    async def test_detail_and_governorates(self, h: Harness):
        office = await h.office("28")
        detail = await h.client.get(f"/v1/offices/{office['id']}")
        assert detail.status_code == 200
        assert detail.json()["working_days"] == [1, 2, 3, 4, 5, 6, 7]
        assert detail.json()["opens_at"] == "09:00:00"
        assert detail.json()["timezone"] == "Africa/Cairo"
        missing = await h.client.get(
            "/v1/offices/6f1c7f0e-3b1a-4c56-9d1e-2a9b8c7d6e51", headers={"Accept-Language": "en"}
        )
        assert (missing.status_code, missing.json()["title"]) == (404, "Office not found")
        governorates = (await h.client.get("/v1/offices/governorates")).json()
        assert len(governorates) == 27
        assert governorates[2] == {"code": "03", "name_ar": "بورسعيد", "name_en": "Port Said"}


class TestAdministration:
    async def test_only_admins_add_offices_with_valid_data(self, h: Harness):
        office = await h.office("29", code="NO-29-77")
        body = {k: office[k] for k in ("kind", "governorate", "name_ar", "name_en", "address_ar", "address_en",
                                       "latitude", "longitude", "services")}  # fmt: skip
        duplicate = await h.client.post("/v1/offices", json={**body, "code": "NO-29-77"}, headers=h.admin)
        assert (duplicate.status_code, duplicate.json()["code"]) == (409, "office_exists")
        clerk = h.clerk(office["id"])
        assert (await h.client.post("/v1/offices", json={**body, "code": "NO-29-78"}, headers=clerk)).status_code == 403
        assert (await h.client.post("/v1/offices", json={**body, "code": "NO-29-78"})).status_code == 401
        bad = {**body, "code": "NO-29-79", "governorate": "99", "slot_minutes": 2, "working_days": [0]}
        refused = await h.client.post("/v1/offices", json=bad, headers=h.admin)
        assert refused.status_code == 422
        assert refused.json()["title"] == "الطلب غير صالح"
        fields = {e["field"] for e in refused.json()["errors"]}
        assert {"body.governorate", "body.slot_minutes", "body.working_days"} <= fields


class TestDemoData:
    async def test_every_governorate_gets_offices_for_powers_of_attorney_idempotently(self, h: Harness, monkeypatch):
        from office_routing import demo

        monkeypatch.setenv("OFFICE_ROUTING_DATABASE_URL", h.settings.database_url)
        await demo.main()
        await demo.main()  # a second `make run` changes nothing
        for governorate in ("01", "03", "35"):
            query = {"governorate": governorate, "service_code": "notary.poa.general"}
            offices = (await h.client.get("/v1/offices", params=query)).json()["items"]
            assert sorted(o["kind"] for o in offices if o["code"].endswith("-01")) == [
                "notary_office",
                "service_centre",
            ]
        query = {"service_code": "civil.certificate.birth", "limit": 100}
        everything = [
            o for o in (await h.client.get("/v1/offices", params=query)).json()["items"] if "-01" in o["code"]
        ]
        assert len(everything) == 54  # a service centre and a post office in each governorate
        assert len({o["governorate"] for o in everything}) == 27
