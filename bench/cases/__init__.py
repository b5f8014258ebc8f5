"""The registry: every module in this package that defines `CASES: list[Case]` is a benchmark."""

from __future__ import annotations

import importlib
import pkgutil

from bench.harness import Case


def all_cases() -> list[Case]:
    found: list[Case] = []
    for module_info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        found.extend(getattr(module, "CASES", []))
    names = [c.name for c in found]
    if len(names) != len(set(names)):
        raise RuntimeError(f"duplicate case names: {names}")
    return found
