"""The interface every benchmark case implements, and what a run reports about it."""

from __future__ import annotations

import statistics
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bench.stack import Stack


@dataclass(frozen=True)
class Trial:
    """One measurement: the figure, its baseline taken right next to it, and extra figures."""

    measured: float
    baseline: float
    info: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class Env:
    """What a case gets: the running servers and the size it should use."""

    stack: Stack
    events: int
    quick: bool


@dataclass(frozen=True)
class Case:
    """A benchmark. `run` performs one trial (measurement + baseline) on fresh state.

    `ratio = measured / baseline`; the case passes if the ratio is at least `target`
    (at most, when `higher_is_better` is False, e.g. for latencies). A case with no target
    (`None`) reports its figures and ratio only: no issue set one, and a target chosen after
    measuring would judge nothing.
    """

    name: str
    summary: str
    unit: str
    target: float | None
    run: Callable[[Env], Awaitable[Trial]]
    higher_is_better: bool = True
    max_trials: int | None = None
    """At most this many trials whatever `--repeat` asks (a case that takes many minutes)."""


@dataclass(frozen=True)
class Spread:
    min: float
    median: float
    max: float

    @classmethod
    def of(cls, values: list[float]) -> Spread:
        return cls(min(values), statistics.median(values), max(values))


UNLIMITED = '{"count": 1000000000, "seconds": 1}'
GATEWAY_UNLIMITED_RATES = {
    "GATEWAY_RATE_ADDRESS": UNLIMITED,
    "GATEWAY_RATE_ACCOUNT": UNLIMITED,
    "GATEWAY_RATE_SENSITIVE_ADDRESS": UNLIMITED,
    "GATEWAY_RATE_SENSITIVE_IDENTITY": UNLIMITED,
    "GATEWAY_RATE_SENSITIVE_STAFF": UNLIMITED,
}
"""The gateway's rate limits lifted: a bench drives thousands of citizens from one address, which
the limits rightly refuse (a per-address limit of 60 enrolments in 10 minutes, say)."""


@dataclass(frozen=True)
class CaseResult:
    case: Case
    trials: list[Trial]
    error: str | None = None
    """Why the case could not run to its end (it is reported, and the other cases go on)."""

    @property
    def measured(self) -> Spread:
        return Spread.of([t.measured for t in self.trials])

    @property
    def baseline(self) -> Spread:
        return Spread.of([t.baseline for t in self.trials])

    @property
    def ratio(self) -> float:
        """Median measured over median baseline."""
        return self.measured.median / self.baseline.median if self.baseline.median else float("nan")

    @property
    def passed(self) -> bool:
        if self.error is not None:
            return False
        if self.case.target is None:
            return True
        if self.case.higher_is_better:
            return self.ratio >= self.case.target
        return self.ratio <= self.case.target

    def info(self) -> dict[str, Spread]:
        keys = [k for t in self.trials for k in t.info]
        return {k: Spread.of([t.info[k] for t in self.trials if k in t.info]) for k in dict.fromkeys(keys)}

    def as_json(self) -> dict[str, Any]:
        def spread(s: Spread) -> dict[str, float]:
            return {"min": s.min, "median": s.median, "max": s.max}

        if not self.trials:
            return {"name": self.case.name, "summary": self.case.summary, "unit": self.case.unit,
                    "target": self.case.target, "passed": False, "error": self.error, "trials": []}  # fmt: skip

        return {
            "name": self.case.name,
            "summary": self.case.summary,
            "unit": self.case.unit,
            "measured": spread(self.measured),
            "baseline": spread(self.baseline),
            "ratio": self.ratio,
            "target": self.case.target,
            "higher_is_better": self.case.higher_is_better,
            "passed": self.passed,
            "error": self.error,
            "info": {k: spread(v) for k, v in self.info().items()},
            "trials": [{"measured": t.measured, "baseline": t.baseline, "info": t.info} for t in self.trials],
        }
