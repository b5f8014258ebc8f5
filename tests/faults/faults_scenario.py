"""One fault in the middle of concurrent paperless flows, and the figures it leaves.

`scenario()` starts the flows a little apart, injects the fault once a third of them have
been accepted (paid), waits for every flow to end, then checks what the issue asks: every
accepted flow completed exactly once (one document, one capture, one appointment), the money
adds up (payment-svc's ledger moved by exactly the fees of the completed flows, and what was
captured equals those fees plus refunds), and no service has an outbox event left unpublished.
The figures of every scenario go to `REPORT`, which the suite prints at its end.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field

import httpx
from faults_flows import Flow, World, audit, run
from faults_harness import Harness
from paperless_support import RETRIED

MIX = ("poa",) * 5 + ("certificate",) * 3 + ("ration",) * 3
STAGGER = 0.25
"""Seconds between two flows' starts, so the fault finds them at different steps."""
FLOW_TIMEOUT = 90.0
"""How long an accepted flow may wait for the platform (an event, an appointment) after the fault."""


@dataclass
class Figures:
    fault: str
    flows: int = 0
    accepted: int = 0
    completed: int = 0
    duplicated: int = 0
    lost: int = 0
    fault_s: float | None = None
    recovery_s: float | None = None
    drain_s: float | None = None
    dead_lettered: int = 0
    notes: list[str] = field(default_factory=list)

    def row(self) -> str:
        seconds = [f"{s:.1f}" if s is not None else "-" for s in (self.fault_s, self.recovery_s, self.drain_s)]
        return (
            f"| {self.fault} | {self.flows} | {self.accepted} | {self.completed} | {self.duplicated} | {self.lost} "
            f"| {' | '.join(seconds)} | {self.dead_lettered} | {'; '.join(self.notes)} |"
        )


REPORT: list[Figures] = []
HEADER = (
    "| fault | flows | accepted | completed | duplicated | lost | fault s | recovery s | all done s | dead-lettered "
    "| notes |\n|---|---|---|---|---|---|---|---|---|---|---|"
)

Fault = Callable[[], Awaitable[None]]
"""Injects the fault and returns once it is over (the server is back, the link healed)."""


async def scenario(
    harness: Harness,
    world: World,
    client: httpx.AsyncClient,
    name: str,
    fault: Fault,
    *,
    mix: tuple[str, ...] = MIX,
) -> tuple[Figures, list[Flow]]:
    figures = Figures(name, flows=len(mix))
    REPORT.append(figures)
    ledger_before = await world.ledger()
    dead_before = await harness.dead_letters()
    retried_before = RETRIED.copy()
    flows = [world.flow(kind) for kind in mix]
    tasks = [
        asyncio.create_task(run(world, flow, delay=i * STAGGER, timeout=FLOW_TIMEOUT)) for i, flow in enumerate(flows)
    ]
    await _until(lambda: sum(f.accepted for f in flows) >= len(flows) // 3 or all(t.done() for t in tasks), 120)
    began = time.monotonic()
    await fault()
    figures.fault_s = time.monotonic() - began
    await harness.until_ready(client)
    figures.recovery_s = time.monotonic() - began
    await asyncio.wait(tasks, timeout=FLOW_TIMEOUT + 120)
    for task in tasks:
        task.cancel()
    ended = [f.completed_at for f in flows if f.completed_at is not None]
    figures.drain_s = max(ended) - began if ended else None
    for flow in flows:
        await audit(world, flow)
    figures.accepted = sum(f.accepted for f in flows)
    figures.completed = sum(f.completed for f in flows)
    figures.duplicated = sum(bool(f.duplicates) for f in flows)
    figures.lost = sum(f.accepted and not f.completed for f in flows)
    figures.dead_lettered = await harness.dead_letters() - dead_before
    refused = [f for f in flows if not f.accepted]
    if refused:
        figures.notes.append(f"{len(refused)} never accepted")
    retried = RETRIED - retried_before
    if retried:
        figures.notes.append("retried: " + ", ".join(f"{n}x {answer}" for answer, n in sorted(retried.items())))
    await _check_money(world, flows, ledger_before, figures)
    await _check_outboxes(harness, client, figures)
    return figures, flows


def verdict(figures: Figures, flows: list[Flow]) -> None:
    """The suite's assertions for one scenario (after the figures are recorded)."""
    failures = [str(f) + (f" duplicates: {f.duplicates}" if f.duplicates else "") for f in flows if _bad(f)]
    assert not failures, f"{figures.fault}: " + "; ".join(failures)
    assert figures.accepted == len(flows), f"{figures.fault}: only {figures.accepted} of {len(flows)} accepted"
    assert not [n for n in figures.notes if n.startswith(("money", "outbox"))], figures.notes


def _bad(flow: Flow) -> bool:
    return bool(flow.duplicates) or (flow.accepted and not flow.completed) or not flow.accepted


async def _check_money(world: World, flows: list[Flow], before: dict, figures: Figures) -> None:
    after = await world.ledger()
    fees = Counter[str]()
    for flow in flows:
        if flow.accepted:  # fulfilled, or still in progress (then it is lost: the verdict says so)
            fees[flow.service_code] += flow.fee
    moved = {
        code: after["by_service"].get(code, 0) - before["by_service"].get(code, 0)
        for code in set(after["by_service"]) | set(before["by_service"])
    }
    moved = {code: amount for code, amount in moved.items() if amount}
    captured = sum(f.captured for f in flows)
    refunded = sum(f.refunded for f in flows)
    kept = after["by_provider"].get("wallet", 0) - before["by_provider"].get("wallet", 0)
    problems = []
    if moved != dict(fees):
        problems.append(f"services' accounts moved {moved}, fees of accepted flows {dict(fees)}")
    if captured != sum(fees.values()) + refunded:
        problems.append(f"captured {captured} != fees {sum(fees.values())} + refunds {refunded}")
    if kept != captured - refunded:
        problems.append(f"wallet provider account moved {kept}, captured {captured} - refunded {refunded}")
    if after["unbalanced_entries"] or after["total_piastres"]:
        problems.append(f"ledger unbalanced: {after['unbalanced_entries']} entries, total {after['total_piastres']}")
    figures.notes += [f"money: {p}" for p in problems]


async def _check_outboxes(harness: Harness, client: httpx.AsyncClient, figures: Figures) -> None:
    """Every relay reports an empty outbox (within a deadline: the last events are on their way)."""
    deadline = time.monotonic() + 30
    while True:
        pending = await harness.outbox_pending(client)
        left = {name: n for name, n in pending.items() if n != 0}
        if not left:
            return
        if time.monotonic() > deadline:
            figures.notes.append(f"outbox: unpublished or unreported {left}")
            return
        await asyncio.sleep(0.5)


async def _until(check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError("the flows did not get going")
        await asyncio.sleep(0.1)
