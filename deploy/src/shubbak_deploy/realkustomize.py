"""The same overlay rendered by the real kustomize (`kubectl kustomize`, or a `kustomize` binary),
where one is installed, and compared with `shubbak_deploy.kustomize`: the same objects, names
(hash suffixes included) and content. A GitOps tool and `rollout.sh` run the real one; the checks
here run on ours, so the two must not drift apart.

Debian's `kubernetes-client` (kubectl 1.20, kustomize v2) predates the `labels` field and is not
used: kustomize v5 or newer is needed.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from shubbak_deploy.kustomize import key

Obj = dict[str, Any]
MIN_MAJOR = 5


@dataclass(frozen=True)
class Kustomize:
    command: tuple[str, ...]
    version: str

    def build(self, directory: Path) -> list[Obj]:
        result = subprocess.run(
            [*self.command, str(directory)], capture_output=True, text=True, timeout=120, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(self.command)} {directory} failed: {result.stderr.strip()[-2000:]}")
        return [doc for doc in yaml.safe_load_all(result.stdout) if doc is not None]


@cache
def find() -> Kustomize | None:
    """kustomize v5+ on PATH: `kustomize build`, else kubectl's embedded one; None if neither."""
    if shutil.which("kustomize"):
        version = _run(["kustomize", "version"])
        if _major(version) >= MIN_MAJOR:
            return Kustomize(("kustomize", "build"), version)
    if shutil.which("kubectl"):
        try:
            info = json.loads(_run(["kubectl", "version", "--client", "-o", "json"]) or "{}")
        except json.JSONDecodeError:
            return None
        version = str(info.get("kustomizeVersion", ""))
        if _major(version) >= MIN_MAJOR:
            return Kustomize(("kubectl", "kustomize"), version)
    return None


def _run(command: list[str]) -> str:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=30, check=False).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return ""


def _major(version: str) -> int:
    found = re.search(r"v?(\d+)\.\d+", version)
    return int(found.group(1)) if found else 0


def differences(ours: list[Obj], theirs: list[Obj]) -> list[str]:
    """What differs between two renderings: objects only one has (by kind, namespace, name) and
    objects whose content differs (with the first differing path)."""
    mine = {key(o): o for o in ours}
    real = {key(o): o for o in theirs}
    problems = [f"{'/'.join(k)}: only in kustomize's rendering" for k in sorted(set(real) - set(mine))]
    problems += [f"{'/'.join(k)}: only in ours" for k in sorted(set(mine) - set(real))]
    for k in sorted(set(mine) & set(real)):
        where = _first_difference(mine[k], real[k])
        if where is not None:
            problems.append(f"{'/'.join(k)}: differs at {where or '<root>'}")
    return problems


def _first_difference(a: Any, b: Any, path: str = "") -> str | None:
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            if k not in a or k not in b:
                return f"{path}.{k}".lstrip(".")
            found = _first_difference(a[k], b[k], f"{path}.{k}")
            if found is not None:
                return found.lstrip(".")
        return None
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return f"{path} (length {len(a)} vs {len(b)})".lstrip(".")
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            found = _first_difference(x, y, f"{path}[{i}]")
            if found is not None:
                return found
        return None
    return None if a == b else path.lstrip(".")
