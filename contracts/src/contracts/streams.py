"""JetStream streams: one per event domain, plus the dead-letter stream."""

import functools
import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Stream:
    """A JetStream stream and the subjects it captures (NATS wildcards allowed)."""

    name: str
    subjects: tuple[str, ...]
    description: str

    def captures(self, subject: str) -> bool:
        """Whether a message published on ``subject`` lands in this stream."""
        return any(subject_matches(pattern, subject) for pattern in self.subjects)


_DOMAINS: dict[str, str] = {
    "identity": "Citizen enrolment and accounts (identity-svc).",
    "civil": "Civil status registry: births, deaths, marriages, divorces, addresses.",
    "catalog": "Service catalog: published tariffs and per-governorate roll-out.",
    "notary": "Notarization and real-estate registry: powers of attorney.",
    "ration": "Ration cards: household eligibility decisions.",
    "payment": "Payments: intents, successes, failures, refunds.",
    "office": "Service offices: appointments for verification and collection.",
    "traffic": "Traffic department: vehicle registrations and transfers.",
    "electricity": "Electricity distribution companies: metered consumption.",
    "education": "Ministry of Education: school fees reported per student.",
    "registry": "Commercial registry: companies as registered.",
    "applications": "Applications: services defined as data, and citizens' applications to them.",
}

DOMAINS: tuple[str, ...] = tuple(_DOMAINS)

STREAMS: tuple[Stream, ...] = tuple(
    Stream(name=domain.upper(), subjects=(f"{domain}.>",), description=description)
    for domain, description in _DOMAINS.items()
)
"""One stream per event domain, named after it in upper case (``IDENTITY``: ``identity.>``)."""

DEAD_LETTER = Stream(
    name="DEADLETTER",
    subjects=("deadletter.>",),
    description=(
        "Messages a consumer gave up on, republished as deadletter.<consumer durable name>.<original subject>."
    ),
)

ALL_STREAMS: tuple[Stream, ...] = (*STREAMS, DEAD_LETTER)
"""Every stream to provision: the domain streams and ``DEAD_LETTER``."""

_DURABLE = re.compile(r"^[A-Za-z0-9_-]+$")


def stream_for(subject: str) -> Stream:
    """The stream that captures ``subject``; ``LookupError`` if none does."""
    for stream in ALL_STREAMS:
        if stream.captures(subject):
            return stream
    raise LookupError(f"no stream captures subject {subject!r}")


def dead_letter_subject(durable: str, subject: str) -> str:
    """``deadletter.<durable>.<subject>``: where a consumer republishes a message it gave up on."""
    if not _DURABLE.fullmatch(durable):
        raise ValueError(f"invalid durable consumer name {durable!r}")
    return f"{DEAD_LETTER.subjects[0].removesuffix('>')}{durable}.{subject}"


@functools.lru_cache(maxsize=4096)
def matches_any(patterns: tuple[str, ...], subject: str) -> bool:
    """Whether ``subject`` matches one of ``patterns`` (remembered: a consumer asks it of every
    event it verifies, for a handful of types)."""
    return any(subject_matches(pattern, subject) for pattern in patterns)


def subject_matches(pattern: str, subject: str) -> bool:
    """NATS subject matching: ``*`` matches one token, a final ``>`` one or more."""
    pattern_tokens = pattern.split(".")
    tokens = subject.split(".")
    for i, want in enumerate(pattern_tokens):
        if want == ">":
            return i == len(pattern_tokens) - 1 and len(tokens) > i
        if i >= len(tokens) or (want != "*" and want != tokens[i]):
            return False
    return len(tokens) == len(pattern_tokens)
