"""``Event``: the base class of every versioned event model.

A subclass names its NATS subject and the field that identifies its aggregate::

    class CitizenEnrolled(Event, subject="identity.citizen.enrolled.v1", aggregate="citizen_id"):
        \"\"\"A citizen confirmed their mobile number and is enrolled.\"\"\"
        citizen_id: UUID

Defining the class checks the subject, registers it, and sets the class variables
``subject``, ``version``, ``domain`` and ``aggregate``.
"""

import re
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict

from contracts import registry

SUBJECT_PATTERN = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*\.v[1-9][0-9]*$", re.ASCII)
"""``<domain>.<entity>.<event>.v<N>``, all lower case."""

# Past participles that do not end in "-ed"; extend when a real event needs one.
_IRREGULAR_PAST = frozenset(
    {
        "begun", "bought", "built", "cut", "done", "drawn", "given", "held", "kept",
        "known", "left", "lost", "made", "met", "paid", "put", "read", "reset", "run",
        "sent", "set", "shown", "sold", "split", "taken", "undone", "upheld", "withdrawn",
        "won", "written",
    }
)  # fmt: skip


def check_subject(subject: str) -> str:
    """Return ``subject`` if it is a well-formed event subject, else raise ``TypeError``."""
    if not SUBJECT_PATTERN.fullmatch(subject):
        raise TypeError(
            f"event subject {subject!r} must look like <domain>.<entity>.<event>.v<N> "
            "(lower case, e.g. 'identity.citizen.enrolled.v1')"
        )
    last_word = subject.split(".")[2].rsplit("_", 1)[-1]
    if not (last_word.endswith("ed") or last_word in _IRREGULAR_PAST):
        raise TypeError(
            f"event subject {subject!r}: the event name must be in the past tense "
            f"(a fact that happened, e.g. 'issued'), got {last_word!r}"
        )
    return subject


class ValueObject(BaseModel):
    """A nested part of an event (e.g. one fee line): same configuration as ``Event``."""

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)


class Event(BaseModel):
    """A fact that happened, published on a versioned subject.

    Consumers ignore unknown fields, so a version may gain optional fields; anything
    else (a removed, renamed or retyped field, a new enum value) needs a new ``vN`` subject.
    """

    model_config = ConfigDict(frozen=True, extra="ignore", str_strip_whitespace=True)

    subject: ClassVar[str]
    """The versioned NATS subject, e.g. ``identity.citizen.enrolled.v1``."""
    version: ClassVar[int]
    """The ``N`` of the subject's ``.vN``."""
    domain: ClassVar[str]
    """The first token of the subject; each domain has its own JetStream stream."""
    aggregate: ClassVar[str]
    """Name of the field holding the aggregate id (the envelope's ``subject``)."""

    def __init_subclass__(
        cls,
        *,
        subject: str | None = None,
        aggregate: str | None = None,
        abstract: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init_subclass__(**kwargs)
        if abstract:
            if subject is not None or aggregate is not None:
                raise TypeError(f"{cls.__qualname__}: an abstract event takes no subject/aggregate")
            return
        if subject is None or aggregate is None:
            raise TypeError(
                f"{cls.__qualname__}: declare the event as "
                "class X(Event, subject='<domain>.<entity>.<event>.v<N>', aggregate='<field>') "
                "(or abstract=True for a shared base)"
            )
        check_subject(subject)
        cls.subject = subject
        cls.version = int(subject.rsplit(".v", 1)[1])
        cls.domain = subject.split(".", 1)[0]
        cls.aggregate = aggregate

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        # Runs once pydantic has collected the fields, so the aggregate can be checked.
        super().__pydantic_init_subclass__(**kwargs)
        if kwargs.get("abstract"):
            return
        if cls.aggregate not in cls.model_fields:
            raise TypeError(
                f"{cls.__qualname__}: aggregate {cls.aggregate!r} is not a field "
                f"(fields: {', '.join(cls.model_fields) or 'none'})"
            )
        if not cls.model_fields[cls.aggregate].is_required():
            raise TypeError(f"{cls.__qualname__}: aggregate field {cls.aggregate!r} must be required")
        registry.register(cls)

    def aggregate_id(self) -> str:
        """The aggregate id as a string (used as the envelope ``subject``)."""
        return str(getattr(self, self.aggregate))
