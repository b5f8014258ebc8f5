"""Signed quotes: the contract payment-svc verifies, storage, and key rotation."""

from __future__ import annotations

import json
import uuid
from typing import Any

import httpx
import jwt
import pytest
from catalog_support import Identity

from catalog.settings import Settings

SERVICE = "civil.certificate.birth"


async def quote(client: httpx.AsyncClient, **params: str) -> dict[str, Any]:
    query = {"channel": "web", "method": "card", "governorate": "03", **params}
    response = await client.get(f"/v1/services/{SERVICE}/quote", params=query)
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    return response.json()


async def verify(client: httpx.AsyncClient, token: str) -> dict[str, Any]:
    """What payment-svc does: pick the key by kid from catalog's JWKS and check everything."""
    jwks = (await client.get("/.well-known/quote-keys.json")).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = jwt.PyJWK(next(k for k in jwks["keys"] if k["kid"] == kid))
    return jwt.decode(token, key.key, algorithms=["EdDSA"], audience="shubbak-payment", issuer="shubbak-catalog")


class TestIssue:
    async def test_breakdown_with_the_incentive_as_its_own_line(self, client: httpx.AsyncClient) -> None:
        body = await quote(client)
        assert [(line["code"], line["amount_piastres"]) for line in body["lines"]] == [
            ("base_fee", 2000),
            ("stamp_duty", 500),
            ("service_charge", 300),
            ("e_payment_incentive", -250),
        ]
        assert body["total_piastres"] == 2550
        assert body["currency"] == "EGP"
        assert body["tariff_version"] == 1

    async def test_cash_at_the_post_office_pays_delivery_and_no_incentive(self, client: httpx.AsyncClient) -> None:
        body = await quote(client, channel="post_office", method="cash_network")
        amounts = {line["code"]: line["amount_piastres"] for line in body["lines"]}
        assert amounts == {"base_fee": 2000, "stamp_duty": 500, "service_charge": 1000, "delivery": 1500}
        assert body["total_piastres"] == 5000

    async def test_token_carries_the_contract_claims(self, client: httpx.AsyncClient) -> None:
        body = await quote(client, channel="mobile", method="wallet")
        claims = await verify(client, body["token"])
        assert claims["jti"] == body["quote_id"]
        assert claims["exp"] - claims["iat"] == 30 * 60
        assert {k: claims[k] for k in ("service_code", "channel", "method", "governorate", "currency")} == {
            "service_code": SERVICE,
            "channel": "mobile",
            "method": "wallet",
            "governorate": "03",
            "currency": "EGP",
        }
        assert claims["total_piastres"] == body["total_piastres"] == sum(x["amount_piastres"] for x in claims["lines"])
        assert claims["lines"] == body["lines"]
        assert claims["tariff_version"] == body["tariff_version"]
        assert jwt.get_unverified_header(body["token"])["alg"] == "EdDSA"

    async def test_tampered_token_does_not_verify(self, client: httpx.AsyncClient) -> None:
        token = (await quote(client))["token"]
        header, _payload, signature = token.split(".")
        claims = jwt.decode(token, options={"verify_signature": False})
        cheaper = jwt.utils.base64url_encode(
            json.dumps({**claims, "total_piastres": 1}, separators=(",", ":")).encode()
        ).decode()
        with pytest.raises(jwt.InvalidSignatureError):
            await verify(client, f"{header}.{cheaper}.{signature}")

    @pytest.mark.parametrize(
        ("params", "status"),
        [({"channel": "fax"}, 422), ({"method": "cheque"}, 422), ({"governorate": "3"}, 422), ({"channel": ""}, 422)],
    )
    async def test_bad_parameters(self, client: httpx.AsyncClient, params: dict[str, str], status: int) -> None:
        query = {"channel": "web", "method": "card", **params}
        response = await client.get(f"/v1/services/{SERVICE}/quote", params=query)
        assert response.status_code == status

    async def test_without_governorate_a_service_live_somewhere_is_quoted(self, client: httpx.AsyncClient) -> None:
        response = await client.get(f"/v1/services/{SERVICE}/quote", params={"channel": "web", "method": "card"})
        assert response.status_code == 200
        assert response.json()["governorate"] is None


def order_body(**overrides: Any) -> dict[str, Any]:
    body = {
        "service_code": SERVICE,
        "channel": "web",
        "method": "wallet",
        "governorate": "03",
        "order_ref": f"notary:{uuid.uuid4()}",
        "citizen_id": str(uuid.uuid4()),
    }
    return {**body, **overrides}


def service_headers(settings: Settings) -> dict[str, str]:
    return {"Authorization": f"Bearer {settings.internal_token.get_secret_value()}", "Accept-Language": "en"}


class TestOrderQuote:
    """The quote a payment can be made with: bound to one order and its citizen, issued only to
    the service that owns the order (the internal token), never to a citizen or anonymous caller."""

    async def test_bound_to_the_order_and_the_citizen(self, client: httpx.AsyncClient, settings: Settings) -> None:
        body = order_body()
        response = await client.post("/internal/quotes", json=body, headers=service_headers(settings))
        assert response.status_code == 201, response.text
        issued = response.json()
        assert (issued["order_ref"], issued["citizen_id"]) == (body["order_ref"], body["citizen_id"])
        claims = await verify(client, issued["token"])
        assert (claims["order_ref"], claims["sub"], claims["service_code"]) == (
            body["order_ref"], body["citizen_id"], SERVICE,
        )  # fmt: skip
        assert claims["total_piastres"] == issued["total_piastres"] > 0

    async def test_a_quote_for_browsing_names_no_order(self, client: httpx.AsyncClient) -> None:
        claims = await verify(client, (await quote(client))["token"])
        assert "order_ref" not in claims
        assert "sub" not in claims

    @pytest.mark.parametrize(
        "authorization",
        [None, "Bearer not-the-internal-token", "Basic dev-only-internal-token", "citizen", "admin"],
    )
    async def test_only_services_get_one(
        self, client: httpx.AsyncClient, identity: Identity, authorization: str | None
    ) -> None:
        headers = {"Accept-Language": "en"}
        if authorization == "citizen":
            headers |= identity.headers(str(uuid.uuid4()))
        elif authorization == "admin":
            headers |= identity.admin()
        elif authorization is not None:
            headers["Authorization"] = authorization
        response = await client.post("/internal/quotes", json=order_body(), headers=headers)
        assert response.status_code == 401, response.text
        assert response.headers["content-type"].startswith("application/problem+json")

    @pytest.mark.parametrize(
        ("field", "value"),
        [("order_ref", "no-owner"), ("order_ref", "Notary:x"), ("citizen_id", "someone"), ("method", "cheque")],
    )
    async def test_malformed_requests_name_the_field(
        self, client: httpx.AsyncClient, settings: Settings, field: str, value: str
    ) -> None:
        response = await client.post(
            "/internal/quotes", json=order_body(**{field: value}), headers=service_headers(settings)
        )
        assert response.status_code == 422, response.text
        assert [e["field"] for e in response.json()["errors"]] == [f"body.{field}"]

    async def test_not_readable_by_id_in_public(self, client: httpx.AsyncClient, settings: Settings) -> None:
        issued = (await client.post("/internal/quotes", json=order_body(), headers=service_headers(settings))).json()
        read = await client.get(f"/v1/quotes/{issued['quote_id']}", headers={"Accept-Language": "en"})
        assert read.status_code == 404
        assert read.json()["title"] == "Quote not found"


class TestRead:
    async def test_stored_quote_reads_back_exactly(self, client: httpx.AsyncClient) -> None:
        issued = await quote(client)
        read = await client.get(f"/v1/quotes/{issued['quote_id']}")
        assert read.status_code == 200
        assert read.json() == issued
        assert (
            await client.get(f"/v1/quotes/{issued['quote_id']}", headers={"If-None-Match": read.headers["etag"]})
        ).status_code == 304

    async def test_unknown_and_malformed_ids(self, client: httpx.AsyncClient) -> None:
        missing = await client.get(f"/v1/quotes/{uuid.uuid4()}", headers={"Accept-Language": "en"})
        assert missing.status_code == 404
        assert missing.json()["title"] == "Quote not found"
        assert (await client.get("/v1/quotes/42")).status_code == 422


class TestKeyRotation:
    async def test_old_quotes_still_verify_after_rotation(self, client: httpx.AsyncClient, identity: Identity) -> None:
        before = await quote(client)
        old_kid = jwt.get_unverified_header(before["token"])["kid"]
        rotated = await client.post("/v1/quotes/signing-keys", headers=identity.admin())
        assert rotated.status_code == 201
        new_kid = rotated.json()["kid"]
        assert new_kid != old_kid

        after = await quote(client)
        assert jwt.get_unverified_header(after["token"])["kid"] == new_kid
        kids = [k["kid"] for k in (await client.get("/.well-known/quote-keys.json")).json()["keys"]]
        assert {old_kid, new_kid} <= set(kids)
        assert (await verify(client, before["token"]))["jti"] == before["quote_id"]
        assert (await verify(client, after["token"]))["jti"] == after["quote_id"]

    async def test_only_admins_rotate(self, client: httpx.AsyncClient, identity: Identity) -> None:
        assert (await client.post("/v1/quotes/signing-keys")).status_code == 401
        staff = identity.headers("s", typ="staff", roles=["auditor"])
        assert (await client.post("/v1/quotes/signing-keys", headers=staff)).status_code == 403

    async def test_published_keys_are_public_only(self, client: httpx.AsyncClient) -> None:
        for key in (await client.get("/.well-known/quote-keys.json")).json()["keys"]:
            assert set(key) == {"kty", "crv", "x", "kid", "alg", "use"}
