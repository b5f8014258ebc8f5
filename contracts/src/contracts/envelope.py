"""``Envelope``: the CloudEvents-like wrapper every event travels in on NATS."""

import uuid
from datetime import UTC, datetime
from typing import Any, Literal, Self
from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from contracts.base import SUBJECT_PATTERN, Event
from contracts.errors import InvalidEnvelope
from contracts.fields import UtcDatetime
from contracts.registry import event_class


class Envelope(BaseModel):
    """One event on the wire: routing and tracing metadata around the event data."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents spec version.")
    id: UUID = Field(description="Event id: the outbox sends it as Nats-Msg-Id; consumers dedupe on it.")
    type: str = Field(
        pattern=SUBJECT_PATTERN.pattern,
        description="The versioned event subject, e.g. identity.citizen.enrolled.v1.",
    )
    source: str = Field(min_length=1, max_length=200, description="Producing service, e.g. identity-svc.")
    subject: str = Field(min_length=1, max_length=200, description="The aggregate id (e.g. the citizen id).")
    time: UtcDatetime = Field(description="When the fact happened (timezone-aware, UTC).")
    datacontenttype: Literal["application/json"] = "application/json"
    data_version: int = Field(ge=1, description="Version N of the type's .vN suffix.")
    traceparent: str | None = Field(
        default=None, max_length=512, description="W3C trace context of the producing request."
    )
    tracestate: str | None = Field(default=None, max_length=512, description="W3C tracestate.")
    data: dict[str, Any] = Field(description="The event, as its versioned model serialises it.")

    @model_validator(mode="after")
    def _version_matches_type(self) -> Self:
        suffix = int(self.type.rsplit(".v", 1)[1])
        if self.data_version != suffix:
            raise ValueError(f"data_version {self.data_version} does not match type {self.type}")
        return self

    @classmethod
    def wrap(
        cls,
        event: Event,
        *,
        source: str,
        id: UUID | None = None,
        time: datetime | None = None,
        traceparent: str | None = None,
        tracestate: str | None = None,
    ) -> "Envelope":
        """Put ``event`` in a new envelope (a fresh id and the current time unless given)."""
        return cls(
            id=id or uuid.uuid4(),
            type=event.subject,
            source=source,
            subject=event.aggregate_id(),
            time=time or datetime.now(UTC),
            data_version=event.version,
            traceparent=traceparent,
            tracestate=tracestate,
            data=event.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        """Compact UTF-8 JSON (Arabic is kept as-is, not ``\\u``-escaped)."""
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes | bytearray | str) -> "Envelope":
        """Parse and validate one message; raises ``InvalidEnvelope`` with the reason."""
        try:
            return cls.model_validate_json(raw)
        except ValidationError as exc:
            raise InvalidEnvelope.from_validation("invalid envelope", exc) from exc

    def event(self) -> Event:
        """The typed event; ``UnknownEvent`` if the type is not registered here."""
        cls = event_class(self.type)
        try:
            event = cls.model_validate(self.data)
        except ValidationError as exc:
            raise InvalidEnvelope.from_validation(f"invalid {self.type} data", exc) from exc
        if event.aggregate_id() != self.subject:
            raise InvalidEnvelope(
                f"envelope subject {self.subject!r} is not the event's {cls.aggregate} {event.aggregate_id()!r}"
            )
        return event
