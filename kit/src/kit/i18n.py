"""Arabic and English texts, and choosing between them from Accept-Language.

Arabic is the platform's default language. Texts are registered by key; a key's
text is a `str.format` template over the parameters the caller supplies.
"""

from __future__ import annotations

from collections.abc import Mapping
from contextvars import ContextVar
from typing import Literal

Language = Literal["ar", "en"]
SUPPORTED: tuple[Language, ...] = ("ar", "en")
DEFAULT: Language = "ar"

_current: ContextVar[Language] = ContextVar("language", default=DEFAULT)
_texts: dict[str, dict[Language, str]] = {}


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
                best = candidate
    return best[2] if best else DEFAULT


def current_language() -> Language:
    return _current.get()


def set_language(language: Language) -> None:
    _current.set(language)


def register(texts: Mapping[str, Mapping[Language, str]]) -> None:
    """Add texts; each key needs both languages. Re-registering the same text is allowed."""
    for key, by_language in texts.items():
        missing = [lang for lang in SUPPORTED if lang not in by_language]
        if missing:
            raise ValueError(f"text {key!r} lacks {missing}")
        _texts[key] = dict(by_language)


def register_problems(entries: Mapping[str, tuple[str, str, str, str]]) -> None:
    """Texts of problem codes: code → (title ar, title en, detail ar, detail en)."""
    texts: dict[str, dict[Language, str]] = {}
    for code, (title_ar, title_en, detail_ar, detail_en) in entries.items():
        texts[f"problem.{code}.title"] = {"ar": title_ar, "en": title_en}
        texts[f"problem.{code}.detail"] = {"ar": detail_ar, "en": detail_en}
    register(texts)


def has(key: str) -> bool:
    return key in _texts


def text(key: str, language: Language | None = None, /, **params: object) -> str:
    """The text for `key` in `language` (default: the caller's), formatted with params."""
    language = language or current_language()
    template = _texts.get(key, {}).get(language)
    if template is None:
        return key
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        return template
