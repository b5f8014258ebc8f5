"""Egypt's 27 governorates with their national-ID codes (copied from catalog-svc's
`rollout/governorates.py`; the list belongs in `contracts` as shared reference data)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Governorate:
    code: str
    name_ar: str
    name_en: str
    capital_ar: str
    capital_en: str
    latitude: float
    longitude: float


GOVERNORATES: tuple[Governorate, ...] = (
    Governorate("01", "القاهرة", "Cairo", "القاهرة", "Cairo", 30.0444, 31.2357),
    Governorate("02", "الإسكندرية", "Alexandria", "الإسكندرية", "Alexandria", 31.2001, 29.9187),
    Governorate("03", "بورسعيد", "Port Said", "بورسعيد", "Port Said", 31.2653, 32.3019),
    Governorate("04", "السويس", "Suez", "السويس", "Suez", 29.9668, 32.5498),
    Governorate("11", "دمياط", "Damietta", "دمياط", "Damietta", 31.4175, 31.8144),
    Governorate("12", "الدقهلية", "Dakahlia", "المنصورة", "Mansoura", 31.0409, 31.3785),
    Governorate("13", "الشرقية", "Sharqia", "الزقازيق", "Zagazig", 30.5877, 31.5020),
    Governorate("14", "القليوبية", "Qalyubia", "بنها", "Banha", 30.4660, 31.1848),
    Governorate("15", "كفر الشيخ", "Kafr El Sheikh", "كفر الشيخ", "Kafr El Sheikh", 31.1107, 30.9388),
    Governorate("16", "الغربية", "Gharbia", "طنطا", "Tanta", 30.7865, 31.0004),
    Governorate("17", "المنوفية", "Monufia", "شبين الكوم", "Shibin El Kom", 30.5586, 31.0117),
    Governorate("18", "البحيرة", "Beheira", "دمنهور", "Damanhur", 31.0341, 30.4682),
    Governorate("19", "الإسماعيلية", "Ismailia", "الإسماعيلية", "Ismailia", 30.5965, 32.2715),
    Governorate("21", "الجيزة", "Giza", "الجيزة", "Giza", 30.0131, 31.2089),
    Governorate("22", "بني سويف", "Beni Suef", "بني سويف", "Beni Suef", 29.0661, 31.0994),
    Governorate("23", "الفيوم", "Fayoum", "الفيوم", "Faiyum", 29.3084, 30.8428),
    Governorate("24", "المنيا", "Minya", "المنيا", "Minya", 28.1099, 30.7503),
    Governorate("25", "أسيوط", "Assiut", "أسيوط", "Asyut", 27.1783, 31.1859),
    Governorate("26", "سوهاج", "Sohag", "سوهاج", "Sohag", 26.5591, 31.6957),
    Governorate("27", "قنا", "Qena", "قنا", "Qena", 26.1551, 32.7160),
    Governorate("28", "أسوان", "Aswan", "أسوان", "Aswan", 24.0889, 32.8998),
    Governorate("29", "الأقصر", "Luxor", "الأقصر", "Luxor", 25.6872, 32.6396),
    Governorate("31", "البحر الأحمر", "Red Sea", "الغردقة", "Hurghada", 27.2579, 33.8116),
    Governorate("32", "الوادي الجديد", "New Valley", "الخارجة", "Kharga", 25.4390, 30.5586),
    Governorate("33", "مطروح", "Matrouh", "مرسى مطروح", "Marsa Matruh", 31.3543, 27.2373),
    Governorate("34", "شمال سيناء", "North Sinai", "العريش", "Arish", 31.1316, 33.7984),
    Governorate("35", "جنوب سيناء", "South Sinai", "الطور", "El Tor", 28.2414, 33.6222),
)

BY_CODE: dict[str, Governorate] = {g.code: g for g in GOVERNORATES}
