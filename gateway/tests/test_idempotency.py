"""`Idempotency-Key` on POST, stored in a real PostgreSQL (one migrated database for the module)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from conftest import GatewayFactory
from gateway_support import Counter, serving
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from test_upstream_client import chunked_in_pieces, scripted

from devstack.faultproxy import FaultProxy
from devstack.postgres import PostgresProcess
from gateway.idempotency.service import fingerprint, seal_clear_answers
from gateway.settings import Settings
from kit import db
from kit.clock import OffsetClock
from kit.migrations import upgrade_async
from kit.sealing import Sealer

GATEWAY_DIR = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
async def database_url(pg_server: PostgresProcess) -> AsyncIterator[str]:
    name = f"gateway_{secrets.token_hex(6)}"
    pg_server.create_database(name)
    url = pg_server.dsn(name, driver="postgresql+asyncpg")
    await upgrade_async(GATEWAY_DIR, url)
    yield url
    if pg_server.running:
        pg_server.drop_database(name)


@pytest.fixture(scope="module")
def counter() -> Counter:
    return Counter()


@pytest.fixture(scope="module")
async def counter_url(counter: Counter) -> AsyncIterator[str]:
    async with serving(counter.app()) as url:
        yield url


@pytest.fixture(scope="module")
def settings(counter_url: str, database_url: str) -> dict[str, Any]:
    return {"upstreams": {"t": counter_url}, "routes": {"/v1/things": "t"}, "database_url": database_url}


@pytest.fixture(scope="module")
async def client(gateway_at: GatewayFactory, settings: dict[str, Any]) -> AsyncIterator[httpx.AsyncClient]:
    async with gateway_at(**settings) as url, httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}) as c:
        yield c


def keyed(key: str | None = None, **headers: str) -> dict[str, str]:
    return {"Idempotency-Key": key or str(uuid.uuid4()), **headers}


class TestReplay:
    async def test_same_key_and_body_replays_the_first_answer(
        self, client: httpx.AsyncClient, counter: Counter
    ) -> None:
        headers = keyed()
        first = await client.post("/v1/things", json={"a": 1}, headers=headers)
        calls = len(counter.calls)
        again = await client.post("/v1/things", json={"a": 1}, headers=headers)
        assert first.status_code == again.status_code == 201
        assert again.json() == first.json()
        assert again.headers["location"] == first.headers["location"]
        assert again.headers["idempotent-replayed"] == "true"
        assert "idempotent-replayed" not in first.headers
        assert len(counter.calls) == calls  # the upstream saw it once

    async def test_the_key_reaches_the_upstream(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/things/echo", content=b"{}", headers=keyed("k-forwarded"))
        assert response.status_code == 200  # the catch-all answers; the header is end-to-end

    async def test_different_body_with_the_key_is_422(self, client: httpx.AsyncClient, counter: Counter) -> None:
        headers = keyed()
        await client.post("/v1/things", json={"a": 1}, headers=headers)
        calls = len(counter.calls)
        response = await client.post("/v1/things", json={"a": 2}, headers=headers)
        assert response.status_code == 422
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["code"] == "idempotency_key_reused"
        assert len(counter.calls) == calls

    async def test_keys_belong_to_one_caller(self, client: httpx.AsyncClient, counter: Counter) -> None:
        key = str(uuid.uuid4())
        mine = await client.post("/v1/things", json={}, headers=keyed(key, Authorization="Bearer token-a"))
        theirs = await client.post("/v1/things", json={}, headers=keyed(key, Authorization="Bearer token-b"))
        assert mine.json()["n"] != theirs.json()["n"]
        assert "idempotent-replayed" not in theirs.headers

    async def test_concurrent_duplicates_make_one_upstream_call(
        self, client: httpx.AsyncClient, counter: Counter
    ) -> None:
        headers = keyed()
        calls = len(counter.calls)
        answers = await asyncio.gather(
            *(client.post("/v1/things?delay=0.3", json={"same": True}, headers=headers) for _ in range(5))
        )
        assert len(counter.calls) == calls + 1
        assert {r.status_code for r in answers} == {201}
        assert len({r.json()["n"] for r in answers}) == 1
        assert sum(r.headers.get("idempotent-replayed") == "true" for r in answers) == 4

    async def test_server_errors_are_not_kept(self, client: httpx.AsyncClient, counter: Counter) -> None:
        headers = keyed()
        failed = await client.post("/v1/things", json={}, headers={**headers, "X-Want-Status": "500"})
        assert failed.status_code == 500
        retried = await client.post("/v1/things", json={}, headers=headers)
        assert retried.status_code == 201
        assert "idempotent-replayed" not in retried.headers

    async def test_bad_keys_are_422(self, client: httpx.AsyncClient) -> None:
        for key in ("x" * 256, "tab\there"):
            response = await client.post("/v1/things", json={}, headers={"Idempotency-Key": key})
            assert response.status_code == 422
            assert response.json()["errors"][0]["field"] == "header.Idempotency-Key"

    async def test_replays_survive_a_restart_and_work_across_replicas(
        self, client: httpx.AsyncClient, gateway_at: GatewayFactory, settings: dict[str, Any], counter: Counter
    ) -> None:
        headers = keyed()
        first = await client.post("/v1/things", json={"b": 2}, headers=headers)
        calls = len(counter.calls)
        async with gateway_at(**settings) as other, httpx.AsyncClient(base_url=other) as replica:
            again = await replica.post("/v1/things", json={"b": 2}, headers=headers)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert len(counter.calls) == calls

    async def test_a_key_is_forgotten_once_its_time_has_passed_on_the_gateways_clock(
        self, gateway_at: GatewayFactory, settings: dict[str, Any], counter: Counter
    ) -> None:
        clock, headers = OffsetClock(), keyed()
        async with gateway_at(**settings, clock=clock) as url, httpx.AsyncClient(base_url=url) as gateway:
            first = await gateway.post("/v1/things", json={"c": 3}, headers=headers)
            clock.advance(timedelta(seconds=Settings().idempotency_ttl_seconds - 60))
            again = await gateway.post("/v1/things", json={"c": 3}, headers=headers)
            calls = len(counter.calls)
            clock.advance(timedelta(seconds=61))  # a day after the first: the key has expired
            later = await gateway.post("/v1/things", json={"c": 3}, headers=headers)
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert "idempotent-replayed" not in later.headers
        assert len(counter.calls) == calls + 1
        assert later.json()["n"] != first.json()["n"]


class TestNothingInClear:
    """Answers are kept sealed: a sign-in replayed through its key keeps no token readable at rest."""

    async def rows(self, database_url: str, key: str) -> list[dict[str, Any]]:
        engine = create_async_engine(database_url)
        try:
            async with engine.connect() as conn:
                query = text("SELECT * FROM gateway.idempotent_requests WHERE key = :key")
                return [dict(row._mapping) for row in await conn.execute(query, {"key": key})]
        finally:
            await engine.dispose()

    async def test_a_replayed_sign_in_keeps_no_token_in_clear(
        self, client: httpx.AsyncClient, database_url: str, counter: Counter
    ) -> None:
        access, refresh = f"eyJ.access.{secrets.token_hex(16)}", f"{uuid.uuid4()}.{secrets.token_hex(16)}"
        body = {"access_token": access, "refresh_token": refresh}  # the upstream answers with the body it got
        key = str(uuid.uuid4())
        first = await client.post("/v1/things", json=body, headers=keyed(key))
        again = await client.post("/v1/things", json=body, headers=keyed(key))
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json() == first.json()
        assert access in again.text
        (row,) = await self.rows(database_url, key)
        assert row["sealed"] is True
        assert row["headers"] is None
        stored = repr(row).encode() + bytes(row["body"])
        for secret in (access, refresh, secrets_of(refresh)):
            assert secret.encode() not in stored
        assert b"/v1/things/" not in stored  # nor the answer's headers (Location)

    async def test_answers_stored_in_clear_before_are_sealed_on_replay_and_by_the_periodic_pass(
        self, client: httpx.AsyncClient, database_url: str
    ) -> None:
        keys, tokens = [str(uuid.uuid4()) for _ in range(2)], [f"legacy-{secrets.token_hex(16)}" for _ in range(2)]
        engine = create_async_engine(database_url)
        try:
            async with engine.begin() as conn:
                for key, token in zip(keys, tokens, strict=True):
                    await conn.execute(
                        text(
                            "INSERT INTO gateway.idempotent_requests (caller, key, fingerprint, method, path, status,"
                            " headers, body, created_at, locked_until, expires_at) VALUES ('anon:127.0.0.1', :key,"
                            " :fp, 'POST', '/v1/things', 201, CAST(:headers AS jsonb), :body, now(), now(),"
                            " now() + interval '1 day')"
                        ),
                        {
                            "key": key,
                            "fp": fingerprint("POST", "/v1/things", b"", b"{}"),
                            "headers": json.dumps([["content-type", "application/json"]]),
                            "body": json.dumps({"access_token": token}).encode(),
                        },
                    )
            replayed = await client.post("/v1/things", content=b"{}", headers=keyed(keys[0]))
            assert replayed.json() == {"access_token": tokens[0]}
            assert replayed.headers["content-type"] == "application/json"
            (first,) = await self.rows(database_url, keys[0])
            assert first["sealed"] is True
            sealer = Sealer(Settings().secrets_key.get_secret_value())  # the gateway's (development) key
            while await seal_clear_answers(db.sessionmaker(engine), sealer):
                pass
        finally:
            await engine.dispose()
        for key, token in zip(keys, tokens, strict=True):
            (row,) = await self.rows(database_url, key)
            assert row["sealed"] is True
            assert token.encode() not in bytes(row["body"])
        again = await client.post("/v1/things", content=b"{}", headers=keyed(keys[1]))
        assert again.json() == {"access_token": tokens[1]}


def secrets_of(refresh_token: str) -> str:
    return refresh_token.rsplit(".", 1)[-1]


class TestWithoutTheStore:
    async def test_store_down_is_503_and_plain_requests_still_pass(
        self, gateway_at: GatewayFactory, counter_url: str
    ) -> None:
        dead = "postgresql+asyncpg://postgres@127.0.0.1:1/none"
        async with (
            gateway_at(upstreams={"t": counter_url}, routes={"/v1/things": "t"}, database_url=dead) as url,
            httpx.AsyncClient(base_url=url) as c,
        ):
            keyed_response = await c.post("/v1/things", json={}, headers=keyed())
            plain = await c.post("/v1/things", json={})
        assert keyed_response.status_code == 503
        assert "postgres" not in keyed_response.text
        assert plain.status_code == 201  # the hot path needs no database


class TestStoreGoneMidRequest:
    async def test_the_key_is_released_once_the_store_is_back(
        self, gateway_at: GatewayFactory, counter_url: str, database_url: str
    ) -> None:
        """The gateway's database went away while the request was upstream, so its 500 could not
        release the key: the gateway keeps trying, and the client's retry is answered as soon as
        the database is back, not when the lock lapses (70 s) after the client waited for it."""
        url = make_url(database_url)
        with FaultProxy(url.host or "127.0.0.1", url.port or 5432) as link:
            through = url.set(port=link.port).render_as_string(hide_password=False)
            async with (
                gateway_at(upstreams={"t": counter_url}, routes={"/v1/things": "t"}, database_url=through) as gateway,
                httpx.AsyncClient(base_url=gateway, timeout=30) as c,
            ):
                headers = keyed()
                first = asyncio.create_task(
                    c.post("/v1/things?delay=1", json={}, headers={**headers, "X-Want-Status": "500"})
                )
                await asyncio.sleep(0.5)  # the key is held, the request is upstream
                link.cut()
                assert (await first).status_code == 500
                await asyncio.sleep(1.5)  # a try to release it failed meanwhile
                link.heal()
                began = time.monotonic()
                retried = await c.post("/v1/things?delay=1", json={}, headers=headers)
                waited = time.monotonic() - began
        assert retried.status_code == 201, retried.text
        assert waited < 8  # not the 11 s a key still locked makes a duplicate wait before its 409


class TestChunkedAnswers:
    async def test_an_answer_arriving_in_pieces_is_kept_and_replayed_whole(
        self, gateway_at: GatewayFactory, database_url: str
    ) -> None:
        expected = {"parts": ["x" * 3000, "y" * 3000]}
        async with (
            scripted(chunked_in_pieces) as up,
            gateway_at(upstreams={"svc": up.url}, routes={"/v1/svc": "svc"}, database_url=database_url) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            headers = {"Idempotency-Key": str(uuid.uuid4())}
            first = await client.post("/v1/svc/list", json={"page": 1}, headers=headers)
            again = await client.post("/v1/svc/list", json={"page": 1}, headers=headers)
        assert first.json() == expected
        assert again.json() == expected
        assert again.headers["idempotent-replayed"] == "true"
        assert len(up.requests) == 1
