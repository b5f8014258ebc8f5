"""Field types shared by the event models, so every ministry spells a fact the same way, and
the types of what people type (`TypedNationalId`, `TypedMobile`, `TypedPiastres`), which accept
the digits they really use and give the same spelling."""

import re
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, BeforeValidator, Field, StringConstraints
from pydantic_core import PydanticCustomError

NationalId = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{14}$"),
    Field(
        description="Egyptian national ID (الرقم القومي): 14 ASCII digits.",
        examples=["29001011234567"],
    ),
]

GovernorateCode = Annotated[
    str,
    StringConstraints(pattern=r"^[0-9]{2}$"),
    Field(
        description=(
            "Two-digit governorate code as used in the national ID "
            "(01 Cairo, 02 Alexandria, 03 Port Said, 21 Giza, ...; 88 = abroad)."
        ),
        examples=["03"],
    ),
]

Piastres = Annotated[
    int,
    Field(ge=0, description="An amount of money in integer piastres (100 piastres = 1 EGP)."),
]

ServiceCode = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$", max_length=64),
    Field(
        description="Catalog code of a government service, dotted lower case.",
        examples=["notary.poa.general"],
    ),
]

ArabicText = Annotated[str, StringConstraints(min_length=1, max_length=500)]
"""Free text as shown to citizens (Arabic; trimmed, non-empty)."""

Name = Annotated[str, StringConstraints(min_length=1, max_length=200)]
"""A person's name or a part of it (trimmed, non-empty)."""


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
"""A timezone-aware instant, normalised to UTC; naive datetimes are refused."""

Sex = Literal["male", "female"]

Channel = Literal["web", "mobile", "office", "post_office", "call_centre"]
"""How a citizen reached the one window."""

PaymentMethod = Literal["card", "wallet", "post_office", "cash_network"]
"""Card, mobile wallet, post office, or an e-payment cash-collection network (reference number)."""


# -- what people type ---------------------------------------------------------------------

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹−", "01234567890123456789-")
_SEPARATORS = re.compile(r"[\s\-‐-―−_.()/\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]+")
_GROUPING = re.compile(r"[\s,٬'\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]+")
_EGYPTIAN_MOBILE = re.compile(r"^01[0125][0-9]{8}$")


def ascii_digits(raw: str) -> str:
    """Arabic-Indic (٠-٩) and Eastern Arabic (۰-۹) digits as ASCII, with the spaces, dashes,
    dots, brackets and direction marks people put between digits removed."""
    return _SEPARATORS.sub("", raw.translate(_DIGITS))


def national_id_digits(raw: str) -> str:
    """A typed national ID as its 14 ASCII digits; `national_id_format` if it is not 14 digits."""
    value = ascii_digits(raw)
    if not (len(value) == 14 and value.isascii() and value.isdigit()):
        raise PydanticCustomError("national_id_format", "A national ID has 14 digits.")
    return value


def mobile_digits(raw: str) -> str:
    """A typed Egyptian mobile number in its national form `01XXXXXXXXX` (+20, 0020 or 20 in
    front, Arabic digits, spaces and dashes accepted). Refusals: `mobile_format` (not a phone
    number), `mobile_not_egyptian_mobile` (not 010, 011, 012 or 015)."""
    value = ascii_digits(raw)
    if value.startswith("+"):
        if not value.startswith("+20"):
            raise PydanticCustomError("mobile_not_egyptian_mobile", "Not an Egyptian mobile number.")
        value = "0" + value[3:]
    elif value.startswith("0020"):
        value = "0" + value[4:]
    elif value.startswith("20") and len(value) == 12:
        value = "0" + value[2:]
    elif len(value) == 10 and value.startswith("1"):
        value = "0" + value
    if not (len(value) == 11 and value.isascii() and value.isdigit()):
        raise PydanticCustomError("mobile_format", "A mobile number has 11 digits starting with 01.")
    if not _EGYPTIAN_MOBILE.match(value):
        raise PydanticCustomError("mobile_not_egyptian_mobile", "Not an Egyptian mobile number.")
    return value


def _typed(normalise: Callable[[str], str]) -> BeforeValidator:
    def before(value: object) -> object:
        return normalise(value) if isinstance(value, str) else value

    return BeforeValidator(before)


def _amount(raw: str) -> str:
    return _GROUPING.sub("", raw.translate(_DIGITS))


TypedNationalId = Annotated[
    str,
    _typed(national_id_digits),
    Field(
        description="A national ID as typed: 14 digits, ASCII or Arabic-Indic, spaces and dashes allowed; "
        "answered as 14 ASCII digits.",
        examples=["29001011234567", "٢٩٠٠١٠١١٢٣٤٥٦٧"],
    ),
]

TypedMobile = Annotated[
    str,
    _typed(mobile_digits),
    Field(
        description="An Egyptian mobile number as typed (010/011/012/015, +20 accepted, ASCII or Arabic-Indic "
        "digits); answered as 01XXXXXXXXX.",
        examples=["01012345678", "٠١٠ ١٢٣٤ ٥٦٧٨"],
    ),
]

TypedPiastres = Annotated[
    int,
    _typed(_amount),
    Field(description="An amount in piastres as typed (ASCII or Arabic-Indic digits, grouping allowed)."),
]
