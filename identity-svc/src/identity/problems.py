"""Refusals whose state change must survive the refusal, and the shape identity writes its
problem texts in.

The request's transaction rolls back when a route raises. A wrong OTP must still count as
an attempt and a reused refresh token must still revoke its family: `Refusal` is a
`ProblemError(commit=True)`, which kit's request session commits before answering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from kit import i18n
from kit.errors import ProblemError

Texts = dict[str, dict[i18n.Language, str]]
"""A table of texts: key → Arabic and English (what the manifest registers)."""


class Refusal(ProblemError):
    """A refusal after which the transaction still commits."""

    def __init__(self, code: str, **kwargs: Any) -> None:
        super().__init__(code, commit=True, **kwargs)


def problem_texts(entries: Mapping[str, tuple[str, str, str, str]]) -> Texts:
    """code → (title ar, title en, detail ar, detail en), as the texts `problem.<code>.title`
    and `problem.<code>.detail` (registered with the rest of the table by the manifest)."""
    table: Texts = {}
    for code, (title_ar, title_en, detail_ar, detail_en) in entries.items():
        table[f"problem.{code}.title"] = {"ar": title_ar, "en": title_en}
        table[f"problem.{code}.detail"] = {"ar": detail_ar, "en": detail_en}
    return table
