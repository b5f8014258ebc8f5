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
