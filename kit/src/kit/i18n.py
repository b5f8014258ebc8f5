"""Arabic and English texts, chosen from Accept-Language, and the numbers, money, dates and
plural forms inside them, which come from Babel (CLDR), never from hand-written rules.

Arabic is the platform's default language. Texts are registered by key; a key's text is a
`str.format` template over the parameters the caller supplies, or a `Plural` whose wording
follows CLDR's plural category of one of them. A parameter is shown in the language of the
text: numbers through `number()`, a count of a CLDR unit as `{seconds:duration-second}`, and a
`Localized` value (`Words`, `Money`, `Day`, `Time`, `Moment`, `Duration`, `Quantity`, `OneOf`)
through its own formatting, so a text never mixes languages.

Arabic uses Egypt's conventions (CLDR `ar_EG`: Arabic-Indic digits, `٫` and `٬`); English uses
British ones (`en_GB`: "15 January 2027", "13:10"). Times are shown in Africa/Cairo.
"""

from __future__ import annotations

import logging
import string
from collections.abc import Callable, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal, Protocol, runtime_checkable
from zoneinfo import ZoneInfo

from babel import Locale
from babel import dates as babel_dates
from babel import lists as babel_lists
from babel import numbers as babel_numbers
from babel import units as babel_units

Language = Literal["ar", "en"]
SUPPORTED: tuple[Language, ...] = ("ar", "en")
DEFAULT: Language = "ar"
CAIRO = ZoneInfo("Africa/Cairo")
"""Every time a citizen reads is Egypt's wall-clock time."""

LOCALES: dict[Language, Locale] = {"ar": Locale.parse("ar_EG"), "en": Locale.parse("en_GB")}
PLURAL_CATEGORIES = ("zero", "one", "two", "few", "many", "other")
# The digits of CLDR's numbering systems (numberingSystems.xml). Babel formats numbers with
# the locale's symbols (٫ ٬ for `arab`) but always Latin digits, so they are swapped here.
_DIGITS = {"latn": "0123456789", "arab": "٠١٢٣٤٥٦٧٨٩"}

log = logging.getLogger("kit.i18n")
_current: ContextVar[Language] = ContextVar("language", default=DEFAULT)


@dataclass(frozen=True)
class Plural:
    """A text whose wording depends on the number in parameter `by`: CLDR plural category
    (zero, one, two, few, many, other) → template. `other` is required; Arabic uses all six."""

    by: str
    forms: Mapping[str, str]

    def __post_init__(self) -> None:
        unknown = set(self.forms) - set(PLURAL_CATEGORIES)
        if unknown or "other" not in self.forms:
            raise ValueError(f"plural forms need 'other' and only CLDR categories, got {sorted(self.forms)}")

    def choose(self, language: Language, count: object) -> str:
        if isinstance(count, bool) or not isinstance(count, int | float | Decimal):
            return self.forms["other"]
        category = LOCALES[language].plural_form(abs(Decimal(count)))
        return self.forms.get(category, self.forms["other"])


def plural(by: str, **forms: str) -> Plural:
    """`plural("limit", one="...", two="...", few="...", many="...", other="...")`."""
    return Plural(by, forms)


Template = str | Plural
_texts: dict[str, dict[Language, Template]] = {}


# -- choosing the language ----------------------------------------------------------------


def negotiate(accept_language: str | None) -> Language:
    """Pick ar or en from an Accept-Language header (RFC 9110 quality values)."""
    if not accept_language:
        return DEFAULT
    best: tuple[float, int, Language] | None = None
    for position, part in enumerate(accept_language.split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        primary = tag.strip().lower().split("-")[0]
        if primary == "*":
            primary = DEFAULT
        if primary in SUPPORTED and quality > 0:
            candidate = (quality, -position, primary)
            if best is None or candidate > best:
                best = candidate  # type: ignore[assignment]  # primary is one of SUPPORTED here
    return best[2] if best else DEFAULT


def current_language() -> Language:
    return _current.get()


def set_language(language: Language) -> None:
    _current.set(language)


def language_or_default(value: str | None) -> Language:
    """A stored preference (a citizen's language) as a supported language; Arabic otherwise."""
    return "en" if value == "en" else DEFAULT


# -- numbers, money, dates, durations (Babel) ----------------------------------------------


def _shape(formatted: str, language: Language) -> str:
    digits = _DIGITS.get(LOCALES[language].default_numbering_system, _DIGITS["latn"])
    return formatted.translate(str.maketrans(_DIGITS["latn"], digits))


def number(value: int | float | Decimal, language: Language | None = None) -> str:
    """A number as the language writes it ("١٬٢٥٠" / "1,250")."""
    language = language or current_language()
    locale = LOCALES[language]
    return _shape(babel_numbers.format_decimal(value, locale=locale, numbering_system="default"), language)


def money(piastres: int, language: Language | None = None, *, currency: str = "EGP") -> str:
    """An amount in piastres, worded with CLDR's currency name and plural forms
    ("٦٥٫٥٠ جنيه مصري", "٢٫٠٠ جنيهان مصريان" / "65.50 Egyptian pounds"); negative amounts keep
    their sign on the amount ("-2.50 Egyptian pounds")."""
    language = language or current_language()
    amount = Decimal(piastres).scaleb(-2)
    formatted = babel_numbers.format_currency(
        amount, currency, format_type="name", locale=LOCALES[language], numbering_system="default"
    )
    return _shape(formatted, language)


def _cairo(value: date | datetime) -> date | datetime:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError("a moment shown to people must be timezone-aware")
        return value.astimezone(CAIRO)
    return value


def day(value: date | datetime, language: Language | None = None) -> str:
    """A calendar day ("١٥ يناير ٢٠٢٧" / "15 January 2027"); a moment is taken in Cairo."""
    language = language or current_language()
    local = _cairo(value)
    plain = local.date() if isinstance(local, datetime) else local
    return _shape(babel_dates.format_date(plain, format="long", locale=LOCALES[language]), language)


def time(value: datetime, language: Language | None = None) -> str:
    """The Cairo wall-clock time of a moment ("١:١٠ م" / "13:10")."""
    language = language or current_language()
    local = _cairo(value)
    assert isinstance(local, datetime)
    return _shape(babel_dates.format_time(local.timetz(), format="short", locale=LOCALES[language]), language)


def moment(value: datetime, language: Language | None = None) -> str:
    """Day and time in Cairo, joined as CLDR's long date-time pattern joins them."""
    language = language or current_language()
    pattern = str(babel_dates.get_datetime_format("long", locale=LOCALES[language]))
    return pattern.replace("'", "").replace("{0}", time(value, language)).replace("{1}", day(value, language))


def duration(seconds: int, language: Language | None = None) -> str:
    """A length of time in its largest whole unit, CLDR's plural forms included
    ("٥ دقائق", "ثانيتان", "ساعة" / "5 minutes")."""
    language = language or current_language()
    for unit, size in (("duration-day", 86400), ("duration-hour", 3600), ("duration-minute", 60)):
        if seconds >= size and seconds % size == 0:
            value, measure = seconds // size, unit
            break
    else:
        value, measure = seconds, "duration-second"
    formatted = babel_units.format_unit(value, measure, locale=LOCALES[language], numbering_system="default")
    return _shape(formatted, language)


def one_of(items: list[str], language: Language | None = None) -> str:
    """Alternatives joined as the language joins them ("أ أو ب" / "a or b")."""
    language = language or current_language()
    return babel_lists.format_list(items, style="or", locale=LOCALES[language])


# -- parameters shown in the text's language ------------------------------------------------


@runtime_checkable
class Localized(Protocol):
    """A parameter whose wording depends on the language of the text it goes into."""

    def localize(self, language: Language) -> str: ...


@dataclass(frozen=True)
class Words:
    """The same thing named in each language (a service's name, a governorate, a status)."""

    ar: str
    en: str

    def localize(self, language: Language) -> str:
        return self.ar if language == "ar" else self.en


@dataclass(frozen=True)
class _Shown:
    """A value shown by this module's formatter for its kind, in the language of its text."""

    value: Any

    def localize(self, language: Language) -> str:
        return _FORMATTERS[type(self)](self.value, language)


class Money(_Shown):
    """An amount in piastres, as `money()` words it."""


class Day(_Shown):
    """A date, or the Cairo day of a moment, as `day()` words it."""


class Time(_Shown):
    """The Cairo time of a moment."""


class Moment(_Shown):
    """The Cairo day and time of a moment."""


class Duration(_Shown):
    """A number of seconds, in its largest whole unit."""


_FORMATTERS: dict[type[_Shown], Callable[[Any, Language], str]] = {
    Money: money, Day: day, Time: time, Moment: moment, Duration: duration,
}  # fmt: skip


@dataclass(frozen=True)
class OneOf:
    """Alternatives (codes, names) joined with the language's "or"."""

    items: tuple[str, ...]

    def localize(self, language: Language) -> str:
        return one_of(list(self.items), language)


@dataclass(frozen=True)
class Quantity:
    """A count of a CLDR unit ("duration-year", "duration-day", ...), with CLDR's plural forms
    ("٢١ سنة", "سنتان" / "21 years")."""

    value: int
    unit: str

    def localize(self, language: Language) -> str:
        formatted = babel_units.format_unit(self.value, self.unit, locale=LOCALES[language], numbering_system="default")
        return _shape(formatted, language)


def localize(value: object, language: Language) -> object:
    """A parameter as it is shown in `language`."""
    if isinstance(value, Localized):
        return value.localize(language)
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return number(value, language)
    return value


# -- the catalogue --------------------------------------------------------------------------


def register(texts: Mapping[str, Mapping[Language, Template]]) -> None:
    """Add texts; each key needs both languages. Re-registering the same text is allowed."""
    for key, by_language in texts.items():
        missing = [lang for lang in SUPPORTED if lang not in by_language]
        if missing:
            raise ValueError(f"text {key!r} lacks {missing}")
        _texts[key] = dict(by_language)


def register_problems(entries: Mapping[str, tuple[Template, Template, Template, Template]]) -> None:
    """Texts of problem codes: code → (title ar, title en, detail ar, detail en)."""
    texts: dict[str, dict[Language, Template]] = {}
    for code, (title_ar, title_en, detail_ar, detail_en) in entries.items():
        texts[f"problem.{code}.title"] = {"ar": title_ar, "en": title_en}
        texts[f"problem.{code}.detail"] = {"ar": detail_ar, "en": detail_en}
    register(texts)


def has(key: str) -> bool:
    return key in _texts


def catalogue() -> dict[str, dict[Language, Template]]:
    """Every registered text (a copy), for checks."""
    return {key: dict(by_language) for key, by_language in _texts.items()}


def placeholders(template: Template) -> set[str]:
    """The parameter names a template uses (every form of a plural; its `by` too)."""
    forms = template.forms.values() if isinstance(template, Plural) else (template,)
    names = {
        name.split(".")[0].split("[")[0] for form in forms for _, name, _, _ in string.Formatter().parse(form) if name
    }
    return names | ({template.by} if isinstance(template, Plural) else set())


class _Formatter(string.Formatter):
    """`{name}` shows a parameter in the text's language; `{name:duration-second}` (any CLDR
    unit) shows a count of that unit with CLDR's plural forms ("٣٠ ثانية", "ثانيتان")."""

    def __init__(self, language: Language) -> None:
        self.language = language

    def format_field(self, value: object, format_spec: str) -> str:
        if "-" in format_spec and isinstance(value, int) and not isinstance(value, bool):
            return Quantity(value, format_spec).localize(self.language)
        return format(localize(value, self.language), format_spec)


def text(key: str, language: Language | None = None, /, **params: object) -> str:
    """The text for `key` in `language` (default: the caller's), formatted with params."""
    language = language or current_language()
    template = _texts.get(key, {}).get(language)
    if template is None:
        log.warning("no %s text for %s", language, key)
        return key
    if isinstance(template, Plural):
        template = template.choose(language, params.get(template.by))
    try:
        return _Formatter(language).format(template, **params)
    except (KeyError, IndexError, ValueError, AttributeError, TypeError):
        log.warning("text %s (%s) could not be formatted with %s", key, language, sorted(params))
        return template
