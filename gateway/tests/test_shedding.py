"""Load shedding: bounded requests in flight per upstream and a bounded wait, then a fast 503."""

from __future__ import annotations

import asyncio

import httpx
import pytest
from conftest import GatewayFactory

from gateway.shedding import SHED, Bulkhead


class TestBulkhead:
    async def test_slots_queue_and_handover(self) -> None:
        bulkhead = Bulkhead("unit-a", limit=2, max_wait=5, max_queue=1)
        assert await bulkhead.enter()
        assert await bulkhead.enter()
        waiting = asyncio.create_task(bulkhead.enter())
        await asyncio.sleep(0.01)
        assert not await bulkhead.enter()  # the queue is full: shed at once
        bulkhead.leave()  # the waiter gets this slot
        assert await waiting is True
        assert bulkhead.in_flight == 2
        for _ in range(2):
            bulkhead.leave()
        assert bulkhead.in_flight == 0

    async def test_the_wait_is_bounded_and_a_cancelled_waiter_leaks_no_slot(self) -> None:
        bulkhead = Bulkhead("unit-b", limit=1, max_wait=0.05, max_queue=5)
        assert await bulkhead.enter()
        assert await bulkhead.enter() is False  # waited 50 ms, then shed
        cancelled = asyncio.create_task(bulkhead.enter())
        await asyncio.sleep(0.01)
        cancelled.cancel()
        with pytest.raises(asyncio.CancelledError):
            await cancelled
        bulkhead.leave()
        assert bulkhead.in_flight == 0
        assert await bulkhead.enter()  # nothing was held by the cancelled waiter

    async def test_limit_zero_turns_shedding_off(self) -> None:
        bulkhead = Bulkhead("unit-c", limit=0, max_wait=0, max_queue=0)
        assert all([await bulkhead.enter() for _ in range(1000)])


class TestThroughTheGateway:
    async def test_a_saturated_upstream_sheds_with_503_retry_after_while_others_are_served(
        self, gateway_at: GatewayFactory
    ) -> None:
        async with (
            gateway_at(shed_max_in_flight=2, shed_max_queue=1, shed_max_wait_seconds=0.2) as url,
            httpx.AsyncClient(base_url=url, timeout=10, headers={"Accept-Language": "en"}) as client,
        ):
            shed_before = SHED.labels(upstream="catalog")._value.get()
            busy = [asyncio.create_task(client.get("/v1/slow/1.5")) for _ in range(2)]
            await asyncio.sleep(0.3)  # both slots taken
            refused = await asyncio.gather(*(client.get("/v1/slow/1.5") for _ in range(4)))
            # refused after the bounded wait, while the slow ones are still being answered
            assert not any(task.done() for task in busy)
            other = await client.get("/v1/documents/1")  # notary: its own slots
            served = await asyncio.gather(*busy)
            shed = SHED.labels(upstream="catalog")._value.get() - shed_before
        assert [r.status_code for r in served] == [200, 200]
        assert [r.status_code for r in refused] == [503] * 4
        for response in refused:
            assert response.headers["content-type"] == "application/problem+json"
            assert response.headers["retry-after"] == "1"
            assert response.json()["code"] == "service_busy"
            assert response.json()["title"] == "Service busy"
        assert other.status_code == 200
        assert shed == 4
