"""Text that cannot lie: no invisible characters that make text display other than it reads.

A right-to-left override (U+202E) in a power of attorney's special conditions is stored and
printed as it came, and the printed document then reads differently from what was signed
(the "Trojan Source" characters, CVE-2021-42574). So free text is refused, in every field of
every request (kit's middleware checks JSON and form bodies, query strings and paths), when it
holds one of these:

- the explicit bidirectional formatting characters: embeddings and overrides U+202A-U+202E and
  isolates U+2066-U+2069 (what Rust's `text_direction_codepoint_in_literal` lint refuses): they
  reorder whole runs of text, and an unclosed one spills over whatever is printed next to it;
- every other invisible format character (Unicode category Cf): zero width space U+200B, word
  joiner U+2060, BOM U+FEFF, soft hyphen U+00AD, invisible math operators, interlinear
  annotation, tag characters, deprecated format controls ...: text that looks the same as
  other text and is not (two "identical" names, a hidden word);
- control characters other than tab, line feed and carriage return (Cc; NUL has its own
  problem), the line and paragraph separators U+2028/U+2029, and the Hangul filler letters
  that render as nothing.

Kept, because Arabic text needs them and they cannot reorder letters:
- ZWNJ U+200C and ZWJ U+200D: they choose between joined and separate letter forms (Arabic,
  Persian, Urdu; also emoji sequences);
- the implicit directional marks LRM U+200E, RLM U+200F and ALM U+061C: strong characters of no
  width that place neutral characters (punctuation, digits next to Latin) correctly in mixed
  Arabic and Latin text, as keyboards and word processors insert them; unlike the explicit
  controls they only settle the direction of the neutrals beside them, never reverse a run;
- the Arabic-script signs that are Cf but visible (prepended concatenation marks such as
  U+0600 ARABIC NUMBER SIGN and U+06DD END OF AYAH).
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any
from urllib.parse import parse_qsl

from kit import i18n

KEPT = frozenset(
    {0x200C, 0x200D, 0x200E, 0x200F, 0x061C}
    | set(range(0x0600, 0x0606))
    | {0x06DD, 0x070F, 0x0890, 0x0891, 0x08E2, 0x110BD, 0x110CD}
)
INVISIBLE_LETTERS = frozenset({0x115F, 0x1160, 0x3164, 0xFFA0})
_ALLOWED_CONTROLS = frozenset({0x09, 0x0A, 0x0D})
_PLANES = (range(0x0000, 0x20000), range(0xE0000, 0xE1000))  # where Cc, Cf, Zl and Zp live


def _is_refused(code: int) -> bool:
    if code in KEPT:
        return False
    category = unicodedata.category(chr(code))
    if category == "Cc":
        return code not in _ALLOWED_CONTROLS
    return category in ("Cf", "Zl", "Zp") or code in INVISIBLE_LETTERS


REFUSED: frozenset[int] = frozenset(code for plane in _PLANES for code in plane if _is_refused(code))


def ranges(codes: Iterable[int] = REFUSED) -> list[tuple[int, int]]:
    """The codes' contiguous ranges (first, last), in order: for a character class elsewhere,
    e.g. a PostgreSQL regular expression checking a bulk file's rows where they are staged."""
    found: list[tuple[int, int]] = []
    for code in sorted(codes):
        if found and found[-1][1] == code - 1:
            found[-1] = (found[-1][0], code)
        else:
            found.append((code, code))
    return found


def _char_class(codes: list[int]) -> re.Pattern[str]:
    """A character class of the codes' contiguous ranges."""
    return re.compile("[" + "".join(f"{re.escape(chr(a))}-{re.escape(chr(b))}" for a, b in ranges(codes)) + "]")


# Apart, because `re` checks a class of BMP characters with one bitmap lookup (~3 ns a character)
# but a class reaching beyond the BMP range by range (several times slower).
_ASCII_RE = _char_class([code for code in REFUSED if code < 0x80])
_BMP_RE = _char_class([code for code in REFUSED if code <= 0xFFFF])
_ASTRAL_RE = _char_class([code for code in REFUSED if code > 0xFFFF])
_ANY_ASTRAL_RE = re.compile("[\U00010000-\U0010ffff]")
_ESCAPE_RE = re.compile(r"\\u([0-9a-fA-F]{4})")
_REFUSED_ESCAPES = frozenset(f"{code:04x}" for code in REFUSED if code <= 0xFFFF) | frozenset(
    f"{high:04x}"
    for high in range(0xDB40, 0xDB44)  # high surrogates of plane 14 (tag characters)
)


def find(text: str, *, astral: bool | None = None) -> str | None:
    """A refused character in `text`, if any. `astral`: whether `text` may hold characters beyond
    the BMP (None: look; a caller holding the UTF-8 bytes knows it cheaper: a 0xF0-0xF4 byte)."""
    if text.isascii():  # most paths, queries and JSON keys
        found = _ASCII_RE.search(text)
    else:
        found = _BMP_RE.search(text)
        if found is None and (_ANY_ASTRAL_RE.search(text) is not None if astral is None else astral):
            found = _ASTRAL_RE.search(text)
    return found.group() if found else None


_BIDI_CONTROLS = frozenset({*range(0x202A, 0x202F), *range(0x2066, 0x206A)})


def describe(char: str) -> i18n.Words:
    """The character in the reader's language: `U+202E RIGHT-TO-LEFT OVERRIDE` in English (its
    Unicode name); in Arabic its code point and what kind of character it is (Unicode names
    exist in English only, and an Arabic reason must not carry English words)."""
    code = ord(char)
    category = unicodedata.category(char)
    if code in _BIDI_CONTROLS:
        kind = "علامة تتحكم في اتجاه النص"
    elif category == "Cc":
        kind = "حرف تحكم"
    elif category in ("Zl", "Zp"):
        kind = "فاصل أسطر أو فقرات"
    elif code in INVISIBLE_LETTERS:
        kind = "حرف فارغ لا يظهر"
    else:
        kind = "حرف تنسيق غير مرئي"
    return i18n.Words(ar=f"U+{code:04X} ({kind})", en=f"U+{code:04X} {unicodedata.name(char, 'UNNAMED CHARACTER')}")


def may_hold(text: str, *, astral: bool | None = None) -> bool:
    """Whether this piece of a JSON body may hold a refused character, raw or `\\u`-escaped
    (a fast, generous check: `in_json` decides)."""
    if find(text, astral=astral) is not None:
        return True
    if "\\u" not in text:
        return False
    return any(m.group(1).lower() in _REFUSED_ESCAPES for m in _ESCAPE_RE.finditer(text))


def in_json(body: bytes) -> list[tuple[str, str]]:
    """(field, character) for each string of a JSON body (keys too) holding a refused character.
    An unreadable body gives none: it is refused for that, later."""
    try:
        document = json.loads(body)
    except (ValueError, RecursionError):  # nested too deep to read is unreadable too
        return []
    return list(_walk(document, "body"))


def in_pairs(pairs: list[tuple[str, str]], where: str) -> list[tuple[str, str]]:
    """The same for form fields or query parameters (`where`: "body" or "query")."""
    found = []
    for name, value in pairs:
        char = find(name) or find(value)
        if char is not None:
            found.append((f"{where}.{name}" if not find(name) else where, char))
    return found


def in_form(body: bytes) -> list[tuple[str, str]]:
    return in_pairs(parse_qsl(body.decode("utf-8", errors="replace"), keep_blank_values=True), "body")


def _walk(value: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(value, str):
        if (char := find(value)) is not None:
            yield where, char
    elif isinstance(value, dict):
        for key, item in value.items():
            if (char := find(key)) is not None:
                yield where, char
                continue
            yield from _walk(item, f"{where}.{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _walk(item, f"{where}.{index}")
