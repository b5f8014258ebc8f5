"""What identity adds to the governorates of `contracts.governorates` (keyed by their code): a
rough population share, so synthetic registries spread people as Egypt does."""

from __future__ import annotations

POPULATION_THOUSANDS: dict[str, int] = {
    "01": 10100, "02": 5500, "03": 780, "04": 780, "11": 1600, "12": 6900, "13": 7700,
    "14": 6000, "15": 3700, "16": 5300, "17": 4600, "18": 6900, "19": 1400, "21": 9400,
    "22": 3400, "23": 3900, "24": 6100, "25": 4900, "26": 5500, "27": 3500, "28": 1600,
    "29": 1350, "31": 390, "32": 260, "33": 500, "34": 470, "35": 110,
}  # fmt: skip
