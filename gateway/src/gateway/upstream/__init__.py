"""The gateway's client to its upstream services: aiohttp's, or its own raw HTTP/1.1 one
(`GATEWAY_UPSTREAM_CLIENT`), behind one interface (gateway.upstream.base)."""

from __future__ import annotations

from gateway.upstream.aiohttp_client import AiohttpClient
from gateway.upstream.base import Answer, Client, UpstreamError, UpstreamTimeout, UpstreamUnreachable
from gateway.upstream.raw import RawClient

__all__ = ["Answer", "Client", "UpstreamError", "UpstreamTimeout", "UpstreamUnreachable", "open_client"]


def open_client(
    kind: str, upstreams: dict[str, str], *, connections: int, timeout: float, idle_seconds: float
) -> Client:
    """The client named `kind` ("aiohttp" or "raw"); call within the running event loop."""
    make = RawClient if kind == "raw" else AiohttpClient
    return make(upstreams, connections=connections, timeout=timeout, idle_seconds=idle_seconds)
