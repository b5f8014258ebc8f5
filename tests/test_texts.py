"""Every text of the platform, every service's at once: each problem code has a title and a
detail in Arabic and English, Arabic texts hold no Latin words but codes, placeholders and
allowed names, English texts no Arabic, both languages use the same placeholders; and every
problem code the source raises (found by AST) has its texts. Each service's own suite runs the
same checks on its own table (kit.conformance); this one also covers the gateway and kit."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from kit import i18n, textcheck

ROOT = Path(__file__).resolve().parents[1]
PLATFORM = tomllib.loads((ROOT / "platform.toml").read_text(encoding="utf-8"))
PACKAGES = {entry["package"]: ROOT / entry["folder"] for entry in PLATFORM["services"].values()}
PACKAGES["gateway"] = ROOT / PLATFORM["gateway"]["folder"]
SOURCES = {**{name: folder / "src" for name, folder in PACKAGES.items()}, "kit": ROOT / "kit" / "src"}


@pytest.fixture(scope="module", autouse=True)
def every_text() -> None:
    for package in PACKAGES:
        textcheck.import_package(package)


def test_every_registered_text_is_whole_in_its_language() -> None:
    faults = textcheck.catalogue_faults()
    assert not faults, "texts to fix:\n" + "\n".join(faults)
    assert sum(key.startswith("problem.") for key in i18n.catalogue()) > 200  # the check saw every service


@pytest.mark.parametrize("package", sorted(SOURCES))
def test_every_problem_raised_has_texts(package: str) -> None:
    missing = textcheck.untexted_codes(SOURCES[package]) + textcheck.bare_value_errors(SOURCES[package])
    assert not missing, "texts to add:\n" + "\n".join(missing)
