"""Egyptian national ID (الرقم القومي): structure checks, never the unpublished check digit.

14 digits: century (2 → 1900s, 3 → 2000s), birth date YYMMDD, governorate-of-birth code
(88 = abroad), a 4-digit sequence whose last digit is odd for males and even for females,
and a check digit. Public validators disagree on the check digit's algorithm, so it is
computed only for synthetic data (`check_digit`) and never used to refuse an ID: the
registry decides whether an ID exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contracts.fields import ascii_digits
from identity.governorates import BIRTH_CODES

_CENTURIES = {"2": 1900, "3": 2000}
_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


class InvalidNationalId(ValueError):
    """`code` says what is wrong: nid_format, nid_century, nid_birth_date, nid_future_date, nid_governorate."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


@dataclass(frozen=True)
class NationalId:
    value: str
    birth_date: date
    governorate: str
    sex: str  # "male" | "female"

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def parse_national_id(raw: str, *, today: date) -> NationalId:
    value = ascii_digits(raw)
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        raise InvalidNationalId("nid_format")
    century = _CENTURIES.get(value[0])
    if century is None:
        raise InvalidNationalId("nid_century")
    try:
        born = date(century + int(value[1:3]), int(value[3:5]), int(value[5:7]))
    except ValueError as exc:
        raise InvalidNationalId("nid_birth_date") from exc
    if born > today:
        raise InvalidNationalId("nid_future_date")
    if value[7:9] not in BIRTH_CODES:
        raise InvalidNationalId("nid_governorate")
    sex = "male" if int(value[12]) % 2 else "female"
    return NationalId(value=value, birth_date=born, governorate=value[7:9], sex=sex)


def check_digit(first13: str) -> str:
    """The weighted mod-11 check digit most public sources describe (used for synthetic IDs)."""
    total = sum(int(d) * w for d, w in zip(first13, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def compose(*, born: date, governorate: str, sequence: int, sex: str) -> str:
    """A structurally valid ID: `sequence` (0-999) plus the sex digit make the 4-digit serial."""
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be 0..999")
    century = "2" if born.year < 2000 else "3"
    sex_digit = (sequence % 5) * 2 + (1 if sex == "male" else 0)
    head = f"{century}{born:%y%m%d}{governorate}{sequence:03d}{sex_digit}"
    return head + check_digit(head)
