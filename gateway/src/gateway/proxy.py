"""The proxy: a raw ASGI app streaming each request to its service and the answer back.

Raw ASGI and one pooled upstream client (gateway.upstream: aiohttp's or the gateway's own raw
HTTP/1.1 one): measured on this machine, a FastAPI route on httpx's default transport reached
0.04-0.08x direct throughput, this shape about 0.7x.

In front of the upstream call, in order: route, who is asking and their rate limit (a token
verified within the last minute: its account; otherwise the client address, counted before
any signature is checked), the edge policy (401/403 never reach a service), the strict limits
of sensitive routes (gateway.limits: who asks and what about), `Idempotency-Key` on POST,
then a slot of the upstream's bulkhead (load shedding: 503 when too many requests are in
flight and waiting), its circuit breaker and bounded retries. A request without a token, on
a public route, without Idempotency-Key touches no database and reads no body before
streaming it on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from collections.abc import AsyncIterator, Sequence

import jwt
from sqlalchemy.exc import SQLAlchemyError
from starlette.types import Message, Receive, Scope, Send

from gateway.headers import downstream_headers, upstream_headers
from gateway.idempotency import service as idempotency
from gateway.integrators.keys import EdgeVerifier
from gateway.limits import Charge, retry_after, sensitive_charges
from gateway.policy import READ_METHODS, Rule
from gateway.routing import Match, has_dot_segments
from gateway.settings import Rate
from gateway.shedding import Bulkhead
from gateway.state import Gateway
from gateway.upstream import Answer, UpstreamError, UpstreamUnreachable
from gateway.upstream.base import IDEMPOTENT_METHODS
from kit import metrics
from kit.auth import Caller
from kit.errors import ProblemError, problem_response
from kit.sealing import SealError

log = logging.getLogger("gateway.proxy")

CHUNK_BYTES = 64 * 1024
REPLAYED = (b"idempotent-replayed", b"true")
VERIFIED_TOKENS = 10_000
VERIFIED_SECONDS = 60.0
ADDRESS = "shubbak.client_address"
"""Scope key: the client's address as the gateway decided it (sent on as X-Forwarded-For)."""
SHED_RETRY_AFTER = "1"


class ClientGone(Exception):
    """The client disconnected while its request body was being sent upstream."""


class _Body:
    """The rest of the client's body as an async iterator; remembers why it stopped early."""

    def __init__(self, receive: Receive, first: bytes) -> None:
        self.receive = receive
        self.first = first
        self.error: BaseException | None = None

    async def chunks(self) -> AsyncIterator[bytes]:
        if self.first:
            yield self.first
        while True:
            try:
                message = await self.receive()
            except Exception as exc:  # e.g. kit's body limit; re-raised in the app's own task
                self.error = exc
                raise
            if message["type"] == "http.disconnect":
                self.error = ClientGone()
                raise self.error
            if body := message.get("body", b""):
                yield body
            if not message.get("more_body", False):
                return


class Proxy:
    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._cache: OrderedDict[str, tuple[Caller, float]] = OrderedDict()  # token → (caller, until: POSIX time)
        self._cache_for: EdgeVerifier | None = None
        self._unfinished: set[asyncio.Task[bool]] = set()  # keys still to release or answer

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path: str = scope["path"]
        match = None if has_dot_segments(path) else self.gateway.routes.match(path)
        if match is None:
            await problem_response(path, code="not_found", status=404)(scope, receive, send)
            return
        scope["route"] = match  # kit's metrics label requests by the matched prefix
        try:
            await self._handle(scope, receive, send, match)
        except ClientGone:
            return
        except ProblemError as exc:
            response = problem_response(
                path,
                code=exc.code,
                status=exc.status,
                params=exc.params,
                errors=exc.errors,
                headers=exc.headers,
                extra=exc.extra,
            )
            await response(scope, receive, send)

    async def _handle(self, scope: Scope, receive: Receive, send: Send, match: Match) -> None:
        gateway, settings = self.gateway, self.gateway.settings
        method: str = scope["method"]
        authorization = key = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                authorization = value
            elif name == b"idempotency-key":
                key = value
        address = scope[ADDRESS] = gateway.forwarding.client(scope)
        rule = gateway.policies.match(scope["path"]) if gateway.policies else None
        caller = await self._admit(rule, method, authorization, address)
        sensitive = rule is not None and rule.sensitive and method not in READ_METHODS
        if not sensitive and (key is None or method != "POST"):
            await self._stream(scope, receive, send, match.service)
            return
        body = await _read_all(receive)
        refunds: list[Charge] = []
        if sensitive and settings.rate_limits:
            refunds = await self._limit_sensitive(scope["path"], caller, address, body)
        if key is None or method != "POST":
            await self._forward(scope, send, match.service, body, refunds)
            return
        owner = caller.subject if caller is not None else _anonymous(authorization, address)
        await self._idempotent(scope, send, match.service, body, owner, key.decode("latin-1"), refunds)

    async def _admit(self, rule: Rule | None, method: str, authorization: bytes | None, address: str) -> Caller | None:
        """Who is asking, counted in their own bucket, and admitted by the route's policy (401/403).

        A token verified within VERIFIED_SECONDS is counted against its account only; a new or
        bad one, like a request without a token, against the client address first, so nobody
        makes the gateway check signatures faster than the address's rate. On a public route a
        valid token still says who asks (a clerk enrolling citizens); a bad one is ignored."""
        settings = self.gateway.settings
        access = rule.access(method) if rule is not None else None
        scheme, _, raw = (authorization or b"").decode("latin-1").partition(" ")
        token = raw.strip() if scheme.lower() == "bearer" else ""
        caller = self._recent(token) if token and access is not None else None
        if caller is None and settings.rate_limits:
            await self._limit("addr:" + address, settings.rate_address)
        if access is None or (access.public and not token):
            return None
        if not token:
            raise ProblemError("unauthenticated", status=401, headers={"WWW-Authenticate": "Bearer"})
        if caller is None:
            caller = await self._verify(token, optional=access.public)
            if caller is None:
                return None
        if settings.rate_limits:
            await self._limit(f"acct:{caller.kind}:{caller.subject}", settings.rate_account)
        if not access.admits(caller):
            raise ProblemError("forbidden", status=403)
        return caller

    async def _verify(self, token: str, *, optional: bool) -> Caller | None:
        verifier = self.gateway.verifier
        try:
            if verifier is None:  # no JWKS configured: fail closed
                raise ProblemError("service_unavailable", status=503, headers={"Retry-After": "5"})
            return await self._verified(verifier, token)
        except ProblemError:
            if optional:  # a public route: the request goes on as anyone's would
                return None
            raise

    def _recent(self, token: str) -> Caller | None:
        """The caller of a token verified within VERIFIED_SECONDS (and not expired), else None."""
        if self.gateway.verifier is not self._cache_for:
            return None
        found = self._cache.get(token)
        if found is None or self.gateway.clock.now().timestamp() >= found[1]:
            return None
        self._cache.move_to_end(token)
        return found[0]

    async def _verified(self, verifier: EdgeVerifier, token: str) -> Caller:
        """The token's caller, its signature checked once per token (~100 µs: headers, EdDSA, claims), not per
        request. Kept until the token's `exp` but at most VERIFIED_SECONDS (a key withdrawn
        from the JWKS stops admitting its tokens within that), for at most VERIFIED_TOKENS
        tokens (least recently used first out). Refusals are not kept."""
        cache = self._cache
        if verifier is not self._cache_for:  # another verifier (tests swap it): start afresh
            cache.clear()
            self._cache_for = verifier
        now = self.gateway.clock.now().timestamp()
        found = cache.get(token)
        if found is not None:
            if now < found[1]:
                cache.move_to_end(token)
                return found[0]
            del cache[token]
        caller = await verifier.verify(token)
        try:
            expires = float(jwt.decode(token, options={"verify_signature": False})["exp"])
        except (jwt.PyJWTError, KeyError, TypeError, ValueError):  # verified, yet no usable exp: keep nothing
            return caller
        cache[token] = (caller, min(expires, now + VERIFIED_SECONDS))
        if len(cache) > VERIFIED_TOKENS:
            cache.popitem(last=False)
        return caller

    async def _limit(self, key: str, rate: Rate) -> None:
        wait = await self.gateway.limiter.take(key, rate)
        if wait > 0:
            metrics.RATE_LIMITED.labels(service=self.gateway.settings.service_name, limit=key.partition(":")[0]).inc()
            raise ProblemError("too_many_requests", status=429, headers={"Retry-After": retry_after(wait)})

    async def _limit_sensitive(self, path: str, caller: Caller | None, address: str, body: bytes) -> list[Charge]:
        """OTP and sign-in routes: who asks and what about (gateway.limits). Returns the charges to
        give back if the upstream answers 2xx."""
        charges = sensitive_charges(path, caller, address, body, self.gateway.settings)
        for charge in charges:
            await self._limit(charge.key, charge.rate)
        return [charge for charge in charges if charge.refund_on_success]

    async def _settled(self, status: int, refunds: Sequence[Charge]) -> None:
        if 200 <= status < 300:
            for charge in refunds:
                await self.gateway.limiter.give_back(charge.key, charge.rate)

    async def _stream(self, scope: Scope, receive: Receive, send: Send, service: str) -> None:
        """The hot path: the client's body streams to the upstream, the answer streams back."""
        first = await receive()
        body: _Body | None = None
        data: bytes | AsyncIterator[bytes] | None = first.get("body", b"") or None
        if first.get("more_body", False):
            body = _Body(receive, first.get("body", b""))
            data = body.chunks()
        await self._exchange(scope, send, service, data, body)

    async def _forward(self, scope: Scope, send: Send, service: str, body: bytes, refunds: list[Charge]) -> None:
        await self._exchange(scope, send, service, body or None, None, refunds)

    async def _exchange(
        self,
        scope: Scope,
        send: Send,
        service: str,
        data: bytes | AsyncIterator[bytes] | None,
        body: _Body | None,
        refunds: Sequence[Charge] = (),
    ) -> None:
        """Request and answer, holding a slot of the upstream's bulkhead throughout; the limits
        charged to a sensitive request are given back if it succeeds."""
        bulkhead = self.gateway.bulkheads[service]
        if not bulkhead.try_enter():  # no coroutine when a slot is free
            await _wait_for_slot(bulkhead)
        try:
            response = await self._upstream(scope, service, data, body)
            if response is None:
                return
            await self._settled(response.status, refunds)
            try:
                await _relay(response, send)
            finally:
                response.release()
        finally:
            bulkhead.leave()

    async def _upstream(
        self, scope: Scope, service: str, data: bytes | AsyncIterator[bytes] | None, body: _Body | None
    ) -> Answer | None:
        """The upstream's response, through its circuit breaker, retrying connection errors of
        idempotent methods whose body can be sent again. None: the client went away."""
        settings = self.gateway.settings
        breaker = self.gateway.breakers[service]
        wait = breaker.allow()
        if wait > 0:
            raise ProblemError("service_unavailable", status=503, headers={"Retry-After": retry_after(wait)})
        method: str = scope["method"]
        replayable = body is None and method in IDEMPOTENT_METHODS
        attempts = 1 + (settings.upstream_retries if replayable else 0)
        target, headers = _target(scope), upstream_headers(scope, scope.get(ADDRESS))
        client = self.gateway.upstream
        settled = False
        try:
            for attempt in range(attempts):
                try:
                    response = await client.request(service, method, target, headers, data)
                except (TimeoutError, UpstreamError) as exc:
                    if body is not None and body.error is not None:
                        if isinstance(body.error, ClientGone):
                            return None
                        raise body.error from None
                    retry = isinstance(exc, UpstreamUnreachable)
                    if retry and attempt + 1 < attempts:
                        await asyncio.sleep(settings.upstream_retry_backoff_seconds * 2**attempt)
                        continue
                    breaker.failed()
                    settled = True
                    raise _failure(service, exc) from None
                breaker.succeeded()
                settled = True
                return response
            raise AssertionError("unreachable")
        finally:
            if not settled:
                breaker.abandoned()

    async def _idempotent(
        self, scope: Scope, send: Send, service: str, body: bytes, owner: str, key: str, refunds: list[Charge]
    ) -> None:
        settings = self.gateway.settings
        sessions = self.gateway.sessions
        assert sessions is not None
        idempotency.check_key(key)
        print_ = idempotency.fingerprint(scope["method"], scope["path"], scope.get("query_string", b""), body)
        timeout = settings.upstream_timeout_seconds
        lock_seconds = timeout * (settings.upstream_retries + 2) + 30
        try:
            stored = await idempotency.begin(
                sessions,
                self.gateway.sealer,
                clock=self.gateway.clock,
                caller=owner,
                key=key,
                fingerprint=print_,
                method=scope["method"],
                path=scope["path"],
                lock_seconds=lock_seconds,
                ttl_seconds=settings.idempotency_ttl_seconds,
                wait_seconds=timeout + 1,
            )
        except (SQLAlchemyError, OSError, SealError) as exc:  # SealError: the secrets key changed
            log.error("idempotency store unavailable: %s", type(exc).__name__)
            raise ProblemError("service_unavailable", status=503, headers={"Retry-After": "5"}) from None
        if stored is not None:
            await _send_stored(send, stored, replayed=True)
            return
        answer: idempotency.Stored | None = None
        try:
            bulkhead = self.gateway.bulkheads[service]
            if not bulkhead.try_enter():
                await _wait_for_slot(bulkhead)
            try:
                response = await self._upstream(scope, service, body or None, None)
                if response is None:
                    return
                await self._settled(response.status, refunds)
                try:
                    limit = settings.idempotency_max_response_bytes
                    read = await _read_answer(response, limit)
                    if not isinstance(read, idempotency.Stored):  # too large to keep: relay it, release the key
                        await _relay(response, send, read)
                        return
                    answer = read
                finally:
                    response.release()
            finally:
                bulkhead.leave()
        finally:
            try:
                await asyncio.shield(
                    idempotency.finish(sessions, self.gateway.sealer, caller=owner, key=key, answer=answer)
                )
            except (SQLAlchemyError, OSError) as exc:
                log.error("idempotency answer not stored: %s; trying again", type(exc).__name__)
                later = idempotency.finish_eventually(
                    sessions, self.gateway.sealer, caller=owner, key=key, answer=answer, within=lock_seconds
                )
                task = asyncio.create_task(later, name="idempotency-finish")
                self._unfinished.add(task)
                task.add_done_callback(self._unfinished.discard)
        assert answer is not None
        await _send_stored(send, answer, replayed=False)


def _target(scope: Scope) -> str:
    """The request target as the client sent it: raw path and query."""
    raw_path: bytes = scope.get("raw_path") or scope["path"].encode()
    query: bytes = scope.get("query_string", b"")
    target = raw_path.decode("latin-1")
    if query:
        target += "?" + query.decode("latin-1")
    return target


async def _wait_for_slot(bulkhead: Bulkhead) -> None:
    """Wait for a slot of the upstream's bulkhead within its bounds, or answer a fast 503 (shed)."""
    if not await bulkhead.enter():
        raise ProblemError("service_busy", status=503, headers={"Retry-After": SHED_RETRY_AFTER})


def _failure(service: str, exc: BaseException) -> ProblemError:
    log.warning("upstream %s failed: %s (%s)", service, type(exc).__name__, exc, extra={"upstream": service})
    if isinstance(exc, TimeoutError):
        return ProblemError("gateway_timeout", status=504)
    if isinstance(exc, UpstreamUnreachable):
        return ProblemError("service_unavailable", status=503, headers={"Retry-After": "1"})
    return ProblemError("bad_gateway", status=502)


def _anonymous(authorization: bytes | None, address: str) -> str:
    """Whose key it is when no token was verified: the token's hash, else the address."""
    if authorization:
        return "token:" + hashlib.sha256(authorization).hexdigest()[:32]
    return "anon:" + address


async def _read_all(receive: Receive) -> bytes:
    """The whole request body (kit's middleware caps its size)."""
    parts: list[bytes] = []
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise ClientGone
        parts.append(message.get("body", b""))
        if not message.get("more_body", False):
            return b"".join(parts)


async def _read_answer(response: Answer, limit: int) -> idempotency.Stored | bytes:
    """The answer to keep; if its body is over `limit`, what was read of it (the rest is unread)."""
    length = response.content_length
    if length is not None and length > limit:
        return b""
    body = await response.read_within(limit)
    if len(body) > limit:
        return body
    headers = [[n.decode("latin-1"), v.decode("latin-1")] for n, v in downstream_headers(response.raw_headers)]
    return idempotency.Stored(response.status, headers, body)


async def _send_stored(send: Send, answer: idempotency.Stored, *, replayed: bool) -> None:
    headers = [(n.encode("latin-1"), v.encode("latin-1")) for n, v in answer.headers]
    if replayed:
        headers.append(REPLAYED)
    await send({"type": "http.response.start", "status": answer.status, "headers": headers})
    await send({"type": "http.response.body", "body": answer.body})


async def _relay(response: Answer, send: Send, read: bytes = b"") -> None:
    """Status, headers and body (`read`: the part of it already read) to the client."""
    start: Message = {
        "type": "http.response.start",
        "status": response.status,
        "headers": downstream_headers(response.raw_headers),
    }
    await send(start)
    try:
        length = response.content_length
        if length is not None and length <= CHUNK_BYTES and not read:
            await send({"type": "http.response.body", "body": await response.read()})
            return
        if read:
            await send({"type": "http.response.body", "body": read, "more_body": True})
        async for chunk in response.chunks():
            await send({"type": "http.response.body", "body": chunk, "more_body": True})
        await send({"type": "http.response.body", "body": b""})
    except (TimeoutError, UpstreamError) as exc:
        # Too late for a problem body: the status is sent. Ending here makes the server
        # drop the connection, so the client sees a truncated response, not a complete one.
        log.warning("upstream response broke off: %s", type(exc).__name__)
