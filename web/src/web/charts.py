"""The simulation's chart, drawn on the server as SVG (no script, no library from elsewhere):
per governorate, the households a rule set would newly exclude and those it would make
eligible again, as two bars growing from the reading direction's start."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from contracts.governorates import BY_CODE
from kit import i18n

WIDTH = 640
LABEL = 150
"""The governorate names' column."""
ROOM = 90
"""Space after the longest bar for its number."""
ROW = 48
BAR = 16


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    label_x: float
    y: float
    value: str


@dataclass(frozen=True)
class ChartRow:
    name: str
    name_x: float
    y: float
    excluded: Bar
    eligible: Bar


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    rtl: bool
    rows: list[ChartRow]


def impact_chart(impacts: list[dict[str, Any]], language: i18n.Language) -> Chart:
    rtl = language == "ar"
    biggest = max([1, *(max(int(i["newly_excluded"]), int(i["newly_eligible"])) for i in impacts)])
    scale = (WIDTH - LABEL - ROOM) / biggest

    def bar(value: int, y: float) -> Bar:
        width = value * scale
        if rtl:  # from the right edge of the bars' area, towards the left
            start = WIDTH - LABEL
            return Bar(x=start - width, width=width, label_x=start - width - 6, y=y, value=i18n.number(value, language))
        return Bar(x=LABEL, width=width, label_x=LABEL + width + 6, y=y, value=i18n.number(value, language))

    rows = []
    for index, impact in enumerate(impacts):
        top = index * ROW + 4
        found = BY_CODE.get(str(impact["governorate"]))
        name = (found.name_ar if rtl else found.name_en) if found else str(impact["governorate"])
        rows.append(
            ChartRow(
                name=name,
                name_x=WIDTH - 4 if rtl else 4,
                y=top + BAR,
                excluded=bar(int(impact["newly_excluded"]), top),
                eligible=bar(int(impact["newly_eligible"]), top + BAR + 4),
            )
        )
    return Chart(width=WIDTH, height=max(ROW, len(rows) * ROW), rtl=rtl, rows=rows)
