"""The Node tools `make bench` runs (bench/node/package.json, locked): Lighthouse, installed with
`npm ci` under `.data/node-bench`, once per change of the lock file (tests/node_tools does the
installing). Apart from tests/node on purpose: `make test` never downloads Lighthouse."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

from tests.node_tools import Missing, install_locked

ROOT = Path(__file__).resolve().parents[1]
SOURCE = ROOT / "bench" / "node"
HOME = ROOT / ".data" / "node-bench"
FILES = [SOURCE / "package.json", SOURCE / "package-lock.json"]


def install() -> Path:
    """`.data/node-bench` with node_modules installed from the lock file."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        raise Missing("the web pages benchmark needs Node 20 and npm (Debian: apt-get install nodejs npm)")
    return install_locked(HOME, FILES, hashlib.sha256(b"".join(path.read_bytes() for path in FILES)).hexdigest())


def lighthouse() -> Path:
    """The Lighthouse command line (a Node script)."""
    return install() / "node_modules" / "lighthouse" / "cli" / "index.js"
