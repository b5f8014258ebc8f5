"""The fault-injection suite (issue 12): its figures, printed at the end of the run and written to
`.data/test/faults-report.md` for the closing note."""

from __future__ import annotations

import pytest
from faults_scenario import HEADER, REPORT

from devstack.paths import data_root


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not REPORT:
        return
    table = "\n".join([HEADER, *(figures.row() for figures in REPORT)])
    terminalreporter.write_sep("=", "fault injection: figures")
    terminalreporter.write_line(table)
    out = data_root() / "test" / "faults-report.md"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        "# Fault injection figures\n\n"
        "Flows accepted (fee captured), completed (document / new card issued), duplicated (a second "
        "document, capture, appointment or card), lost (accepted, not completed). Seconds from the fault: "
        "until it was over (the supervisor started the process again, the link healed), until every "
        "service answered /readyz again (recovery), until the last flow completed (all done). Retried: "
        "what the patient clients' requests got before an answer.\n\n" + table + "\n",
        encoding="utf-8",
    )
    terminalreporter.write_line(f"(also in {out})")
