"""The upstream client's connection handling, against scripted HTTP/1.1 upstreams (raw sockets,
so each answer is exactly as written): stale keep-alive connections, chunked and until-close
answers, answers that break off, the bound on connections and idle connections closing. Every
test runs with each client (conftest)."""

from __future__ import annotations

import asyncio
import time

import httpx
import pytest
from conftest import GatewayFactory
from gateway_support import Upstream, answer, chunked_in_pieces, read_request, scripted


def routed(upstream: Upstream, **settings: object) -> dict[str, object]:
    return {"upstreams": {"svc": upstream.url}, "routes": {"/v1/svc": "svc"}, **settings}


async def first_answered_then_dropped(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
    """Each connection answers its first request, then drops the next one unanswered: a
    keep-alive connection the server closed while it was idle in the gateway's pool."""
    if await read_request(reader, up) is None:
        return
    writer.write(answer(b'{"n": %d}' % up.connections))
    await writer.drain()
    await read_request(reader, up)


class TestStaleConnections:
    async def test_an_idempotent_request_is_sent_again_once_on_a_new_connection(
        self, gateway_at: GatewayFactory
    ) -> None:
        async with (
            scripted(first_answered_then_dropped) as up,
            gateway_at(**routed(up, upstream_retries=0)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            assert (await client.get("/v1/svc/a")).json() == {"n": 1}
            second = await client.get("/v1/svc/b")
            assert second.status_code == 200
            assert second.json() == {"n": 2}  # answered on a second connection
            assert [r.split(b" ")[1] for r in up.requests] == [b"/v1/svc/a", b"/v1/svc/b", b"/v1/svc/b"]

    async def test_a_post_that_may_have_been_received_is_never_sent_again(self, gateway_at: GatewayFactory) -> None:
        async with (
            scripted(first_answered_then_dropped) as up,
            gateway_at(**routed(up, upstream_retries=2, breaker_failures=100)) as url,
            httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}) as client,
        ):
            assert (await client.get("/v1/svc/a")).status_code == 200
            response = await client.post("/v1/svc/pay", content=b'{"amount": 5}')
            assert response.status_code == 503
            assert response.json()["code"] == "service_unavailable"
            assert response.headers["retry-after"] == "1"
            posts = [r for r in up.requests if r.startswith(b"POST ")]
            assert len(posts) == 1
            assert posts[0].endswith(b'{"amount": 5}')


class TestAnswers:
    async def test_a_chunked_answer_arrives_whole_and_the_connection_is_kept(self, gateway_at: GatewayFactory) -> None:
        async with (
            scripted(chunked_in_pieces) as up,
            gateway_at(**routed(up)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            for _ in range(2):
                response = await client.get("/v1/svc/list")
                assert response.status_code == 200
                assert response.json() == {"parts": ["x" * 3000, "y" * 3000]}
            assert up.connections == 1

    async def test_an_answer_without_length_ends_with_its_connection(self, gateway_at: GatewayFactory) -> None:
        async def http_1_0(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
            if await read_request(reader, up) is not None:
                writer.write(b"HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end")
                await writer.drain()

        async with (
            scripted(http_1_0) as up,
            gateway_at(**routed(up)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            for _ in range(2):
                response = await client.get("/v1/svc/old")
                assert (response.status_code, response.text) == (200, "until the end")
            assert up.connections == 2

    async def test_an_answer_to_head_has_no_body_whatever_its_length(self, gateway_at: GatewayFactory) -> None:
        async def heads(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
            while (request := await read_request(reader, up)) is not None:
                if request.startswith(b"HEAD "):
                    writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 12\r\n\r\n")
                else:
                    writer.write(answer(b'{"got": true}'))
                await writer.drain()

        async with (
            scripted(heads) as up,
            gateway_at(**routed(up)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            head = await client.head("/v1/svc/doc")
            assert (head.status_code, head.headers["content-length"], head.content) == (200, "12", b"")
            assert (await client.get("/v1/svc/doc")).json() == {"got": True}  # not read as the HEAD's body

    async def test_connection_close_is_honoured(self, gateway_at: GatewayFactory) -> None:
        async def closing(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
            if await read_request(reader, up) is not None:
                writer.write(answer(b'{"ok": true}', extra=b"Connection: close\r\n"))
                await writer.drain()
                await asyncio.sleep(0.5)  # closes only later: the gateway must not send another request here

        async with (
            scripted(closing) as up,
            gateway_at(**routed(up)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            for _ in range(3):
                assert (await client.get("/v1/svc/once")).json() == {"ok": True}
            assert (up.connections, len(up.requests)) == (3, 3)

    async def test_an_answer_breaking_off_mid_body_is_not_passed_on_as_complete(
        self, gateway_at: GatewayFactory
    ) -> None:
        async def breaking(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
            if await read_request(reader, up) is not None:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"z" * 70_000)
                await writer.drain()

        async with (
            scripted(breaking) as up,
            gateway_at(**routed(up)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/v1/svc/big")
            assert up.connections == 1

    async def test_an_answer_stalling_mid_body_is_cut_after_the_read_timeout(self, gateway_at: GatewayFactory) -> None:
        async def stalling(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
            if await read_request(reader, up) is not None:
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n" + b"z" * 70_000)
                await writer.drain()
                await asyncio.sleep(3)

        async with (
            scripted(stalling) as up,
            gateway_at(**routed(up, upstream_timeout_seconds=0.3)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            started = time.perf_counter()
            with pytest.raises(httpx.RemoteProtocolError):
                await client.get("/v1/svc/stalls")
            assert time.perf_counter() - started < 2


class TestPool:
    async def test_connections_per_upstream_are_bounded(self, gateway_at: GatewayFactory) -> None:
        async def slow(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
            while await read_request(reader, up) is not None:
                await asyncio.sleep(0.1)
                writer.write(answer())
                await writer.drain()

        async with (
            scripted(slow) as up,
            gateway_at(**routed(up, upstream_connections_per_host=2, shed_max_in_flight=0)) as url,
            httpx.AsyncClient(base_url=url, timeout=10) as client,
        ):
            responses = await asyncio.gather(*(client.get(f"/v1/svc/{i}") for i in range(6)))
            assert [r.status_code for r in responses] == [200] * 6
            assert up.most_open == 2
            assert len(up.requests) == 6

    async def test_idle_connections_close_before_the_services_keep_alive(self, gateway_at: GatewayFactory) -> None:
        async def serving(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
            while await read_request(reader, up) is not None:
                writer.write(answer())
                await writer.drain()

        async with (
            scripted(serving) as up,
            gateway_at(**routed(up, upstream_idle_seconds=0.3)) as url,
            httpx.AsyncClient(base_url=url) as client,
        ):
            assert (await client.get("/v1/svc/a")).status_code == 200
            for _ in range(100):
                if up.closed_by_peer:
                    break
                await asyncio.sleep(0.05)
            assert up.closed_by_peer == 1  # the gateway closed it
            assert (await client.get("/v1/svc/b")).status_code == 200
            assert up.connections == 2
