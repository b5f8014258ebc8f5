"""Build step of deploy/Dockerfile: install one service into a virtualenv and lay out /app.

    python deploy/image/prepare.py --service notary --root /src --venv /opt/venv --app /app/service

Reads platform.toml for the service's folder, package, env prefix and port; installs
contracts, kit and the service (with constraints.txt) into the virtualenv; copies alembic.ini
and migrations/ (the gateway: platform.toml) to --app; writes the `shubbak-service` and
`shubbak-healthcheck` commands into the virtualenv's bin/; compiles the bytecode (the root
filesystem is read-only at run time).
Standard library only: it runs in the plain Python base image.
"""

from __future__ import annotations

import argparse
import compileall
import shutil
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

SHARED = ("contracts", "kit")


@dataclass(frozen=True)
class Target:
    folder: str
    package: str
    env_prefix: str
    port: int


def resolve(root: Path, service: str) -> Target:
    platform = tomllib.loads((root / "platform.toml").read_text(encoding="utf-8"))
    frontends = platform.get("frontends", {})
    entry = platform["gateway"] if service == "gateway" else platform["services"].get(service, frontends.get(service))
    if entry is None:
        known = ", ".join([*platform["services"], "gateway", *frontends])
        raise SystemExit(f"unknown SERVICE {service!r}; one of: {known}")
    return Target(entry["folder"], entry["package"], entry["env_prefix"], int(entry["port"]))


LAUNCHER = '''#!{python}
"""Start {package}: `python -m {package}`, listening on all interfaces unless told otherwise."""
import os
import runpy

os.environ.setdefault("{prefix}HOST", "0.0.0.0")
runpy.run_module("{package}", run_name="__main__", alter_sys=True)
'''

HEALTHCHECK = '''#!{python}
"""Exit 0 when GET /healthz on this container's port answers 200 (Docker HEALTHCHECK)."""
import os
import sys
import urllib.request

port = os.environ.get("{prefix}PORT", "{port}")
try:
    with urllib.request.urlopen(f"http://127.0.0.1:{{port}}/healthz", timeout=2) as response:
        sys.exit(0 if response.status == 200 else 1)
except Exception:  # noqa: BLE001 - any failure is "unhealthy"
    sys.exit(1)
'''


def write_commands(target: Target, venv: Path) -> list[Path]:
    python = venv / "bin" / "python"
    values = {"python": python, "package": target.package, "prefix": target.env_prefix, "port": target.port}
    written = []
    for name, template in (("shubbak-service", LAUNCHER), ("shubbak-healthcheck", HEALTHCHECK)):
        path = venv / "bin" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(template.format(**values), encoding="utf-8")
        path.chmod(0o755)
        written.append(path)
    return written


def copy_files(root: Path, target: Target, app: Path) -> None:
    """alembic.ini and migrations/ (services), or platform.toml (the gateway reads its routes there)."""
    app.mkdir(parents=True, exist_ok=True)
    if target.package == "gateway":
        shutil.copy2(root / "platform.toml", app / "platform.toml")
    folder = root / target.folder
    if (folder / "alembic.ini").is_file():
        shutil.copy2(folder / "alembic.ini", app / "alembic.ini")
        shutil.copytree(folder / "migrations", app / "migrations", ignore=shutil.ignore_patterns("__pycache__"))


def install(root: Path, target: Target, venv: Path) -> None:
    folders = [str(root / name) for name in (*SHARED, target.folder)]
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "--no-cache-dir"]
    subprocess.run([*pip, "-c", str(root / "constraints.txt"), *folders], check=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--service", required=True)
    parser.add_argument("--root", type=Path, required=True)
    parser.add_argument("--venv", type=Path, required=True)
    parser.add_argument("--app", type=Path, required=True)
    parser.add_argument("--no-install", action="store_true", help="lay out files only (tests)")
    args = parser.parse_args(argv)
    target = resolve(args.root, args.service)
    if not args.no_install:
        install(args.root, target, args.venv)
    copy_files(args.root, target, args.app)
    write_commands(target, args.venv)
    if not args.no_install:
        compileall.compile_dir(str(args.venv / "lib"), quiet=1, workers=0)
        compileall.compile_dir(str(args.app), quiet=1)
    print(f"prepared {args.service}: python -m {target.package} (folder {target.folder})", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
