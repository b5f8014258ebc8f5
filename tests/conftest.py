"""The whole platform as `make run` starts it, shared by the cross-service tests: real
processes on free ports, real PostgreSQL and NATS, its own data folder under .data/test/."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def platform() -> Iterator[dict]:
    found = start_platform()
    yield found
    stop_platform(found)


def start_platform() -> dict:
    """`python -m devstack.run` on free ports with its own data folder; what its banner says."""
    data = ROOT / ".data" / "test" / f"platform-{uuid.uuid4().hex[:8]}"
    data.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack.run", "--data", str(data), "--free-ports"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 240
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C stops everything" in line:
            break
    output = "".join(lines)
    if "Shubbak is running" not in output:
        proc.kill()
        pytest.fail(f"the platform did not start:\n{output}")
    found = {
        "proc": proc,
        "output": output,
        "data": data,
        "gateway": re.search(r"gateway \(the one citizen API\)\s+(\S+)", output).group(1),
        "services": dict(re.findall(r"ready\s+(\S+)\s+(http://\S+)", output)),
        "postgres": re.search(r"postgres\s+(postgresql://\S+)", output).group(1),
        "nats": re.search(r"nats\s+(nats://\S+)", output).group(1),
        "children": psutil.Process(proc.pid).children(recursive=True),
    }
    return found


def stop_platform(found: dict) -> None:
    proc = found["proc"]
    if proc.poll() is None:
        proc.kill()
        proc.wait()
    for child in found["children"]:
        if child.is_running():
            child.kill()
    shutil.rmtree(found["data"], ignore_errors=True)
