"""What the evidence routes take and return."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

MEDIA_TYPE = "application/json"

BUNDLE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": (
        "An evidence bundle (format shubbak-evidence-bundle/1), RFC 8785 canonical JSON signed by the archive's "
        "timestamping key: `events` (each signed CloudEvent as it travelled, its sequence, arrival, chain hashes "
        "and Merkle proof), `seals`, `producer_keys`, `timestamping_keys`, `query`, `next_cursor`. Check it "
        "offline with `python -m contracts verify BUNDLE`; keep its bytes unchanged."
    ),
    "required": ["format", "events", "seals", "producer_keys", "timestamping_keys", "next_cursor", "signature"],
    "properties": {
        "format": {"type": "string", "const": "shubbak-evidence-bundle/1"},
        "exported_at": {"type": "string"},
        "query": {"type": "object"},
        "events": {"type": "array", "items": {"type": "object"}},
        "seals": {"type": "array", "items": {"type": "object"}},
        "producer_keys": {"type": "object"},
        "timestamping_keys": {"type": "object"},
        "next_cursor": {"type": ["string", "null"]},
        "kid": {"type": "string"},
        "signature": {"type": "string"},
    },
    "examples": [
        {
            "format": "shubbak-evidence-bundle/1",
            "exported_at": "2026-10-02T09:00:00.000000Z",
            "query": {"household": "6f1c9b1e-51a4-4b55-9d3e-2f1e0c8a7b10"},
            "events": [],
            "seals": [],
            "producer_keys": {"keys": []},
            "timestamping_keys": {"keys": []},
            "next_cursor": "WzEyXQ",
            "kid": "evidence-ts-dev",
            "signature": "c2lnbmF0dXJl",
        }
    ],
}


class BundleQuery(BaseModel):
    """Which events a service asks a bundle of (every criterion given must hold)."""

    model_config = ConfigDict(extra="forbid")

    event_ids: list[uuid.UUID] = Field(default_factory=list, max_length=500, description="Archived event ids.")
    subject: str | None = Field(default=None, min_length=1, max_length=200, description="A case: the events' subject.")
    household: str | None = Field(default=None, min_length=1, max_length=200, description="A ration card id.")
    national_id: str | None = Field(default=None, min_length=14, max_length=14, description="A person named.")
    since: AwareDatetime | None = Field(default=None, alias="from", description="Events that happened from this time.")
    until: AwareDatetime | None = Field(default=None, alias="to", description="... and before this time.")
    limit: int = Field(default=100, ge=1, le=1000, description="The most events in this page of the bundle.")
    cursor: str | None = Field(default=None, max_length=500, description="`next_cursor` of the previous page.")


class ChainOut(BaseModel):
    """The archive recomputed: every entry's hash from its content, every link, every seal."""

    valid: bool
    entries: int
    seals: int
    first_broken_sequence: int | None = Field(description="The first entry whose content or link does not hold.")
    first_broken_seal: int | None = Field(description="The first seal that does not hold over the entries.")
    problem: str | None = Field(
        description="content_changed, hash_changed, broken_link, missing_entry, seal_signature, seal_link, "
        "seal_root or seal_chain_head."
    )
    checked_at: datetime
