"""The global subject → event class registry, filled as event classes are defined.

Importing ``contracts`` imports every event module, so the registry is complete.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from contracts.errors import UnknownEvent

if TYPE_CHECKING:
    from contracts.base import Event

_EVENTS: dict[str, "type[Event]"] = {}


def all_events() -> "list[type[Event]]":
    """Every registered event class, sorted by subject."""
    return [_EVENTS[subject] for subject in sorted(_EVENTS)]


def event_class(subject: str) -> "type[Event]":
    """The event class registered for ``subject``; raises ``UnknownEvent``."""
    try:
        return _EVENTS[subject]
    except KeyError:
        raise UnknownEvent(subject) from None


def register(cls: "type[Event]") -> None:
    """Add ``cls`` under its subject (called when an event class is defined); no duplicates."""
    existing = _EVENTS.get(cls.subject)
    if existing is not None:
        raise TypeError(
            f"subject {cls.subject!r} is already taken by "
            f"{existing.__module__}.{existing.__qualname__}; "
            "a changed contract needs a new version (.v<N+1>)"
        )
    _EVENTS[cls.subject] = cls


@contextmanager
def isolated() -> Iterator[None]:
    """Restore the registry on exit, so tests can define throw-away event classes."""
    saved = dict(_EVENTS)
    try:
        yield
    finally:
        _EVENTS.clear()
        _EVENTS.update(saved)
