"""What people really type: Arabic-Indic and Persian digits, spaces, dashes, direction marks."""

from __future__ import annotations

import re

_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_SEPARATORS = re.compile(r"[\s\-‐-―−_.()/\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff]+")


def ascii_digits(raw: str) -> str:
    """Arabic-Indic (٠-٩) and extended (۰-۹) digits as ASCII, separators removed."""
    return _SEPARATORS.sub("", raw.translate(_DIGITS))
