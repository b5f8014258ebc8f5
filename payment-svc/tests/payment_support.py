"""Test helpers for payment-svc: identity's, the gateway's and catalog's keys served in-process,
tokens and signed quotes minted here, and an app running against real PostgreSQL and NATS on a
clock the tests move."""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Issuer, JWKSCache, Verifiers
from kit.catalog import ServiceNames
from kit.clock import OffsetClock
from kit.db import transaction
from kit.runtime import Runtime
from kit.testing import TokenIssuer, migrated_database, running, runtime_of, trust
from payment.manifest import manifest
from payment.providers import signing
from payment.quotes.service import QuoteVerifier
from payment.resources import Resources, build_resources
from payment.settings import Settings

SERVICE_DIR = Path(__file__).parents[1]
CALLBACK = "http://payment"


class KeyRing:
    """An Ed25519 key ring published as a JWKS: catalog's quote keys (any claims, any kid)."""

    def __init__(self, issuer: str, audience: str) -> None:
        self.issuer, self.audience = issuer, audience
        self.keys: dict[str, Ed25519PrivateKey] = {"k1": Ed25519PrivateKey.generate()}

    def jwks(self) -> dict[str, Any]:
        out = []
        for kid, key in self.keys.items():
            out.append({**json.loads(OKPAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "EdDSA", "use": "sig"})
        return {"keys": out}

    def sign(self, claims: dict[str, Any], *, kid: str = "k1", key: Ed25519PrivateKey | None = None) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.audience, "iat": now, "exp": now + 600, **claims}
        return jwt.encode(body, key or self.keys[kid], algorithm="EdDSA", headers={"kid": kid})

    def cache(self, path: str) -> JWKSCache:
        jwks_app = FastAPI()
        jwks_app.get(path)(self.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://keys")
        return JWKSCache(f"http://keys{path}", http, min_refresh_seconds=0)


def quote_claims(**overrides: Any) -> dict[str, Any]:
    lines = [
        {"code": "base_fee", "amount_piastres": 10000, "label_ar": "الرسم الأساسي", "label_en": "Base fee"},
        {"code": "stamp_duty", "amount_piastres": 2500, "label_ar": "رسم الدمغة", "label_en": "Stamp duty"},
        {"code": "service_charge", "amount_piastres": 500, "label_ar": "مقابل الخدمة", "label_en": "Service charge"},
    ]
    claims = {
        "jti": str(uuid.uuid4()),
        "service_code": "notary.poa.general",
        "channel": "web",
        "method": "card",
        "governorate": "03",
        "tariff_version": 3,
        "currency": "EGP",
        "total_piastres": 13000,
        "lines": lines,
    }
    return {**claims, **overrides}


def subject_of(headers: dict[str, str]) -> str:
    """The `sub` of the bearer token in `headers` (what payment-svc sees as the caller)."""
    token = headers["Authorization"].removeprefix("Bearer ")
    return str(jwt.decode(token, options={"verify_signature": False})["sub"])


class Harness:
    """A running payment-svc and everything a test needs to drive it."""

    def __init__(
        self,
        app: FastAPI,
        client: httpx.AsyncClient,
        settings: Settings,
        clock: OffsetClock,
        stand_ins: StandIns,
    ) -> None:
        self.app, self.client, self.settings, self.clock = app, client, settings, clock
        self.identity, self.gateway, self.catalog = stand_ins.identity, stand_ins.gateway, stand_ins.catalog
        assert stand_ins.resources is not None, "the app has not started"
        self.resources: Resources = stand_ins.resources

    def citizen(self) -> tuple[str, dict[str, str]]:
        sub = str(uuid.uuid4())
        return sub, self.identity.headers(sub, typ="citizen")

    def staff(self, *roles: str) -> dict[str, str]:
        return self.identity.headers(f"staff-{uuid.uuid4().hex[:6]}", typ="staff", roles=list(roles))

    def quote(self, **overrides: Any) -> str:
        """A quote for browsing the fee (bound to no order): payment-svc takes no payment with it."""
        return self.catalog.sign(quote_claims(**overrides))

    def order_quote(
        self, headers: dict[str, str], order_id: str, owner_service: str = "notary", **overrides: Any
    ) -> str:
        """The quote the owning service gets from catalog for its order and the citizen of `headers`."""
        return self.quote(order_ref=f"{owner_service}:{order_id}", sub=subject_of(headers), **overrides)

    async def create(
        self,
        headers: dict[str, str],
        *,
        method: str = "card",
        order_id: str | None = None,
        key: str | None = None,
        quote: str | None = None,
        owner_service: str = "notary",
        **body: Any,
    ) -> httpx.Response:
        order_id = order_id or f"poa-{uuid.uuid4().hex[:12]}"
        payload = {
            "owner_service": owner_service,
            "order_id": order_id,
            "quote": quote or self.order_quote(headers, order_id, owner_service, method=method),
            **body,
        }
        key = key or f"key-{uuid.uuid4().hex}"
        return await self.client.post("/v1/payments", json=payload, headers={**headers, "Idempotency-Key": key})

    async def started(self, headers: dict[str, str], *, method: str = "card", **kwargs: Any) -> dict[str, Any]:
        """An intent created and confirmed with its provider (processing)."""
        created = await self.create(headers, method=method, **kwargs)
        assert created.status_code == 201, created.text
        confirm = {"wallet_mobile": "01012345678"} if method == "wallet" else {}
        response = await self.client.post(f"/v1/payments/{created.json()['id']}/confirm", json=confirm, headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def sandbox(self, intent: dict[str, Any], action: str, **params: Any) -> dict[str, Any]:
        url = f"/v1/payment-sandbox/{intent['method']}/{intent['provider_reference']}/{action}"
        response = await self.client.post(url, params=params)
        assert response.status_code == 200, response.text
        return response.json()

    async def get(self, intent_id: str, headers: dict[str, str]) -> dict[str, Any]:
        response = await self.client.get(f"/v1/payments/{intent_id}", headers=headers)
        assert response.status_code == 200, response.text
        return response.json()

    async def notify(self, provider: str, notice: dict[str, Any], *, secret: bytes | None = None,
                     timestamp: int | None = None, signature: str | None = "sign") -> httpx.Response:  # fmt: skip
        body = json.dumps(notice).encode()
        headers = {"Content-Type": "application/json"}
        if signature == "sign":
            secret = secret or self.settings.notification_secret(provider)
            headers[signing.HEADER] = signing.sign(secret, body, timestamp or int(self.clock.now().timestamp()))
        elif signature is not None:
            headers[signing.HEADER] = signature
        return await self.client.post(f"/v1/provider-notifications/{provider}", content=body, headers=headers)

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        async with transaction(runtime_of(self.app).sessions) as session:
            yield session

    async def sweep(self, name: str, *, at: datetime | None = None) -> Any:
        """Run one of the service's sweeps now, as its loop does (in a transaction of its own);
        `at` moves the service's clock there for the run, and back after."""
        found = next(sweep for sweep in manifest.sweeps if sweep.name == name)
        offset = (at - self.clock.now()) if at is not None else None
        if offset is not None:
            self.clock.advance(offset)
        try:
            async with self.session() as session:
                return await found.run(session, runtime_of(self.app).context)
        finally:
            if offset is not None:
                self.clock.advance(-offset)

    @asynccontextmanager
    async def later(self, by: timedelta) -> AsyncIterator[None]:
        """The service's clock `by` ahead (it keeps running), then back."""
        self.clock.advance(by)
        try:
            yield
        finally:
            self.clock.advance(-by)

    async def balances(self) -> dict[str, Any]:
        response = await self.client.get("/v1/payments/ledger/balances", headers=self.staff("auditor"))
        assert response.status_code == 200, response.text
        return response.json()


class StandIns:
    """What lies outside payment-svc, for its own tests: identity's and the gateway's tokens,
    catalog's quote keys and (if given) its catalogue, and the way back from the sandbox providers
    to the app (their notifications, over in-process HTTP)."""

    def __init__(self, catalogue: httpx.AsyncClient | None) -> None:
        self.identity = TokenIssuer()
        self.gateway = TokenIssuer(issued_by=Issuer.GATEWAY)  # integrators' tokens (OAuth2 client credentials)
        self.catalog = KeyRing("shubbak-catalog", "shubbak-payment")
        self.catalogue = catalogue
        self.callback: httpx.AsyncClient | None = None
        self.resources: Resources | None = None

    async def build(self, runtime: Runtime[Settings]) -> Resources:
        """The service's own resources, with catalog's keys and catalogue stood in for."""
        built = await build_resources(runtime)
        assert built.sandbox is not None
        built.sandbox.http = self.callback
        self.resources = replace(
            built,
            quotes=QuoteVerifier(
                self.catalog.cache("/.well-known/quote-keys.json"), issuer="shubbak-catalog", audience="shubbak-payment"
            ),
            names=ServiceNames(self.catalogue, "http://catalog") if self.catalogue is not None else built.names,
        )
        return self.resources


@asynccontextmanager
async def harness(
    pg_server: Any, nats_url: str, *, catalogue: httpx.AsyncClient | None = None, **settings: Any
) -> AsyncIterator[Harness]:
    """A migrated database of its own and the app running on it (one per test module). Without a
    `catalogue`, catalog-svc does not answer (receipts name no service)."""
    async with migrated_database(pg_server, SERVICE_DIR, "payment") as url:
        async with _running(url, nats_url, StandIns(catalogue), **settings) as h:
            yield h


@asynccontextmanager
async def _running(url: str, nats_url: str, stand_ins: StandIns, **settings: Any) -> AsyncIterator[Harness]:
    config = Settings(
        database_url=url,
        nats_url=nats_url,
        environment="test",
        log_json=False,
        db_pool_size=12,
        sandbox_callback_url=CALLBACK,
        sandbox_delay_seconds=0,
        expiry_sweep_seconds=3600,
        answer_sweep_seconds=3600,
        catalog_url="http://127.0.0.1:9",  # nothing listens
        **settings,
    )
    clock = OffsetClock()
    app = replace(manifest, build_resources=stand_ins.build).create_app(config, clock=clock)
    stand_ins.callback = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=CALLBACK)
    try:
        async with running(app) as client:
            trust(app, Verifiers(stand_ins.identity.verifier(), stand_ins.gateway.verifier()))  # as kit.app does
            yield Harness(app, client, config, clock, stand_ins)
    finally:
        await stand_ins.callback.aclose()
