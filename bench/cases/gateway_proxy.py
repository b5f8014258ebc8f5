"""Gateway throughput: requests through the gateway vs straight to the same upstream.

Upstream: a hello-world FastAPI app on uvicorn (uvloop, httptools), its own process.
Measured: `GET /v1/hello/42` through `python -m gateway` (its own process; edge policy, rate
limits with a huge budget, breaker and security headers all on), 32 keep-alive connections from
an asyncio/aiohttp load loop in the runner's process, req/s. Baseline: the same load straight at
the upstream. Info: p99 of both, the median added by the gateway at 1 connection, and nginx as
a reverse proxy in front of the same upstream when /usr/sbin/nginx exists (skipped otherwise).
Target (issue 7): gateway >= 0.6x direct. On 2 cores the load loop, the gateway and the upstream
share the CPU, so every figure here is lower than with wrk on a separate machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import aiohttp

from bench.harness import Case, Env, Trial
from devstack.ports import free_port, port_open

CONNECTIONS = 32
PATH = "/v1/hello/42"
NGINX = "/usr/sbin/nginx"
UPSTREAM = textwrap.dedent(
    """
    import sys, uvicorn
    from fastapi import FastAPI
    app = FastAPI()

    @app.get("/v1/hello/{n}")
    async def hello(n: int) -> dict:
        return {"hello": "world", "n": n}

    uvicorn.run(app, host="127.0.0.1", port=int(sys.argv[1]), log_level="warning", access_log=False,
                loop="uvloop", http="httptools")
    """
)


async def load(url: str, seconds: float, connections: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) for `connections` clients sending back to back."""
    latencies: list[float] = []
    failures = 0
    connector = aiohttp.TCPConnector(limit=connections)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def worker(deadline: float) -> None:
            nonlocal failures
            while (now := time.perf_counter()) < deadline:
                async with session.get(url) as response:
                    await response.read()
                    failures += response.status != 200
                latencies.append(time.perf_counter() - now)

        await asyncio.gather(*(worker(time.perf_counter() + 0.5) for _ in range(connections)))  # warm up
        latencies.clear()
        started = time.perf_counter()
        await asyncio.gather(*(worker(started + seconds) for _ in range(connections)))
        elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{failures} non-200 answers from {url}")
    latencies.sort()
    n = len(latencies)
    return n / elapsed, latencies[n // 2] * 1000, latencies[min(n - 1, int(n * 0.99))] * 1000


def _start(args: list[str], env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(args, env=env)


def _have_nginx() -> bool:
    return Path(NGINX).exists()


async def _wait(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while not port_open("127.0.0.1", port):
        if process.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"server on port {port} did not start")
        await asyncio.sleep(0.05)


def _nginx_conf(folder: Path, port: int, upstream_port: int) -> Path:
    conf = folder / "nginx.conf"
    conf.write_text(
        textwrap.dedent(
            f"""
            worker_processes 1;
            daemon off;
            pid {folder}/nginx.pid;
            error_log {folder}/error.log warn;
            events {{ worker_connections 1024; }}
            http {{
                access_log off;
                client_body_temp_path {folder};
                proxy_temp_path {folder};
                upstream app {{ server 127.0.0.1:{upstream_port}; keepalive 64; }}
                server {{
                    listen 127.0.0.1:{port};
                    location / {{
                        proxy_pass http://app;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }}
                }}
            }}
            """
        )
    )
    return conf


async def run(env: Env) -> Trial:
    seconds = 2.0 if env.quick else 5.0
    upstream_port, gateway_port = free_port(), free_port()
    gateway_env = {
        **os.environ,
        "GATEWAY_PORT": str(gateway_port),
        "GATEWAY_UPSTREAMS": json.dumps({"hello": f"http://127.0.0.1:{upstream_port}"}),
        "GATEWAY_ROUTES": json.dumps({"/v1/hello": "hello"}),
        "GATEWAY_POLICIES": json.dumps({"/v1/hello": "public"}),
        "GATEWAY_RATE_ADDRESS": json.dumps({"count": 10**9, "seconds": 1}),
        "GATEWAY_LOG_LEVEL": "WARNING",
    }
    processes = [_start([sys.executable, "-c", UPSTREAM, str(upstream_port)])]
    processes.append(_start([sys.executable, "-m", "gateway"], gateway_env))
    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    try:
        await _wait(upstream_port, processes[0])
        await _wait(gateway_port, processes[1])
        direct = await load(f"http://127.0.0.1:{upstream_port}{PATH}", seconds, CONNECTIONS)
        proxied = await load(f"http://127.0.0.1:{gateway_port}{PATH}", seconds, CONNECTIONS)
        direct_1 = await load(f"http://127.0.0.1:{upstream_port}{PATH}", seconds / 2, 1)
        proxied_1 = await load(f"http://127.0.0.1:{gateway_port}{PATH}", seconds / 2, 1)
        info = {
            "direct_p99_ms": direct[2],
            "gateway_p99_ms": proxied[2],
            "added_median_ms_1_connection": proxied_1[1] - direct_1[1],
        }
        if _have_nginx():
            nginx_port = free_port()
            conf = _nginx_conf(folder, nginx_port, upstream_port)
            processes.append(_start([NGINX, "-c", str(conf), "-p", str(folder)]))
            await _wait(nginx_port, processes[-1])
            nginx = await load(f"http://127.0.0.1:{nginx_port}{PATH}", seconds, CONNECTIONS)
            info |= {"nginx_req_s": nginx[0], "nginx_p99_ms": nginx[2], "gateway_vs_nginx": proxied[0] / nginx[0]}
        else:
            print(f"  gateway_throughput: {NGINX} not found, the nginx comparison is skipped", flush=True)
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)
    return Trial(measured=proxied[0], baseline=direct[0], info=info)


CASES = [
    Case(
        name="gateway_throughput",
        summary="GET through the gateway vs straight to the same uvicorn upstream, 32 connections",
        unit="req/s",
        target=0.6,
        run=run,
    )
]
