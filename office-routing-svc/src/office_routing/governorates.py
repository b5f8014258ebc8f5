"""The governorates as office routing uses them: names from the shared reference list
(contracts), plus each one's capital and its coordinates (where demo offices are placed)."""

from __future__ import annotations

from dataclasses import dataclass

from contracts.governorates import GOVERNORATES as REFERENCE


@dataclass(frozen=True)
class Governorate:
    code: str
    name_ar: str
    name_en: str
    capital_ar: str
    capital_en: str
    latitude: float
    longitude: float


CAPITALS: dict[str, tuple[str, str, float, float]] = {
    "01": ("القاهرة", "Cairo", 30.0444, 31.2357),
    "02": ("الإسكندرية", "Alexandria", 31.2001, 29.9187),
    "03": ("بورسعيد", "Port Said", 31.2653, 32.3019),
    "04": ("السويس", "Suez", 29.9668, 32.5498),
    "11": ("دمياط", "Damietta", 31.4175, 31.8144),
    "12": ("المنصورة", "Mansoura", 31.0409, 31.3785),
    "13": ("الزقازيق", "Zagazig", 30.5877, 31.5020),
    "14": ("بنها", "Banha", 30.4660, 31.1848),
    "15": ("كفر الشيخ", "Kafr El Sheikh", 31.1107, 30.9388),
    "16": ("طنطا", "Tanta", 30.7865, 31.0004),
    "17": ("شبين الكوم", "Shibin El Kom", 30.5586, 31.0117),
    "18": ("دمنهور", "Damanhur", 31.0341, 30.4682),
    "19": ("الإسماعيلية", "Ismailia", 30.5965, 32.2715),
    "21": ("الجيزة", "Giza", 30.0131, 31.2089),
    "22": ("بني سويف", "Beni Suef", 29.0661, 31.0994),
    "23": ("الفيوم", "Faiyum", 29.3084, 30.8428),
    "24": ("المنيا", "Minya", 28.1099, 30.7503),
    "25": ("أسيوط", "Asyut", 27.1783, 31.1859),
    "26": ("سوهاج", "Sohag", 26.5591, 31.6957),
    "27": ("قنا", "Qena", 26.1551, 32.7160),
    "28": ("أسوان", "Aswan", 24.0889, 32.8998),
    "29": ("الأقصر", "Luxor", 25.6872, 32.6396),
    "31": ("الغردقة", "Hurghada", 27.2579, 33.8116),
    "32": ("الخارجة", "Kharga", 25.4390, 30.5586),
    "33": ("مرسى مطروح", "Marsa Matruh", 31.3543, 27.2373),
    "34": ("العريش", "Arish", 31.1316, 33.7984),
    "35": ("الطور", "El Tor", 28.2414, 33.6222),
}

GOVERNORATES: tuple[Governorate, ...] = tuple(
    Governorate(g.code, g.name_ar, g.name_en, *CAPITALS[g.code]) for g in REFERENCE
)

BY_CODE: dict[str, Governorate] = {g.code: g for g in GOVERNORATES}
