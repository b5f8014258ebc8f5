"""Helpers for services' tests (real servers, in-process apps)."""

from __future__ import annotations

import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from jwt.algorithms import OKPAlgorithm
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from kit.auth import Issuer, JWKSCache, TokenVerifier, Verifiers
from kit.migrations import upgrade_async
from kit.runtime import Runtime


@asynccontextmanager
async def migrated_database(pg_server: Any, service_dir: Path, prefix: str) -> AsyncIterator[str]:
    """A fresh database on devstack's `pg_server`, migrated to the service's head; its URL.
    Dropped afterwards (typically one per test module)."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    pg_server.create_database(name)
    url: str = pg_server.dsn(name, driver="postgresql+asyncpg")
    try:
        await upgrade_async(service_dir, url)
        yield url
    finally:
        if pg_server.running:
            pg_server.drop_database(name)


@asynccontextmanager
async def running(app: FastAPI, base_url: str = "http://svc") -> AsyncIterator[httpx.AsyncClient]:
    """Run the app's lifespan (bus, relay, consumers) and give an in-process HTTP client."""
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url=base_url) as client:
            yield client


@asynccontextmanager
async def catalogue_stand_in(names: dict[str, tuple[str, str]]) -> AsyncIterator[httpx.AsyncClient]:
    """Stands in for catalog-svc's public catalogue in one service's own tests: `GET
    /v1/services/{code}` answers `names[code]` as (Arabic, English), 404 for another code, over
    in-process HTTP (base URL http://catalog). The platform-wide tests in tests/ use the real one."""
    catalogue = FastAPI()

    @catalogue.get("/v1/services/{code}")
    async def service(code: str) -> Any:
        if code not in names:
            return JSONResponse({"code": "service_not_found"}, status_code=404)
        name_ar, name_en = names[code]
        return {"code": code, "name_ar": name_ar, "name_en": name_en}

    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=catalogue), base_url="http://catalog") as client:
        yield client


async def stream_messages(js: JetStreamContext, stream: str, subject_prefix: str = "") -> list[Msg]:
    """Every message now stored in `stream` whose subject starts with `subject_prefix`."""
    info = await js.stream_info(stream)
    out: list[Msg] = []
    if info.state.messages == 0:
        return out
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        try:
            raw = await js.get_msg(stream, seq)
        except NotFoundError:
            continue
        if (raw.subject or "").startswith(subject_prefix):
            out.append(raw)  # type: ignore[arg-type]
    return out


def runtime_of(app: FastAPI) -> Runtime[Any]:
    """The running service's runtime (its sessions, bus, settings), for tests' own reads."""
    runtime: Runtime[Any] | None = getattr(app.state, "runtime", None)
    if runtime is None:
        raise RuntimeError("the app's lifespan has not run")
    return runtime


def trust(app: FastAPI, verifier: TokenVerifier | Verifiers) -> None:
    """Verify callers' tokens with `verifier` (tests' own stand-in for identity's keys)."""
    app.state.verifier = verifier


class TokenIssuer:
    """Stands in for a token issuer in one service's own tests (identity for citizens and staff,
    the gateway for integrators): one Ed25519 key, its JWKS served in-process, tokens for any
    caller. Cross-service tests in `tests/` use the real identity and gateway instead."""

    def __init__(
        self,
        *,
        issued_by: Issuer = Issuer.IDENTITY,
        issuer: str | None = None,
        audience: str = "shubbak",
        kid: str = "test-1",
    ) -> None:
        default = "shubbak-identity" if issued_by == Issuer.IDENTITY else "shubbak-gateway"
        self.issued_by, self.issuer, self.audience, self.kid = issued_by, issuer or default, audience, kid
        self.key = Ed25519PrivateKey.generate()

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(OKPAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": self.kid, "alg": "EdDSA", "use": "sig"}]}

    def token(self, sub: str, **claims: Any) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.audience, "sub": sub, "iat": now, "exp": now + 600, **claims}
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": self.kid})

    def headers(self, sub: str, **claims: Any) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(sub, **claims)}"}

    def citizen(self, citizen_id: uuid.UUID | None = None, national_id: str = "29001011234567") -> dict[str, str]:
        return self.headers(str(citizen_id or uuid.uuid4()), typ="citizen", nid=national_id)

    def staff(self, *roles: str, **claims: Any) -> dict[str, str]:
        return self.headers(str(uuid.uuid4()), typ="staff", roles=list(roles), **claims)

    def integrator(self, *scopes: str, sub: str = "integrator-1") -> dict[str, str]:
        return self.headers(sub, typ="integrator", scope=" ".join(scopes))

    def verifier(self) -> TokenVerifier:
        """A verifier of this issuer's tokens, reading its JWKS over in-process HTTP."""
        jwks_app = FastAPI()
        jwks_app.get("/.well-known/jwks.json")(self.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://issuer")
        cache = JWKSCache("http://issuer/.well-known/jwks.json", http, min_refresh_seconds=0)
        return TokenVerifier(cache, issuer=self.issuer, audience=self.audience, issued_by=self.issued_by)
