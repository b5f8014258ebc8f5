"""One OpenAPI document for the whole platform, merged from the services' own documents."""

from __future__ import annotations

import asyncio
import copy
import time
from collections.abc import Mapping
from typing import Any

import aiohttp

from gateway.routing import RouteTable
from gateway.state import Gateway
from kit.errors import problem_openapi, problem_schemas

TITLE = "Shubbak — the one window API"
GATEWAY = "gateway"
OWN_PREFIXES = ("/v1/oauth", "/v1/webhooks")
DESCRIPTION = (
    "One versioned API for web and mobile apps and for ministry integrators. "
    "Errors are application/problem+json (RFC 9457), in Arabic by default (Accept-Language). "
    "Events integrators can receive (webhooks, NATS) are described in the "
    "[AsyncAPI document](/asyncapi.json)."
)
FETCH_TIMEOUT_SECONDS = 2.0
FAILURE_CACHE_SECONDS = 5.0
_SCHEMA_REF = "#/components/schemas/"

Document = dict[str, Any]


class MergedOpenAPI:
    """Fetches each routed service's /openapi.json (cached briefly) and merges them."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self._cache: dict[str, tuple[float, Document | None]] = {}

    async def document(self, own: Document | None = None) -> Document:
        """The services' documents merged; `own` adds the gateway's own public routes."""
        names = self.gateway.routes.services()
        fetched = await asyncio.gather(*(self._cached(name) for name in names))
        documents = dict(zip(names, fetched, strict=True))
        routes = self.gateway.routes
        if own is not None:
            documents[GATEWAY] = own
            routes = RouteTable({**self.gateway.settings.routes, **dict.fromkeys(OWN_PREFIXES, GATEWAY)})
        merged = merge(documents, routes)
        merged["info"]["description"] = DESCRIPTION
        return merged

    async def _cached(self, service: str) -> Document | None:
        now = time.monotonic()
        hit = self._cache.get(service)
        if hit is not None and hit[0] > now:
            return hit[1]
        document = await self._fetch(service)
        ttl = self.gateway.settings.openapi_cache_seconds
        self._cache[service] = (now + (ttl if document is not None else min(ttl, FAILURE_CACHE_SECONDS)), document)
        return document

    async def _fetch(self, service: str) -> Document | None:
        url = f"{self.gateway.upstreams[service]}/openapi.json"
        try:
            timeout = aiohttp.ClientTimeout(total=FETCH_TIMEOUT_SECONDS)
            async with self.gateway.session.get(url, timeout=timeout) as response:
                if response.status != 200:
                    return None
                document = await response.json(content_type=None)
        except (TimeoutError, aiohttp.ClientError, ValueError):
            return None
        return document if isinstance(document, dict) else None


def merge(documents: Mapping[str, Document | None], routes: RouteTable, *, version: str = "1") -> Document:
    """Paths each service is routed for, with their schemas; clashing names get the service's prefix."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    security: dict[str, Any] = {}
    unavailable: list[str] = []
    for service, document in documents.items():
        if document is None:
            unavailable.append(service)
            continue
        problem_openapi(document)  # error responses as sent: problem+json (the gateway's own routes too)
        _edge_responses(document)
        kept = {
            path: item
            for path, item in document.get("paths", {}).items()
            if (match := routes.match(path)) is not None and match.service == service
        }
        components = document.get("components", {})
        own = components.get("schemas", {})
        needed = {name: own[name] for name in _reachable(kept, own)}
        renames = _renames(service, needed, schemas)
        for name, schema in needed.items():
            schemas[renames.get(name, name)] = _rewrite(schema, renames)
        paths.update(_rewrite(kept, renames))
        for name, scheme in components.get("securitySchemes", {}).items():
            security.setdefault(name, scheme)
    components_out: dict[str, Any] = {"schemas": dict(sorted(schemas.items()))}
    if security:
        components_out["securitySchemes"] = security
    return {
        "openapi": "3.1.0",
        "info": {"title": TITLE, "version": version},
        "paths": dict(sorted(paths.items())),
        "components": components_out,
        "x-unavailable-services": sorted(unavailable),
    }


_PROBLEM = {"application/problem+json": {"schema": {"$ref": f"{_SCHEMA_REF}Problem"}}}
_EDGE = {
    "429": {
        "description": "Too many requests (the gateway's rate limits; Retry-After says when to try again)",
        "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds to wait."}},
        "content": _PROBLEM,
    },
    "403": {"description": "Not allowed (the gateway refuses callers of the wrong kind or role)", "content": _PROBLEM},
    "422": {"description": "Validation failed (the gateway refuses a NUL character anywhere)", "content": _PROBLEM},
}


def _edge_responses(document: Document) -> None:
    """What the gateway itself may answer before a service is reached: 429 and 422 on every route,
    403 on every route that needs a signed-in caller (one that declares 401)."""
    touched = False
    for item in document.get("paths", {}).values():
        for operation in item.values():
            responses = operation.get("responses") if isinstance(operation, dict) else None
            if responses is None:
                continue
            responses.setdefault("429", copy.deepcopy(_EDGE["429"]))
            responses.setdefault("422", copy.deepcopy(_EDGE["422"]))
            if "401" in responses:
                responses.setdefault("403", copy.deepcopy(_EDGE["403"]))
            touched = True
    if touched:
        problem_schemas(document)


def _renames(service: str, own: Mapping[str, Any], merged: Mapping[str, Any]) -> dict[str, str]:
    """Names to prefix: a clash with a different schema, counting clashes caused by renamed refs."""
    renames: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, schema in own.items():
            if name in renames or name not in merged:
                continue
            if merged[name] != _rewrite(schema, renames):
                renames[name] = f"{service}_{name}"
                changed = True
    return renames


def _reachable(paths: Mapping[str, Any], schemas: Mapping[str, Any]) -> list[str]:
    """Schema names the kept paths use, directly or through other schemas."""
    seen: set[str] = set()
    pending = list(_refs(paths))
    while pending:
        name = pending.pop()
        if name in seen or name not in schemas:
            continue
        seen.add(name)
        pending.extend(_refs(schemas[name]))
    return sorted(seen)


def _refs(node: Any) -> list[str]:
    found: list[str] = []
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            found.append(ref[len(_SCHEMA_REF) :])
        for value in node.values():
            found.extend(_refs(value))
    elif isinstance(node, list):
        for value in node:
            found.extend(_refs(value))
    return found


def _rewrite(node: Any, renames: Mapping[str, str]) -> Any:
    if not renames:
        return node
    if isinstance(node, dict):
        out = {key: _rewrite(value, renames) for key, value in node.items()}
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith(_SCHEMA_REF):
            name = ref[len(_SCHEMA_REF) :]
            out["$ref"] = _SCHEMA_REF + renames.get(name, name)
        return out
    if isinstance(node, list):
        return [_rewrite(value, renames) for value in node]
    return node
