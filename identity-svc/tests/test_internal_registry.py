"""The internal registry endpoint other services use (service token only, never public)."""

from __future__ import annotations

import uuid
from datetime import date

from identity_support import add_person
from sqlalchemy import insert

from identity.registry.models import Marriage

PATH = "/internal/registry/persons/{}"


class TestInternalRegistry:
    async def test_facts_with_family_links(self, client, engine, settings):
        father = await add_person(engine, birth_date=date(1960, 1, 2))
        mother = await add_person(engine, birth_date=date(1965, 3, 4), sex="female", first_name_ar="منى")
        child = await add_person(
            engine,
            birth_date=date(2015, 6, 7),
            father_national_id=father["national_id"],
            mother_national_id=mother["national_id"],
        )
        marriage_id = uuid.uuid4()
        async with engine.begin() as conn:
            await conn.execute(
                insert(Marriage).values(
                    marriage_id=marriage_id,
                    husband_national_id=father["national_id"],
                    wife_national_id=mother["national_id"],
                    marriage_date=date(1990, 1, 1),
                    divorce_date=None,
                    governorate="03",
                )
            )
        token = settings.internal_token.get_secret_value()
        response = await client.get(PATH.format(father["national_id"]), headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["alive"] is True
        assert body["birth_date"] == "1960-01-02"
        assert body["children"] == [child["national_id"]]
        assert [m["marriage_id"] for m in body["marriages"]] == [str(marriage_id)]
        kid = await client.get(PATH.format(child["national_id"]), headers={"Authorization": f"Bearer {token}"})
        assert kid.json()["mother_national_id"] == mother["national_id"]

    async def test_unknown_person_is_404(self, client, settings):
        token = settings.internal_token.get_secret_value()
        response = await client.get(PATH.format("29001011234567"), headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 404
        assert response.headers["content-type"].startswith("application/problem+json")

    async def test_needs_the_service_token(self, client, engine):
        person = await add_person(engine)
        assert (await client.get(PATH.format(person["national_id"]))).status_code == 401
        wrong = {"Authorization": "Bearer not-the-token"}
        assert (await client.get(PATH.format(person["national_id"]), headers=wrong)).status_code == 401

    async def test_not_in_the_public_api(self, app):
        assert not [p for p in app.openapi()["paths"] if p.startswith("/internal")]


class TestRegistryPages:
    async def test_the_extract_page_by_page_with_family_links_and_no_names(self, client, engine, settings):
        token = {"Authorization": f"Bearer {settings.internal_token.get_secret_value()}"}
        mother = await add_person(engine, sex="female", governorate="32", marital_status="married")
        child = await add_person(engine, governorate="32", birth_date=date(2024, 2, 2), **{
            "mother_national_id": mother["national_id"]
        })  # fmt: skip
        others = [await add_person(engine, governorate="32") for _ in range(3)]
        seen: list[dict] = []
        cursor = None
        while True:
            params = {"governorate": "32", "limit": 2, **({"cursor": cursor} if cursor else {})}
            response = await client.get("/internal/registry/persons", params=params, headers=token)
            assert response.status_code == 200, response.text
            body = response.json()
            assert len(body["items"]) <= 2
            seen += body["items"]
            if not (cursor := body["next_cursor"]):
                break
        wanted = sorted(p["national_id"] for p in (mother, child, *others))
        assert [p["national_id"] for p in seen] == wanted
        row = next(p for p in seen if p["national_id"] == child["national_id"])
        assert (row["mother_national_id"], row["birth_date"], row["alive"]) == (
            mother["national_id"],
            "2024-02-02",
            True,
        )
        assert not {"full_name_ar", "first_name_ar", "address_ar"} & set(row)

    async def test_pages_need_the_service_token_and_sane_parameters(self, client, settings):
        token = {"Authorization": f"Bearer {settings.internal_token.get_secret_value()}"}
        assert (await client.get("/internal/registry/persons")).status_code == 401
        too_many = await client.get("/internal/registry/persons", params={"limit": 5000}, headers=token)
        assert too_many.status_code == 422
        bad = await client.get("/internal/registry/persons", params={"governorate": "x"}, headers=token)
        assert bad.status_code == 422
