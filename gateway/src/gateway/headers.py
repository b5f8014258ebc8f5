"""Which headers cross the gateway, in each direction (RFC 9110 §7.6.1)."""

from __future__ import annotations

from collections.abc import Iterable

from starlette.types import Scope

from kit import telemetry
from kit.context import current_request_id
from kit.telemetry import inject_headers

RawHeaders = Iterable[tuple[bytes, bytes]]

HOP_BY_HOP = frozenset(
    {b"connection", b"keep-alive", b"te", b"trailer", b"transfer-encoding", b"upgrade", b"proxy-connection"}
)
# Set by the gateway itself, so the client's values never reach the upstream.
_SET_BY_GATEWAY = frozenset(
    {b"host", b"x-request-id", b"x-forwarded-for", b"x-forwarded-proto", b"x-forwarded-host", b"expect"}
)
_TRACE = frozenset({b"traceparent", b"tracestate"})
_DROPPED = HOP_BY_HOP | _SET_BY_GATEWAY
_DROPPED_TRACED = _DROPPED | _TRACE  # the gateway's own span context replaces the client's
_NOTHING: frozenset[bytes] = frozenset()
# The gateway's server answers with its own Date, Server and X-Request-ID.
_NOT_RETURNED = frozenset({b"date", b"server", b"x-request-id"})
_NOT_RETURNED_OR_HOP = _NOT_RETURNED | HOP_BY_HOP


def is_hop_by_hop(name: bytes, listed: frozenset[bytes]) -> bool:
    return name in HOP_BY_HOP or name.startswith(b"proxy-") or name in listed


def connection_listed(headers: RawHeaders) -> frozenset[bytes]:
    """Header names a `Connection` header declares hop-by-hop."""
    listed: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            listed.update(token.strip().lower() for token in value.split(b",") if token.strip())
    return frozenset(listed)


def upstream_headers(scope: Scope, address: str | None = None) -> list[tuple[str, str]]:
    """The client's end-to-end headers, plus forwarding, request id and trace context.

    `address`: the client's address as the gateway decided it (behind trusted proxies, from their
    X-Forwarded-For); the services key their own limits on it, so it is never the proxy's."""
    raw: list[tuple[bytes, bytes]] = scope["headers"]
    listed = _NOTHING
    for name, _ in raw:
        if name == b"connection":  # rare on HTTP/1.1 keep-alive: scan again only then
            listed = connection_listed(raw)
            break
    trace = inject_headers() if telemetry.enabled() else None
    drop = _DROPPED_TRACED if trace else _DROPPED
    pairs: list[tuple[str, str]] = []
    host = ""
    for name, value in raw:
        if name in drop or name.startswith(b"proxy-") or name in listed:
            if name == b"host":
                host = value.decode("latin-1")
            continue
        pairs.append((name.decode("latin-1"), value.decode("latin-1")))
    client = scope.get("client")
    if address:
        pairs.append(("X-Forwarded-For", address))
    elif isinstance(client, tuple | list) and client:
        pairs.append(("X-Forwarded-For", str(client[0])))
    pairs.append(("X-Forwarded-Proto", str(scope.get("scheme", "http"))))
    if host:
        pairs.append(("X-Forwarded-Host", host))
    if request_id := current_request_id():
        pairs.append(("X-Request-ID", request_id))
    if trace:
        pairs.extend(trace.items())
    return pairs  # aiohttp copies them into its own CIMultiDict: no second one here


def downstream_headers(raw: RawHeaders) -> list[tuple[bytes, bytes]]:
    """The upstream response's end-to-end headers, lower-cased for ASGI (one pass; a second
    one only when a `Connection` header lists more hop-by-hop names)."""
    pairs: list[tuple[bytes, bytes]] = []
    listed = _NOTHING
    for name, value in raw:
        name = name.lower()
        if name in _NOT_RETURNED_OR_HOP or name.startswith(b"proxy-"):
            if name == b"connection":
                listed = listed | connection_listed(((name, value),))
            continue
        pairs.append((name, value))
    if listed:
        return [(n, v) for n, v in pairs if n not in listed]
    return pairs
