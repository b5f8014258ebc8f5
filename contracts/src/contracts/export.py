"""JSON Schema and AsyncAPI 3.0 documents generated from the registered events."""

import copy
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from contracts.audience import published_by_integrators, shared_with_integrators
from contracts.base import Event
from contracts.envelope import CONTENT_TYPE, DEFAULT_PUBLIC_URL, Envelope
from contracts.examples import example
from contracts.registry import all_events
from contracts.streams import stream_for

JSON_SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID_PREFIX = "urn:shubbak:contracts:"
_COMPONENT_REF = "#/components/schemas/{model}"


def _with_header(schema: dict[str, Any], name: str) -> dict[str, Any]:
    return {"$schema": JSON_SCHEMA_DIALECT, "$id": f"{SCHEMA_ID_PREFIX}{name}", **schema}


def event_schema(cls: type[Event]) -> dict[str, Any]:
    """The standalone JSON Schema (draft 2020-12) of one event's ``data``."""
    schema = _with_header(cls.model_json_schema(), cls.subject)
    schema["x-subject"] = cls.subject
    schema["x-aggregate"] = cls.aggregate
    return schema


def envelope_schema() -> dict[str, Any]:
    """The standalone JSON Schema (draft 2020-12) of the envelope."""
    return _with_header(Envelope.model_json_schema(), "envelope")


def camel(subject: str) -> str:
    """``identity.citizen.enrolled.v1`` → ``identityCitizenEnrolledV1`` (AsyncAPI ids)."""
    first, *rest = subject.replace("_", ".").split(".")
    return first + "".join(token[:1].upper() + token[1:] for token in rest)


NATS_HEADERS: dict[str, Any] = {
    "type": "object",
    "description": "NATS message headers the platform sets on every event it publishes.",
    "required": ["Nats-Msg-Id", "Content-Type"],
    "properties": {
        "Nats-Msg-Id": {
            "type": "string",
            "format": "uuid",
            "description": "The event id: JetStream drops a repeat within its duplicate window; dedupe on it.",
        },
        "Content-Type": {"const": CONTENT_TYPE, "description": "A CloudEvent in structured mode (JSON)."},
        "traceparent": {
            "type": "string",
            "pattern": "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
            "description": "W3C trace context of the request that caused the event (when traced).",
        },
        "tracestate": {"type": "string", "maxLength": 512, "description": "W3C tracestate."},
    },
}


def servers(public_url: str) -> dict[str, Any]:
    """The NATS server and the gateway at ``public_url`` (where ministries publish over HTTP)."""
    gateway = urlsplit(public_url)
    return {
        "nats": {
            "host": "nats:4222",
            "protocol": "nats",
            "title": "NATS JetStream",
            "description": (
                "NATS JetStream on the government network. An integrator connects with the user and "
                "password of its own account, which imports exactly the event types of its `events:` scopes."
            ),
            "security": [{"$ref": "#/components/securitySchemes/natsAccount"}],
        },
        "gateway": {
            "host": gateway.netloc,
            "pathname": "/v1/events",
            "protocol": gateway.scheme,
            "title": "The gateway's events endpoint",
            "description": (
                "Ministries publish the facts they own with `POST /v1/events` (one CloudEvent, or a batch as "
                "application/cloudevents-batch+json), with an OAuth2 client-credentials token carrying "
                "`publish:<type>`; see the OpenAPI document. Events integrators receive arrive as webhooks too "
                "(the OpenAPI document's `webhooks`)."
            ),
            "security": [{"$ref": "#/components/securitySchemes/integratorOAuth"}],
        },
    }


def security_schemes(events: list[type[Event]], public_url: str) -> dict[str, Any]:
    return {
        "natsAccount": {
            "type": "userPassword",
            "description": "The NATS user and password of the integrator's own account (issued by the platform's "
            "operators, shown once).",
        },
        "integratorOAuth": {
            "type": "oauth2",
            "description": "OAuth2 client credentials at the gateway; `publish:<type>` allows publishing that type.",
            "flows": {
                "clientCredentials": {
                    "tokenUrl": public_url.rstrip("/") + "/v1/oauth/token",
                    "availableScopes": {
                        f"publish:{cls.subject}": f"Publish {cls.subject}"
                        for cls in events
                        if published_by_integrators(cls.subject)
                    },
                }
            },
        },
    }


def asyncapi(version: str, public_url: str = DEFAULT_PUBLIC_URL) -> dict[str, Any]:
    """An AsyncAPI 3.0.0 document of the platform as one application: a channel and message per
    event; `send` for what the platform publishes (integrators may subscribe to those shared with
    them), `receive` for what it takes from the authorities that own the facts (civil registry,
    traffic, electricity, education)."""
    events = all_events()
    models: list[type[BaseModel]] = [Envelope, *events]
    (ref_by_model, defs) = models_json_schema([(model, "validation") for model in models], ref_template=_COMPONENT_REF)
    schemas: dict[str, Any] = defs.get("$defs", {})
    schemas["NatsHeaders"] = NATS_HEADERS
    envelope_body = schemas[_name_of(ref_by_model[(Envelope, "validation")])]
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for cls in events:
        key = camel(cls.subject)
        message_ref = f"#/components/messages/{key}"
        data_ref = ref_by_model[(cls, "validation")]["$ref"]
        messages[key] = _message(cls, envelope_body, data_ref)
        inbound = published_by_integrators(cls.subject)
        channels[key] = {
            "address": cls.subject,
            "title": cls.subject,
            "description": f"{_doc(cls)} Stream: {stream_for(cls.subject).name}. {_audience(cls.subject)}",
            "messages": {key: {"$ref": message_ref}},
            "servers": [{"$ref": "#/servers/nats"}, *([{"$ref": "#/servers/gateway"}] if inbound else [])],
        }
        action = "receive" if inbound else "send"
        operations[f"{action}{key[:1].upper()}{key[1:]}"] = {
            "action": action,
            "title": f"{action.capitalize()} {cls.subject}",
            "summary": _doc(cls),
            "description": (
                f"The platform takes this event from the authority that owns the fact (scope `publish:{cls.subject}`)."
                if inbound
                else "The platform publishes this event."
            ),
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Shubbak events",
            "version": version,
            "description": (
                "Events on NATS JetStream. Every message is a CloudEvent 1.0 in structured mode "
                "(application/cloudevents+json) whose `data` is the versioned event; `dataschema` is its "
                "JSON Schema at the gateway, the `dataversion` extension its version. Delivery is at least "
                "once: dedupe on the event id (also the `Nats-Msg-Id` header)."
            ),
        },
        "defaultContentType": CONTENT_TYPE,
        "servers": servers(public_url),
        "channels": channels,
        "operations": operations,
        "components": {
            "schemas": schemas,
            "messages": messages,
            "securitySchemes": security_schemes(events, public_url),
        },
    }


def _audience(subject: str) -> str:
    if published_by_integrators(subject):
        return "Published by the authority that owns the fact."
    if shared_with_integrators(subject):
        return "Shared with integrators (scope `events:<type>`)."
    return "Internal to the platform: never shared with integrators."


def _message(cls: type[Event], envelope_body: dict[str, Any], data_ref: str) -> dict[str, Any]:
    payload = copy.deepcopy(envelope_body)
    payload["title"] = f"{cls.__name__}Envelope"
    payload["properties"]["type"] = {"const": cls.subject, "type": "string"}
    payload["properties"]["dataversion"] = {"const": cls.version, "type": "integer"}
    payload["properties"]["data"] = {"$ref": data_ref}
    return {
        "name": cls.__name__,
        "title": f"{_words(cls.__name__)} (v{cls.version})",
        "summary": _doc(cls),
        "contentType": CONTENT_TYPE,
        "headers": {"$ref": "#/components/schemas/NatsHeaders"},
        "payload": payload,
        "examples": [
            {
                "name": "example",
                "headers": {
                    "Nats-Msg-Id": str(_example_id(cls)),
                    "Content-Type": CONTENT_TYPE,
                    "traceparent": EXAMPLE_TRACEPARENT,
                },
                "payload": _example_envelope(cls),
            }
        ],
    }


EXAMPLE_TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _example_id(cls: type[Event]) -> uuid.UUID:
    return uuid.uuid5(uuid.NAMESPACE_URL, f"{SCHEMA_ID_PREFIX}{cls.subject}")


def _example_envelope(cls: type[Event]) -> dict[str, Any]:
    envelope = Envelope.wrap(
        example(cls.subject),
        source=f"{cls.domain}-svc",
        id=_example_id(cls),
        time=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        traceparent=EXAMPLE_TRACEPARENT,
    )
    data: dict[str, Any] = envelope.model_dump(mode="json", exclude_none=True)
    return data


def _words(name: str) -> str:
    """``CitizenEnrolled`` → ``Citizen enrolled``."""
    return re.sub(r"(?<=[a-z0-9])([A-Z])", lambda m: " " + m.group(1).lower(), name)


def _name_of(ref: dict[str, str]) -> str:
    return ref["$ref"].rsplit("/", 1)[1]


def _doc(cls: type[Event]) -> str:
    return (cls.__doc__ or cls.__name__).strip().splitlines()[0]


def write_all(out: Path, version: str) -> list[Path]:
    """Write ``schemas/<subject>.json``, ``schemas/envelope.json`` and ``asyncapi.json``."""
    documents: dict[Path, dict[str, Any]] = {
        out / "schemas" / f"{cls.subject}.json": event_schema(cls) for cls in all_events()
    }
    documents[out / "schemas" / "envelope.json"] = envelope_schema()
    documents[out / "asyncapi.json"] = asyncapi(version)
    for path, document in documents.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False)
        path.write_text(text + "\n", encoding="utf-8")
    return sorted(documents)
