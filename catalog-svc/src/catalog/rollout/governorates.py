"""The governorates as catalog uses them: the shared reference list (contracts) and each
one's roll-out phase from domain.md (Port Said pilot, phase 1, phase 2, the rest)."""

from __future__ import annotations

from typing import Literal

from contracts.governorates import BY_CODE, GOVERNORATES, Governorate

Phase = Literal["pilot", "phase_1", "phase_2", "rest"]

PHASES: dict[str, Phase] = {
    "03": "pilot",
    **dict.fromkeys(("01", "21", "02", "19", "04", "35", "29", "28", "15", "14", "12", "18"), "phase_1"),
    **dict.fromkeys(("22", "26", "17", "13", "24", "23", "32", "25", "16", "31"), "phase_2"),
    **dict.fromkeys(("11", "27", "33", "34"), "rest"),
}  # type: ignore[dict-item]

__all__ = ["BY_CODE", "GOVERNORATES", "PHASES", "Governorate", "Phase"]
