"""Subscription filters: JSON equality on top-level fields of the event's data.

`{"governorate": "03"}` passes events whose `data.governorate == "03"`; a list passes any of
its values (`{"governorate": ["03", "04"]}`); several fields must all match. Nothing is
evaluated: a filter is data, checked against the event types' fields when it is saved.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts import registry

Scalar = str | int | bool | None
MAX_FIELDS, MAX_VALUES = 10, 50


def unknown_fields(filter_: Mapping[str, Any], event_types: list[str]) -> list[str]:
    """Filter fields that some of the event types do not have."""
    return sorted(
        name
        for name in filter_
        if any(name not in registry.event_class(event_type).model_fields for event_type in event_types)
    )


def matches(filter_: Mapping[str, Any], data: Mapping[str, Any]) -> bool:
    for name, wanted in filter_.items():
        if name not in data:
            return False
        value = data[name]
        allowed = wanted if isinstance(wanted, list) else [wanted]
        if not any(type(value) is type(candidate) and value == candidate for candidate in allowed):
            return False
    return True
