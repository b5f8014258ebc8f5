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
    """The core needs pydantic only; the `verify` extra's libraries (signatures and evidence
    bundles) are imported only where contracts/tests/test_packaging.py lets them be."""
    import sys

    allowed = set(sys.stdlib_module_names) | {"pydantic", "pydantic_core", "contracts", "typing_extensions"}
    verify_extra = {"cryptography", "nacl", "rfc8785"}  # `shubbak-contracts[verify]`: signatures and evidence only
    for module, names in imported_packages(ROOT / "contracts" / "src").items():
        extra = verify_extra if Path(module).name in {"signing.py", "evidence.py"} else set()
        assert names <= allowed | extra, f"{module} imports {names - allowed - extra}"


def test_every_service_folder_is_registered_and_tested() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    for package, folder in SERVICES.items():
        assert folder.name in makefile, f"{folder.name} is missing from the Makefile's PACKAGES"
        assert (folder / "tests").is_dir(), f"{package} has no tests"


# -- one way to build a service ------------------------------------------------------------------

KIT_SERVICES = {name: folder for name, folder in SERVICES.items() if name != "gateway"}
"""Services built from a kit Manifest (the gateway is a raw ASGI proxy with its own wiring)."""
DECLARED_ONCE = ("settings.py", "models.py", "resources.py", "texts.py", "deps.py", "handlers.py", "manifest.py")


def python_files(*folders: Path) -> list[Path]:
    return [path for folder in folders if folder.exists() for path in sorted(folder.rglob("*.py"))]


def calls(path: Path) -> list[tuple[int, str]]:
    """Every call in the module as (line, dotted name of what is called)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Call):
            found.append((node.lineno, ast.unparse(node.func)))
    return found


def attributes(path: Path) -> list[tuple[int, str]]:
    return [
        (node.lineno, ast.unparse(node))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.Attribute)
    ]


@pytest.mark.parametrize("package", sorted(KIT_SERVICES))
def test_a_service_is_declared_once(package: str) -> None:
    source = KIT_SERVICES[package] / "src" / package
    assert [name for name in DECLARED_ONCE if not (source / name).is_file()] == []
    main = (source / "main.py").read_text(encoding="utf-8")
    assert "manifest.create_app(" in main, f"{package}/main.py does not build its app from the manifest"


@pytest.mark.parametrize("package", sorted(SERVICES))
def test_only_kit_touches_app_state(package: str) -> None:
    folder = SERVICES[package]
    found = [
        f"{path.relative_to(ROOT)}:{line}"
        for path in python_files(folder / "src", folder / "tests")
        for line, name in attributes(path)
        if name.endswith("app.state") or ".app.state." in name or name.startswith("app.state")
    ]
    assert found == [], "use the service's Ctx (routes), its EventContext (handlers) or kit.testing (tests)"


TOOLS = ("demo.py", "cli.py", "__main__.py")
"""Command-line tools, which run outside a service and may read the system clock (`utcnow`)."""


@pytest.mark.parametrize("package", sorted(SERVICES))
def test_the_time_comes_from_the_one_clock(package: str) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in python_files(SERVICES[package] / "src")
        for line, name in calls(path)
        if name.endswith(("datetime.now", "datetime.utcnow", "date.today", "time.time"))
        or (name in ("now", "utcnow", "utc_now", "_now") and not (name == "utcnow" and path.name in TOOLS))
    ]
    assert found == [], "routes take `now: Now`; handlers and sweeps call `ctx.now()`"


@pytest.mark.parametrize("package", sorted(SERVICES))
def test_texts_are_registered_by_the_manifest_only(package: str) -> None:
    found = [
        f"{path.relative_to(ROOT)}:{line} {name}"
        for path in python_files(SERVICES[package] / "src")
        for line, name in calls(path)
        if name in ("i18n.register", "register_problems", "i18n.register_problems", "register")
        and "i18n" in path.read_text(encoding="utf-8")
    ]
    assert found == [], "a service's texts are a table its manifest registers (texts=...)"


@pytest.mark.parametrize("package", sorted(KIT_SERVICES))
def test_routes_reach_sql_only_through_the_service(package: str) -> None:
    """Routes parse, call the domain service and map the result: no repository, no session
    query of their own; all SQL of a domain is in its repository.py."""
    source = KIT_SERVICES[package] / "src" / package
    found = []
    for path in sorted(source.rglob("routes.py")):
        names = imported_names(path)
        found += [f"{path.relative_to(ROOT)} imports {n}" for n in names if n.endswith(".repository")]
        found += [
            f"{path.relative_to(ROOT)}:{line} {name}"
            for line, name in calls(path)
            if name.startswith("session.") and name != "session.info.get"
        ]
    assert found == []


@pytest.mark.parametrize("package", sorted(SERVICES))
def test_a_services_tests_need_only_that_service(package: str) -> None:
    others = set(SERVICES) - {package}
    for module, names in imported_packages(SERVICES[package] / "tests").items():
        assert not names & others, f"{module} imports {names & others}: run it as a process, or move the test to tests/"


def imported_names(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_no_service_copies_reference_data_of_contracts() -> None:
    """Governorates and national-ID parsing come from `contracts`; a service may extend them
    (office routing adds capitals) but does not keep its own list."""
    found = []
    for folder in SERVICES.values():
        for path in python_files(folder / "src"):
            text = path.read_text(encoding="utf-8")
            if '"بورسعيد"' in text and "contracts.governorates" not in text:
                found.append(str(path.relative_to(ROOT)))
    assert found == []
