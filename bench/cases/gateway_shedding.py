"""Load shedding at the gateway (issue 12): the p99 of the answers given at 200 connections, with
the gateway's shedding as shipped (its default bounds) against the same gateway with shedding off,
and the share of requests shed.

Upstream: a FastAPI app on uvicorn that can do CAPACITY requests at a time, SERVICE_SECONDS each
(like a service whose database pool allows that many queries at once): 400 requests/s at most.
200 connections ask for more than that; without shedding every request queues inside the
service and every answer waits for the queue. Clients behave as the problem tells them: after a
503 they wait its Retry-After (1 s) before their next request. Two gateway processes (shedding on,
shedding off: GATEWAY_SHED_MAX_IN_FLIGHT=0) over the same upstream, measured in alternation over
ROUNDS rounds; figures are medians over rounds.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import textwrap
from collections.abc import Callable
from typing import Any

from bench.cases.gateway_throughput import _start, _wait, load_detail
from bench.harness import Case, Env, Trial
from devstack.ports import free_port

CONNECTIONS = 200
ROUNDS = 3
CAPACITY = 8
SERVICE_SECONDS = 0.02
PATH = "/v1/work/1"
UPSTREAM = textwrap.dedent(
    f"""
    import asyncio, sys, uvicorn
    from fastapi import FastAPI
    app = FastAPI()
    slots = asyncio.Semaphore({CAPACITY})

    @app.get("/v1/work/{{n}}")
    async def work(n: int) -> dict:
        async with slots:
            await asyncio.sleep({SERVICE_SECONDS})
        return {{"done": n}}

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
                loop="uvloop", http="httptools", backlog=4096)
    """
)


def _p(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * q))] if ordered else float("nan")


async def run(env: Env) -> Trial:
    seconds = 3.0 if env.quick else 6.0
    upstream_port = free_port()
    ports = {"shedding": free_port(), "unbounded": free_port()}
    base = {
        **os.environ,
        "GATEWAY_UPSTREAMS": json.dumps({"work": f"http://127.0.0.1:{upstream_port}"}),
        "GATEWAY_ROUTES": json.dumps({"/v1/work": "work"}),
        "GATEWAY_POLICIES": json.dumps({"/v1/work": "public"}),
        "GATEWAY_RATE_ADDRESS": json.dumps({"count": 10**9, "seconds": 1}),
        "GATEWAY_LOG_LEVEL": "WARNING",
        "GATEWAY_EVENTS": "false",
    }
    processes = [_start([sys.executable, "-c", UPSTREAM, str(upstream_port)])]
    processes.append(_start([sys.executable, "-m", "gateway"], {**base, "GATEWAY_PORT": str(ports["shedding"])}))
    processes.append(
        _start(
            [sys.executable, "-m", "gateway"],
            {**base, "GATEWAY_PORT": str(ports["unbounded"]), "GATEWAY_SHED_MAX_IN_FLIGHT": "0"},
        )
    )
    rounds: dict[str, list[dict]] = {name: [] for name in ports}
    try:
        await _wait(upstream_port, processes[0])
        for process, port in zip(processes[1:], ports.values(), strict=True):
            await _wait(port, process)
        names = list(ports)
        for i in range(ROUNDS):
            for name in names if i % 2 == 0 else names[::-1]:
                rounds[name].append(await load_detail(ports[name], PATH, seconds, CONNECTIONS, honour=True))
    finally:
        for process in reversed(processes):
            process.terminate()
            process.wait(10)

    def med(name: str, figure: Callable[[dict[str, Any]], float]) -> float:
        return statistics.median(figure(r) for r in rounds[name])

    def answered_p99(r: dict) -> float:
        return _p(r["latencies_ms"], 0.99)

    def share_shed(r: dict) -> float:
        total = len(r["latencies_ms"]) + len(r["shed_ms"])
        return len(r["shed_ms"]) / total if total else float("nan")

    info = {
        "shed_share": med("shedding", share_shed),
        "unbounded_shed_share": med("unbounded", share_shed),
        "answered_per_s": med("shedding", lambda r: len(r["latencies_ms"]) / r["seconds"]),
        "unbounded_answered_per_s": med("unbounded", lambda r: len(r["latencies_ms"]) / r["seconds"]),
        "p50_ms": med("shedding", lambda r: _p(r["latencies_ms"], 0.5)),
        "unbounded_p50_ms": med("unbounded", lambda r: _p(r["latencies_ms"], 0.5)),
        "shed_answer_p99_ms": med("shedding", lambda r: _p(r["shed_ms"], 0.99)),
        "errors": med("shedding", lambda r: r["errors"]) + med("unbounded", lambda r: r["errors"]),
    }
    return Trial(measured=med("shedding", answered_p99), baseline=med("unbounded", answered_p99), info=info)


CASES = [
    Case(
        name="gateway_shedding",
        summary=f"p99 of answered GETs at {CONNECTIONS} connections to a {CAPACITY}-at-a-time upstream, "
        "shedding as shipped vs off; info: share shed",
        unit="ms",
        target=None,
        run=run,
        higher_is_better=False,
    )
]
