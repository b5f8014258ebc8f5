"""The whole platform in the background, for cross-service tests and benchmarks.

`start()` runs `python -m devstack.run --free-ports` with its own data folder under `.data/`,
waits for its banner and reads the addresses from it; `stop()` ends it as Ctrl-C would
(SIGTERM, which the runner treats the same) and removes the data. The runner is spawned with
the parent-death signal, so it dies with the process that started it, and its children with it.
Start it from a long-lived thread (normally the main one): the signal follows the thread.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from devstack._process import child_env, spawn
from devstack.paths import data_root, repo_root


@dataclass
class BackgroundPlatform:
    folder: Path
    proc: subprocess.Popen[bytes]
    output: str = ""
    gateway: str = ""
    services: dict[str, str] = field(default_factory=dict)
    postgres: str = ""
    nats: str = ""
    children: list[psutil.Process] = field(default_factory=list)

    @property
    def log(self) -> Path:
        return self.folder / "run.log"

    def stop(self, timeout: float = 60.0) -> None:
        """Stop every process the runner started, then remove the data. Idempotent."""
        try:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGTERM)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)  # its own session: only what it started
                    self.proc.wait()
            for child in self.children:
                if child.is_running():
                    child.kill()
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)


def start(*, env: Mapping[str, str] | None = None, timeout: float = 360.0, kind: str = "test") -> BackgroundPlatform:
    """Start the platform (demo data included) under `.data/<kind>/`; `env` adds or overrides
    settings (e.g. raised rate limits for a benchmark)."""
    root = repo_root(Path(__file__).resolve().parent)
    folder = data_root(root) / kind / f"platform-{os.getpid()}-{secrets.token_hex(4)}"
    folder.mkdir(parents=True)
    with (folder / "run.log").open("wb") as log:
        proc = spawn(
            [sys.executable, "-m", "devstack.run", "--data", str(folder / "data"), "--free-ports"],
            log=log,
            cwd=root,
            env={**child_env(), **(env or {})},
        )
    platform = BackgroundPlatform(folder=folder, proc=proc)
    try:
        deadline = time.monotonic() + timeout
        while "Ctrl-C stops everything" not in (output := platform.log.read_text(encoding="utf-8", errors="replace")):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the platform did not start:\n{output[-3000:]}")
            time.sleep(0.2)
        platform.output = output
        platform.gateway = _banner(r"gateway \(the one citizen API\)\s+(\S+)", output)
        platform.services = dict(re.findall(r"ready\s+(\S+)\s+(http://\S+)", output))
        platform.postgres = _banner(r"postgres\s+(postgresql://\S+)", output)
        platform.nats = _banner(r"nats\s+(nats://\S+)", output)
        platform.children = psutil.Process(proc.pid).children(recursive=True)
    except BaseException:
        platform.stop()
        raise
    return platform


def _banner(pattern: str, output: str) -> str:
    found = re.search(pattern, output)
    if found is None:
        raise RuntimeError(f"{pattern!r} is not in the platform's banner")
    return found.group(1)
