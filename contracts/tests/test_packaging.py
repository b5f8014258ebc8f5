"""contracts is installed by ministry integrators: it may depend on pydantic only; the signature
verifier (``contracts.signing`` and what imports it) needs the ``verify`` extra and nothing else."""

import ast
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "contracts"
ALLOWED = set(sys.stdlib_module_names) | {"pydantic", "pydantic_core", "contracts"}
VERIFY_EXTRA = {"cryptography", "nacl", "rfc8785"}
NEEDS_VERIFY = {"signing.py", "evidence.py"}


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text("utf-8"), filename=str(path))
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_source_imports_only_stdlib_and_pydantic(path: Path) -> None:
    allowed = ALLOWED | VERIFY_EXTRA if str(path.relative_to(SRC)) in NEEDS_VERIFY else ALLOWED
    assert _imported_modules(path) <= allowed


def test_the_verify_extra_names_exactly_what_signing_imports() -> None:
    extras = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]["optional-dependencies"]
    imports = {"pynacl": "nacl"}  # a distribution imported under another name
    assert {imports.get(name, name) for name in (d.split(">")[0].strip() for d in extras["verify"])} == VERIFY_EXTRA
    assert _imported_modules(SRC / "signing.py") - ALLOWED == VERIFY_EXTRA


def test_the_scan_sees_imports() -> None:
    assert {"pydantic", "contracts"} <= _imported_modules(SRC / "envelope.py")


def test_runtime_dependency_is_pydantic_only() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    assert project["name"] == "shubbak-contracts"
    assert [d.split(">")[0].split("<")[0].strip() for d in project["dependencies"]] == ["pydantic"]


def test_python_m_contracts(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    ok = subprocess.run(
        [sys.executable, "-m", "contracts", "list"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert ok.returncode == 0, ok.stderr
    assert "notary.poa.issued.v1" in ok.stdout
    bad = subprocess.run(
        [sys.executable, "-m", "contracts", "nope"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
    )
    assert bad.returncode == 2
    assert "invalid choice" in bad.stderr
