"""Every envelope is a CloudEvent 1.0 that the official CloudEvents SDK (Python) parses, as the
relay publishes it on NATS (the outbox stores `Envelope.to_bytes()` and the relay sends those
bytes unchanged), as a webhook delivers it and as `POST /v1/events` takes it (structured mode)."""

from __future__ import annotations

import json
from typing import Any

import pytest
from cloudevents.core.bindings.http import HTTPMessage, from_structured
from cloudevents.core.exceptions import CloudEventValidationError
from cloudevents.core.formats.json import JSONFormat
from cloudevents.core.v1.event import CloudEvent
from cloudevents.v1.http import from_http

from contracts import Envelope, registry
from contracts.envelope import BATCH_CONTENT_TYPE, CONTENT_TYPE, EXTENSION_NAME, SCHEMA_PATH
from contracts.examples import EXAMPLES, example

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
CONTEXT_ATTRIBUTES = {"id", "source", "specversion", "type", "datacontenttype", "dataschema", "subject", "time"}


def _wire(subject: str) -> bytes:
    return Envelope.wrap(
        example(subject), source=f"{subject.split('.')[0]}-svc", traceparent=TRACEPARENT, tracestate="shubbak=1"
    ).to_bytes()


@pytest.mark.parametrize("subject", sorted(EXAMPLES))
def test_the_sdk_parses_every_example_of_every_type(subject: str) -> None:
    raw = _wire(subject)
    event = from_structured(HTTPMessage(headers={"content-type": CONTENT_TYPE}, body=raw), JSONFormat(), CloudEvent)
    envelope = Envelope.from_bytes(raw)
    assert event.get_specversion() == "1.0"
    assert event.get_id() == str(envelope.id)
    assert event.get_type() == subject
    assert event.get_source() == envelope.source
    assert event.get_subject() == envelope.subject
    assert event.get_time() == envelope.time
    assert event.get_datacontenttype() == "application/json"
    assert event.get_dataschema() == envelope.dataschema
    assert event.get_extension("dataversion") == registry.event_class(subject).version
    assert event.get_extension("traceparent") == TRACEPARENT
    assert event.get_data() == EXAMPLES[subject] | event.get_data()  # the model may add defaults
    assert registry.event_class(subject).model_validate(event.get_data()) == example(subject)


@pytest.mark.parametrize("subject", sorted(EXAMPLES))
def test_the_sdks_older_api_parses_it_too(subject: str) -> None:
    event = from_http({"content-type": CONTENT_TYPE}, _wire(subject))
    assert event["type"] == subject
    assert event["dataversion"] == registry.event_class(subject).version


@pytest.mark.parametrize("subject", sorted(EXAMPLES))
def test_attribute_names_conform(subject: str) -> None:
    """CloudEvents 1.0: extension names are lower-case letters and digits, at most 20 (the SDK
    checks the letters, not the length)."""
    written: dict[str, Any] = json.loads(_wire(subject))
    extensions = set(written) - CONTEXT_ATTRIBUTES - {"data"}
    assert extensions == {"dataversion", "traceparent", "tracestate"}
    for name in written:
        assert EXTENSION_NAME.fullmatch(name), name


def test_dataschema_names_the_types_schema_on_the_gateway() -> None:
    envelope = Envelope.wrap(
        example("traffic.vehicle.registered.v1"), source="traffic", public_url="https://api.gov.example/"
    )
    assert envelope.dataschema == "https://api.gov.example" + SCHEMA_PATH.format(type="traffic.vehicle.registered.v1")


def test_the_sdk_refuses_what_the_envelope_wrote_before() -> None:
    """The reason for the rename: `data_version` is not a CloudEvents attribute name."""
    old = json.loads(_wire("civil.death.registered.v1"))
    old["data_version"] = old.pop("dataversion")
    with pytest.raises(CloudEventValidationError, match="data_version"):
        JSONFormat().read(CloudEvent, json.dumps(old).encode())


def test_a_batch_is_a_json_array_of_structured_events() -> None:
    """`application/cloudevents-batch+json` (POST /v1/events): each element parses alone."""
    batch = b"[" + b",".join(_wire(s) for s in sorted(EXAMPLES)[:3]) + b"]"
    items = json.loads(batch)
    assert BATCH_CONTENT_TYPE == "application/cloudevents-batch+json"
    parsed = [JSONFormat().read(CloudEvent, json.dumps(item).encode()) for item in items]
    assert [event.get_type() for event in parsed] == sorted(EXAMPLES)[:3]
