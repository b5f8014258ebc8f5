"""Helpers for services' tests (real servers, in-process apps)."""

from __future__ import annotations

import asyncio
import hmac
import json
import secrets
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from jwt.algorithms import OKPAlgorithm
from nats.aio.msg import Msg
from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.national_id import birth_date
from kit.auth import Issuer, JWKSCache, TokenVerifier, Verifiers
from kit.migrations import upgrade_async
from kit.registry import Marriage, RegistryPerson
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


@asynccontextmanager
async def serving(app: FastAPI) -> AsyncIterator[str]:
    """Serve `app` over real HTTP on a free local port, in this event loop, for a service under
    test that reaches it by the URL in its settings (a stand-in of another service); its base URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve(), name="kit.testing.serving")
    while not server.started:
        if task.done():
            task.result()  # it could not start: raise why
            raise RuntimeError("the stand-in stopped before it started")
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class RegistryStandIn:
    """Stands in for identity-svc's mirror of the civil registry in one service's own tests: the
    people and marriage records a test writes, answered at `GET /internal/registry/persons/{id}`
    as identity answers `kit.registry.Registry` (a person's children from their parents' links,
    their marriages, 404 for an unknown ID, 401 without the internal token). Serve `app()` with
    `serving`. The platform-wide tests in tests/ use the real identity-svc."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.people: dict[str, dict[str, Any]] = {}
        self.marriages: list[Marriage] = []

    def person(self, national_id: str, *, sex: str = "male", **facts: Any) -> str:
        """Record a person (born on the date their national ID says, single, alive, in Port Said,
        unless `facts` say otherwise); their national ID."""
        self.people[national_id] = {
            "national_id": national_id, "birth_date": birth_date(national_id), "sex": sex, "governorate": "03",
            "alive": True, "marital_status": "single", "first_name_ar": "محمد", "full_name_ar": "محمد أحمد علي",
            **facts,
        }  # fmt: skip
        return national_id

    def update(self, national_id: str, **facts: Any) -> None:
        self.people[national_id].update(facts)

    def marriage(self, *, husband: str, wife: str, on: date, governorate: str = "03") -> None:
        """A marriage record in force, and both spouses married to each other."""
        self.marriages.append(
            Marriage(
                marriage_id=str(uuid.uuid4()), husband_national_id=husband, wife_national_id=wife, marriage_date=on,
                governorate=governorate,
            )
        )  # fmt: skip
        self.update(husband, marital_status="married", spouse_national_id=wife)
        self.update(wife, marital_status="married", spouse_national_id=husband)

    def answer(self, national_id: str) -> RegistryPerson | None:
        found = self.people.get(national_id)
        if found is None:
            return None
        children = [
            nid
            for nid, p in self.people.items()
            if national_id in (p.get("father_national_id"), p.get("mother_national_id"))
        ]
        marriages = [m for m in self.marriages if national_id in (m.husband_national_id, m.wife_national_id)]
        return RegistryPerson.model_validate({**found, "children": sorted(children), "marriages": marriages})

    def app(self) -> FastAPI:
        registry = FastAPI()

        @registry.get("/internal/registry/persons/{national_id}")
        async def person(national_id: str, request: Request) -> Any:
            scheme, _, token = request.headers.get("authorization", "").partition(" ")
            if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), self.token.encode()):
                return JSONResponse({"code": "unauthenticated"}, status_code=401)
            found = self.answer(national_id)
            if found is None:
                return JSONResponse({"code": "not_found"}, status_code=404)
            return found.model_dump(mode="json")

        return registry


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
