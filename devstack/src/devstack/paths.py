"""Where the repository and its ``.data`` folder are."""

from __future__ import annotations

from pathlib import Path

MARKER = "platform.toml"


def repo_root(start: Path | None = None) -> Path:
    """The nearest folder holding ``platform.toml``, walking up from ``start`` (default cwd).

    Falls back to ``start`` itself when no marker is found.
    """
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / MARKER).is_file():
            return folder
    return here


def data_root(start: Path | None = None) -> Path:
    """``<repo>/.data``: the only place server data may live (see postgres.py for why)."""
    return repo_root(start) / ".data"
