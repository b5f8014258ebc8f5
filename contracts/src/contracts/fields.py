"""Field types shared by the event models, so every ministry spells a fact the same way."""

from datetime import UTC, datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, AwareDatetime, Field, StringConstraints

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
