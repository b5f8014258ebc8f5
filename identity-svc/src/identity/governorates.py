"""The governorates as identity uses them: the shared reference list (contracts) plus a
rough population share for realistic synthetic registries."""

from __future__ import annotations

from contracts.governorates import ABROAD, BY_CODE, GOVERNORATES, Governorate

POPULATION_THOUSANDS: dict[str, int] = {
    "01": 10100, "02": 5500, "03": 780, "04": 780, "11": 1600, "12": 6900, "13": 7700,
    "14": 6000, "15": 3700, "16": 5300, "17": 4600, "18": 6900, "19": 1400, "21": 9400,
    "22": 3400, "23": 3900, "24": 6100, "25": 4900, "26": 5500, "27": 3500, "28": 1600,
    "29": 1350, "31": 390, "32": 260, "33": 500, "34": 470, "35": 110,
}  # fmt: skip

BIRTH_CODES: frozenset[str] = frozenset(BY_CODE) | {ABROAD}
"""Codes that may appear in a national ID (governorate of birth)."""

__all__ = ["ABROAD", "BIRTH_CODES", "BY_CODE", "GOVERNORATES", "POPULATION_THOUSANDS", "Governorate"]
