"""Matching what a citizen types against the registry's Arabic names.

Arabic is compared after normalisation (hamza forms of alef, taa marbuta/haa, alef
maqsura/yaa, hamza on waw/yaa, diacritics, tatweel, spaces). Latin input is compared as a
consonant skeleton against the Arabic, so Mohamed, Muhammad and محمد agree; a skeleton
shorter than two letters is too weak to accept.
"""

from __future__ import annotations

import re
import unicodedata

_DIACRITICS = re.compile(r"[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_SPACES = re.compile(r"[\s\u200b-\u200f\u061c\ufeff]+")
_ARABIC_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ة": "ه", "ى": "ي", "ؤ": "و", "ئ": "ي"})
_ARABIC_LETTER = re.compile(r"[\u0621-\u064a]")

# Arabic letter → Latin consonant class ("" = a vowel carrier or not written in Latin).
_SKELETON = {
    "ب": "b", "ت": "t", "ث": "t", "ج": "g", "ح": "h", "خ": "k", "د": "d", "ذ": "d", "ر": "r",
    "ز": "z", "س": "s", "ش": "s", "ص": "s", "ض": "d", "ط": "t", "ظ": "z", "ع": "", "غ": "g",
    "ف": "f", "ق": "k", "ك": "k", "ل": "l", "م": "m", "ن": "n", "ه": "h", "ة": "", "ء": "",
    "ي": "", "و": "", "ا": "", "ى": "", "أ": "", "إ": "", "آ": "", "ؤ": "", "ئ": "",
}  # fmt: skip
_LATIN_DIGRAPHS = (("kh", "k"), ("sh", "s"), ("th", "t"), ("dh", "d"), ("gh", "g"), ("ph", "f"))
_LATIN_LETTERS = str.maketrans({"q": "k", "c": "k", "j": "g", "v": "f", "p": "b", "x": "k"})
_LATIN_VOWELS = re.compile(r"[aeiouwy'`’\-]")


def normalize_arabic(name: str) -> str:
    text = unicodedata.normalize("NFKC", name)
    text = _DIACRITICS.sub("", text)
    text = _SPACES.sub("", text)
    return text.translate(_ARABIC_FOLD)


def _collapse(letters: str) -> str:
    return re.sub(r"(.)\1+", r"\1", letters)


def arabic_skeleton(name: str) -> str:
    text = _DIACRITICS.sub("", unicodedata.normalize("NFKC", name))
    text = _SPACES.sub("", text)
    return _collapse("".join(_SKELETON.get(ch, "") for ch in text))


def latin_skeleton(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(r"[^a-z'`\-]", "", text)
    for digraph, single in _LATIN_DIGRAPHS:
        text = text.replace(digraph, single)
    text = _LATIN_VOWELS.sub("", text.translate(_LATIN_LETTERS))
    return _collapse(text)


def is_arabic(name: str) -> bool:
    return bool(_ARABIC_LETTER.search(name))


def names_match(typed: str, registered_ar: str, *, registered_latin: str | None = None) -> bool:
    """Whether what the citizen typed is the registered name, across spelling variants."""
    if not typed.strip() or not registered_ar.strip():
        return False
    if is_arabic(typed):
        return normalize_arabic(typed) == normalize_arabic(registered_ar)
    typed_skeleton = latin_skeleton(typed)
    if registered_latin and typed.strip().lower() == registered_latin.strip().lower():
        return True
    registered_skeleton = arabic_skeleton(registered_ar)
    if len(typed_skeleton) < 2:
        return False
    # A final h may be written for a silent taa marbuta (Fatmah) or left out (Abdalla).
    return typed_skeleton.rstrip("h") == registered_skeleton.rstrip("h")
