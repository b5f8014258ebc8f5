"""Synthetic national IDs (test data, synthetic registries) read back as what they were made of."""

from __future__ import annotations

from datetime import date

import pytest

from contracts.governorates import GOVERNORATES
from contracts.national_id import compose, parse


def test_an_id_says_the_birth_date_sex_and_governorate_it_was_made_of() -> None:
    for gov in GOVERNORATES:
        for sex in ("male", "female"):
            nid = parse(compose(born=date(2001, 12, 31), governorate=gov.code, sequence=7, sex=sex))
            assert (nid.birth_date, nid.governorate, nid.sex) == (date(2001, 12, 31), gov.code, sex)


def test_the_check_digit_never_refuses_an_id() -> None:
    valid = compose(born=date(1990, 1, 1), governorate="01", sequence=123, sex="male")
    for digit in "0123456789":
        assert parse(valid[:13] + digit).value.endswith(digit)


def test_a_sequence_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="sequence"):
        compose(born=date(2001, 12, 31), governorate="03", sequence=1000, sex="male")
