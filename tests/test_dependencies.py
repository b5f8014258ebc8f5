"""What `make install` installs is what constraints.txt pins, hash-checked; the supported Pythons
are named once (the Makefile) and the image runs the newest of them."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)(?:\s*;[^\\]*)?\s*\\?$")


def normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(text: str) -> dict[str, str]:
    return {normal(m.group(1)): m.group(2) for line in text.splitlines() if (m := PIN.match(line.strip()))}


def locked() -> dict[str, tuple[str, list[str]]]:
    """Package -> (version, hashes) of requirements.lock."""
    out: dict[str, tuple[str, list[str]]] = {}
    current = ""
    for line in (ROOT / "requirements.lock").read_text().splitlines():
        if (m := PIN.match(line.strip())) and not line.startswith(" "):
            current = normal(m.group(1))
            out[current] = (m.group(2), [])
        elif "--hash=sha256:" in line and current:
            out[current][1].append(line.split("--hash=sha256:")[1].strip(" \\"))
    return out


def test_the_lock_pins_exactly_what_constraints_pin_with_hashes() -> None:
    constraints = pins((ROOT / "constraints.txt").read_text())
    lock = locked()
    assert {name: version for name, (version, _) in lock.items()} == {
        name: version
        for name, version in constraints.items()
        if name != "uv"  # uv bootstraps the install
    }, "run: make lock"
    assert all(hashes and all(re.fullmatch(r"[0-9a-f]{64}", h) for h in hashes) for _, hashes in lock.values())


def test_nothing_of_this_repository_is_in_the_lock() -> None:
    text = (ROOT / "requirements.lock").read_text()
    assert "-e " not in text
    assert not [name for name in locked() if name.startswith("shubbak-")]


def test_every_runtime_dependency_is_pinned() -> None:
    constraints = pins((ROOT / "constraints.txt").read_text())
    for pyproject in sorted(ROOT.glob("*/pyproject.toml")):
        for requirement in tomllib.loads(pyproject.read_text())["project"].get("dependencies", []):
            name = normal(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])
            assert name.startswith("shubbak-") or name in constraints, f"{pyproject}: {requirement} is not pinned"


def test_the_image_runs_the_newest_supported_python() -> None:
    supported = re.search(r"^PYTHONS := (.+)$", (ROOT / "Makefile").read_text(), re.M)
    assert supported is not None
    versions = sorted(tuple(map(int, v.removeprefix("python").split("."))) for v in supported.group(1).split())
    assert versions[0] == (3, 11)
    newest = ".".join(map(str, versions[-1]))
    image = re.search(r"^ARG PYTHON_IMAGE=python:(\d+\.\d+)-", (ROOT / "deploy" / "Dockerfile").read_text(), re.M)
    assert image is not None
    assert image.group(1) == newest
    assert f'target-version = "py{versions[0][0]}{versions[0][1]}"' in (ROOT / "pyproject.toml").read_text()
