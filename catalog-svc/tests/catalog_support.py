"""Helpers for catalog's tests: staff tokens from a test identity key, the app on real servers,
and waiting for an event to reach JetStream."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import nats
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from jwt.algorithms import OKPAlgorithm

from contracts import Envelope
from kit.auth import Issuer, JWKSCache, TokenVerifier
from kit.testing import stream_messages

ISSUER, AUDIENCE = "shubbak-identity", "shubbak"


class Identity:
    """Stands in for identity-svc: one signing key, its JWKS, and tokens for any caller."""

    def __init__(self) -> None:
        self.key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "id-1", "alg": "EdDSA", "use": "sig"}]}

    def token(self, sub: str = "citizen-1", **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": ISSUER, "aud": AUDIENCE, "sub": sub, "iat": now, "exp": now + 600, **claims}
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": "id-1"})

    def headers(self, sub: str = "citizen-1", **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(sub, **claims)}"}

    def admin(self, sub: str = "admin-7") -> dict[str, str]:
        return self.headers(sub, typ="staff", roles=["admin"])

    def verifier(self) -> TokenVerifier:
        jwks_app = FastAPI()
        jwks_app.get("/.well-known/jwks.json")(self.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://identity")
        return TokenVerifier(
            JWKSCache("http://identity/.well-known/jwks.json", http),
            issuer=ISSUER,
            audience=AUDIENCE,
            issued_by=Issuer.IDENTITY,
        )


async def wait_for_event(
    nats_url: str, subject: str, match: Callable[[dict[str, Any]], bool], *, timeout: float = 15.0
) -> Envelope:
    """The first event on `subject` whose data matches, once the relay has published it."""
    nc = await nats.connect(nats_url)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for msg in await stream_messages(nc.jetstream(), "CATALOG", subject):
                envelope = Envelope.from_bytes(msg.data)
                if match(envelope.data):
                    return envelope
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no matching {subject} event was published")
            await asyncio.sleep(0.1)
    finally:
        await nc.close()


def tariff_body(base: int = 3000, *, reason: str = "Ministerial decree 12/2026", **extra: Any) -> dict[str, Any]:
    return {
        "channels": ["web", "mobile", "office"],
        "methods": ["card", "wallet", "cash_network"],
        "components": [
            {"code": "base_fee", "amount_piastres": base},
            {"code": "stamp_duty", "amount_piastres": 500},
            {"code": "service_charge", "amount_piastres": 1000, "channel": "office"},
            {"code": "e_payment_incentive", "amount_piastres": -300, "method": "card"},
            {"code": "e_payment_incentive", "amount_piastres": -300, "method": "wallet"},
        ],
        "reason": reason,
        **extra,
    }
