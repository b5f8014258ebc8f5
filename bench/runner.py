"""The runner: start the servers, run the registered cases, print and save the results."""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import logging
import platform
import pstats
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from bench.cases import all_cases
from bench.harness import Case, CaseResult, Env, Spread, Trial
from bench.stack import Stack

RESULTS = Path(__file__).resolve().parent / "results.json"
DEFAULT_EVENTS = 20_000
QUICK_EVENTS = 2_000
TRIAL_TIMEOUT = 3600.0
"""A trial that takes longer is stopped and reported (a stuck consumer must not hold the run)."""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help=f"{QUICK_EVENTS} events instead of {DEFAULT_EVENTS}")
    parser.add_argument("--strict", action="store_true", help="exit 1 if a case misses its target")
    parser.add_argument("--case", action="append", default=[], help="run only this case (repeatable)")
    parser.add_argument("--events", type=int, help="events per trial (overrides --quick)")
    parser.add_argument("--repeat", type=int, default=3, help="trials per case; the median is reported")
    parser.add_argument("--profile", type=Path, help="write cProfile stats of the whole run to this file")
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument(
        "--trial-timeout", type=float, default=TRIAL_TIMEOUT, help="seconds a trial may take before it is stopped"
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("kit.bus").setLevel(logging.ERROR)  # "disconnected" on every close
    cases = all_cases()
    if args.case:
        unknown = set(args.case) - {c.name for c in cases}
        if unknown:
            print(f"unknown case(s): {', '.join(sorted(unknown))}; known: {', '.join(c.name for c in cases)}")
            return 2
        cases = [c for c in cases if c.name in args.case]
    events = args.events or (QUICK_EVENTS if args.quick else DEFAULT_EVENTS)

    with Stack() as stack:
        env = Env(stack=stack, events=events, quick=args.quick)
        profiler = cProfile.Profile() if args.profile else None
        if profiler is not None:
            profiler.enable()
        results = asyncio.run(run_cases(env, cases, args.repeat, args.trial_timeout))
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
            pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)

    print_table(results, events)
    write_json(args.output, results, events, args.repeat)
    not_run = [r.case.name for r in results if r.error]
    if not_run:
        print(f"\nNOT RUN TO THE END: {', '.join(not_run)} (the reasons are in the table)")
    missed = [r.case.name for r in results if not r.passed and not r.error]
    if missed or not_run:
        if missed:
            print(
                f"\nMISSED TARGET: {', '.join(missed)}" + ("" if args.strict else " (not failing: run with --strict)")
            )
        return 1 if args.strict else 0
    print("\nall targets met")
    return 0


async def run_cases(env: Env, cases: list[Case], repeat: int, trial_timeout: float = TRIAL_TIMEOUT) -> list[CaseResult]:
    """Every case, `repeat` trials each; a case that cannot run to its end is reported with the
    reason and the others still run."""
    results = []
    for case in cases:
        trials: list[Trial] = []
        error = None
        trials_wanted = min(repeat, case.max_trials or repeat)
        for i in range(trials_wanted):
            start = time.perf_counter()
            try:
                trial = await asyncio.wait_for(case.run(env), trial_timeout)
            except TimeoutError:
                error = f"stopped after {trial_timeout:g} s (--trial-timeout)"
                print(f"  {case.name} trial {i + 1}/{trials_wanted}: {error}", flush=True)
                break
            except Exception as exc:  # noqa: BLE001 - one case's failure must not hide the others' figures
                error = f"{type(exc).__name__}: {exc}"[:500]
                print(f"  {case.name} trial {i + 1}/{trials_wanted} could not run: {error}", flush=True)
                break
            trials.append(trial)
            print(
                f"  {case.name} trial {i + 1}/{trials_wanted}: {trial.measured:,.0f} vs {trial.baseline:,.0f}"
                f" {case.unit}"
                f" (ratio {trial.measured / trial.baseline:.3f}) in {time.perf_counter() - start:.1f}s",
                flush=True,
            )
        results.append(CaseResult(case, trials, error))
    return results


def print_table(results: list[CaseResult], events: int) -> None:
    print(f"\nBenchmarks ({events:,} events per trial; median of each figure, [min..max])\n")
    header = f"{'case':<22} {'measured':>22} {'baseline':>22} {'ratio':>6} {'target':>7}  result"
    print(header)
    print("-" * len(header))
    for r in results:
        if not r.trials:
            print(f"{r.case.name:<22} NOT RUN: {r.error}")
            continue
        cmp = ">=" if r.case.higher_is_better else "<="
        target = "-" if r.case.target is None else cmp + format(r.case.target, ".2f")
        verdict = "info" if r.case.target is None else ("PASS" if r.passed else "MISS")
        print(
            f"{r.case.name:<22} {_fig(r.measured.median):>22} {_fig(r.baseline.median):>22}"
            f" {r.ratio:>6.3f} {target:>7}  {verdict}"
        )
        print(f"{'':<22} {_range(r.measured):>22} {_range(r.baseline):>22}   ({r.case.unit})")
        for key, spread in r.info().items():
            print(f"{'':<4}{key}: median {_fig(spread.median)} {_range(spread)}")
        if r.error:
            print(f"{'':<4}stopped after {len(r.trials)} trial(s): {r.error}")


def _fig(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


def _range(spread: Spread) -> str:
    return f"[{_fig(spread.min)}..{_fig(spread.max)}]"


def write_json(path: Path, results: list[CaseResult], events: int, repeat: int) -> None:
    doc = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "events": events,
        "repeat": repeat,
        "python": sys.version.split()[0],
        "machine": platform.platform(),
        "cases": [r.as_json() for r in results],
    }
    path.write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
    print(f"\nwrote {path}")
