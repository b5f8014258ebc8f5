"""payment-svc throughput, in-process over HTTP (ASGI) against the bench's PostgreSQL and NATS.

`payment_create_confirm`: N card payments, 16 at a time, each `POST /v1/payments` (signed
quote verified, idempotency, outbox event) then `POST /v1/payments/{id}/confirm` (acquirer
session, audit row), payments/s. `payment_notifications`: N signed `payment.succeeded`
notifications for N confirmed intents, 16 at a time (signature, once-only log, capture,
ledger entry, receipt number, outbox event), notifications/s.

Baseline for both: the same number of units of the cheapest durable work, 16 at a time on the
same database: one committed transaction inserting one row (two per payment for
create+confirm, which commits twice). Ratios show the price of everything payment-svc adds.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from sqlalchemy import text

import kit.db as db
from bench.harness import Case, Env, Trial
from kit.auth import Issuer, JWKSCache, TokenVerifier
from kit.migrations import upgrade_async
from kit.runtime import Runtime
from kit.testing import running, trust
from payment.manifest import manifest
from payment.providers import signing
from payment.quotes.service import QuoteVerifier
from payment.resources import Resources, build_resources
from payment.settings import Settings

SERVICE_DIR = Path(__file__).resolve().parents[2] / "payment-svc"
CONCURRENCY = 16
KEY = Ed25519PrivateKey.generate()


def _size(env: Env) -> int:
    return max(100, env.events // 20)


def _sign(claims: dict[str, Any]) -> str:
    now = int(time.time())
    return jwt.encode({"iat": now, "exp": now + 3600, **claims}, KEY, algorithm="EdDSA", headers={"kid": "b1"})


def _cache(path: str) -> JWKSCache:
    keys_app = FastAPI()
    jwk = {**json.loads(OKPAlgorithm.to_jwk(KEY.public_key())), "kid": "b1", "alg": "EdDSA"}
    keys_app.get(path)(lambda: {"keys": [jwk]})
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=keys_app), base_url="http://keys")
    return JWKSCache(f"http://keys{path}", http)


def _quote(order_ref: str, citizen_id: str) -> str:
    """The quote catalog issues to the order's service, bound to the order and its citizen."""
    line = {"code": "base_fee", "amount_piastres": 15000, "label_ar": "الرسم", "label_en": "Fee"}
    return _sign(
        {"iss": "shubbak-catalog", "aud": "shubbak-payment", "jti": str(uuid.uuid4()),
         "order_ref": order_ref, "sub": citizen_id,
         "service_code": "notary.poa.general", "channel": "web", "method": "card", "governorate": "03",
         "tariff_version": 1, "currency": "EGP",
         "total_piastres": 15000, "lines": [line]}
    )  # fmt: skip


async def _pool(n: int, work: Any) -> float:
    """Run work(i) for i < n, CONCURRENCY at a time; units per second."""
    queue = iter(range(n))

    async def worker() -> None:
        for i in queue:
            await work(i)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(CONCURRENCY)))
    return n / (time.perf_counter() - start)


async def _baseline(url: str, units: int) -> float:
    engine = db.create_engine(url, pool_size=CONCURRENCY)
    async with engine.begin() as conn:
        await conn.execute(text("CREATE TABLE IF NOT EXISTS bench_unit (id uuid PRIMARY KEY, body text)"))

    async def one(_: int) -> None:
        async with engine.begin() as conn:
            await conn.execute(text("INSERT INTO bench_unit VALUES (:id, :b)"), {"id": uuid.uuid4(), "b": "x" * 200})

    try:
        return await _pool(units, one)
    finally:
        await engine.dispose()


async def _app(env: Env) -> tuple[FastAPI, str]:
    url = await asyncio.to_thread(env.stack.new_database, "bench_payment")
    await upgrade_async(SERVICE_DIR, url)
    settings = Settings(
        database_url=url, nats_url=env.stack.nats_url, environment="test", log_json=False, log_level="WARNING",
        db_pool_size=CONCURRENCY, sandbox_callback_url="http://payment", sandbox_delay_seconds=0,
        expiry_sweep_seconds=3600,
    )  # fmt: skip
    return replace(manifest, build_resources=_with_catalog_keys).create_app(settings), url


async def _with_catalog_keys(runtime: Runtime[Settings]) -> Resources:
    """payment-svc's resources, verifying quotes with the bench's stand-in for catalog's keys."""
    built = await build_resources(runtime)
    quotes = QuoteVerifier(_cache("/quotes"), issuer="shubbak-catalog", audience="shubbak-payment")
    return replace(built, quotes=quotes)


def _wire(app: FastAPI) -> tuple[str, dict[str, str]]:
    """Trust the bench's identity key; one citizen: their id and headers."""
    trust(app, TokenVerifier(_cache("/jwks"), issuer="shubbak-identity", audience="shubbak", issued_by=Issuer.IDENTITY))
    sub = str(uuid.uuid4())
    token = _sign({"iss": "shubbak-identity", "aud": "shubbak", "sub": sub, "typ": "citizen"})
    return sub, {"Authorization": f"Bearer {token}"}


async def _create_confirm(client: httpx.AsyncClient, citizen: tuple[str, dict[str, str]], i: int) -> dict[str, Any]:
    citizen_id, headers = citizen
    order_id = f"bench-{i}-{uuid.uuid4().hex[:6]}"
    body = {"owner_service": "notary", "order_id": order_id, "quote": _quote(f"notary:{order_id}", citizen_id)}
    created = await client.post(
        "/v1/payments", json=body, headers={**headers, "Idempotency-Key": f"bench-{uuid.uuid4()}"}
    )
    assert created.status_code == 201, created.text
    confirmed = await client.post(f"/v1/payments/{created.json()['id']}/confirm", json={}, headers=headers)
    assert confirmed.status_code == 200, confirmed.text
    return confirmed.json()


async def run_create_confirm(env: Env) -> Trial:
    n = _size(env)
    app, url = await _app(env)
    async with running(app) as client:
        citizen = _wire(app)
        measured = await _pool(n, lambda i: _create_confirm(client, citizen, i))
    return Trial(measured=measured, baseline=await _baseline(url, 2 * n) / 2)


async def run_notifications(env: Env) -> Trial:
    n = _size(env)
    app, url = await _app(env)
    async with running(app) as client:
        citizen = _wire(app)
        secret = Settings(environment="test").notification_secret("card")
        intents: list[dict[str, Any]] = [{}] * n

        async def prepare(i: int) -> None:
            intents[i] = await _create_confirm(client, citizen, i)

        await _pool(n, prepare)
        bodies = [
            json.dumps(
                {
                    "id": f"evt_{uuid.uuid4().hex}",
                    "type": "payment.succeeded",
                    "reference": it["provider_reference"],
                    "occurred_at": datetime.now(UTC).isoformat(),
                    "transaction_id": f"tx_{uuid.uuid4().hex[:16]}",
                    "amount_piastres": it["amount_piastres"],
                    "currency": "EGP",
                }
            ).encode()
            for it in intents
        ]

        async def notify(i: int) -> None:
            header = signing.sign(secret, bodies[i], int(time.time()))
            response = await client.post(
                "/v1/provider-notifications/card", content=bodies[i], headers={signing.HEADER: header}
            )
            assert response.json()["outcome"] == "succeeded", response.text

        measured = await _pool(n, notify)
    return Trial(measured=measured, baseline=await _baseline(url, n))


CASES = [
    Case(
        name="payment_create_confirm",
        summary="card payments created and confirmed over HTTP, 16 at a time (vs one-row commits, 2 per payment)",
        unit="payments/s",
        target=None,
        run=run_create_confirm,
    ),
    Case(
        name="payment_notifications",
        summary="signed provider notifications applied over HTTP, 16 at a time (vs one-row commits)",
        unit="notifications/s",
        target=None,
        run=run_notifications,
    ),
]
