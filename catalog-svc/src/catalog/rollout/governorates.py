"""The governorates as catalog uses them: the shared reference list (contracts) and each
one's roll-out phase from domain.md (Port Said pilot, phase 1, phase 2, the rest)."""

from __future__ import annotations

from typing import Literal

from contracts.governorates import BY_CODE, GOVERNORATES, Governorate

Phase = Literal["pilot", "phase_1", "phase_2", "rest"]


def _in(phase: Phase, *codes: str) -> dict[str, Phase]:
    return dict.fromkeys(codes, phase)


PHASES: dict[str, Phase] = {
    **_in("pilot", "03"),
    **_in("phase_1", "01", "21", "02", "19", "04", "35", "29", "28", "15", "14", "12", "18"),
    **_in("phase_2", "22", "26", "17", "13", "24", "23", "32", "25", "16", "31"),
    **_in("rest", "11", "27", "33", "34"),
}

__all__ = ["BY_CODE", "GOVERNORATES", "PHASES", "Governorate", "Phase"]
