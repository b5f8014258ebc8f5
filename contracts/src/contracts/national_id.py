"""What an Egyptian national ID's digits say (الرقم القومي), read the same way by every service.

14 digits: century (2 → 1900s, 3 → 2000s), birth date YYMMDD, the governorate-of-birth code
(`contracts.governorates`; 88 = born abroad), a 4-digit sequence whose last digit is odd for
males and even for females, and a check digit. Only the structure is read, never the
unpublished check digit: the civil registry decides whether an ID exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from contracts.fields import Sex, ascii_digits
from contracts.governorates import ABROAD, BY_CODE

BIRTH_CODES: frozenset[str] = frozenset(BY_CODE) | {ABROAD}
"""Codes that may appear in a national ID (governorate of birth)."""

_CENTURIES = {"2": 1900, "3": 2000}


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
    sex: Sex

    def age_on(self, day: date) -> int:
        return age_on(self.birth_date, day)


def age_on(born: date, day: date) -> int:
    """Completed years on `day` of someone born on `born`."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def birth_date(value: str) -> date | None:
    """The birth date the digits give (century and YYMMDD), or None when they give none."""
    century = _CENTURIES.get(value[:1])
    if century is None or len(value) != 14 or not (value.isascii() and value.isdigit()):
        return None
    try:
        return date(century + int(value[1:3]), int(value[3:5]), int(value[5:7]))
    except ValueError:
        return None


def parse(raw: str, *, today: date | None = None) -> NationalId:
    """A national ID as typed (Arabic-Indic digits, spaces and dashes allowed) and what it says;
    `InvalidNationalId` when its structure is wrong (born after `today`, if given, included)."""
    value = ascii_digits(raw)
    if len(value) != 14 or not value.isascii() or not value.isdigit():
        raise InvalidNationalId("nid_format")
    if value[0] not in _CENTURIES:
        raise InvalidNationalId("nid_century")
    born = birth_date(value)
    if born is None:
        raise InvalidNationalId("nid_birth_date")
    if today is not None and born > today:
        raise InvalidNationalId("nid_future_date")
    if value[7:9] not in BIRTH_CODES:
        raise InvalidNationalId("nid_governorate")
    sex: Sex = "male" if int(value[12]) % 2 else "female"
    return NationalId(value=value, birth_date=born, governorate=value[7:9], sex=sex)


# -- synthetic IDs (test data, synthetic registries) ------------------------------------------

_WEIGHTS = (2, 7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


def check_digit(first13: str) -> str:
    """The weighted mod-11 check digit most public sources describe (for synthetic IDs only:
    public validators disagree on it, so it never refuses a real one)."""
    total = sum(int(d) * w for d, w in zip(first13, _WEIGHTS, strict=True))
    return str((11 - total % 11) % 10)


def compose(*, born: date, governorate: str, sequence: int, sex: Sex) -> str:
    """A structurally valid ID: `sequence` (0-999) plus the sex digit make the 4-digit serial."""
    if not 0 <= sequence <= 999:
        raise ValueError("sequence must be 0..999")
    century = "2" if born.year < 2000 else "3"
    sex_digit = (sequence % 5) * 2 + (1 if sex == "male" else 0)
    head = f"{century}{born:%y%m%d}{governorate}{sequence:03d}{sex_digit}"
    return head + check_digit(head)
