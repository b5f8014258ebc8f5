"""The Node tools the contract tests run (tests/node/package.json, locked): installed with npm
under `.data/node`, once per change of the lock file (`make test` does it first; a test run
alone installs them when they are missing). Without Node 20 and npm the tests fail, saying so:
they are part of the contract, never silently skipped."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "tests" / "node"
HOME = ROOT / ".data" / "node"
FILES = ("package.json", "package-lock.json")
NEEDS = "Node 20 and npm (Debian: apt-get install nodejs npm)"


def _fingerprint() -> str:
    digest = hashlib.sha256()
    for name in (*FILES, *sorted(p.name for p in SOURCE.glob("*.mjs"))):
        digest.update((SOURCE / name).read_bytes())
    return digest.hexdigest()


class Missing(RuntimeError):
    """Node or npm is not installed, or the install failed."""


def ensure() -> Path:
    """`.data/node` with the tools installed, or the test fails saying what is missing."""
    try:
        return install()
    except Missing as missing:
        pytest.fail(str(missing), pytrace=False)


def install() -> Path:
    """`.data/node`, with node_modules installed from the lock file and the scripts beside it."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise Missing(f"the contract tests need {NEEDS}; they are not optional")
    return install_locked(HOME, [*(SOURCE / name for name in FILES), *SOURCE.glob("*.mjs")], _fingerprint())


def install_locked(home: Path, files: list[Path], wanted: str) -> Path:
    """`home` with `files` (a package.json, its lock, scripts) copied in and `npm ci` run there,
    unless the install of that fingerprint is already in place (the benchmarks' tools use it too)."""
    stamp = home / ".installed"
    if stamp.is_file() and stamp.read_text() == wanted and (home / "node_modules").is_dir():
        return home
    home.mkdir(parents=True, exist_ok=True)
    for path in files:
        shutil.copyfile(path, home / path.name)
    done = subprocess.run(
        ["npm", "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"],
        cwd=home,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if done.returncode != 0:
        raise Missing(f"npm ci failed in {home}:\n{done.stderr[-3000:]}")
    stamp.write_text(wanted)
    return home


def run(script: str, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """`node <script> <args>` in the tools' folder (its node_modules resolve)."""
    home = ensure()
    return subprocess.run(["node", script, *args], cwd=home, capture_output=True, text=True, timeout=timeout)


def bin_(name: str) -> str:
    """The path of an installed tool's command (`tsc`, `openapi-typescript`)."""
    return str(ensure() / "node_modules" / ".bin" / name)


def node_major() -> int:
    version = subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout
    return int(version.strip().lstrip("v").split(".")[0])


def parse_json(out: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(out)
    return found


if __name__ == "__main__":  # `make node-tools`
    try:
        print(install())
    except Missing as missing:
        sys.exit(str(missing))
