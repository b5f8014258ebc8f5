"""Numbers, money, days and moments in the page's language (Babel, through kit.i18n), as Jinja
filters: `{{ fee | money }}`, `{{ at | moment }}`. A page's language is its context's `lang`."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from jinja2 import Environment, pass_context
from jinja2.runtime import Context

from kit import i18n


def _lang(context: Context) -> i18n.Language:
    return i18n.language_or_default(context.get("lang"))


def _moment_of(value: Any) -> datetime | date | None:
    if isinstance(value, datetime | date):
        return value
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value) if "T" in value else date.fromisoformat(value)
        except ValueError:
            return None
    return None


@pass_context
def money(context: Context, piastres: int | None) -> str:
    return "" if piastres is None else i18n.money(int(piastres), _lang(context))


@pass_context
def number(context: Context, value: int | float | None) -> str:
    return "" if value is None else i18n.number(value, _lang(context))


@pass_context
def day(context: Context, value: Any) -> str:
    found = _moment_of(value)
    return "" if found is None else i18n.day(found, _lang(context))


@pass_context
def moment(context: Context, value: Any) -> str:
    found = _moment_of(value)
    if isinstance(found, datetime):
        return i18n.moment(found, _lang(context))
    return "" if found is None else i18n.day(found, _lang(context))


@pass_context
def text(context: Context, key: str, **params: object) -> str:
    return i18n.text(key, _lang(context), **params)


def text_in(key: str, language: i18n.Language) -> str:
    """A text in a given language, whatever the page's: a bilingual document prints both."""
    return i18n.text(key, language)


@pass_context
def local(context: Context, item: dict[str, Any], name: str) -> str:
    """`item.name_ar` or `item.name_en` by the page's language (the other when one is missing)."""
    first, second = ("ar", "en") if _lang(context) == "ar" else ("en", "ar")
    return str(item.get(f"{name}_{first}") or item.get(f"{name}_{second}") or "")


@pass_context
def label(context: Context, prefix: str, value: object) -> str:
    """The word for a value the API names (a status, a channel), or the value as the API sent it."""
    key = f"{prefix}.{value}"
    return i18n.text(key, _lang(context)) if i18n.has(key) else str(value)


def install(env: Environment) -> None:
    env.filters.update(money=money, number=number, day=day, moment=moment)
    env.globals.update(t=text, t_in=text_in, local=local, label=label)
