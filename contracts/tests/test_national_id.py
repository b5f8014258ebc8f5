"""A national ID's digits read the same way everywhere: birth date, governorate of birth, sex."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.national_id import InvalidNationalId, age_on, birth_date, parse


class TestParse:
    def test_the_century_birth_date_governorate_and_sex(self) -> None:
        person = parse("29001010312345")
        assert (person.value, person.birth_date, person.governorate, person.sex) == (
            "29001010312345",
            date(1990, 1, 1),
            "03",
            "female",  # the sequence's last digit (4) is even
        )
        assert parse("30512318800035").sex == "male"  # born abroad (88) in 2005
        assert parse("30512318800035").birth_date == date(2005, 12, 31)

    def test_typed_digits_are_read_as_ascii(self) -> None:
        assert parse("٢٩٠ ٠١٠١ ٠٣١٢٣٤٥").value == "29001010312345"

    @pytest.mark.parametrize(
        ("raw", "code"),
        [
            ("2900101031234", "nid_format"),
            ("19001010312345", "nid_century"),
            ("29002300312345", "nid_birth_date"),
            ("29001019912345", "nid_governorate"),
        ],
    )
    def test_a_wrong_structure_says_what_is_wrong(self, raw: str, code: str) -> None:
        with pytest.raises(InvalidNationalId) as caught:
            parse(raw)
        assert caught.value.code == code

    def test_a_birth_after_today_is_refused_only_when_today_is_given(self) -> None:
        assert parse("32601010312345").birth_date == date(2026, 1, 1)
        with pytest.raises(InvalidNationalId) as caught:
            parse("32601010312345", today=date(2025, 12, 31))
        assert caught.value.code == "nid_future_date"


def test_birth_date_is_none_when_the_digits_give_none() -> None:
    assert birth_date("29001019912345") == date(1990, 1, 1)  # the governorate does not matter here
    assert birth_date("29013010312345") is None
    assert birth_date("49001010312345") is None
    assert birth_date("2900101") is None


def test_age_on_counts_completed_years() -> None:
    assert age_on(date(2000, 6, 2), date(2018, 6, 1)) == 17
    assert age_on(date(2000, 6, 2), date(2018, 6, 2)) == 18
