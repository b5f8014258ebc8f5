import pytest

from contracts import registry
from contracts.streams import (
    ALL_STREAMS,
    DEAD_LETTER,
    DOMAINS,
    STREAMS,
    dead_letter_subject,
    stream_for,
    subject_matches,
)


def test_every_registered_event_has_its_domain_stream() -> None:
    for cls in registry.all_events():
        stream = stream_for(cls.subject)
        assert stream.name == cls.domain.upper(), cls.subject
        assert stream in STREAMS


def test_one_stream_per_domain() -> None:
    assert set(DOMAINS) == {
        "identity", "civil", "catalog", "notary", "ration",
        "payment", "office", "traffic", "electricity", "education", "registry", "applications",
    }  # fmt: skip
    assert [s.name for s in STREAMS] == [d.upper() for d in DOMAINS]
    assert all(s.subjects == (f"{s.name.lower()}.>",) for s in STREAMS)
    assert DEAD_LETTER not in STREAMS
    assert len({s.name for s in ALL_STREAMS}) == len(ALL_STREAMS)


def test_stream_subjects_do_not_overlap() -> None:
    for stream in ALL_STREAMS:
        probe = stream.subjects[0].replace(">", "x.y.v1")
        assert [s.name for s in ALL_STREAMS if s.captures(probe)] == [stream.name]


def test_dead_letter_subjects_land_in_the_dead_letter_stream() -> None:
    subject = dead_letter_subject("ration-eligibility", "traffic.vehicle.registered.v1")
    assert subject == "deadletter.ration-eligibility.traffic.vehicle.registered.v1"
    assert stream_for(subject) is DEAD_LETTER


@pytest.mark.parametrize("durable", ["", "a.b", "a*", "a>", "a b"])
def test_bad_durable_name_is_refused(durable: str) -> None:
    with pytest.raises(ValueError, match="durable"):
        dead_letter_subject(durable, "identity.citizen.enrolled.v1")


def test_subject_without_stream_is_refused() -> None:
    with pytest.raises(LookupError):
        stream_for("weather.forecast.published.v1")


@pytest.mark.parametrize(
    ("pattern", "subject", "expected"),
    [
        ("identity.>", "identity.citizen.enrolled.v1", True),
        ("identity.>", "identity", False),
        ("identity.>", "identityx.citizen.enrolled.v1", False),
        ("a.*.c", "a.b.c", True),
        ("a.*.c", "a.b.b.c", False),
        ("a.b", "a.b", True),
        ("a.b", "a.b.c", False),
    ],
)
def test_subject_matches(pattern: str, subject: str, expected: bool) -> None:
    assert subject_matches(pattern, subject) is expected
