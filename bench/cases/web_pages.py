"""web/'s public pages in Lighthouse, their first-load weight and their gateway calls (issue 15).

The whole platform as `make run` starts it (`devstack.background.start`: every service, the
gateway and web as real processes on free ports, demo data loaded), one fresh platform per trial.
For the start page (`/`), the enrolment page (`/enrol`) and the public verification page
(`/verify`), signed out, in web's default language (Arabic):

- Lighthouse (bench/node, locked; the mobile profile, its default: simulated slow 4G and 4x CPU
  slowdown) against the system Chromium (`CHROME_PATH`, `--headless=new --no-sandbox`), categories
  performance, accessibility and best practices; the issue's target is >= 95 for each.
- The first-load weight: Lighthouse's `total-byte-weight` audit (bytes transferred); limit 150 KB.
- The gateway calls web makes to render the page: the gateway's own `http_requests_total` (kit's
  middleware, every request it answers) summed before and after one plain GET of the page (no
  cookies, as a first visit), its own operational routes left out; limit 3. Also measured, as
  info: the verification page answering a QR link (`/verify?number=...&code=...`; an unknown
  document, which costs the same call as a known one).

Baseline, in the same run: each page's HTML as web served it, with every `/static/` file it
names (and those its stylesheets name), written to a folder and served by Python's plain
`http.server` on a free port, then scored by Lighthouse the same way. Web's figure over the static
copy's says what serving the page from the app costs (its headers, compression, its server's
answer time) beyond the page itself.

Measured (the Trial's figure): the lowest of web's nine scores; baseline: the lowest of the
static copies'. Ratios per page and category are in the info figures, and the case prints a table.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.parser import text_string_to_metric_families

from bench import node_tools
from bench.harness import Case, Env, Trial
from devstack.background import start

PAGES = (("start", "/"), ("enrol", "/enrol"), ("verify", "/verify"))
QR_ANSWER = "/verify?number=POA-2026-99999999&code=ABCDEFGH"  # well formed, unknown
CATEGORIES = ("performance", "accessibility", "best-practices")
TARGET_SCORE = 95
MAX_BYTES = 150 * 1024
MAX_CALLS = 3
GATEWAY_OWN = ("/metrics", "/healthz", "/readyz")
CHROMIUM = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
STATIC_REF = re.compile(r"""(/static/[^"')\s?#]+)""")


@dataclass(frozen=True)
class Score:
    scores: dict[str, float]
    bytes: int
    failing: list[str]
    """The audits that cost points (score < 1, weighted in a scored category), by title."""


def lighthouse(url: str) -> Score:
    """One Lighthouse run (mobile profile) of `url`."""
    script = node_tools.lighthouse()
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as profile:
        done = subprocess.run(
            [
                "node",
                str(script),
                url,
                "--output=json",
                "--output-path=stdout",
                "--quiet",
                f"--only-categories={','.join(CATEGORIES)}",
                f"--chrome-flags=--headless=new --no-sandbox --user-data-dir={profile}",
            ],
            capture_output=True,
            text=True,
            timeout=300,
            env={**os.environ, "CHROME_PATH": CHROMIUM},
        )
    if done.returncode != 0:
        raise RuntimeError(f"lighthouse failed on {url}:\n{done.stderr[-3000:]}")
    report: dict[str, Any] = json.loads(done.stdout)
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    audits = report["audits"]
    failing = sorted(
        {
            f"{category}: {audits[ref['id']]['title']} ({audits[ref['id']]['score']:.2f})"
            for category in CATEGORIES
            for ref in report["categories"][category]["auditRefs"]
            if ref["weight"] > 0 and audits[ref["id"]]["score"] is not None and audits[ref["id"]]["score"] < 1
        }
    )
    return Score(
        scores={c: round(report["categories"][c]["score"] * 100, 1) for c in CATEGORIES},
        bytes=int(audits["total-byte-weight"]["numericValue"]),
        failing=failing,
    )


async def gateway_requests(client: httpx.AsyncClient, gateway: str) -> float:
    """Requests the gateway has answered so far, its own operational routes left out."""
    text = (await client.get(f"{gateway}/metrics")).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        if family.name == "http_requests"
        for sample in family.samples
        if sample.name == "http_requests_total"
        and sample.labels.get("service") == "gateway"
        and sample.labels.get("route") not in GATEWAY_OWN
    )


async def gateway_calls(web: str, gateway: str, path: str) -> int:
    """The gateway calls web makes to render `path` for a first visit."""
    async with httpx.AsyncClient(timeout=30) as metrics:
        before = await gateway_requests(metrics, gateway)
        async with httpx.AsyncClient(timeout=30) as visitor:  # no cookies: a first visit
            answer = await visitor.get(web + path)
            if answer.status_code >= 500:  # the unknown document's page is a 404, rendered all the same
                answer.raise_for_status()
        await asyncio.sleep(0.2)
        return int(await gateway_requests(metrics, gateway) - before)


async def static_copy(web: str, folder: Path) -> dict[str, str]:
    """Each page's HTML as web serves it and the `/static/` files it uses, written to `folder`;
    page name → its path on the static server."""
    paths: dict[str, str] = {}
    async with httpx.AsyncClient(timeout=30) as client:
        wanted: set[str] = set()
        for name, path in PAGES:
            html = (await client.get(web + path)).raise_for_status().text
            (folder / f"{name}.html").write_text(html, encoding="utf-8")
            paths[name] = f"/{name}.html"
            wanted.update(STATIC_REF.findall(html))
        done: set[str] = set()
        while wanted - done:
            ref = sorted(wanted - done)[0]
            done.add(ref)
            body = (await client.get(web + ref)).raise_for_status().content
            target = folder / ref.lstrip("/")
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(body)
            if ref.endswith(".css"):
                wanted.update(STATIC_REF.findall(body.decode("utf-8", errors="replace")))
    return paths


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def serve(folder: Path, probe: str) -> tuple[subprocess.Popen[bytes], str]:
    """Python's plain static server on `folder`, answering; the process and its URL."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1", "--directory", str(folder)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 10
    while True:
        try:
            httpx.get(url + probe).raise_for_status()
            return server, url
        except httpx.HTTPError:
            if time.monotonic() > deadline:
                server.terminate()
                raise
            time.sleep(0.1)


def verdict(ok: bool) -> str:
    return "ok" if ok else "MISS"


def table(web: dict[str, Score], static: dict[str, Score], calls: dict[str, int]) -> str:
    """Web's scores against the target and the static copy's, its weight and its gateway calls."""
    head = f"{'page':<14}" + "".join(f"{c:>26}" for c in CATEGORIES) + f"{'first load (vs 150 KB)':>34}"
    lines = [head + f"{'gateway calls':>16}", "-" * (len(head) + 16)]
    for name, _ in PAGES:
        w, s = web[name], static[name]
        cells = "".join(
            f"{w.scores[c]:>6.0f} {verdict(w.scores[c] >= TARGET_SCORE):>4} "
            f"(static {s.scores[c]:>3.0f}, {w.scores[c] / s.scores[c] if s.scores[c] else float('nan'):.2f}x)"
            for c in CATEGORIES
        )
        weight = f"{w.bytes:>8,} B {verdict(w.bytes <= MAX_BYTES):>4} (static {s.bytes:,}, {w.bytes / s.bytes:.2f}x)"
        lines.append(f"{name:<14}{cells}{weight:>34}{calls[name]:>8} {verdict(calls[name] <= MAX_CALLS):>4}")
    qr = calls["verify_qr"]
    lines.append(f"{'verify (QR)':<14}{'':>{26 * len(CATEGORIES) + 34}}{qr:>8} {verdict(qr <= MAX_CALLS):>4}")
    for name, _ in PAGES:
        for audit in web[name].failing:
            lines.append(f"  {name}: {audit}")
    return "\n".join(lines)


async def run(env: Env) -> Trial:
    await asyncio.to_thread(node_tools.install)  # before the platform: a first install takes a minute
    platform = start(kind="bench")  # from this (main) thread: see devstack.background
    folder = Path(tempfile.mkdtemp(prefix="web-pages-"))
    server: subprocess.Popen[bytes] | None = None
    try:
        web, gateway = platform.services["web"], platform.gateway
        calls = {name: await gateway_calls(web, gateway, path) for name, path in PAGES}
        calls["verify_qr"] = await gateway_calls(web, gateway, QR_ANSWER)
        paths = await static_copy(web, folder)
        server, static_url = await asyncio.to_thread(serve, folder, paths["start"])
        measured: dict[str, Score] = {}
        baseline: dict[str, Score] = {}
        for name, path in PAGES:  # one after the other: two Chromiums at once would share 2 cores
            measured[name] = await asyncio.to_thread(lighthouse, web + path)
            baseline[name] = await asyncio.to_thread(lighthouse, static_url + paths[name])
    finally:
        if server is not None:
            server.terminate()
            server.wait()
        shutil.rmtree(folder, ignore_errors=True)
        platform.stop()
    print("\n" + table(measured, baseline, calls), flush=True)
    info: dict[str, float] = {}
    for name, _ in PAGES:
        for category in CATEGORIES:
            info[f"{name}_{category}"] = measured[name].scores[category]
            info[f"{name}_{category}_static"] = baseline[name].scores[category]
        info[f"{name}_bytes"] = measured[name].bytes
        info[f"{name}_bytes_static"] = baseline[name].bytes
        info[f"{name}_gateway_calls"] = calls[name]
    info["verify_qr_gateway_calls"] = calls["verify_qr"]
    return Trial(
        measured=min(s.scores[c] for s in measured.values() for c in CATEGORIES),
        baseline=min(s.scores[c] for s in baseline.values() for c in CATEGORIES),
        info=info,
    )


CASES = [
    Case(
        name="web_pages",
        summary="web's start, enrolment and verification pages: lowest Lighthouse score (mobile), vs static copies",
        unit="score",
        target=None,
        run=run,
    )
]
