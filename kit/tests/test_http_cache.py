"""Conditional reads on every service built from a kit Manifest: an ETag over the body of
each JSON read, 304 without a body while it still matches, a route's own ETag respected."""

from __future__ import annotations

import uuid

import pytest
from fastapi import APIRouter, Request
from kit_support import create_schema, make_app, service_metadata

from kit.http_cache import cached_json
from kit.testing import running

STATE = {"card": {"members": 2}}


def reads() -> APIRouter:
    router = APIRouter()

    @router.get("/v1/card")
    async def card() -> dict[str, int]:
        return STATE["card"]

    @router.get("/v1/public")
    async def public(request: Request):  # type: ignore[no-untyped-def]
        return cached_json(request, {"fee": 5000}, max_age=60)

    @router.get("/v1/big")
    async def big() -> dict[str, str]:
        return {"blob": "x" * 2_000_000}

    @router.post("/v1/card")
    async def change() -> dict[str, int]:
        STATE["card"] = {"members": STATE["card"]["members"] + 1}
        return STATE["card"]

    return router


@pytest.fixture
async def client(pg_database, nats_server):
    url = pg_database()
    metadata, _ = service_metadata("svc_c")
    await create_schema(url, metadata)
    app = make_app(f"cache-{uuid.uuid4().hex[:6]}", url, nats_server.url, metadata, routers=(reads(),))
    async with running(app) as client:
        yield client


class TestConditionalReads:
    async def test_unchanged_is_304_without_a_body_and_changed_is_200(self, client):
        first = await client.get("/v1/card")
        etag = first.headers["etag"]
        assert first.headers["cache-control"] == "private, no-cache"  # personal data: revalidate, never shared
        again = await client.get("/v1/card", headers={"If-None-Match": etag})
        assert again.status_code == 304
        assert again.content == b""
        assert again.headers["etag"] == etag
        assert "x-request-id" in again.headers
        assert (await client.post("/v1/card")).status_code == 200
        changed = await client.get("/v1/card", headers={"If-None-Match": etag})
        assert changed.status_code == 200
        assert changed.json() == {"members": 3}
        assert changed.headers["etag"] != etag

    async def test_a_routes_own_etag_and_cache_control_are_kept(self, client):
        first = await client.get("/v1/public")
        assert first.headers["cache-control"] == "public, max-age=60"
        again = await client.get("/v1/public", headers={"If-None-Match": f'W/{first.headers["etag"]}, "other"'})
        assert again.status_code == 304
        assert again.content == b""

    async def test_problems_and_big_bodies_pass_untouched(self, client):
        missing = await client.get("/v1/nowhere", headers={"If-None-Match": "*"})
        assert missing.status_code == 404
        assert "etag" not in missing.headers
        big = await client.get("/v1/big")
        assert big.status_code == 200
        assert len(big.json()["blob"]) == 2_000_000
        assert "etag" not in big.headers

    async def test_the_openapi_document_declares_304_on_reads(self, client):
        paths = (await client.get("/openapi.json")).json()["paths"]
        assert "304" in paths["/v1/card"]["get"]["responses"]
        assert "304" not in paths["/v1/card"]["post"]["responses"]
