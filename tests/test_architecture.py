"""The dependency rules, checked on the source: services share `contracts` and `kit` and
nothing else; `kit` imports no service; nothing in production code imports the dev tooling."""

from __future__ import annotations

import ast
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = tomllib.loads((ROOT / "platform.toml").read_text(encoding="utf-8"))
SERVICES = {entry["package"]: ROOT / entry["folder"] for entry in PLATFORM["services"].values()}
SERVICES["gateway"] = ROOT / PLATFORM["gateway"]["folder"]


def imported_packages(source_dir: Path) -> dict[str, set[str]]:
    """Top-level packages imported by each module under `source_dir`."""
    found: dict[str, set[str]] = {}
    for path in source_dir.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        names: set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


@pytest.mark.parametrize("package", sorted(SERVICES))
def test_a_service_imports_no_other_service(package: str) -> None:
    others = set(SERVICES) - {package}
    for module, names in imported_packages(SERVICES[package] / "src").items():
        assert not names & others, f"{module} imports {names & others}"
        assert "devstack" not in names, f"{module} imports the dev tooling"


def test_kit_imports_no_service_and_no_dev_tooling() -> None:
    for module, names in imported_packages(ROOT / "kit" / "src").items():
        assert not names & set(SERVICES), f"{module} imports {names & set(SERVICES)}"
        assert "devstack" not in names, module


def test_contracts_import_only_pydantic_and_the_standard_library() -> None:
    import sys

    allowed = set(sys.stdlib_module_names) | {"pydantic", "pydantic_core", "contracts", "typing_extensions"}
    for module, names in imported_packages(ROOT / "contracts" / "src").items():
        assert names <= allowed, f"{module} imports {names - allowed}"


def test_every_service_folder_is_registered_and_tested() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for package, folder in SERVICES.items():
        assert folder.name in makefile, f"{folder.name} is missing from the Makefile's PACKAGES"
        assert (folder / "tests").is_dir(), f"{package} has no tests"
