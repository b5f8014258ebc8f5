"""`python -m devstack.scaffold` writes a service of the one shape, which lints, type-checks and
passes its own tests (conformance, the sample domain) against real PostgreSQL and NATS."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from devstack.paths import repo_root
from devstack.scaffold import scaffold

SHAPE = [
    "settings.py", "models.py", "resources.py", "texts.py", "deps.py", "handlers.py", "manifest.py", "main.py",
    "__main__.py", "licences/models.py", "licences/schemas.py", "licences/repository.py", "licences/service.py",
    "licences/routes.py",
]  # fmt: skip


@pytest.fixture(scope="module")
def scaffolded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("repo")
    for name in ("platform.toml", "pyproject.toml", "Makefile"):
        shutil.copy(repo_root() / name, root / name)
    return scaffold("traffic", port=8091, title="Shubbak traffic", root=root, domain="licences", entity="Licence")


def _run(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600, check=False)


def test_the_shape_and_the_registrations(scaffolded: Path) -> None:
    package = scaffolded / "src" / "traffic"
    assert [f for f in SHAPE if not (package / f).is_file()] == []
    root = scaffolded.parent
    assert "[services.traffic]" in (root / "platform.toml").read_text()
    assert '"/v1/traffic/licences"' in (root / "platform.toml").read_text()
    assert "traffic-svc" in (root / "Makefile").read_text()
    assert '"traffic"' in (root / "pyproject.toml").read_text()


def test_it_lints_and_type_checks(scaffolded: Path) -> None:
    root = scaffolded.parent
    lint = _run(sys.executable, "-m", "ruff", "check", str(scaffolded), cwd=root)
    assert lint.returncode == 0, lint.stdout + lint.stderr
    formatted = _run(sys.executable, "-m", "ruff", "format", "--check", str(scaffolded), cwd=root)
    assert formatted.returncode == 0, formatted.stdout + formatted.stderr
    env = {**os.environ, "MYPYPATH": str(scaffolded / "src")}
    typed = _run(
        sys.executable, "-m", "mypy", "--config-file", str(repo_root() / "pyproject.toml"), "-p", "traffic",
        cwd=root, env=env,
    )  # fmt: skip
    assert typed.returncode == 0, typed.stdout + typed.stderr


def test_its_own_tests_pass(scaffolded: Path) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(scaffolded / "src"), os.environ.get("PYTHONPATH", "")])}
    result = _run(
        sys.executable, "-m", "pytest", "-q", "-c", str(repo_root() / "pyproject.toml"), "--rootdir", str(scaffolded),
        str(scaffolded / "tests"), "-p", "no:cacheprovider", cwd=scaffolded, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    assert " passed" in result.stdout.splitlines()[-1]
    assert "failed" not in result.stdout.splitlines()[-1]


def test_a_service_with_an_untexted_problem_does_not_start(tmp_path: Path) -> None:
    for name in ("platform.toml", "pyproject.toml", "Makefile"):
        shutil.copy(repo_root() / name, tmp_path / name)
    folder = scaffold("parcels", port=8092, title="Shubbak parcels", root=tmp_path)
    (folder / "src" / "parcels" / "cases" / "rules.py").write_text(
        "from kit.errors import ProblemError\n\n\ndef refuse() -> None:\n"
        '    raise ProblemError("parcel_too_heavy", status=422)\n',
        encoding="utf-8",
    )
    env = {**os.environ, "PYTHONPATH": str(folder / "src")}
    started = _run(
        sys.executable, "-c", "from parcels.main import create_app; create_app()", cwd=tmp_path, env=env
    )  # fmt: skip
    assert started.returncode != 0
    assert "parcels lacks texts, so it does not start" in started.stderr
    assert "problem.parcel_too_heavy.title" in started.stderr
