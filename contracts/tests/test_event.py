from datetime import UTC, datetime
from uuid import UUID, uuid4

import pytest
from pydantic import ValidationError

from contracts import Event, NationalId, registry
from contracts.events.identity import CitizenEnrolled

pytestmark = pytest.mark.usefixtures("scratch_registry")


class TestSubject:
    @pytest.mark.parametrize(
        "subject",
        [
            "identity.citizen.enrolled",  # no version
            "identity.citizen.enrolled.v0",  # versions start at 1
            "identity.citizen.enrolled.v01",
            "identity.citizen.enrolled.V1",
            "Identity.citizen.enrolled.v1",  # upper case
            "identity.citizen-enrolled.v1",  # three tokens, hyphen
            "identity.citizen.enrolled.extra.v1",  # five tokens
            "payment.succeeded.v1",  # entity missing
            "identity.*.enrolled.v1",  # wildcard
            "identity..enrolled.v1",
            "1identity.citizen.enrolled.v1",
            "identity.citizen.enrolled.v1 ",
            "identity.citizen.enrol.v1",  # not past tense
            "identity.citizen.enrolling.v1",
        ],
    )
    def test_bad_subject_is_refused(self, subject: str) -> None:
        with pytest.raises(TypeError, match="subject"):

            class Bad(Event, subject=subject, aggregate="citizen_id"):
                citizen_id: UUID

        assert subject not in {cls.subject for cls in registry.all_events()}

    @pytest.mark.parametrize(
        "subject",
        ["scratch.thing.happened.v1", "scratch.tax_return.filed.v12", "scratch.fee.paid.v2"],
    )
    def test_good_subject_sets_class_vars(self, subject: str) -> None:
        class Good(Event, subject=subject, aggregate="thing_id"):
            thing_id: UUID

        assert Good.subject == subject
        assert Good.version == int(subject.rsplit(".v", 1)[1])
        assert Good.domain == "scratch"
        assert Good.aggregate == "thing_id"
        assert registry.event_class(subject) is Good

    def test_duplicate_subject_is_refused(self) -> None:
        with pytest.raises(TypeError, match="already taken"):

            class Again(Event, subject=CitizenEnrolled.subject, aggregate="citizen_id"):
                citizen_id: UUID

        assert registry.event_class(CitizenEnrolled.subject) is CitizenEnrolled

    def test_missing_subject_is_refused(self) -> None:
        with pytest.raises(TypeError, match="declare the event"):

            class NoSubject(Event):
                thing_id: UUID

    def test_abstract_base_is_not_registered(self) -> None:
        before = registry.all_events()

        class Base(Event, abstract=True):
            thing_id: UUID

        class Concrete(Base, subject="scratch.thing.happened.v1", aggregate="thing_id"):
            note: str

        expected: list[type[Event]] = [*before, Concrete]
        assert registry.all_events() == sorted(expected, key=lambda cls: cls.subject)


class TestAggregate:
    def test_undeclared_aggregate_field_is_refused(self) -> None:
        with pytest.raises(TypeError, match="not a field"):

            class Bad(Event, subject="scratch.thing.happened.v1", aggregate="thing_id"):
                other_id: UUID

        with pytest.raises(Exception, match="no event registered"):
            registry.event_class("scratch.thing.happened.v1")

    def test_optional_aggregate_field_is_refused(self) -> None:
        with pytest.raises(TypeError, match="must be required"):

            class Bad(Event, subject="scratch.thing.happened.v1", aggregate="thing_id"):
                thing_id: UUID | None = None

    def test_aggregate_id_is_the_field_as_str(self) -> None:
        citizen_id = uuid4()
        event = CitizenEnrolled(
            citizen_id=citizen_id,
            national_id="29001011234567",
            channel="web",
            enrolled_at=datetime.now(UTC),
        )
        assert event.aggregate_id() == str(citizen_id)


class TestModelConfig:
    def _data(self, **changes: object) -> dict[str, object]:
        data: dict[str, object] = {
            "citizen_id": str(uuid4()),
            "national_id": "29001011234567",
            "channel": "web",
            "enrolled_at": "2025-03-01T11:30:00+02:00",
        }
        return data | changes

    def test_unknown_fields_are_ignored(self) -> None:
        event = CitizenEnrolled.model_validate(self._data(added_in_v1_1="x"))
        assert "added_in_v1_1" not in event.model_dump()

    def test_frozen(self) -> None:
        event = CitizenEnrolled.model_validate(self._data())
        with pytest.raises(ValidationError):
            event.channel = "mobile"  # type: ignore[misc]

    def test_strings_are_stripped_and_times_normalised_to_utc(self) -> None:
        event = CitizenEnrolled.model_validate(self._data(national_id=" 29001011234567 "))
        assert event.national_id == "29001011234567"
        assert event.enrolled_at == datetime(2025, 3, 1, 9, 30, tzinfo=UTC)
        assert event.enrolled_at.utcoffset() is not None
        assert event.enrolled_at.tzinfo is UTC

    def test_naive_timestamp_is_refused(self) -> None:
        with pytest.raises(ValidationError, match="timezone"):
            CitizenEnrolled.model_validate(self._data(enrolled_at="2025-03-01T09:30:00"))

    @pytest.mark.parametrize(
        "national_id",
        ["2900101123456", "290010112345678", "2900101123456x", "٢٩٠٠١٠١١٢٣٤٥٦٧", ""],
    )
    def test_national_id_is_14_ascii_digits(self, national_id: str) -> None:
        class Holder(Event, subject="scratch.id.held.v1", aggregate="national_id"):
            national_id: NationalId

        with pytest.raises(ValidationError):
            Holder(national_id=national_id)
