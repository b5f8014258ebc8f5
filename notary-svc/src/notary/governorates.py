"""The 27 governorates by national-ID code, for documents (88 = born abroad).

The same table lives in identity-svc; services share no code but `kit` and `contracts`,
so this is a candidate for `contracts.fields` (a reference table every service can read)."""

from __future__ import annotations

NAMES: dict[str, tuple[str, str]] = {
    "01": ("القاهرة", "Cairo"), "02": ("الإسكندرية", "Alexandria"), "03": ("بورسعيد", "Port Said"),
    "04": ("السويس", "Suez"), "11": ("دمياط", "Damietta"), "12": ("الدقهلية", "Dakahlia"),
    "13": ("الشرقية", "Sharqia"), "14": ("القليوبية", "Qalyubia"), "15": ("كفر الشيخ", "Kafr El Sheikh"),
    "16": ("الغربية", "Gharbia"), "17": ("المنوفية", "Monufia"), "18": ("البحيرة", "Beheira"),
    "19": ("الإسماعيلية", "Ismailia"), "21": ("الجيزة", "Giza"), "22": ("بني سويف", "Beni Suef"),
    "23": ("الفيوم", "Fayoum"), "24": ("المنيا", "Minya"), "25": ("أسيوط", "Assiut"),
    "26": ("سوهاج", "Sohag"), "27": ("قنا", "Qena"), "28": ("أسوان", "Aswan"), "29": ("الأقصر", "Luxor"),
    "31": ("البحر الأحمر", "Red Sea"), "32": ("الوادي الجديد", "New Valley"), "33": ("مطروح", "Matrouh"),
    "34": ("شمال سيناء", "North Sinai"), "35": ("جنوب سيناء", "South Sinai"), "88": ("خارج الجمهورية", "Abroad"),
}  # fmt: skip


def name(code: str | None, language: str) -> str:
    ar, en = NAMES.get(code or "", (code or "", code or ""))
    return ar if language == "ar" else en


def of_national_id(national_id: str) -> str:
    """The governorate of birth: digits 8-9 of the national ID."""
    return national_id[7:9]
