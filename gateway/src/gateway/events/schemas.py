from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from kit.errors import Problem


class EventProblem(Problem):
    reason: str | None = Field(
        default=None,
        description="Why the event's signature was refused (`event_signature_rejected`; `replayed` for "
        "`event_id_resigned`): unsigned, bad-signature, unknown-key, revoked-key, wrong-producer, type-not-allowed.",
    )


class EventAnswer(BaseModel):
    index: int = Field(description="The event's place in the request (0 for a single event).")
    id: str | None = Field(description="The event's id, as sent.")
    type: str | None = Field(description="The event's type, as sent.")
    status: Literal["accepted", "duplicate", "rejected"]
    problem: EventProblem | None = Field(default=None, description="Why it was rejected (RFC 9457).")


class BatchAnswer(BaseModel):
    accepted: int
    duplicates: int
    rejected: int
    results: list[EventAnswer]

    @classmethod
    def of(cls, results: list[dict[str, Any]]) -> BatchAnswer:
        answers = [EventAnswer.model_validate(r) for r in results]
        statuses = [a.status for a in answers]
        return cls(
            accepted=statuses.count("accepted"),
            duplicates=statuses.count("duplicate"),
            rejected=statuses.count("rejected"),
            results=answers,
        )
