"""Catalog quote throughput: signed quotes issued through catalog-svc's HTTP API.

Measured: `GET /v1/services/{code}/quote` (service, roll-out and tariff reads, Ed25519 signing,
the quote stored in its own committed transaction), 8 concurrent clients in-process over ASGI,
quotes/s. Baseline: `GET /v1/services/{code}` on the same app and database (the catalogue read
with its tariffs, no signing, no write), req/s.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import httpx

from bench.harness import Case, Env, Trial
from catalog.main import create_app
from catalog.settings import Settings
from kit.migrations import upgrade_async
from kit.testing import running

SERVICE_DIR = Path(__file__).resolve().parents[2] / "catalog-svc"
CONCURRENCY = 8
CODE = "civil.certificate.birth"


async def _hammer(client: httpx.AsyncClient, path: str, params: dict[str, str], n: int) -> float:
    async def worker(count: int) -> None:
        for _ in range(count):
            response = await client.get(path, params=params)
            if response.status_code != 200:
                raise RuntimeError(f"{path}: {response.status_code} {response.text[:200]}")

    per_worker = max(1, n // CONCURRENCY)
    start = time.perf_counter()
    await asyncio.gather(*(worker(per_worker) for _ in range(CONCURRENCY)))
    return per_worker * CONCURRENCY / (time.perf_counter() - start)


async def run(env: Env) -> Trial:
    n = max(200, min(env.events // 10, 4000))
    url = env.stack.new_database("catalog")
    await upgrade_async(SERVICE_DIR, url)
    settings = Settings(
        database_url=url, nats_url=env.stack.nats_url, environment="test", log_json=False, log_level="WARNING"
    )
    async with running(create_app(settings)) as client:
        quote_params = {"channel": "web", "method": "card", "governorate": "03"}
        await _hammer(client, f"/v1/services/{CODE}/quote", quote_params, CONCURRENCY * 4)  # warm up
        quotes = await _hammer(client, f"/v1/services/{CODE}/quote", quote_params, n)
        reads = await _hammer(client, f"/v1/services/{CODE}", {}, n)
    return Trial(measured=quotes, baseline=reads)


CASES = [
    Case(
        name="catalog_quote_throughput",
        summary="signed quotes issued and stored via the API vs the catalogue detail read on the same app",
        unit="req/s",
        target=None,
        run=run,
    )
]
