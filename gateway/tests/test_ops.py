from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
from conftest import GatewayFactory
from gateway_support import hanging_up

from contracts import registry
from devstack.ports import free_port
from gateway.openapi import TITLE, merge
from gateway.routing import RouteTable


class TestMergedOpenAPI:
    async def test_routed_paths_of_each_service_only(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/openapi.json")
        assert response.status_code == 200
        doc = response.json()
        assert doc["openapi"].startswith("3.1")
        assert doc["info"]["title"] == TITLE
        assert set(doc["paths"]) == {
            "/v1/services",
            "/v1/services/{service_id}",
            "/v1/services/special/{code}",
            "/v1/documents",
            "/v1/documents/{document_id}",
            # the gateway's own: integrators' OAuth, webhooks, events and event-signing keys
            "/v1/oauth/token",
            "/v1/webhooks",
            "/v1/webhooks/{subscription_id}",
            "/v1/webhooks/{subscription_id}/deliveries",
            "/v1/webhooks/{subscription_id}/deliveries/{delivery_id}/replay",
            "/v1/webhooks/{subscription_id}/secret-rotations",
            "/v1/events",
            "/v1/event-keys",
            "/v1/event-keys/{kid}",
            "/v1/event-keys/{kid}/revoke",
            "/v1/integrator-event-keys",
            "/v1/integrator-event-keys/{kid}/revoke",
            "/.well-known/integrator-event-keys.json",
        }
        assert doc["x-unavailable-services"] == ["ghost"]
        assert "/asyncapi.json" in doc["info"]["description"]

    async def test_clashing_schemas_are_renamed_and_refs_rewritten(self, client: httpx.AsyncClient) -> None:
        doc = (await client.get("/openapi.json")).json()
        schemas = doc["components"]["schemas"]
        assert set(schemas["Item"]["properties"]) == {"name"}  # catalog's, first
        assert set(schemas["notary_Item"]["properties"]) == {"title", "pages"}
        assert "Shared" in schemas  # identical in both services: kept once
        assert "notary_Shared" not in schemas
        assert schemas["Stamp"]["properties"]["item"]["$ref"] == "#/components/schemas/notary_Item"
        assert "Hidden" not in schemas  # used only by paths the gateway does not route to catalog
        listing = doc["paths"]["/v1/services"]["get"]["responses"]["200"]["content"]["application/json"]
        assert listing["schema"]["items"]["$ref"] == "#/components/schemas/Item"

    def test_transitive_clash(self) -> None:
        """A schema equal by text but pointing at a renamed schema is renamed too."""
        a = _doc({"/a": "Box"}, {"Box": _ref_to("Inner"), "Inner": {"type": "string"}})
        b = _doc({"/b": "Box"}, {"Box": _ref_to("Inner"), "Inner": {"type": "integer"}})
        merged = merge({"a": a, "b": b, "c": None}, RouteTable({"/a": "a", "/b": "b", "/c": "c"}))
        schemas = {name: s for name, s in merged["components"]["schemas"].items() if not name.startswith("Event_")}
        edge = {"Problem", "FieldError"}  # the gateway's own 429/422, declared on every route
        assert set(schemas) == {"Box", "Inner", "b_Box", "b_Inner"} | edge  # (Event_*: the webhooks' bodies)
        assert schemas["b_Box"] == _ref_to("b_Inner")
        assert merged["x-unavailable-services"] == ["c"]

    async def test_docs_page(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/docs")
        assert response.status_code == 200
        assert "/openapi.json" in response.text


class TestAsyncAPI:
    async def test_served_next_to_openapi_from_contracts(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/asyncapi.json")
        assert response.status_code == 200
        doc = response.json()
        assert doc["asyncapi"].startswith("3.")
        addresses = {channel["address"] for channel in doc["channels"].values()}
        assert "notary.poa.revoked.v1" in addresses
        assert addresses == {cls.subject for cls in registry.all_events()}

    async def test_the_docs_page_links_it(self, client: httpx.AsyncClient) -> None:
        assert (await client.get("/docs")).status_code == 200
        described = (await client.get("/openapi.json")).json()["info"]["description"]
        assert "(/asyncapi.json)" in described


class TestOperations:
    async def test_healthz(self, client: httpx.AsyncClient) -> None:
        response = await client.get("/healthz")
        assert (response.status_code, response.json()) == (200, {"status": "ok"})

    async def test_ready_while_an_upstream_is_down_whose_circuit_answers_for_it(
        self, gateway_at: GatewayFactory, catalog_url: str, pg_database: Callable[[], str]
    ) -> None:
        """One service down takes nothing else away: the gateway stays ready (in its load
        balancer), the other routes are served, and the dead one's circuit answers fast."""
        port = free_port()
        async with (
            hanging_up(port) as accepted,
            gateway_at(
                database_url=pg_database(),
                upstreams={"catalog": catalog_url, "ghost": f"http://127.0.0.1:{port}"},
                routes={"/v1/services": "catalog", "/v1/ghost": "ghost"},
                breaker_failures=2,
                breaker_open_seconds=30,
            ) as url,
            httpx.AsyncClient(base_url=url, headers={"Accept-Language": "en"}) as c,
        ):
            for _ in range(2):
                assert (await c.get("/v1/ghost/1")).status_code == 503
            tried = len(accepted)
            fast = await c.get("/v1/ghost/1")
            assert fast.status_code == 503
            assert fast.headers["content-type"] == "application/problem+json"
            assert fast.json()["code"] == "service_unavailable"
            assert 1 <= int(fast.headers["retry-after"]) <= 30
            assert len(accepted) == tried  # the breaker answered: the upstream was not even tried
            assert (await c.get("/v1/services")).status_code == 200
            ready = await c.get("/readyz")
        assert ready.status_code == 200
        assert ready.json() == {"status": "ready", "circuits": {"catalog": "closed", "ghost": "open"}}

    async def test_not_ready_without_its_own_database(self, gateway_at: GatewayFactory, dead_url: str) -> None:
        unreachable = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/gateway"
        async with gateway_at(database_url=unreachable) as url, httpx.AsyncClient(base_url=url) as c:
            response = await c.get("/readyz", headers={"Accept-Language": "en"})
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["failing"] == ["database"]

    async def test_metrics_label_proxied_requests_by_prefix(self, client: httpx.AsyncClient) -> None:
        await client.get("/v1/services/9/echo")
        text = (await client.get("/metrics")).text
        assert 'route="/v1/services",service="gateway"' in text


def _ref_to(name: str) -> dict[str, Any]:
    return {"$ref": f"#/components/schemas/{name}"}


def _doc(paths: dict[str, str], schemas: dict[str, Any]) -> dict[str, Any]:
    return {
        "paths": {
            path: {"get": {"responses": {"200": {"content": {"application/json": {"schema": _ref_to(schema)}}}}}}
            for path, schema in paths.items()
        },
        "components": {"schemas": schemas},
    }
