"""JSON Schema and AsyncAPI 3.0 documents generated from the registered events."""

import copy
import json
import re
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from pydantic.json_schema import models_json_schema

from contracts.base import Event
from contracts.envelope import Envelope
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


def asyncapi(version: str) -> dict[str, Any]:
    """An AsyncAPI 3.0.0 document: a channel, message and receive operation per event."""
    events = all_events()
    models: list[type[BaseModel]] = [Envelope, *events]
    (ref_by_model, defs) = models_json_schema([(model, "validation") for model in models], ref_template=_COMPONENT_REF)
    schemas: dict[str, Any] = defs.get("$defs", {})
    envelope_body = schemas[_name_of(ref_by_model[(Envelope, "validation")])]
    channels: dict[str, Any] = {}
    messages: dict[str, Any] = {}
    operations: dict[str, Any] = {}
    for cls in events:
        key = camel(cls.subject)
        message_ref = f"#/components/messages/{key}"
        data_ref = ref_by_model[(cls, "validation")]["$ref"]
        messages[key] = _message(cls, envelope_body, data_ref)
        channels[key] = {
            "address": cls.subject,
            "title": cls.subject,
            "description": f"{_doc(cls)} Stream: {stream_for(cls.subject).name}.",
            "messages": {key: {"$ref": message_ref}},
            "servers": [{"$ref": "#/servers/nats"}],
        }
        operations[f"on{key[:1].upper()}{key[1:]}"] = {
            "action": "receive",
            "title": f"Receive {cls.subject}",
            "summary": _doc(cls),
            "channel": {"$ref": f"#/channels/{key}"},
            "messages": [{"$ref": f"#/channels/{key}/messages/{key}"}],
        }
    return {
        "asyncapi": "3.0.0",
        "info": {
            "title": "Shubbak events",
            "version": version,
            "description": (
                "Events published by Shubbak services on NATS JetStream. Every message is a "
                "JSON envelope whose data is the versioned event; dedupe on the envelope id."
            ),
        },
        "defaultContentType": "application/json",
        "servers": {
            "nats": {
                "host": "nats:4222",
                "protocol": "nats",
                "description": "NATS JetStream on the government network.",
            }
        },
        "channels": channels,
        "operations": operations,
        "components": {"schemas": schemas, "messages": messages},
    }


def _message(cls: type[Event], envelope_body: dict[str, Any], data_ref: str) -> dict[str, Any]:
    payload = copy.deepcopy(envelope_body)
    payload["title"] = f"{cls.__name__}Envelope"
    payload["properties"]["type"] = {"const": cls.subject, "type": "string"}
    payload["properties"]["data_version"] = {"const": cls.version, "type": "integer"}
    payload["properties"]["data"] = {"$ref": data_ref}
    return {
        "name": cls.__name__,
        "title": f"{_words(cls.__name__)} (v{cls.version})",
        "summary": _doc(cls),
        "contentType": "application/json",
        "payload": payload,
        "examples": [{"name": "example", "payload": _example_envelope(cls)}],
    }


def _example_envelope(cls: type[Event]) -> dict[str, Any]:
    envelope = Envelope.wrap(
        example(cls.subject),
        source=f"{cls.domain}-svc",
        id=uuid.uuid5(uuid.NAMESPACE_URL, f"{SCHEMA_ID_PREFIX}{cls.subject}"),
        time=datetime(2025, 3, 1, 9, 30, tzinfo=UTC),
        traceparent="00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
    )
    data: dict[str, Any] = envelope.model_dump(mode="json")
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
