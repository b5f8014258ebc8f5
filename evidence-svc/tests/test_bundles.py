"""The `bundles` routes: a citizen's own only, a limit that holds, clear errors."""

from __future__ import annotations

import asyncio

import httpx

from kit.testing import TokenIssuer

URL = "/v1/evidence/bundles"


class TestCreate:
    async def test_created_then_listed_and_read_by_its_owner_only(
        self, client: httpx.AsyncClient, identity: TokenIssuer
    ) -> None:
        me, other = identity.citizen(), identity.citizen()
        created = await client.post(URL, json={"subject": "شهادة"}, headers=me)
        assert created.status_code == 201
        mine = (await client.get(URL, headers=me)).json()
        assert [x["id"] for x in mine["items"]] == [created.json()["id"]]
        assert (await client.get(f"{URL}/{created.json()['id']}", headers=other)).status_code == 404

    async def test_bad_input_names_the_field(self, client: httpx.AsyncClient, identity: TokenIssuer) -> None:
        headers = {**identity.citizen(), "Accept-Language": "en"}
        refused = await client.post(URL, json={"subject": ""}, headers=headers)
        assert refused.status_code == 422
        assert refused.headers["content-type"].startswith("application/problem+json")
        assert refused.json()["errors"][0]["field"] == "body.subject"

    async def test_the_open_limit_holds_under_concurrency(
        self, client: httpx.AsyncClient, identity: TokenIssuer
    ) -> None:
        me = identity.citizen()
        posts = (client.post(URL, json={"subject": f"n{i}"}, headers=me) for i in range(30))
        answers = await asyncio.gather(*posts)
        assert sorted({a.status_code for a in answers}) == [201, 409]
        assert sum(a.status_code == 201 for a in answers) == 20
