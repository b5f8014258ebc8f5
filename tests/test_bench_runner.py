"""`make bench` runs every case to the end: a case that cannot run is reported with its reason,
and the cases after it are still measured (issue 18: one refused case used to stop the run)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any, cast

from bench.harness import Case, Env, Trial
from bench.runner import print_table, run_cases, write_json
from bench.stack import Stack


async def _refused(env: Env) -> Trial:
    raise RuntimeError("verification (gateway) POST /v1/enrolments/x/verification: 429")


async def _stuck(env: Env) -> Trial:
    await asyncio.sleep(3600)
    raise AssertionError("not reached")


async def _fine(env: Env) -> Trial:
    return Trial(measured=90.0, baseline=100.0, info={"rows": 5.0})


def test_a_case_that_cannot_run_says_why_and_the_others_go_on(tmp_path: Path, capsys: Any) -> None:
    cases = [
        Case("refused", "always refused", "x/s", 0.5, _refused),
        Case("stuck", "never ends", "x/s", None, _stuck),
        Case("fine", "always fine", "x/s", 0.5, _fine),
    ]
    env = Env(stack=cast(Stack, None), events=10, quick=True)  # no case here uses the servers
    results = asyncio.run(run_cases(env, cases, repeat=2, trial_timeout=0.2))
    refused, stuck, fine = results
    assert (stuck.trials, stuck.passed, stuck.error) == ([], False, "stopped after 0.2 s (--trial-timeout)")
    assert (refused.trials, refused.passed) == ([], False)
    assert refused.error is not None
    assert "429" in refused.error
    assert (len(fine.trials), fine.passed, fine.error) == (2, True, None)

    print_table(results, events=10)
    printed = capsys.readouterr().out
    assert "refused                NOT RUN: RuntimeError" in printed
    assert "fine" in printed
    assert "PASS" in printed

    out = tmp_path / "results.json"
    write_json(out, results, events=10, repeat=2)
    written = {case["name"]: case for case in json.loads(out.read_text())["cases"]}
    assert written["refused"]["error"].startswith("RuntimeError")
    assert written["refused"]["passed"] is False
    assert written["fine"]["ratio"] == 0.9
