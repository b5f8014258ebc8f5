"""The 27 governorates with the two-digit codes the national ID uses (88 = born abroad)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Governorate:
    code: str
    name_ar: str
    name_en: str
    weight: int
    """Rough share of the population in thousands, for realistic synthetic data."""


GOVERNORATES: tuple[Governorate, ...] = (
    Governorate("01", "القاهرة", "Cairo", 10100),
    Governorate("02", "الإسكندرية", "Alexandria", 5500),
    Governorate("03", "بورسعيد", "Port Said", 780),
    Governorate("04", "السويس", "Suez", 780),
    Governorate("11", "دمياط", "Damietta", 1600),
    Governorate("12", "الدقهلية", "Dakahlia", 6900),
    Governorate("13", "الشرقية", "Sharqia", 7700),
    Governorate("14", "القليوبية", "Qalyubia", 6000),
    Governorate("15", "كفر الشيخ", "Kafr El Sheikh", 3700),
    Governorate("16", "الغربية", "Gharbia", 5300),
    Governorate("17", "المنوفية", "Monufia", 4600),
    Governorate("18", "البحيرة", "Beheira", 6900),
    Governorate("19", "الإسماعيلية", "Ismailia", 1400),
    Governorate("21", "الجيزة", "Giza", 9400),
    Governorate("22", "بني سويف", "Beni Suef", 3400),
    Governorate("23", "الفيوم", "Fayoum", 3900),
    Governorate("24", "المنيا", "Minya", 6100),
    Governorate("25", "أسيوط", "Assiut", 4900),
    Governorate("26", "سوهاج", "Sohag", 5500),
    Governorate("27", "قنا", "Qena", 3500),
    Governorate("28", "أسوان", "Aswan", 1600),
    Governorate("29", "الأقصر", "Luxor", 1350),
    Governorate("31", "البحر الأحمر", "Red Sea", 390),
    Governorate("32", "الوادي الجديد", "New Valley", 260),
    Governorate("33", "مطروح", "Matrouh", 500),
    Governorate("34", "شمال سيناء", "North Sinai", 470),
    Governorate("35", "جنوب سيناء", "South Sinai", 110),
)
ABROAD = "88"
BY_CODE: dict[str, Governorate] = {g.code: g for g in GOVERNORATES}
BIRTH_CODES: frozenset[str] = frozenset(BY_CODE) | {ABROAD}
"""Codes that may appear in a national ID (governorate of birth)."""
