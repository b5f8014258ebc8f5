from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
from conftest import MAX_BODY, GatewayFactory
from gateway_support import BIG_BYTES, big_body
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind


def received(response: httpx.Response) -> dict[str, Any]:
    assert response.status_code < 500, response.text
    body: dict[str, Any] = response.json()
    body["headers"] = dict(body["headers"])
    return body


class TestRouting:
    async def test_longest_prefix_wins(self, client: httpx.AsyncClient) -> None:
        assert received(await client.get("/v1/services/special/e/echo"))["service"] == "notary"
        assert received(await client.get("/v1/services/specialx/echo"))["service"] == "catalog"
        assert received(await client.get("/v1/services/7/echo"))["service"] == "catalog"
        assert received(await client.get("/v1/documents/e/echo"))["service"] == "notary"

    async def test_unknown_path_is_a_problem_in_arabic_by_default(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/nowhere")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert (body["code"], body["title"], body["instance"]) == ("not_found", "غير موجود", "/v1/nowhere")
        assert body["request_id"] == response.headers["x-request-id"]

    async def test_unknown_path_in_english(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/servicesx", headers={"Accept-Language": "en-GB,en;q=0.9"})
        assert response.status_code == 404
        assert response.json()["title"] == "Not found"
        assert response.headers["content-language"] == "en"

    async def test_dot_segments_are_not_routed(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/services/%2E%2E/%2E%2E/internal/stats")
        assert response.status_code == 404
        assert response.json()["code"] == "not_found"


class TestPassThrough:
    async def test_method_query_body_status_and_headers(self, client: httpx.AsyncClient) -> None:
        response = await client.patch(
            "/v1/services/7/echo?a=1&b=%C3%A9&a=2",
            content=b'{"x": 1}',
            headers={"Content-Type": "application/json", "X-Want-Status": "202", "X-Custom": "kept"},
        )
        assert response.status_code == 202
        seen = received(response)
        assert (seen["method"], seen["path"], seen["query"]) == ("PATCH", "/v1/services/7/echo", "a=1&b=%C3%A9&a=2")
        assert seen["body"] == '{"x": 1}'
        assert seen["headers"]["content-type"] == "application/json"
        assert seen["headers"]["x-custom"] == "kept"
        assert response.headers["x-upstream"] == "catalog"
        assert response.headers["set-cookie"] == "upstream=1; Path=/"

    async def test_the_shared_client_keeps_no_cookies(self, client: httpx.AsyncClient) -> None:
        await client.get("/v1/services/e/echo", cookies=None)
        async with httpx.AsyncClient(base_url=str(client.base_url)) as stranger:
            seen = received(await stranger.get("/v1/services/e/echo"))["headers"]
        assert "cookie" not in seen

    async def test_hop_by_hop_headers_are_dropped_both_ways(self, client: httpx.AsyncClient) -> None:
        response = await client.get(
            "/v1/services/e/echo",
            headers={
                "Connection": "keep-alive, x-hop-request",
                "X-Hop-Request": "1",
                "Keep-Alive": "timeout=5",
                "Proxy-Authorization": "Basic abc",
                "TE": "trailers",
                "Upgrade": "h2c",
            },
        )
        seen = received(response)["headers"]
        for name in ("x-hop-request", "keep-alive", "proxy-authorization", "te", "upgrade"):
            assert name not in seen
        assert seen["x-forwarded-proto"] == "http"
        assert seen["x-forwarded-for"] == "127.0.0.1"
        for name in ("keep-alive", "proxy-authenticate", "x-hop-response"):
            assert name not in response.headers
        assert len(response.headers.get_list("date")) == 1
        assert len(response.headers.get_list("x-request-id")) == 1
        assert len(response.headers.get_list("server")) <= 1  # the upstream's is dropped

    async def test_host_is_the_upstreams(self, client: httpx.AsyncClient, catalog_url: str) -> None:
        seen = received(await client.get("/v1/services/e/echo"))["headers"]
        assert seen["host"] == httpx.URL(catalog_url).netloc.decode()
        assert seen["x-forwarded-host"] == httpx.URL(str(client.base_url)).netloc.decode()

    async def test_language_and_request_id_reach_the_upstream(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/services/e/echo", headers={"Accept-Language": "en", "X-Request-ID": "req-123"})
        seen = received(response)["headers"]
        assert seen["accept-language"] == "en"
        assert seen["x-request-id"] == "req-123" == response.headers["x-request-id"]

    async def test_a_request_id_is_made_when_missing(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/v1/services/e/echo")
        assert received(response)["headers"]["x-request-id"] == response.headers["x-request-id"]

    async def test_large_bodies_stream_both_ways(self, gateway_at: GatewayFactory) -> None:
        payload = big_body()

        async def chunks() -> AsyncIterator[bytes]:
            for start in range(0, len(payload), 100_000):
                yield payload[start : start + 100_000]

        async with gateway_at(max_body_bytes=10 * 1024 * 1024) as url, httpx.AsyncClient(base_url=url) as c:
            seen = received(await c.post("/v1/services/e/upload", content=chunks()))
            assert seen["body_length"] == BIG_BYTES
            assert seen["body_sha256"] == hashlib.sha256(payload).hexdigest()
            download = await c.get("/v1/services/e/big")
            assert download.status_code == 200
            assert download.content == payload


class TestTracing:
    async def test_upstream_gets_the_gateways_span_as_parent(
        self, client: httpx.AsyncClient, spans: InMemorySpanExporter
    ) -> None:
        client_trace, client_span = secrets.token_hex(16), secrets.token_hex(8)  # this run's (once per client)
        traceparent = f"00-{client_trace}-{client_span}-01"
        response = await client.get("/v1/services/e/echo", headers={"traceparent": traceparent})
        seen = received(response)["headers"]
        _, trace_id, parent_id, _ = seen["traceparent"].split("-")
        finished = spans.get_finished_spans()
        (gateway_span,) = [s for s in finished if s.parent is not None and s.parent.span_id == int(client_span, 16)]
        assert gateway_span.kind == SpanKind.SERVER
        assert gateway_span.name == "GET /v1/services"
        gateway_span_id = gateway_span.context.span_id
        assert trace_id == client_trace  # the gateway continues the client's trace...
        (upstream_call,) = [s for s in finished if s.parent is not None and s.parent.span_id == gateway_span_id]
        assert upstream_call.kind == SpanKind.CLIENT  # ...its call to the upstream is a client span...
        assert parent_id == format(upstream_call.context.span_id, "016x")  # ...which the upstream continues
        called = upstream_call.context.span_id
        upstream_spans = [s for s in finished if s.parent is not None and s.parent.span_id == called]
        assert [s.name for s in upstream_spans] == ["GET /{path}"]  # FastAPI's own span in the upstream

    async def test_a_trace_starts_at_the_gateway(self, client: httpx.AsyncClient) -> None:
        seen = received(await client.get("/v1/services/e/echo"))["headers"]
        assert seen["traceparent"].startswith("00-")


class TestFailures:
    async def test_upstream_down_is_503_quickly_without_internals(
        self, client: httpx.AsyncClient, dead_url: str
    ) -> None:
        started = time.perf_counter()
        response = await client.get("/v1/ghost/anything", headers={"Accept-Language": "en"})
        assert time.perf_counter() - started < 1.0
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        body = response.json()
        assert body["code"] == "service_unavailable"
        assert body["title"] == "Service unavailable"
        port = dead_url.rsplit(":", 1)[1]
        assert "127.0.0.1" not in response.text
        assert port not in response.text
        assert "Connect" not in response.text

    async def test_slow_upstream_is_504(self, gateway_at: GatewayFactory) -> None:
        async with gateway_at(upstream_timeout_seconds=0.3) as url, httpx.AsyncClient(base_url=url) as c:
            started = time.perf_counter()
            response = await c.get("/v1/slow/2")
            assert time.perf_counter() - started < 1.5
            assert response.status_code == 504
            assert response.json()["code"] == "gateway_timeout"
            assert "127.0.0.1" not in response.text

    async def test_declared_body_over_limit_is_413(self, client: httpx.AsyncClient) -> None:
        response = await client.post("/v1/services/e/echo", content=b"x" * (MAX_BODY + 1))
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"

    async def test_streamed_body_over_limit_is_413(self, client: httpx.AsyncClient) -> None:
        async def chunks() -> AsyncIterator[bytes]:
            for _ in range(4):
                yield b"x" * (MAX_BODY // 2)

        response = await client.post("/v1/services/e/echo", content=chunks())
        assert response.status_code == 413
        assert response.json()["code"] == "payload_too_large"
        assert received(await client.get("/v1/services/e/echo"))["service"] == "catalog"  # still serving

    async def test_text_is_checked_by_the_service_that_keeps_it_not_twice(self, client: httpx.AsyncClient) -> None:
        """kit's middleware checks the gateway's own routes; proxied bodies are checked by the
        service (kit's middleware there too), not a second time on the gateway's hot path."""
        body = {"conditions": ["لا يجوز البيع \u202eعيبلا\u202c"]}
        proxied = await client.post("/v1/services/9/echo", json=body)
        assert (proxied.status_code, proxied.headers["x-upstream"]) == (200, "catalog")  # a bare upstream here
        own = await client.post(
            "/v1/oauth/token", data={"grant_type": "client_credentials\u200b"}, headers={"Accept-Language": "en"}
        )
        assert own.status_code == 422
        assert own.json()["errors"][0]["code"] == "invisible_character"
