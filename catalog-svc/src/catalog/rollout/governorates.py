"""Egypt's 27 governorates: national-ID codes, names, and the roll-out phase of domain.md."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Phase = Literal["pilot", "phase_1", "phase_2", "rest"]


@dataclass(frozen=True)
class Governorate:
    code: str
    name_ar: str
    name_en: str
    phase: Phase


GOVERNORATES: tuple[Governorate, ...] = (
    Governorate("01", "القاهرة", "Cairo", "phase_1"),
    Governorate("02", "الإسكندرية", "Alexandria", "phase_1"),
    Governorate("03", "بورسعيد", "Port Said", "pilot"),
    Governorate("04", "السويس", "Suez", "phase_1"),
    Governorate("11", "دمياط", "Damietta", "rest"),
    Governorate("12", "الدقهلية", "Dakahlia", "phase_1"),
    Governorate("13", "الشرقية", "Sharqia", "phase_2"),
    Governorate("14", "القليوبية", "Qalyubia", "phase_1"),
    Governorate("15", "كفر الشيخ", "Kafr El Sheikh", "phase_1"),
    Governorate("16", "الغربية", "Gharbia", "phase_2"),
    Governorate("17", "المنوفية", "Monufia", "phase_2"),
    Governorate("18", "البحيرة", "Beheira", "phase_1"),
    Governorate("19", "الإسماعيلية", "Ismailia", "phase_1"),
    Governorate("21", "الجيزة", "Giza", "phase_1"),
    Governorate("22", "بني سويف", "Beni Suef", "phase_2"),
    Governorate("23", "الفيوم", "Fayoum", "phase_2"),
    Governorate("24", "المنيا", "Minya", "phase_2"),
    Governorate("25", "أسيوط", "Assiut", "phase_2"),
    Governorate("26", "سوهاج", "Sohag", "phase_2"),
    Governorate("27", "قنا", "Qena", "rest"),
    Governorate("28", "أسوان", "Aswan", "phase_1"),
    Governorate("29", "الأقصر", "Luxor", "phase_1"),
    Governorate("31", "البحر الأحمر", "Red Sea", "phase_2"),
    Governorate("32", "الوادي الجديد", "New Valley", "phase_2"),
    Governorate("33", "مطروح", "Matrouh", "rest"),
    Governorate("34", "شمال سيناء", "North Sinai", "rest"),
    Governorate("35", "جنوب سيناء", "South Sinai", "phase_1"),
)

BY_CODE: dict[str, Governorate] = {g.code: g for g in GOVERNORATES}
