"""One OpenAPI document for the whole platform, merged from the services' own documents."""

from __future__ import annotations

import asyncio
import copy
import json
import time
from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI

from gateway import contract
from gateway.policy import PolicyTable
from gateway.routing import RouteTable
from gateway.state import Gateway
from gateway.upstream import UpstreamError
from kit import openapi as kit_openapi
from kit.errors import problem_openapi, problem_schemas

TITLE = "Shubbak — the one window API"
API_VERSION = "1.0.0"
"""The public API's version (the merged document's `info.version`): a change that breaks a client
built against contracts/released/openapi.json needs a new major version (devstack.contracts_release)."""
GATEWAY = "gateway"
OWN_PREFIXES = (
    "/v1/oauth",
    "/v1/webhooks",
    "/v1/events",
    "/v1/event-keys",
    "/v1/integrator-event-keys",
    "/.well-known/integrator-event-keys.json",
)
DESCRIPTION = (
    "One versioned API for web and mobile apps and for ministry integrators. "
    "Errors are application/problem+json (RFC 9457), in Arabic by default (Accept-Language). "
    "Events integrators can receive (webhooks, NATS) are described in the "
    "[AsyncAPI document](/asyncapi.json)."
)
FETCH_TIMEOUT_SECONDS = 5.0
FAILURE_CACHE_SECONDS = 5.0
_SCHEMA_REF = "#/components/schemas/"

Document = dict[str, Any]


class Fetched:
    """A JSON document every routed service serves at `path` (its OpenAPI document, its problem
    texts), fetched with a short timeout and cached briefly; None for a service that did not answer."""

    def __init__(self, gateway: Gateway, path: str) -> None:
        self.gateway = gateway
        self.path = path
        self._cache: dict[str, tuple[float, Document | None]] = {}

    async def all(self) -> dict[str, Document | None]:
        names = self.gateway.routes.services()
        fetched = await asyncio.gather(*(self._cached(name) for name in names))
        return dict(zip(names, fetched, strict=True))

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
        try:
            async with asyncio.timeout(FETCH_TIMEOUT_SECONDS):
                answer = await self.gateway.upstream.request(service, "GET", self.path, [], None)
                try:
                    if answer.status != 200:
                        return None
                    document = json.loads(await answer.read())
                finally:
                    answer.release()
        except (TimeoutError, UpstreamError, ValueError):
            return None
        return document if isinstance(document, dict) else None


class MergedOpenAPI:
    """Fetches each routed service's /openapi.json (cached briefly) and merges them."""

    def __init__(self, gateway: Gateway) -> None:
        self.gateway = gateway
        self.fetched = Fetched(gateway, "/openapi.json")

    async def document(self, own: Document | None = None) -> Document:
        """The services' documents merged; `own` adds the gateway's own public routes."""
        documents = await self.fetched.all()
        routes = self.gateway.routes
        if own is not None:
            documents[GATEWAY] = own
            routes = RouteTable({**self.gateway.settings.routes, **dict.fromkeys(OWN_PREFIXES, GATEWAY)})
        merged = merge(documents, routes, policies=self.gateway.policies, version=API_VERSION)
        merged["info"]["description"] = DESCRIPTION
        return merged


def own_document(app: FastAPI) -> Document:
    """The gateway's own routes, described as kit describes a service's (who may call, ...)."""
    return kit_openapi.describe(problem_openapi(app.openapi()), app.routes)


def merge(
    documents: Mapping[str, Document | None],
    routes: RouteTable,
    *,
    version: str = API_VERSION,
    policies: PolicyTable | None = None,
) -> Document:
    """Paths each service is routed for, with their schemas; clashing names get the service's prefix.
    Whom each operation admits is narrowed by the edge `policies`; every proxied POST takes
    Idempotency-Key; the schemes, parameters, tags, servers and webhooks complete it (gateway.contract)."""
    paths: dict[str, Any] = {}
    schemas: dict[str, Any] = {}
    security: dict[str, Any] = {}
    parameters: dict[str, Any] = {}
    operation_ids: set[str] = set()
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
        if service != GATEWAY:
            contract.idempotent_posts({"paths": kept})
        for path, item in sorted(kept.items()):
            rule = policies.match(path) if policies else None
            for method, operation in item.items():
                if isinstance(operation, dict) and rule is not None:
                    contract.refine(operation, rule.access(method.upper()))
                if isinstance(operation, dict) and "operationId" in operation:
                    contract.unique_operation_id(operation, service, operation_ids)
        paths.update(_rewrite(kept, renames))
        for name, scheme in components.get("securitySchemes", {}).items():
            _merge_scheme(security, name, scheme)
        for name, parameter in components.get("parameters", {}).items():
            parameters.setdefault(name, parameter)
    components_out: dict[str, Any] = {"schemas": dict(sorted(schemas.items()))}
    if security:
        components_out["securitySchemes"] = security
    if parameters:
        components_out["parameters"] = parameters
    return contract.complete(
        {
            "openapi": "3.1.0",
            "info": {"title": TITLE, "version": version},
            "paths": dict(sorted(paths.items())),
            "components": components_out,
            "x-unavailable-services": sorted(unavailable),
        }
    )


def _merge_scheme(merged: dict[str, Any], name: str, scheme: Any) -> None:
    """The first document's scheme, with the OAuth2 scopes every document names."""
    kept = merged.setdefault(name, copy.deepcopy(scheme))
    for flow_name, flow in (scheme.get("flows") or {}).items() if isinstance(scheme, dict) else ():
        kept.setdefault("flows", {}).setdefault(flow_name, copy.deepcopy(flow))["scopes"].update(flow.get("scopes", {}))


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
