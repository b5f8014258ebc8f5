"""Which headers cross the gateway, in each direction (RFC 9110 §7.6.1)."""

from __future__ import annotations

from collections.abc import Iterable

from multidict import CIMultiDict
from starlette.types import Scope

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
# The gateway's server answers with its own Date, Server and X-Request-ID.
_NOT_RETURNED = frozenset({b"date", b"server", b"x-request-id"})


def is_hop_by_hop(name: bytes, listed: frozenset[bytes]) -> bool:
    return name in HOP_BY_HOP or name.startswith(b"proxy-") or name in listed


def connection_listed(headers: RawHeaders) -> frozenset[bytes]:
    """Header names a `Connection` header declares hop-by-hop."""
    listed: set[bytes] = set()
    for name, value in headers:
        if name.lower() == b"connection":
            listed.update(token.strip().lower() for token in value.split(b",") if token.strip())
    return frozenset(listed)


def upstream_headers(scope: Scope) -> CIMultiDict[str]:
    """The client's end-to-end headers, plus forwarding, request id and trace context."""
    raw: list[tuple[bytes, bytes]] = scope["headers"]
    listed = connection_listed(raw)
    trace = inject_headers()
    out: CIMultiDict[str] = CIMultiDict()
    host = ""
    for name, value in raw:
        if name == b"host":
            host = value.decode("latin-1")
        if is_hop_by_hop(name, listed) or name in _SET_BY_GATEWAY or (trace and name in _TRACE):
            continue
        out.add(name.decode("latin-1"), value.decode("latin-1"))
    client = scope.get("client")
    if isinstance(client, tuple | list) and client:
        out["X-Forwarded-For"] = str(client[0])
    out["X-Forwarded-Proto"] = str(scope.get("scheme", "http"))
    if host:
        out["X-Forwarded-Host"] = host
    if request_id := current_request_id():
        out["X-Request-ID"] = request_id
    out.update(trace)
    return out


def downstream_headers(raw: RawHeaders) -> list[tuple[bytes, bytes]]:
    """The upstream response's end-to-end headers, lower-cased for ASGI."""
    pairs = [(name.lower(), value) for name, value in raw]
    listed = connection_listed(pairs)
    return [(n, v) for n, v in pairs if not is_hop_by_hop(n, listed) and n not in _NOT_RETURNED]
