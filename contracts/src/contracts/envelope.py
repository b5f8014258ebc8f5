"""``Envelope``: every event travels as a CloudEvent 1.0 in structured mode (JSON format).

On NATS the message body is the CloudEvent (``application/cloudevents+json``), as it is in a
webhook delivery and in ``POST /v1/events``; the official CloudEvents SDKs parse it. The
extension attributes are ``dataversion`` (the type's version), ``traceparent`` and
``tracestate`` (W3C trace context, CloudEvents' distributed tracing extension). Until 1.1 the
version travelled as ``data_version``, which is not a valid CloudEvents attribute name
(lower-case letters and digits only): it is still accepted when reading, never written.
"""

import re
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal, Self
from uuid import UUID

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, model_validator

from contracts.base import SUBJECT_PATTERN, Event
from contracts.errors import InvalidEnvelope
from contracts.fields import UtcDatetime
from contracts.registry import event_class

CONTENT_TYPE = "application/cloudevents+json"
"""One event, structured mode (CloudEvents JSON format)."""
BATCH_CONTENT_TYPE = "application/cloudevents-batch+json"
"""A JSON array of events in structured mode (CloudEvents JSON batch format)."""
SCHEMA_PATH = "/schemas/events/{type}.json"
"""Where the gateway serves each event type's JSON Schema (the ``dataschema`` of its events)."""
DEFAULT_PUBLIC_URL = "http://127.0.0.1:8000"
"""The gateway as ``make run`` starts it; a deployment sets its own (``PUBLIC_URL``)."""
_RECEIVED = "_received_bytes"
"""Where ``from_bytes`` keeps the bytes it read (outside the fields: equality and dumps ignore it)."""
EXTENSION_NAME = re.compile(r"^[a-z0-9]{1,20}$")
"""CloudEvents 1.0: an extension attribute's name is lower-case letters and digits, at most 20."""


def dataschema(event_type: str, public_url: str = DEFAULT_PUBLIC_URL) -> str:
    """The absolute URI of ``event_type``'s JSON Schema as the platform's gateway serves it."""
    return public_url.rstrip("/") + SCHEMA_PATH.format(type=event_type)


class Envelope(BaseModel):
    """One event on the wire: a CloudEvent 1.0 whose data is the versioned event."""

    model_config = ConfigDict(frozen=True, extra="ignore", validate_by_name=True, validate_by_alias=True)

    specversion: Literal["1.0"] = Field(default="1.0", description="CloudEvents spec version.")
    id: UUID = Field(description="Event id: the outbox sends it as Nats-Msg-Id; consumers dedupe on it.")
    type: str = Field(
        pattern=SUBJECT_PATTERN.pattern,
        description="The versioned event subject, e.g. identity.citizen.enrolled.v1.",
    )
    source: str = Field(min_length=1, max_length=200, description="Producing service, e.g. identity-svc.")
    subject: str = Field(min_length=1, max_length=200, description="The aggregate id (e.g. the citizen id).")
    time: UtcDatetime = Field(description="When the fact happened (timezone-aware, UTC).")
    datacontenttype: Literal["application/json"] = Field(
        default="application/json", description="The media type of `data`: always JSON."
    )
    dataschema: str | None = Field(
        default=None,
        max_length=500,
        description="The absolute URI of the JSON Schema of `data` (the gateway's /schemas/events/<type>.json).",
    )
    dataversion: int = Field(
        ge=1,
        validation_alias=AliasChoices("dataversion", "data_version"),
        description="Version N of the type's .vN suffix (extension attribute; `data_version` before 1.1).",
    )
    traceparent: str | None = Field(
        default=None, max_length=512, description="W3C trace context of the producing request."
    )
    tracestate: str | None = Field(default=None, max_length=512, description="W3C tracestate.")
    signaturekid: str | None = Field(
        default=None,
        max_length=200,
        description="The producer's signing key id (extension attribute; see `contracts.signing`).",
    )
    signature: str | None = Field(
        default=None,
        max_length=200,
        description="Ed25519 signature of the RFC 8785 canonical event without it, base64url (extension attribute).",
    )
    signatureproof: str | None = Field(
        default=None,
        max_length=1500,
        description=(
            "An event signed in a batch: `<index>.<size>.<audit path>`, its place in the batch's "
            "Merkle tree, the signature covering the tree's root (extension attribute; see `contracts.signing`)."
        ),
    )
    data: dict[str, Any] = Field(description="The event, as its versioned model serialises it.")

    @model_validator(mode="after")
    def _version_matches_type(self) -> Self:
        suffix = int(self.type.rsplit(".v", 1)[1])
        if self.dataversion != suffix:
            raise ValueError(f"dataversion {self.dataversion} does not match type {self.type}")
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
        public_url: str = DEFAULT_PUBLIC_URL,
    ) -> "Envelope":
        """Put ``event`` in a new envelope (a fresh id and the current time unless given);
        ``public_url`` is the platform's gateway, where ``dataschema`` points."""
        return cls(
            id=id or uuid.uuid4(),
            type=event.subject,
            source=source,
            subject=event.aggregate_id(),
            time=time or datetime.now(UTC),
            dataschema=dataschema(event.subject, public_url),
            dataversion=event.version,
            traceparent=traceparent,
            tracestate=tracestate,
            data=event.model_dump(mode="json"),
        )

    def to_bytes(self) -> bytes:
        """The CloudEvent in structured mode: compact UTF-8 JSON (Arabic is kept as-is, not
        ``\\u``-escaped); an absent attribute is left out, never ``null``."""
        return self.model_dump_json(exclude_none=True).encode()

    @classmethod
    def from_bytes(cls, raw: bytes | bytearray | str) -> "Envelope":
        """Parse and validate one message; raises ``InvalidEnvelope`` with the reason."""
        try:
            envelope = cls.model_validate_json(raw)
        except ValidationError as exc:
            raise InvalidEnvelope.from_validation("invalid envelope", exc) from exc
        object.__setattr__(envelope, _RECEIVED, raw.encode() if isinstance(raw, str) else bytes(raw))
        return envelope

    def received(self) -> bytes:
        """The bytes this envelope was read from (``from_bytes``), else ``to_bytes()``. Forward an
        event with these, never re-serialised: its producer's signature (``contracts.signing``)
        covers the event as it was sent, extension attributes and all."""
        found: bytes | None = self.__dict__.get(_RECEIVED)
        return found if found is not None else self.to_bytes()

    def model_copy(self, *, update: Mapping[str, Any] | None = None, deep: bool = False) -> Self:
        """A copy; a changed one no longer is what was received."""
        copied = super().model_copy(update=update, deep=deep)
        if update:
            copied.__dict__.pop(_RECEIVED, None)
        return copied

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
