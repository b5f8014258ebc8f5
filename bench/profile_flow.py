"""Where the platform's CPU goes under the paperless flow (issue 18): py-spy on every process.

    .venv/bin/python bench/profile_flow.py [--flows 24] [--rate 250] [--top 25] [--out FOLDER] [--native]

Starts the platform as the `paperless_flow` case does (its own PostgreSQL, NATS, every service and
the gateway, demo data, limits raised for one benchmark client), enrols citizens and creates the
clerks (not profiled), then runs the flows through the gateway, CONCURRENCY at a time, while
`py-spy record` samples each Python process of the platform (`--rate` samples per second, idle
threads left out: a sample is CPU spent). Prints, per process, CPU ms per flow (psutil) and the
functions that hold the most samples, by own time and by a few families (JSON, pydantic,
SQLAlchemy, asyncpg, logging, OpenTelemetry, the HTTP stack), and writes each process's folded
stacks (speedscope and flame-graph tools read them) to the output folder. Also, per flow, what
each service counts itself: HTTP requests by route, events handled and passed over, and each
database's transactions. `--native` names C frames too (py-spy then samples blocking, idle threads
included, and slows the platform several times over: read its shares, not its CPU figures).

py-spy is a PyPI wheel (`pip install py-spy`); it must be on PATH and may need root (ptrace).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import secrets
import shutil
import signal
import subprocess
import sys
from collections import Counter, defaultdict
from functools import partial
from pathlib import Path

import asyncpg
import httpx
import psutil
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.cases.paperless_flow import (  # noqa: E402 - the repository root first
    CONCURRENCY,
    PLATFORM_ENV,
    SERVICE_CODE,
    Api,
    Citizen,
    Clerks,
    _each,
    _role,
    cpu_seconds,
    cpu_used,
    enrol,
    registry_people,
    run_flows,
)
from devstack.background import BackgroundPlatform, start  # noqa: E402

FAMILIES = {
    "json (stdlib)": ("json/",),
    "pydantic": ("pydantic/", "pydantic_core/"),
    "sqlalchemy": ("sqlalchemy/",),
    "asyncpg": ("asyncpg/",),
    "logging": ("logging/", "kit/logs.py"),
    "opentelemetry": ("opentelemetry/",),
    "http server (uvicorn, starlette, fastapi)": ("uvicorn/", "starlette/", "fastapi/"),
    "http client (httpx, httpcore, aiohttp)": ("httpx/", "httpcore/", "aiohttp/"),
    "nats": ("nats/",),
    "cryptography, jwt": ("cryptography/", "jwt/", "joserfc/"),
    "prometheus": ("prometheus_client/",),
}


def folded(path: Path) -> Counter[str]:
    """py-spy's raw output: one `frame;frame;... count` line per distinct stack."""
    stacks: Counter[str] = Counter()
    if not path.exists():
        return stacks
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def _file(frame: str) -> str:
    """`function (path/to/file.py:12)` → the path."""
    inside = frame.rpartition("(")[2]
    return inside.rstrip(")").rpartition(":")[0]


def report(role: str, stacks: Counter[str], top: int) -> list[str]:
    total = sum(stacks.values())
    if not total:
        return [f"{role}: no samples"]
    own: Counter[str] = Counter()
    families: Counter[str] = Counter()
    for stack, count in stacks.items():
        frames = stack.split(";")
        own[frames[-1]] += count
        seen = set()
        for frame in frames:
            for family, marks in FAMILIES.items():
                if family not in seen and any(mark in _file(frame) for mark in marks):
                    families[family] += count
                    seen.add(family)
    lines = [f"{role}: {total} samples", "  own time:"]
    lines += [f"    {count / total:6.1%}  {frame[:150]}" for frame, count in own.most_common(top)]
    lines.append("  inclusive, by family:")
    lines += [f"    {count / total:6.1%}  {family}" for family, count in families.most_common()]
    return lines


Recorder = tuple[str, int, "subprocess.Popen[bytes]", Path]


async def counts(client: httpx.AsyncClient, platform: BackgroundPlatform) -> Counter[str]:
    """Each service's HTTP requests by route and events handled or passed over by consumer (its own
    /metrics), and each database's committed transactions (PostgreSQL's pg_stat_database; a
    statement outside a transaction counts as one)."""
    found: Counter[str] = Counter()
    for name, url in {**platform.services, "gateway": platform.gateway}.items():
        try:
            text = (await client.get(f"{url}/metrics")).text
        except httpx.HTTPError:
            continue
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                if sample.name == "http_requests_total" and sample.labels.get("route") not in OPERATIONAL:
                    found[f"{name} {sample.labels.get('method')} {sample.labels.get('route')}"] += int(sample.value)
                elif sample.name in ("events_consumed_total", "events_passed_over_total"):
                    what = "handled" if sample.name == "events_consumed_total" else "passed over"
                    found[f"{name} {what} {sample.labels.get('consumer')}"] += int(sample.value)
    conn = await asyncpg.connect(platform.postgres)
    try:
        for row in await conn.fetch("SELECT datname, xact_commit FROM pg_stat_database WHERE datname IS NOT NULL"):
            found[f"postgres commits {row['datname']}"] += row["xact_commit"]
    finally:
        await conn.close()
    return found


OPERATIONAL = {"/metrics", "/healthz", "/readyz"}


def attach(root_pid: int, out: Path, rate: int, native: bool = False) -> list[Recorder]:
    """`py-spy record` on each Python process the platform runs (not PostgreSQL or NATS)."""
    out.mkdir(parents=True, exist_ok=True)
    recorders: list[Recorder] = []
    for process in psutil.Process(root_pid).children(recursive=True):
        role = _role(process)
        if role in ("postgres", "nats", "other"):
            continue
        target = out / f"{role}-{process.pid}.folded"
        command = ["py-spy", "record", *([] if native else ["--nonblocking"]), "--format", "raw", "--rate", str(rate),
                   "--pid", str(process.pid), "--output", str(target)] + (["--native"] if native else [])  # fmt: skip
        recorders.append((role, process.pid, subprocess.Popen(command, stdout=subprocess.DEVNULL), target))
    return recorders


async def main(flows: int, rate: int, top: int, out: Path, native: bool = False) -> None:
    if rate and shutil.which("py-spy") is None:
        raise SystemExit("py-spy is not on PATH: pip install py-spy")
    platform = start(env=PLATFORM_ENV, kind="bench")
    recorders: list[Recorder] = []
    try:
        limits = httpx.Limits(max_connections=64, max_keepalive_connections=64)
        async with httpx.AsyncClient(timeout=30, limits=limits) as client:
            gateway = Api(client, platform, direct=False)
            rollout = (await gateway.call("rollout", "GET", f"/v1/services/{SERVICE_CODE}/rollout", (200,))).json()
            live = {e["governorate"] for e in rollout["items"] if e["status"] in ("pilot", "live")}
            people = registry_people(sorted(live, key=lambda g: (g != "03", g)))
            prefix = secrets.randbelow(90) + 10
            citizens = [Citizen(p, f"012{prefix}{i:06d}") for i, p in enumerate(people[:flows])]
            agents = [people[(i + 1) % len(people)] for i in range(len(citizens))]
            await _each(citizens, lambda c: enrol(Api(client, platform, direct=False), c), CONCURRENCY)
            clerks = Clerks(gateway, platform)
            offices = []
            for g in sorted({c.person["governorate"] for c in citizens}):
                query = {"governorate": g, "service_code": SERVICE_CODE, "limit": 100}
                page = await gateway.call("offices", "GET", "/v1/offices", (200,), params=query)
                offices += [(o["id"], g) for o in page.json()["items"]]
            await _each(offices, lambda office: clerks.of(*office), 2)
            work = list(zip(citizens, agents, strict=True))
            await run_flows(partial(Api, client, platform, direct=False), clerks, work[:CONCURRENCY])  # warm up

            if rate:
                recorders = attach(platform.proc.pid, out, rate, native)
                await asyncio.sleep(1.0)  # py-spy attached
            before, counted = cpu_seconds(platform), await counts(client, platform)
            done, seconds = await run_flows(partial(Api, client, platform, direct=False), clerks, work[CONCURRENCY:])
            used = cpu_used(before, cpu_seconds(platform))
            counted = await counts(client, platform) - counted
    finally:
        for _, _, recorder, _ in recorders:
            recorder.send_signal(signal.SIGINT)
        for _, _, recorder, _ in recorders:
            try:
                recorder.wait(timeout=30)
            except subprocess.TimeoutExpired:
                recorder.kill()
        platform.stop()
    n = len(done)
    total = sum(used.values())
    print(f"{n} flows through the gateway in {seconds:.1f} s ({n / seconds:.2f} flows/s at {CONCURRENCY} at a time)")
    print(f"platform CPU per flow: {total / n * 1000:.0f} ms")
    for role, cpu in sorted(used.items(), key=lambda item: -item[1]):
        print(f"  {role:28} {cpu / n * 1000:7.1f} ms/flow  {cpu / total:6.1%}")
    kinds = Counter(kind for f in done for kind, _ in f.calls)
    print("HTTP calls per flow: " + ", ".join(f"{kind} {count / n:.1f}" for kind, count in kinds.most_common()))
    print("per flow, as each service counts (HTTP requests by route, events handled) and PostgreSQL's commits:")
    for what, count in sorted(counted.items()):
        if count / n >= 0.05:
            print(f"  {count / n:6.2f}  {what}")
    by_role: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for role, _, _, target in recorders:
        by_role[role] += folded(target)
    for role in sorted(by_role, key=lambda r: -used.get(r, 0.0)):
        print()
        print("\n".join(report(role, by_role[role], top)))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--flows", type=int, default=24, help="flows to profile (after a warm-up of 4)")
    parser.add_argument(
        "--rate", type=int, default=250, help="samples per second per process (0: no py-spy, the CPU split only)"
    )
    parser.add_argument("--top", type=int, default=20, help="functions listed per process")
    parser.add_argument("--out", type=Path, default=ROOT / ".data" / "profile")
    parser.add_argument(
        "--native", action="store_true", help="py-spy --native: C frames (uvloop, httptools, asyncpg's protocol) named"
    )
    args = parser.parse_args()
    os.chdir(ROOT)
    asyncio.run(main(args.flows + CONCURRENCY, args.rate, args.top, args.out, args.native))
