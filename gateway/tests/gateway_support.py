"""Real upstream services for the gateway's tests, and serving any ASGI app with uvicorn."""

# No `from __future__ import annotations`: FastAPI must resolve the local models of the apps.

import asyncio
import hashlib
import json
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass, field
from typing import Any

import jwt
import uvicorn
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import FastAPI, Request
from jwt.algorithms import OKPAlgorithm
from pydantic import BaseModel
from starlette.responses import JSONResponse, StreamingResponse
from starlette.types import ASGIApp

from devstack.ports import free_port

METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
BIG_BYTES = 3 * 1024 * 1024 + 17


class _Server(uvicorn.Server):
    @contextmanager
    def capture_signals(self) -> Iterator[None]:  # leave pytest's signal handlers alone
        yield


@asynccontextmanager
async def serving(app: ASGIApp, **options: Any) -> AsyncIterator[str]:
    """Serve `app` with uvicorn on a free loopback port; yields its base URL. `options`: more
    `uvicorn.Config` arguments (the gateway's own `http` protocol)."""
    port = free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, log_config=None, log_level="warning", lifespan="on", **options
    )
    server = _Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
            raise RuntimeError("server stopped while starting")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


class Shared(BaseModel):
    id: int
    label: str


def catalog_app() -> FastAPI:
    """Routed at /v1/services (but not /v1/services/special, which goes to notary)."""

    class Item(BaseModel):
        name: str

    class Hidden(BaseModel):
        secret: str

    app = FastAPI(title="catalog")
    _operations(app)

    @app.get("/v1/services")
    async def list_services() -> list[Item]:
        return [Item(name="passport")]

    @app.get("/v1/services/{service_id}")
    async def get_service(service_id: int) -> Shared:
        return Shared(id=service_id, label="passport")

    @app.get("/v1/services/special/shadowed")
    async def shadowed() -> Hidden:
        return Hidden(secret="x")

    @app.get("/v1/services-archive")
    async def archive() -> Hidden:
        return Hidden(secret="x")

    @app.get("/internal/stats")
    async def stats() -> Hidden:
        return Hidden(secret="x")

    _echo(app, "catalog")
    return app


def notary_app() -> FastAPI:
    """Routed at /v1/documents and /v1/services/special."""

    class Item(BaseModel):  # same name as catalog's Item, different schema
        title: str
        pages: int

    class Stamp(BaseModel):
        item: Item

    app = FastAPI(title="notary")
    _operations(app)

    @app.get("/v1/documents")
    async def list_documents() -> list[Stamp]:
        return []

    @app.get("/v1/documents/{document_id}")
    async def get_document(document_id: int) -> Shared:
        return Shared(id=document_id, label="deed")

    @app.get("/v1/services/special/{code}")
    async def special(code: str) -> Shared:
        return Shared(id=1, label=code)

    @app.post("/admin/purge")
    async def purge() -> dict[str, str]:
        return {}

    _echo(app, "notary")
    return app


def _operations(app: FastAPI) -> None:
    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/v1/slow/{seconds}", include_in_schema=False)
    async def slow(seconds: float) -> dict[str, str]:
        await asyncio.sleep(seconds)
        return {"status": "late"}


def _echo(app: FastAPI, service: str) -> None:
    """Every other path: describe the request as received; `x-want-status` picks the status."""

    @app.api_route("/{path:path}", methods=METHODS, include_in_schema=False, response_model=None)
    async def echo(request: Request, path: str) -> JSONResponse | StreamingResponse:
        if path.endswith("/big"):
            return StreamingResponse(_big(), media_type="application/octet-stream")
        body = await request.body()
        described = {
            "service": service,
            "method": request.method,
            "path": request.url.path,
            "query": request.url.query,
            "headers": [[k, v] for k, v in request.headers.items()],
            "body": body.decode(errors="replace") if len(body) < 10_000 else "",
            "body_length": len(body),
            "body_sha256": hashlib.sha256(body).hexdigest(),
        }
        headers = {
            "x-upstream": service,
            "keep-alive": "timeout=99",
            "proxy-authenticate": "Basic",
            "connection": "x-hop-response",
            "x-hop-response": "1",
            "set-cookie": "upstream=1; Path=/",
        }
        status = int(request.headers.get("x-want-status", "200"))
        return JSONResponse(described, status_code=status, headers=headers)


async def _big() -> AsyncIterator[bytes]:
    sent = 0
    while sent < BIG_BYTES:
        chunk = bytes((sent + i) % 251 for i in range(min(100_000, BIG_BYTES - sent)))
        sent += len(chunk)
        yield chunk


def big_body() -> bytes:
    return bytes(i % 251 for i in range(BIG_BYTES))


class KeyRing:
    """What identity-svc publishes: an EdDSA JWKS; mints the platform's access tokens."""

    issuer, audience = "shubbak-identity", "shubbak"

    def __init__(self) -> None:
        self.kid = "k1"
        self.key = Ed25519PrivateKey.generate()

    def app(self) -> FastAPI:
        app = FastAPI()
        public = {**json.loads(OKPAlgorithm.to_jwk(self.key.public_key())), "kid": self.kid, "alg": "EdDSA"}

        @app.get("/.well-known/jwks.json")
        async def jwks() -> dict[str, list[dict[str, str]]]:
            return {"keys": [public]}

        return app

    def token(self, subject: str = "citizen-1", **claims: object) -> str:
        now = int(time.time())
        body = {"iss": self.issuer, "aud": self.audience, "sub": subject, "iat": now, "exp": now + 300, **claims}
        return jwt.encode(body, self.key, algorithm="EdDSA", headers={"kid": self.kid})


class Counter:
    """An upstream that counts what reaches it: POST /v1/things creates thing n (after `delay`)."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def app(self) -> FastAPI:
        app = FastAPI()
        _operations(app)

        @app.post("/v1/things", status_code=201)
        async def create(request: Request) -> JSONResponse:
            self.calls.append(request.method)
            await asyncio.sleep(float(request.query_params.get("delay", "0")))
            status = int(request.headers.get("x-want-status", "201"))
            body = {"n": len(self.calls), "body": (await request.body()).decode()}
            return JSONResponse(body, status_code=status, headers={"Location": f"/v1/things/{len(self.calls)}"})

        @app.api_route("/{path:path}", methods=METHODS)
        async def other(request: Request, path: str) -> dict[str, object]:
            self.calls.append(request.method)
            return {"n": len(self.calls), "path": path}

        return app


@asynccontextmanager
async def hanging_up(port: int) -> AsyncIterator[list[int]]:
    """A listener that accepts each connection and closes it at once; yields the count."""
    accepted: list[int] = []

    async def hang_up(_reader: asyncio.StreamReader, _writer: asyncio.StreamWriter, _up: "Upstream") -> None:
        accepted.append(1)

    async with scripted(hang_up, port):
        yield accepted


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, "Upstream"], Awaitable[None]]


@dataclass
class Upstream:
    """What a scripted upstream saw."""

    url: str
    connections: int = 0
    open_now: int = 0
    most_open: int = 0
    requests: list[bytes] = field(default_factory=list)
    closed_by_peer: int = 0


async def read_request(reader: asyncio.StreamReader, upstream: Upstream) -> bytes | None:
    """One request's head and body (Content-Length only); None if the peer closed first."""
    try:
        head = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError:
        upstream.closed_by_peer += 1
        return None
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.lower() == b"content-length":
            length = int(value)
    request = head + (await reader.readexactly(length) if length else b"")
    upstream.requests.append(request)
    return request


@asynccontextmanager
async def scripted(handler: Handler, port: int | None = None) -> AsyncIterator[Upstream]:
    """An HTTP/1.1 upstream on raw sockets, each connection served by `handler` (answers exactly
    as written); on `port` or a free one."""
    port = port or free_port()
    upstream = Upstream(f"http://127.0.0.1:{port}")

    async def on_connect(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        upstream.connections += 1
        upstream.open_now += 1
        upstream.most_open = max(upstream.most_open, upstream.open_now)
        try:
            await handler(reader, writer, upstream)
        finally:
            upstream.open_now -= 1
            writer.close()

    server = await asyncio.start_server(on_connect, "127.0.0.1", port)
    try:
        yield upstream
    finally:
        server.close()
        await server.wait_closed()


def answer(body: bytes = b"{}", *, extra: bytes = b"") -> bytes:
    return b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n%b\r\n%b" % (len(body), extra, body)


async def chunked_in_pieces(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, up: Upstream) -> None:
    while await read_request(reader, up) is not None:
        writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
        for piece in (b'{"parts": [', b'"' + b"x" * 3000 + b'", ', b'"' + b"y" * 3000 + b'"', b"]}"):
            writer.write(b"%x\r\n%b\r\n" % (len(piece), piece))
            await writer.drain()
            await asyncio.sleep(0.02)  # each piece its own segment
        writer.write(b"0\r\n\r\n")
        await writer.drain()
