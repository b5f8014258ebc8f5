"""What the merged OpenAPI document says that only the gateway knows: whom its edge policy admits
(narrowing what a service's own dependencies say: `CurrentCaller` reads as any signed-in caller),
`Idempotency-Key` on every POST it proxies, the integrators' scopes, the `servers` entry, and the
webhooks it sends (OpenAPI 3.1 `webhooks`: one per event type shared with integrators, a
CloudEvent in structured mode signed per Standard Webhooks)."""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any, Literal

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from contracts import Envelope, registry
from contracts.audience import published_by_integrators, shared_with_integrators
from contracts.base import Event
from contracts.envelope import CONTENT_TYPE
from contracts.examples import example
from contracts.export import camel
from gateway.policy import Access
from kit import examples, openapi
from kit.auth import Admits

IDEMPOTENCY_KEY = "IdempotencyKey"
IDEMPOTENCY_PARAMETER: dict[str, Any] = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "description": "Makes a POST safe to retry: the same key with the same request gets the first answer again "
    "(`Idempotent-Replayed: true`), another request with the key is refused (422), one still in progress "
    "answers 409 with Retry-After. Keys are the caller's own, kept 24 hours; a UUID is a good key.",
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "example": "6f1c7f0e-3b1a-4c56-9d1e-2a9b8c7d6e51",
}
SERVERS = [{"url": "/", "description": "This platform's gateway: the API is served where this document is."}]
WEBHOOK_HEADERS: list[dict[str, Any]] = [
    {
        "name": "webhook-id",
        "in": "header",
        "required": True,
        "description": "The event id: the same on every retry and replay. Deliveries are at least once: dedupe on it.",
        "schema": {"type": "string", "format": "uuid"},
    },
    {
        "name": "webhook-timestamp",
        "in": "header",
        "required": True,
        "description": "When this attempt was signed, in seconds since the epoch: refuse one far from now "
        "(Standard Webhooks libraries allow 5 minutes).",
        "schema": {"type": "integer"},
    },
    {
        "name": "webhook-signature",
        "in": "header",
        "required": True,
        "description": '`v1,<base64 HMAC-SHA256 of "<webhook-id>.<webhook-timestamp>.<body>" under the '
        "subscription's secret>` (Standard Webhooks). While a secret is being rotated the header carries "
        "the signatures of the old and the new secret, space-separated: accept either.",
        "schema": {"type": "string", "pattern": "^v1,[A-Za-z0-9+/=]+( v1,[A-Za-z0-9+/=]+)*$"},
    },
]
EVENT_SCHEMA_PREFIX = "Event_"


def refine(operation: dict[str, Any], access: Access | None) -> None:
    """Whom the operation admits, as the gateway's edge policy narrows it (both must pass)."""
    if access is None or access.public:
        return
    edge = Admits(citizen=access.citizen, staff=access.staff_roles, integrator=access.integrator_scopes)
    found = operation.get("x-admits")
    own = openapi.admits_from_json(found) if isinstance(found, dict) else None
    who = edge if own is None else openapi.both(own, edge)
    if openapi.audiences(who):  # nobody at all would be a contradiction: keep what the service says
        openapi.declare(operation, who)


def unique_operation_id(operation: dict[str, Any], service: str, taken: set[str]) -> None:
    """An operationId another service (or route) already uses gets the service's name in front,
    so the merged document stays valid; `x-operation-id-clash` keeps the name that clashed (the
    route function to rename)."""
    wanted = operation["operationId"]
    found, n = wanted, 1
    while found in taken:
        n += 1
        found = openapi.camel(f"{service}_{wanted}") + (str(n) if n > 2 else "")
    if found != wanted:
        operation["operationId"] = found
        operation["x-operation-id-clash"] = wanted
    taken.add(found)


def idempotent_posts(document: dict[str, Any]) -> None:
    """Every POST the gateway proxies takes `Idempotency-Key` (gateway.idempotency)."""
    ref = {"$ref": f"#/components/parameters/{IDEMPOTENCY_KEY}"}
    for item in document.get("paths", {}).values():
        operation = item.get("post")
        if not isinstance(operation, dict):
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name", "").lower() == "idempotency-key" or p == ref for p in parameters):
            parameters.append(ref)


def complete(document: dict[str, Any]) -> dict[str, Any]:
    """Schemes with every scope, shared parameters, audience tags, servers, webhooks and an example
    on every body."""
    components = document.setdefault("components", {})
    schemes = components.setdefault("securitySchemes", {})
    for name, scheme in openapi.SECURITY_SCHEMES.items():
        schemes.setdefault(name, copy.deepcopy(scheme))
    scopes = schemes[openapi.INTEGRATOR]["flows"]["clientCredentials"]["scopes"]
    for cls in registry.all_events():
        if shared_with_integrators(cls.subject):
            scopes.setdefault(f"events:{cls.subject}", openapi.scope_description(f"events:{cls.subject}"))
        if published_by_integrators(cls.subject):
            scopes.setdefault(f"publish:{cls.subject}", openapi.scope_description(f"publish:{cls.subject}"))
    schemes[openapi.INTEGRATOR]["flows"]["clientCredentials"]["scopes"] = dict(sorted(scopes.items()))
    parameters = components.setdefault("parameters", {})
    parameters.setdefault(openapi.ACCEPT_LANGUAGE, copy.deepcopy(openapi.ACCEPT_LANGUAGE_PARAMETER))
    parameters.setdefault(IDEMPOTENCY_KEY, copy.deepcopy(IDEMPOTENCY_PARAMETER))
    document["servers"] = copy.deepcopy(SERVERS)
    webhooks, schemas = webhooks_section(registry.all_events())
    document["webhooks"] = webhooks
    components.setdefault("schemas", {}).update(schemas)
    document["tags"] = openapi.tags(_tags(document))
    unique_titles(components["schemas"])
    return examples.exemplify(document)  # the gateway's own answers (429, 403, 422 at the edge) too


def unique_titles(schemas: dict[str, Any]) -> None:
    """Schemas of different names keep the title of the model they came from (two services'
    `Status`, pydantic's `Rule-Input` and `Rule-Output`): client generators name classes by title,
    so a shared title becomes the schema's own name, in PascalCase (`office_routing_Status` →
    `OfficeRoutingStatus`)."""
    by_title: dict[str, list[str]] = {}
    for name, schema in schemas.items():
        if isinstance(schema, dict) and isinstance(schema.get("title"), str):
            by_title.setdefault(schema["title"], []).append(name)
    for names in by_title.values():
        if len(names) > 1:
            for name in names:
                schemas[name]["title"] = "".join(
                    part[:1].upper() + part[1:] for part in re.split(r"[_\-]+", name) if part
                )


def _tags(document: dict[str, Any]) -> Iterable[str]:
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if isinstance(operation, dict):
                yield from operation.get("tags", [])


def webhooks_section(events: list[type[Event]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`webhooks` (one per event type integrators may subscribe to) and the schemas they use."""
    shared = [cls for cls in events if shared_with_integrators(cls.subject)]
    template = "#/components/schemas/" + EVENT_SCHEMA_PREFIX + "{model}"
    models: list[type[BaseModel]] = [Envelope, *shared]
    inputs: list[tuple[type[BaseModel], Literal["validation", "serialization"]]]
    inputs = [(cls, "validation") for cls in models]
    refs, defs = models_json_schema(inputs, ref_template=template)
    found: dict[str, Any] = defs.get("$defs", {})
    envelope = found.pop(refs[(Envelope, "validation")]["$ref"].rsplit("/", 1)[1].removeprefix(EVENT_SCHEMA_PREFIX))
    schemas = {EVENT_SCHEMA_PREFIX + name: schema for name, schema in found.items()}
    webhooks: dict[str, Any] = {}
    for cls in shared:
        body = copy.deepcopy(envelope)
        body["title"] = f"{cls.__name__}CloudEvent"
        body["description"] = f"A CloudEvent (structured mode) whose data is {cls.subject}."
        body["properties"]["type"] = {"const": cls.subject, "type": "string"}
        body["properties"]["dataversion"] = {"const": cls.version, "type": "integer"}
        body["properties"]["data"] = refs[(cls, "validation")]
        name = f"{EVENT_SCHEMA_PREFIX}{cls.__name__}CloudEvent"
        schemas[name] = body
        sample = Envelope.wrap(
            example(cls.subject), source=f"{cls.domain}-svc", id=examples.event_id(cls.subject), time=examples.INSTANT
        )
        webhooks[cls.subject] = {
            "post": {
                "operationId": camel(cls.subject) + "Webhook",
                "summary": (cls.__doc__ or cls.__name__).strip().splitlines()[0],
                "description": "POSTed to each endpoint subscribed to this type (`POST /v1/webhooks`, scope "
                f"`events:{cls.subject}`), whose filter its data matches. Answer 2xx once it is stored; "
                "anything else is retried with growing delays for a day; 410 Gone disables the subscription. "
                "The body is the event exactly as its producer signed it (`signaturekid`, `signature`: Ed25519 "
                "over its RFC 8785 canonical form, or with `signatureproof` over the Merkle root of the batch it "
                "was signed in; `contracts.signing.KeyRing` verifies it against the producer's JWKS).",
                "tags": ["integrator"],
                "security": [],
                "parameters": copy.deepcopy(WEBHOOK_HEADERS),
                "requestBody": {
                    "required": True,
                    "content": {
                        CONTENT_TYPE: {
                            "schema": {"$ref": f"#/components/schemas/{name}"},
                            "example": sample.model_dump(mode="json", exclude_none=True),
                        }
                    },
                },
                "responses": {
                    "2XX": {"description": "Received: the delivery is done."},
                    "410": {"description": "Gone: the gateway disables the subscription."},
                    "default": {"description": "Not received: the delivery is tried again later."},
                },
            }
        }
    return webhooks, schemas
