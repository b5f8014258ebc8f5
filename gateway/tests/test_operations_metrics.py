"""What operators watch at the gateway (the generated alerts of deploy/ watch it): rate-limit refusals and
each upstream's circuit, as the gateway's own /metrics shows them."""

from __future__ import annotations

import httpx
from conftest import GatewayFactory
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families


def sample(text: str, name: str, **labels: str) -> float | None:
    for family in text_string_to_metric_families(text):
        for found in family.samples:
            if found.name == name and all(found.labels.get(k) == v for k, v in labels.items()):
                return found.value
    return None


def current(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


class TestRateLimitRefusals:
    async def test_each_refusal_is_counted_by_its_limit(self, gateway_at: GatewayFactory) -> None:
        before = current("rate_limit_refusals_total", service="gateway", limit="addr")
        async with gateway_at(rate_address={"count": 2, "seconds": 60}) as url, httpx.AsyncClient(base_url=url) as c:
            statuses = [(await c.get("/v1/services")).status_code for _ in range(4)]
            scraped = (await c.get("/metrics")).text
        assert statuses == [200, 200, 429, 429]
        assert sample(scraped, "rate_limit_refusals_total", service="gateway", limit="addr") == before + 2


class TestBreakerState:
    async def test_an_unreachable_upstream_opens_its_circuit_and_the_others_stay_closed(
        self, gateway_at: GatewayFactory
    ) -> None:
        opened = current("gateway_breaker_opened_total", upstream="ghost")
        async with (
            gateway_at(breaker_failures=2, breaker_open_seconds=60, upstream_retries=0) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            closed = (await client.get("/metrics")).text
            assert sample(closed, "gateway_breaker_state", upstream="ghost", state="closed") == 1.0
            assert [(await client.get("/v1/ghost/x")).status_code for _ in range(3)] == [503, 503, 503]
            scraped = (await client.get("/metrics")).text
        assert sample(scraped, "gateway_breaker_state", upstream="ghost", state="open") == 1.0
        assert sample(scraped, "gateway_breaker_state", upstream="ghost", state="closed") == 0.0
        assert sample(scraped, "gateway_breaker_state", upstream="catalog", state="closed") == 1.0
        assert sample(scraped, "gateway_breaker_opened_total", upstream="ghost") == opened + 1  # once, not per 503
