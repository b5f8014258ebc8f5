"""Helpers for services' tests (real servers, in-process apps)."""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import secrets
import socket
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import asynccontextmanager
from datetime import date, timedelta
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
from pydantic import BaseModel
from starlette.types import ASGIApp

from contracts import Envelope
from contracts.audience import PRODUCED_BY_SERVICES
from contracts.national_id import birth_date
from contracts.signing import SigningKey
from contracts.streams import subject_matches
from kit.auth import Issuer, JWKSCache, TokenVerifier, Verifiers
from kit.clock import SYSTEM, Clock
from kit.messaging.trust import development_key
from kit.migrations import upgrade_async
from kit.registry import Marriage, RegistryEntry, RegistryPerson
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


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        yield  # the test runner keeps its own signal handling


@asynccontextmanager
async def served(app: ASGIApp) -> AsyncIterator[str]:
    """`app` served over real HTTP on a free local port while the block lasts; its base URL.

    For a stand-in of another service that the service under test reaches as it reaches the real
    one: by the URL in its settings, through its own HTTP client (timeouts, retries, tokens)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    server = _Server(uvicorn.Config(app, lifespan="off", log_config=None, access_log=False))
    task = asyncio.create_task(server.serve(sockets=[sock]), name="stand-in")
    try:
        while not server.started:
            if task.done():
                task.result()
                raise RuntimeError("the stand-in stopped before it started")
            await asyncio.sleep(0.01)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        await task
        sock.close()


def _refused(request: Request, token: str) -> JSONResponse | None:
    """The stand-ins' check of the platform's internal token (`kit.internal`), or None if it passes."""
    scheme, _, given = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
        return None
    return JSONResponse({"code": "unauthenticated", "status": 401}, status_code=401)


class RegistryStandIn:
    """Stands in for identity-svc's civil registry (`/internal/registry`, as `kit.registry` asks it)
    in one service's own tests: the people and marriages a test adds, answered as identity answers
    them (each person's children by their parents' links, their marriages), to callers presenting
    `token`. The platform-wide tests in tests/ use the real one."""

    def __init__(self, token: str, people: Iterable[RegistryPerson] = ()) -> None:
        self.token = token
        self.people: dict[str, RegistryPerson] = {}
        self.marriages: list[Marriage] = []
        self.url = ""
        """Where it is served (set by `registry_stand_in`)."""
        for person in people:
            self.add(person)

    def add(self, person: RegistryPerson) -> RegistryPerson:
        """A person in the registry (their `children` and `marriages` come from the others)."""
        self.people[person.national_id] = person
        return person

    def marry(self, marriage: Marriage) -> Marriage:
        self.marriages.append(marriage)
        return marriage

    def person(self, national_id: str, *, sex: str = "male", **facts: Any) -> str:
        """Record a person (born on the date their national ID says, single, alive, in Port Said,
        unless `facts` say otherwise); their national ID."""
        values: dict[str, Any] = {
            "national_id": national_id, "birth_date": birth_date(national_id), "sex": sex, "governorate": "03",
            "alive": True, "marital_status": "single", "first_name_ar": "محمد", "full_name_ar": "محمد أحمد علي",
            **facts,
        }  # fmt: skip
        self.add(RegistryPerson.model_validate(values))
        return national_id

    def update(self, national_id: str, **facts: Any) -> None:
        values = {**self.people[national_id].model_dump(), **facts}
        self.people[national_id] = RegistryPerson.model_validate(values)

    def marriage(self, *, husband: str, wife: str, on: date, governorate: str = "03") -> None:
        """A marriage record in force, and both spouses married to each other."""
        self.marry(
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
        children = sorted(
            (p for p in self.people.values() if national_id in (p.father_national_id, p.mother_national_id)),
            key=lambda p: p.birth_date,
        )
        marriages = sorted(
            (m for m in self.marriages if national_id in (m.husband_national_id, m.wife_national_id)),
            key=lambda m: m.marriage_date,
        )
        return found.model_copy(update={"children": [c.national_id for c in children], "marriages": marriages})

    def app(self) -> FastAPI:
        registry = FastAPI()

        @registry.get("/internal/registry/persons/{national_id}")
        async def person(national_id: str, request: Request) -> Any:
            if (refused := _refused(request, self.token)) is not None:
                return refused
            found = self.answer(national_id)
            if found is None:
                return JSONResponse({"code": "not_found", "status": 404}, status_code=404)
            return found.model_dump(mode="json")

        @registry.get("/internal/registry/persons")
        async def persons(request: Request, governorate: str | None = None, limit: int = 100, cursor: str = "") -> Any:
            if (refused := _refused(request, self.token)) is not None:
                return refused
            chosen = sorted(
                nid
                for nid, p in self.people.items()
                if nid > cursor and (governorate is None or p.governorate == governorate)
            )
            page = chosen[:limit]
            items = [
                RegistryEntry.model_validate(self.people[nid].model_dump()).model_dump(mode="json") for nid in page
            ]
            return {"items": items, "next_cursor": page[-1] if len(chosen) > limit else None}

        return registry


@asynccontextmanager
async def registry_stand_in(people: Iterable[RegistryPerson] = (), *, token: str) -> AsyncIterator[RegistryStandIn]:
    """A `RegistryStandIn` served over HTTP (its `url`) while the block lasts."""
    registry = RegistryStandIn(token, people)
    async with served(registry.app()) as url:
        registry.url = url
        yield registry


class _OrderQuoteIn(BaseModel):
    service_code: str
    channel: str
    method: str
    governorate: str | None = None
    order_ref: str
    citizen_id: uuid.UUID


class QuotesStandIn:
    """Stands in for catalog-svc's order quotes (`POST /internal/quotes`, as `kit.catalog` asks
    for them) in one service's own tests: `fees` gives each service code its fee lines (code,
    piastres); a quote is signed with a key of its own and bound to the order and its citizen as
    catalog binds it (claims `order_ref`, `sub`); a code without fees is catalog's 409. Callers
    present `token`. The platform-wide tests in tests/ use the real catalog."""

    def __init__(
        self,
        fees: Mapping[str, Sequence[tuple[str, int]]],
        token: str,
        *,
        ttl: timedelta = timedelta(minutes=30),
        clock: Clock = SYSTEM,
    ) -> None:
        self.fees, self.token, self.ttl, self.clock = fees, token, ttl, clock
        self.key = Ed25519PrivateKey.generate()
        self.issued: list[dict[str, Any]] = []
        """Every quote given, in order."""
        self.url = ""
        """Where it is served (set by `quotes_stand_in`)."""

    def quote(self, body: _OrderQuoteIn) -> dict[str, Any] | None:
        lines = self.fees.get(body.service_code)
        if lines is None:
            return None
        issued_at = self.clock.now().replace(microsecond=0)
        expires_at = issued_at + self.ttl
        quote_id = str(uuid.uuid4())
        fee_lines = [{"code": code, "amount_piastres": piastres} for code, piastres in lines]
        total = sum(piastres for _, piastres in lines)
        claims = {
            "iss": "shubbak-catalog", "aud": "shubbak-payment", "jti": quote_id,
            "iat": int(issued_at.timestamp()), "exp": int(expires_at.timestamp()),
            "service_code": body.service_code, "channel": body.channel, "method": body.method,
            "governorate": body.governorate, "tariff_version": 1, "currency": "EGP", "total_piastres": total,
            "lines": fee_lines, "order_ref": body.order_ref, "sub": str(body.citizen_id),
        }  # fmt: skip
        quote = {
            "quote_id": quote_id, "service_code": body.service_code, "channel": body.channel,
            "method": body.method, "governorate": body.governorate, "lines": fee_lines, "total_piastres": total,
            "currency": "EGP", "issued_at": issued_at.isoformat(), "expires_at": expires_at.isoformat(),
            "tariff_version": 1, "order_ref": body.order_ref, "citizen_id": str(body.citizen_id),
            "token": jwt.encode(claims, self.key, algorithm="EdDSA", headers={"kid": "stand-in"}),
        }  # fmt: skip
        self.issued.append(quote)
        return quote

    def app(self) -> FastAPI:
        catalog = FastAPI()

        @catalog.post("/internal/quotes", status_code=201)
        async def order_quote(body: _OrderQuoteIn, request: Request) -> Any:
            if (refused := _refused(request, self.token)) is not None:
                return refused
            quote = self.quote(body)
            if quote is None:
                detail = f"{body.service_code} has no tariff in force."
                return JSONResponse({"code": "no_tariff", "status": 409, "detail": detail}, status_code=409)
            return quote

        return catalog


@asynccontextmanager
async def quotes_stand_in(
    fees: Mapping[str, Sequence[tuple[str, int]]], *, token: str, clock: Clock = SYSTEM
) -> AsyncIterator[QuotesStandIn]:
    """A `QuotesStandIn` served over HTTP (its `url`) while the block lasts."""
    catalog = QuotesStandIn(fees, token, clock=clock)
    async with served(catalog.app()) as url:
        catalog.url = url
        yield catalog


class EvidenceStandIn:
    """Stands in for evidence-svc's internal export (`POST /internal/evidence/bundles`, as
    `kit.evidence` asks for it) in one service's own tests: it keeps the events a test
    `archive`s (as received, JSON objects) and answers a bundle of the form evidence-svc exports
    (`events[].event`, unsigned here) with those it holds of the ids asked, none if it holds
    none; 503 while `down`. Callers present `token`. The platform-wide tests in tests/ use the
    real one, whose bundles `python -m contracts verify` checks."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.events: dict[str, dict[str, Any]] = {}
        self.asked: list[list[str]] = []
        """The event ids of every request, in order."""
        self.down = False
        self.url = ""
        """Where it is served (set by `evidence_stand_in`)."""

    def archive(self, event: Mapping[str, Any]) -> None:
        self.events[str(event["id"])] = dict(event)

    def bundle(self, ids: list[str]) -> dict[str, Any]:
        held = [self.events[i] for i in ids if i in self.events]
        return {
            "format": "shubbak-evidence-bundle/1", "query": {"event_ids": ids},
            "events": [{"sequence": n, "event": event} for n, event in enumerate(held, start=1)],
            "seals": [], "producer_keys": {"keys": []}, "timestamping_keys": {"keys": []}, "next_cursor": None,
        }  # fmt: skip

    def app(self) -> FastAPI:
        archive = FastAPI()

        @archive.post("/internal/evidence/bundles")
        async def export_bundle(request: Request) -> Any:
            if (refused := _refused(request, self.token)) is not None:
                return refused
            if self.down:
                return JSONResponse({"code": "unavailable", "status": 503}, status_code=503)
            ids = [str(i) for i in (await request.json())["event_ids"]]
            self.asked.append(ids)
            return self.bundle(ids)

        return archive


@asynccontextmanager
async def evidence_stand_in(*, token: str) -> AsyncIterator[EvidenceStandIn]:
    """An `EvidenceStandIn` served over HTTP (its `url`) while the block lasts."""
    archive = EvidenceStandIn(token)
    async with served(archive.app()) as url:
        archive.url = url
        yield archive


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


async def eventually(
    check: Callable[[], Awaitable[Any]], what: str = "the condition", timeout: float = 30.0, interval: float = 0.1
) -> Any:
    """Poll until `check` gives something truthy and return it; fail (not hang) after `timeout`.
    A bounded wait for what happens asynchronously, never a timing assertion."""
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        result = await check()
        if result:
            return result
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await asyncio.sleep(interval)


def producer_of(subject: str, integrator: str = "registry-authority") -> str:
    """Who publishes `subject` (`contracts.audience`): the platform service whose rights cover it,
    else the integrator (an authority outside the platform) named `integrator`."""
    for service, patterns in PRODUCED_BY_SERVICES.items():
        if any(subject_matches(pattern, subject) for pattern in patterns):
            return service
    return integrator


def signed(envelope: Envelope, key: SigningKey | None = None) -> bytes:
    """The envelope as its producer publishes it: signed with `key`, by default its source's
    development key, which a service under test trusts (outside production, `kit.messaging.trust`).
    A test hand-publishing "another producer's" event sends these bytes."""
    event = json.loads(envelope.to_bytes())
    body = (key or development_key(envelope.source)).sign(event)
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
