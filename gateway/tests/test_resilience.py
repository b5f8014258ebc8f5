"""A killed upstream process, the circuit breaker, and bounded retries of idempotent calls."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import textwrap

import httpx
from conftest import GatewayFactory
from gateway_support import hanging_up

from devstack.ports import free_port, port_open

UPSTREAM = textwrap.dedent(
    """
    import sys, uvicorn
    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/v1/svc/{item}")
    async def item(item: str) -> dict:
        return {"item": item}

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning")
    """
)


def start_upstream(port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-c", UPSTREAM, str(port)])


async def wait_listening(port: int, process: subprocess.Popen[bytes]) -> None:
    for _ in range(600):
        if port_open("127.0.0.1", port):
            return
        assert process.poll() is None, "the upstream process died"
        await asyncio.sleep(0.05)
    raise AssertionError("the upstream did not start")


class TestCircuitBreaker:
    async def test_killed_upstream_fails_fast_then_recovers(self, gateway_at: GatewayFactory) -> None:
        port = free_port()
        upstream = start_upstream(port)
        try:
            await wait_listening(port, upstream)
            async with (
                gateway_at(
                    upstreams={"svc": f"http://127.0.0.1:{port}"},
                    routes={"/v1/svc": "svc"},
                    breaker_failures=3,
                    breaker_open_seconds=5,
                ) as url,
                httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}) as client,
            ):
                assert (await client.get("/v1/svc/a")).status_code == 200
                upstream.send_signal(signal.SIGKILL)
                upstream.wait(10)
                failures = [await client.get("/v1/svc/a") for _ in range(3)]
                assert [r.status_code for r in failures] == [503, 503, 503]
                for response in failures:
                    assert response.headers["content-type"] == "application/problem+json"
                    assert response.json()["code"] == "service_unavailable"
                    assert str(port) not in response.text
                    assert "127.0.0.1" not in response.text

                # Open: a listener on the port now would see a connection if the gateway tried.
                async with hanging_up(port) as accepted:
                    fast = await client.get("/v1/svc/a")
                    assert fast.status_code == 503
                    assert fast.json()["code"] == "service_unavailable"
                    assert 1 <= int(fast.headers["retry-after"]) <= 5
                    assert accepted == []  # answered without touching the upstream

                upstream = start_upstream(port)  # the service comes back
                await wait_listening(port, upstream)
                statuses = []
                for _ in range(200):  # half-open after 5 s: a probe gets through and closes it
                    response = await client.get("/v1/svc/b")
                    statuses.append(response.status_code)
                    if response.status_code == 200:
                        break
                    await asyncio.sleep(0.1)
                assert statuses[-1] == 200
                assert set(statuses[:-1]) <= {503}
                assert response.json() == {"item": "b"}
                assert (await client.get("/v1/svc/c")).status_code == 200  # closed again
        finally:
            upstream.kill()
            upstream.wait(10)


class TestRetries:
    async def test_idempotent_methods_retry_connection_errors_a_bounded_number_of_times(
        self, gateway_at: GatewayFactory
    ) -> None:
        port = free_port()
        async with (
            hanging_up(port) as accepted,
            gateway_at(
                upstreams={"svc": f"http://127.0.0.1:{port}"},
                routes={"/v1/svc": "svc"},
                upstream_retries=2,
                breaker_failures=100,
            ) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            response = await client.get("/v1/svc/a")
            assert response.status_code == 503
            gets = len(accepted)
            response = await client.post("/v1/svc/a", json={"pay": 1})
            assert response.status_code == 503
            posts = len(accepted) - gets
        # Three tries (the first and two retries); aiohttp repeats each once when a connection
        # drops before any answer (RFC 9112 §9.3.1, meant for stale keep-alive connections).
        assert gets == 3 * 2
        assert posts == 1  # never repeated: the upstream may have acted on it

    async def test_timeouts_are_not_retried(self, gateway_at: GatewayFactory, catalog_url: str) -> None:
        async with (
            gateway_at(upstream_timeout_seconds=0.2, upstream_retries=2) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            response = await client.get("/v1/slow/1")
            assert response.status_code == 504
