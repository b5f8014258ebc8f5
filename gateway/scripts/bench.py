"""Requests/s straight to an upstream vs through the gateway (loopback, one process each).

    .venv/bin/python gateway/scripts/bench.py [--seconds 5] [--connections 32]

Not a test: a quick measurement. The load loop runs in this process, the upstream and the
gateway in their own, so the numbers include the client's cost on both sides equally.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import time

import aiohttp

from devstack.ports import free_port, port_open


def serve_upstream(port: int) -> None:
    import uvicorn
    from fastapi import FastAPI

    app = FastAPI()

    @app.get("/v1/services/{service_id}")
    async def get_service(service_id: int) -> dict[str, object]:
        return {"id": service_id, "name": "passport renewal", "fee_piastres": 12_500}

    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


async def load(url: str, seconds: float, connections: int) -> tuple[float, float, int]:
    """(requests/s, p99 ms, requests sent in all) for `connections` clients sending back to back."""
    latencies: list[float] = []
    errors = total = 0
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(deadline: float) -> None:
            nonlocal errors, total
            while (now := time.perf_counter()) < deadline:
                async with session.get(url) as response:
                    await response.read()
                    if response.status != 200:
                        errors += 1
                latencies.append(time.perf_counter() - now)
                total += 1

        await asyncio.gather(*(worker(time.perf_counter() + 1.0) for _ in range(connections)))  # warm up
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds) for _ in range(connections)))
        elapsed = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{errors} non-200 answers from {url}")
    latencies.sort()
    return len(latencies) / elapsed, latencies[int(len(latencies) * 0.99)] * 1000, total


def wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 20
    while not port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server on port {port} did not start")
        time.sleep(0.05)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    upstream_port, gateway_port = free_port(), free_port()
    env = {
        **os.environ,
        "GATEWAY_PORT": str(gateway_port),
        "GATEWAY_UPSTREAMS": json.dumps({"catalog": f"http://127.0.0.1:{upstream_port}"}),
        "GATEWAY_ROUTES": json.dumps({"/v1/services": "catalog"}),
        "GATEWAY_LOG_LEVEL": "WARNING",
        "GATEWAY_RATE_ADDRESS": json.dumps({"count": 10**9, "seconds": 1}),  # on, but never in the way
    }
    upstream = subprocess.Popen([sys.executable, __file__, "--upstream", str(upstream_port)])
    gateway = subprocess.Popen([sys.executable, "-m", "gateway"], env=env)
    try:
        wait_for(upstream_port, upstream)
        wait_for(gateway_port, gateway)
        path = "/v1/services/42"
        direct = asyncio.run(load(f"http://127.0.0.1:{upstream_port}{path}", args.seconds, args.connections))
        cpu_before = _cpu(gateway.pid), _cpu(upstream.pid)
        proxied = asyncio.run(load(f"http://127.0.0.1:{gateway_port}{path}", args.seconds, args.connections))
        requests = proxied[2]
        gateway_us = (_cpu(gateway.pid) - cpu_before[0]) / requests * 1e6
        upstream_us = (_cpu(upstream.pid) - cpu_before[1]) / requests * 1e6
    finally:
        for process in (gateway, upstream):
            process.terminate()
            process.wait(10)
    print(f"direct:  {direct[0]:8.0f} req/s  p99 {direct[1]:6.1f} ms")
    print(f"gateway: {proxied[0]:8.0f} req/s  p99 {proxied[1]:6.1f} ms  ({proxied[0] / direct[0]:.2f}x direct)")
    print(f"CPU per proxied request: gateway {gateway_us:.0f} us, upstream {upstream_us:.0f} us")


def _cpu(pid: int) -> float:
    import psutil

    times = psutil.Process(pid).cpu_times()
    return float(times.user + times.system)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--upstream":
        serve_upstream(int(sys.argv[2]))
    else:
        main()
