"""Egyptian mobile numbers: 010/011/012/015 + 8 digits, or +20/0020/20 without the 0; E.164 out."""

from __future__ import annotations

import re

from identity.digits import ascii_digits

_NATIONAL = re.compile(r"^01[0125][0-9]{8}$")


class InvalidMobile(ValueError):
    """`code`: mobile_format (not a phone number) or mobile_not_egyptian_mobile (not a mobile range)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def parse_mobile(raw: str) -> str:
    """The number as E.164 (`+201XXXXXXXXX`)."""
    value = ascii_digits(raw)
    if value.startswith("+"):
        value = value[1:]
        if not value.startswith("20"):
            raise InvalidMobile("mobile_not_egyptian_mobile")
        value = "0" + value[2:]
    elif value.startswith("0020"):
        value = "0" + value[4:]
    elif value.startswith("20") and len(value) == 12:
        value = "0" + value[2:]
    elif len(value) == 10 and value.startswith("1"):
        value = "0" + value
    if not value.isascii() or not value.isdigit() or len(value) != 11:
        raise InvalidMobile("mobile_format")
    if not _NATIONAL.match(value):
        raise InvalidMobile("mobile_not_egyptian_mobile")
    return "+20" + value[1:]


def mask(e164: str) -> str:
    """Only the last two digits: +20 1** *** **78."""
    return "+20 1** *** **" + e164[-2:]
