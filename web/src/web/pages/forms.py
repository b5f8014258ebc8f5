"""What the form pages share: required fields checked here (so an empty form costs no call to
the API), each error named by its field, in the page's language."""

from __future__ import annotations

from collections.abc import Iterable

from kit import i18n
from web.gateway import FieldProblem


def missing(values: dict[str, str], names: Iterable[str], language: i18n.Language) -> list[FieldProblem]:
    return [
        FieldProblem(field=name, reason=i18n.text(f"web.required.{name}", language))
        for name in names
        if not values.get(name, "").strip()
    ]


def field(name: str, label_key: str, language: i18n.Language, **more: str) -> dict[str, str]:
    found = {"name": name, "label": i18n.text(label_key, language), **more}
    if "hint" in more:
        found["hint"] = i18n.text(more["hint"], language)
    return found
