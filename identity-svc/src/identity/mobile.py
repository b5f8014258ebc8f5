"""Egyptian mobile numbers: 010/011/012/015 + 8 digits, or +20/0020/20 without the 0; E.164 out."""

from __future__ import annotations

from pydantic_core import PydanticCustomError

from contracts.fields import mobile_digits


class InvalidMobile(ValueError):
    """`code`: mobile_format (not a phone number) or mobile_not_egyptian_mobile (not a mobile range)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_mobile(raw: str) -> str:
    """The number as E.164 (`+201XXXXXXXXX`); what people type is read by `contracts.fields`."""
    try:
        national = mobile_digits(raw)
    except PydanticCustomError as exc:
        raise InvalidMobile(exc.type) from None
    return "+20" + national[1:]


def mask(e164: str) -> str:
    """Only the last two digits: +20 1** *** **78."""
    return "+20 1** *** **" + e164[-2:]
