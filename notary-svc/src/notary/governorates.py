"""The governorates by national-ID code, for documents: contracts' shared reference list, plus
88 (born abroad)."""

from __future__ import annotations

from contracts.governorates import ABROAD, BY_CODE
from kit import i18n

NAMES: dict[str, i18n.Words] = {
    **{g.code: i18n.Words(ar=g.name_ar, en=g.name_en) for g in BY_CODE.values()},
    ABROAD: i18n.Words(ar="خارج الجمهورية", en="Abroad"),
}


def name(code: str | None, language: i18n.Language) -> str:
    found = NAMES.get(code or "")
    return found.localize(language) if found else (code or "-")


def of_national_id(national_id: str) -> str:
    """The governorate of birth: digits 8-9 of the national ID."""
    return national_id[7:9]
