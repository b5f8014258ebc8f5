"""Who stated each fact of a decision, and when, in the caller's language (no HTTP, no SQL).

A decision's reasons carry the evidence of their fact (`reasons[].evidence`, written by the
evaluation query): the signed event it came from (`kit.evidence.FactRef`: id, type, producer,
time, key id), or `{"kind": "import", "time": ...}` for a fact a governorate's bulk file loaded.
The authority is named by the event type's domain, since only that authority's keys may sign
those types (`contracts.audience.PUBLISHED_BY_INTEGRATORS`, checked by every consumer)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from kit import i18n
from kit.evidence import Verification
from ration.eligibility.texts import AUTHORITIES, BULK_FILE


@dataclass(frozen=True)
class Citation:
    event_id: uuid.UUID | None
    type: str | None
    source: str | None
    stated_at: datetime
    authority: str
    statement: str
    verification: Verification


def _digits(value: object) -> i18n.Words:
    """A code or a year as written (no grouping), in the digits of each language."""
    plain = str(value)
    return i18n.Words(ar=plain.translate(str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")), en=plain)


def _day(value: object) -> object:
    try:
        return i18n.Day(date.fromisoformat(str(value)))
    except ValueError:
        return value


def _money(egp: object) -> object:
    try:
        return i18n.Money(int(Decimal(str(egp)) * 100))
    except (InvalidOperation, ValueError):
        return egp


def _params(fact: Mapping[str, Any]) -> dict[str, object]:
    """The fact's fields as the citations show them (every key a citation may name)."""
    return {
        "make": fact.get("make") or "",
        "model": fact.get("model") or "",
        "model_year": _digits(fact.get("model_year") or ""),
        "plate": fact.get("plate") or "",
        "meter_id": fact.get("meter_id") or "",
        "monthly_kwh": fact.get("monthly_kwh") or 0,
        "period_start": _day(fact.get("period_start")),
        "period_end": _day(fact.get("period_end")),
        "fees": _money(fact.get("annual_fees_egp")),
        "school_id": fact.get("school_id") or "",
        "academic_year": _digits(fact.get("academic_year") or ""),
    }


def authority_of(event_type: str) -> i18n.Words | None:
    return AUTHORITIES.get(event_type.split(".", 1)[0])


def cite(evidence: Mapping[str, Any], fact: Mapping[str, Any]) -> Citation:
    """One piece of a reason's evidence as the citizen and the officer read it."""
    stated_at = datetime.fromisoformat(str(evidence["time"]))
    verification: Verification = "not_an_event"
    if evidence.get("kind") == "import":
        authority, key, event_type = BULK_FILE, "citation.import", None
    else:
        event_type = str(evidence["type"])
        authority = authority_of(event_type) or i18n.Words(ar=evidence["source"], en=evidence["source"])
        key = f"citation.{event_type}" if i18n.has(f"citation.{event_type}") else "citation.event"
        verification = "verified" if evidence.get("kid") else "unsigned"
    statement = i18n.text(key, authority=authority, date=i18n.Day(stated_at), **_params(fact))
    return Citation(
        event_id=uuid.UUID(str(evidence["event_id"])) if evidence.get("event_id") else None,
        type=event_type,
        source=evidence.get("source"),
        stated_at=stated_at,
        authority=authority.localize(i18n.current_language()),
        statement=statement,
        verification=verification,
    )


def citations(reason: Mapping[str, Any]) -> list[Citation]:
    """The evidence of one reason (none for a decision made before decisions cited it)."""
    return [cite(e, reason.get("fact") or {}) for e in reason.get("evidence") or ()]


def explained(text: str, cited: list[Citation]) -> str:
    """The rule's explanation followed by who stated the fact and when."""
    if not cited:
        return text
    return " ".join([text.rstrip(". ") + ".", *(c.statement for c in cited)])
