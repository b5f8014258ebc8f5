"""Gateway throughput: the same GETs straight to an upstream, through the gateway (once with each
upstream client: aiohttp's and the gateway's own raw HTTP/1.1 one, `GATEWAY_UPSTREAM_CLIENT`) and
through nginx, measured in one run, interleaved and repeated.

Upstream: a hello-world FastAPI app on uvicorn (uvloop, httptools), its own process.
Gateway: `python -m gateway`, its own process, with everything on the proxy path switched on
(route table, edge policy, rate limit per address with a huge budget, breaker, request id,
body limit, metrics, security headers); only NATS is off (`GATEWAY_EVENTS=false`: webhooks are
not on the proxy path). nginx (`/usr/sbin/nginx`, skipped with a message where it is absent):
a generated nginx.conf in a temp dir, HTTP/1.1 keep-alive to the upstream, `daemon off`,
`worker_processes 1` — the gateway is one process (at most one core), and on 2 cores a second
nginx worker would only compete with the upstream and the load for the same CPUs.

Load: `wrk` when installed (`-t1 -c32`, latency from its summary); otherwise a wrk-like loop in
its own process (uvloop, one raw HTTP/1.1 keep-alive connection per client, back to back, no
HTTP client library: it costs the servers' CPUs as little as possible). 32 connections.
Each trial runs ROUNDS rounds; every round measures direct, both gateways and nginx one after
the other, rotating the order, so a neighbour's load on this shared machine hits all alike.
Then the median latency at 1 connection, each of them in turn (the order reversed every other
round), ROUNDS times each. Figures are medians over rounds; info has the per-round minima too,
and each figure for each client (`gateway_<client>_...`); the measured figure is the gateway
with the default client.
Targets (issue 7): gateway >= 0.6x direct; (issue 18) >= 0.85x nginx, p99 <= 1.2x nginx's,
adds <= 0.15 ms at 1 connection.
On 2 cores the load, the gateway and the upstream share the CPU, so absolute figures are
lower than with the load on a separate machine.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from bench.harness import Case, Env, Trial
from devstack.ports import free_port, port_open
from gateway.settings import Settings

CONNECTIONS = 32
ROUNDS = 3
PATH = "/v1/hello/42"
NGINX = "/usr/sbin/nginx"
CLIENTS = ("aiohttp", "raw")
DEFAULT_CLIENT: str = Settings.model_fields["upstream_client"].default
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
# argv: port path seconds connections [honour] → prints {"requests": n, "seconds": s, "latencies_ms": [...],
# "errors": n, "shed_ms": [...]}. With honour=1 a 503 is a shed answer (its latency in shed_ms): the
# client waits its Retry-After (at most 1 s) before the next request, as a well-behaved client does.
LOAD = textwrap.dedent(
    r"""
    import asyncio, json, sys, time
    import uvloop

    port, path, seconds, connections = int(sys.argv[1]), sys.argv[2], float(sys.argv[3]), int(sys.argv[4])
    honour = len(sys.argv) > 5 and sys.argv[5] == "1"
    shed = []
    REQUEST = f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: bench\r\n\r\n".encode()

    class Client(asyncio.Protocol):
        def __init__(self, deadline, latencies, done):
            self.deadline, self.latencies, self.done = deadline, latencies, done
            self.buffer, self.need, self.errors = b"", None, 0

        def connection_made(self, transport):
            self.transport = transport
            self.fire()

        def fire(self):
            self.sent = time.perf_counter()
            if self.sent >= self.deadline:
                self.transport.close()
                return
            self.transport.write(REQUEST)

        def data_received(self, data):
            self.buffer += data
            while True:
                if self.need is None:
                    end = self.buffer.find(b"\r\n\r\n")
                    if end < 0:
                        return
                    head = self.buffer[:end].lower()
                    self.wait = 0.0
                    if honour and head.startswith(b"http/1.1 503"):
                        at = head.find(b"\r\nretry-after:")
                        self.wait = min(1.0, float(head[at + 15 : head.find(b"\r\n", at + 2)])) if at >= 0 else 1.0
                    elif not head.startswith(b"http/1.1 200"):
                        self.errors += 1
                    at = head.find(b"\r\ncontent-length:")
                    if at < 0:
                        raise SystemExit("response without content-length")
                    length = int(head[at + 17 : head.find(b"\r\n", at + 2) if head.find(b"\r\n", at + 2) > 0 else None])
                    self.need = end + 4 + length
                if len(self.buffer) < self.need:
                    return
                self.buffer, self.need = self.buffer[self.need :], None
                now = time.perf_counter()
                if self.wait:
                    shed.append(now - self.sent)
                    asyncio.get_running_loop().call_later(self.wait, self.fire)
                    return
                self.latencies.append(now - self.sent)
                self.fire()

        def connection_lost(self, exc):
            if not self.done.done():
                self.done.set_result(self.errors)

    async def run(seconds, latencies):
        loop = asyncio.get_running_loop()
        deadline = time.perf_counter() + seconds
        dones = []
        for _ in range(connections):
            done = loop.create_future()
            await loop.create_connection(lambda d=done: Client(deadline, latencies, d), "127.0.0.1", port)
            dones.append(done)
        started = time.perf_counter()
        errors = sum(await asyncio.gather(*dones))
        return time.perf_counter() - started, errors

    async def main():
        await run(min(0.5, seconds / 4), [])  # warm up (connections, caches)
        latencies = []
        shed.clear()
        elapsed, errors = await run(seconds, latencies)
        print(json.dumps({"requests": len(latencies), "seconds": elapsed, "errors": errors,
                          "latencies_ms": [round(x * 1000, 4) for x in latencies],
                          "shed_ms": [round(x * 1000, 4) for x in shed]}))

    uvloop.run(main())
    """
)


async def load_detail(port: int, path: str, seconds: float, connections: int, *, honour: bool) -> dict:
    """The raw result of the Python load loop (see LOAD): latencies of 200s, shed ones, errors."""
    args = [str(port), path, str(seconds), str(connections), "1" if honour else "0"]
    process = await asyncio.create_subprocess_exec(sys.executable, "-c", LOAD, *args, stdout=subprocess.PIPE)
    out, _ = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"load on port {port} failed")
    return json.loads(out)


async def load(port: int, seconds: float, connections: int) -> tuple[float, float, float]:
    """(requests/s, p50 ms, p99 ms) for `connections` clients sending back to back."""
    wrk = shutil.which("wrk")
    if wrk and connections > 1:
        return await _wrk(wrk, port, seconds, connections)
    result = await load_detail(port, PATH, seconds, connections, honour=False)
    if result["errors"]:
        raise RuntimeError(f"{result['errors']} non-200 answers on port {port}")
    latencies = sorted(result["latencies_ms"])
    n = len(latencies)
    return n / result["seconds"], latencies[n // 2], latencies[min(n - 1, int(n * 0.99))]


async def _wrk(wrk: str, port: int, seconds: float, connections: int) -> tuple[float, float, float]:
    args = [wrk, "-t1", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency"]
    process = await asyncio.create_subprocess_exec(*args, f"http://127.0.0.1:{port}{PATH}", stdout=subprocess.PIPE)
    out = (await process.communicate())[0].decode()
    figures: dict[str, float] = {}
    for line in out.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            figures["rate"] = float(words[1])
        elif len(words) == 2 and words[0] in ("50%", "99%"):
            value = words[1]
            unit = 1e-3 if value.endswith("us") else 1e3 if value.endswith("s") and not value.endswith("ms") else 1
            figures[words[0]] = float(value.rstrip("mus")) * unit
    if "Non-2xx" in out or "rate" not in figures:
        raise RuntimeError(f"wrk on port {port} failed:\n{out}")
    return figures["rate"], figures["50%"], figures["99%"]


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
    seconds = 2.0 if env.quick else 4.0
    upstream_port = free_port()
    gateway_env = {
        **os.environ,
        "GATEWAY_UPSTREAMS": json.dumps({"hello": f"http://127.0.0.1:{upstream_port}"}),
        "GATEWAY_ROUTES": json.dumps({"/v1/hello": "hello"}),
        "GATEWAY_POLICIES": json.dumps({"/v1/hello": "public"}),
        "GATEWAY_RATE_ADDRESS": json.dumps({"count": 10**9, "seconds": 1}),
        "GATEWAY_LOG_LEVEL": "WARNING",
        "GATEWAY_EVENTS": "false",  # no NATS: the webhooks' consumers are not on the proxy path
    }
    processes = [_start([sys.executable, "-c", UPSTREAM, str(upstream_port)])]
    ports = {"direct": upstream_port}
    for client in CLIENTS:
        ports[f"gateway_{client}"] = port = free_port()
        env_of = {**gateway_env, "GATEWAY_PORT": str(port), "GATEWAY_UPSTREAM_CLIENT": client}
        processes.append(_start([sys.executable, "-m", "gateway"], env_of))
    folder = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    try:
        for port, process in zip(ports.values(), processes, strict=True):
            await _wait(port, process)
        if _have_nginx():
            ports["nginx"] = free_port()
            conf = _nginx_conf(folder, ports["nginx"], upstream_port)
            processes.append(_start([NGINX, "-c", str(conf), "-p", str(folder), "-e", str(folder / "error.log")]))
            await _wait(ports["nginx"], processes[-1])
        else:
            print(f"  gateway_throughput: {NGINX} not found, the nginx comparison is skipped", flush=True)
        if not shutil.which("wrk"):
            print("  gateway_throughput: wrk not found, load from a Python (uvloop) loop", flush=True)
        names = list(ports)
        rounds: dict[str, list[tuple[float, float, float]]] = {name: [] for name in names}
        for i in range(ROUNDS):
            for name in names[i % len(names) :] + names[: i % len(names)]:
                rounds[name].append(await load(ports[name], seconds, CONNECTIONS))
        single: dict[str, list[float]] = {name: [] for name in names}
        for i in range(ROUNDS):
            for name in names if i % 2 == 0 else names[::-1]:
                single[name].append((await load(ports[name], seconds / 2, 1))[1])
    finally:
        for process in reversed(processes):
            process.terminate()
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        shutil.rmtree(folder, ignore_errors=True)

    def med(name: str, at: int) -> float:
        return statistics.median(r[at] for r in rounds[name])

    def added(name: str) -> float:
        return statistics.median(g - d for g, d in zip(single[name], single["direct"], strict=True))

    info = {
        "direct_p99_ms": med("direct", 2),
        "direct_median_ms_1_connection": statistics.median(single["direct"]),
    }
    for client in CLIENTS:
        name = f"gateway_{client}"
        ratios = [g[0] / d[0] for g, d in zip(rounds[name], rounds["direct"], strict=True)]
        info |= {
            f"{name}_req_s": med(name, 0),
            f"{name}_vs_direct_min": min(ratios),
            f"{name}_p99_ms": med(name, 2),
            f"{name}_added_median_ms_1_connection": added(name),
        }
        if "nginx" in ports:
            versus = [g[0] / n[0] for g, n in zip(rounds[name], rounds["nginx"], strict=True)]
            info |= {
                f"{name}_vs_nginx": statistics.median(versus),  # issue 18: >= 0.85
                f"{name}_vs_nginx_min": min(versus),
                f"{name}_p99_vs_nginx": med(name, 2) / med("nginx", 2),  # issue 18: <= 1.2
            }
    raw_vs_aiohttp = [r[0] / a[0] for r, a in zip(rounds["gateway_raw"], rounds["gateway_aiohttp"], strict=True)]
    info["gateway_raw_vs_aiohttp"] = statistics.median(raw_vs_aiohttp)
    if "nginx" in ports:
        info |= {
            "nginx_req_s": med("nginx", 0),
            "nginx_p99_ms": med("nginx", 2),
            "nginx_added_median_ms_1_connection": added("nginx"),
        }
    return Trial(measured=med(f"gateway_{DEFAULT_CLIENT}", 0), baseline=med("direct", 0), info=info)


CASES = [
    Case(
        name="gateway_throughput",
        summary="GET straight to a uvicorn upstream, through the gateway (each upstream client) and through "
        "nginx, 32 connections; issue 18: >= 0.85x nginx, p99 <= 1.2x nginx's, adds <= 0.15 ms at 1 connection",
        unit="req/s",
        target=0.6,
        run=run,
    )
]
