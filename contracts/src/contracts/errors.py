"""Errors raised by the contracts package. Both are ``ValueError``s so callers can catch either."""

from collections.abc import Sequence
from typing import Any

from pydantic import ValidationError


class ContractError(ValueError):
    """Base class of the errors raised when a message does not honour the contracts."""


class UnknownEvent(ContractError):
    """No event class is registered for this subject (an unknown type or version)."""

    def __init__(self, subject: str) -> None:
        super().__init__(f"no event registered for subject {subject!r}")
        self.subject = subject


class InvalidEnvelope(ContractError):
    """The bytes are not a valid envelope, or its ``data`` does not fit the event model.

    ``reason`` is a one-line human explanation; ``errors`` holds pydantic's structured
    errors when validation failed (empty otherwise).
    """

    def __init__(self, reason: str, errors: Sequence[dict[str, Any]] = ()) -> None:
        super().__init__(reason)
        self.reason = reason
        self.errors = list(errors)

    @classmethod
    def from_validation(cls, what: str, exc: ValidationError) -> "InvalidEnvelope":
        """Summarise a pydantic ``ValidationError`` as ``what: loc: msg; loc: msg``."""
        errors = exc.errors(include_url=False, include_input=False)
        details = "; ".join(f"{'.'.join(str(p) for p in err['loc']) or '<root>'}: {err['msg']}" for err in errors)
        return cls(f"{what}: {details}", [dict(err) for err in errors])
