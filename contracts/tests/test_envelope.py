import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import uuid4

import pytest
from pydantic import ValidationError

from contracts import Envelope, Event, InvalidEnvelope, UnknownEvent, registry
from contracts.events.civil import BirthRegistered
from contracts.examples import EXAMPLES

TRACEPARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"


def _birth() -> BirthRegistered:
    return BirthRegistered.model_validate(EXAMPLES[BirthRegistered.subject])


def _raw(**changes: Any) -> dict[str, Any]:
    envelope = Envelope.wrap(_birth(), source="civil-registry")
    raw: dict[str, Any] = json.loads(envelope.to_bytes())
    return raw | changes


class TestWrap:
    def test_fills_routing_fields_from_the_event(self) -> None:
        event = _birth()
        envelope = Envelope.wrap(event, source="civil-registry", traceparent=TRACEPARENT)
        assert envelope.type == "civil.birth.registered.v1"
        assert envelope.subject == event.child_national_id
        assert envelope.dataversion == 1
        assert envelope.dataschema == "http://127.0.0.1:8000/schemas/events/civil.birth.registered.v1.json"
        assert envelope.specversion == "1.0"
        assert envelope.datacontenttype == "application/json"
        assert envelope.traceparent == TRACEPARENT
        assert envelope.time.tzinfo is UTC
        assert envelope.data["birth_date"] == "2018-01-01"

    def test_ids_are_fresh_unless_given(self) -> None:
        given = uuid4()
        assert Envelope.wrap(_birth(), source="s").id != Envelope.wrap(_birth(), source="s").id
        assert Envelope.wrap(_birth(), source="s", id=given).id == given

    def test_naive_time_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="timezone"):
            Envelope.wrap(_birth(), source="s", time=datetime(2025, 3, 1, 9, 30))

    def test_aware_time_is_normalised_to_utc(self) -> None:
        cairo = timezone(timedelta(hours=2))
        envelope = Envelope.wrap(_birth(), source="s", time=datetime(2025, 3, 1, 11, 30, tzinfo=cairo))
        assert envelope.time == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
        assert envelope.time.tzinfo is UTC


class TestRoundTrip:
    @pytest.mark.parametrize("subject", sorted(EXAMPLES))
    def test_every_event_survives_bytes(self, subject: str) -> None:
        event = registry.event_class(subject).model_validate(EXAMPLES[subject])
        envelope = Envelope.wrap(event, source="test", traceparent=TRACEPARENT, tracestate="k=v")
        again = Envelope.from_bytes(envelope.to_bytes())
        assert again == envelope
        assert again.event() == event
        assert type(again.event()) is type(event)

    def test_arabic_text_is_kept_as_utf8(self) -> None:
        raw = Envelope.wrap(_birth(), source="civil-registry").to_bytes()
        assert "ليلى أحمد محمود".encode() in raw
        assert b"\\u" not in raw
        assert b"\n" not in raw  # compact
        assert b": " not in raw
        assert Envelope.from_bytes(raw).event().full_name_ar == "ليلى أحمد محمود"  # type: ignore[attr-defined]


class TestReceived:
    def test_an_event_read_is_forwarded_as_it_came_extensions_and_all(self) -> None:
        sent = json.loads(Envelope.wrap(_birth(), source="civil-registry").to_bytes())
        sent |= {"time": "2025-03-01T11:30:00+02:00", "ministryref": "CR-17"}  # as its producer wrote it
        raw = json.dumps(sent, ensure_ascii=False, indent=1).encode()
        envelope = Envelope.from_bytes(raw)
        assert envelope.received() == raw
        assert envelope.to_bytes() != raw  # re-serialised, it would lose the extension and the offset
        assert envelope == Envelope.from_bytes(envelope.to_bytes())  # equality ignores what was received

    def test_a_changed_or_new_envelope_is_its_own_bytes(self) -> None:
        built = Envelope.wrap(_birth(), source="s")
        assert built.received() == built.to_bytes()
        read = Envelope.from_bytes(built.to_bytes())
        changed = read.model_copy(update={"source": "t"})
        assert changed.received() == changed.to_bytes()
        assert b'"source":"t"' in changed.received()


class TestFromBytes:
    @pytest.mark.parametrize(
        "raw",
        [
            b"",
            b"not json",
            b"\xff\xfe\x00",
            b"[]",
            b"null",
            b"{}",
            b'{"id": "x"}',
        ],
    )
    def test_garbage_is_an_invalid_envelope(self, raw: bytes) -> None:
        with pytest.raises(InvalidEnvelope, match="invalid envelope"):
            Envelope.from_bytes(raw)

    @pytest.mark.parametrize(
        ("changes", "field"),
        [
            ({"time": "2025-03-01T09:30:00"}, "time"),
            ({"id": "not-a-uuid"}, "id"),
            ({"type": "civil.birth.registered"}, "type"),
            ({"specversion": "0.3"}, "specversion"),
            ({"datacontenttype": "application/xml"}, "datacontenttype"),
            ({"data": "a string"}, "data"),
            ({"dataversion": 2}, "dataversion"),
            ({"source": ""}, "source"),
        ],
    )
    def test_bad_field_is_named_in_the_reason(self, changes: dict[str, Any], field: str) -> None:
        with pytest.raises(InvalidEnvelope) as caught:
            Envelope.from_bytes(json.dumps(_raw(**changes)).encode())
        assert field in str(caught.value)
        assert isinstance(caught.value, ValueError)

    def test_unknown_envelope_fields_are_ignored(self) -> None:
        envelope = Envelope.from_bytes(json.dumps(_raw(comexampleother="x")).encode())
        assert envelope.type == "civil.birth.registered.v1"

    def test_the_old_name_of_the_version_is_read_never_written(self) -> None:
        """Before 1.1 the version was `data_version` (not a valid CloudEvents attribute name):
        events already in the streams still parse; new ones carry `dataversion` only."""
        raw = _raw()
        raw["data_version"] = raw.pop("dataversion")
        envelope = Envelope.from_bytes(json.dumps(raw).encode())
        assert envelope.dataversion == 1
        written = json.loads(envelope.to_bytes())
        assert written["dataversion"] == 1
        assert "data_version" not in written
        with pytest.raises(InvalidEnvelope, match="dataversion"):
            Envelope.from_bytes(json.dumps(raw | {"data_version": 2}).encode())

    def test_absent_attributes_are_left_out_not_null(self) -> None:
        written = json.loads(Envelope.wrap(_birth(), source="s").to_bytes())
        assert "traceparent" not in written
        assert None not in written.values()


class TestEvent:
    def test_unknown_type_is_unknown_event(self) -> None:
        envelope = Envelope.from_bytes(json.dumps(_raw(type="civil.birth.registered.v9", dataversion=9)).encode())
        with pytest.raises(UnknownEvent, match=r"civil\.birth\.registered\.v9") as caught:
            envelope.event()
        assert isinstance(caught.value, ValueError)

    def test_invalid_data_is_invalid_envelope(self) -> None:
        raw = _raw()
        raw["data"]["child_national_id"] = "123"
        with pytest.raises(InvalidEnvelope, match="child_national_id"):
            Envelope.from_bytes(json.dumps(raw).encode()).event()

    def test_subject_must_be_the_aggregate_id(self) -> None:
        raw = _raw(subject="29001011234567")
        with pytest.raises(InvalidEnvelope, match="child_national_id"):
            Envelope.from_bytes(json.dumps(raw).encode()).event()

    def test_additive_fields_in_data_are_tolerated(self) -> None:
        raw = _raw()
        raw["data"]["hospital_ar"] = "مستشفى بورسعيد العام"
        event = Envelope.from_bytes(json.dumps(raw).encode()).event()
        assert isinstance(event, BirthRegistered)
        assert isinstance(event, Event)
