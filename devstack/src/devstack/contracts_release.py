"""The released API contracts: the merged OpenAPI document and the AsyncAPI document, kept in
`contracts/released/` so a change that would break a client built against them is caught.

`python -m devstack.contracts_release` (`make contracts-release`) writes them from the code as it
is: every service's app and the gateway's own routes, merged as the gateway merges them (the
development routes and edge policy of platform.toml), and the events from `contracts`.
`python -m devstack.contracts_release --check` (in `make test`: tests/test_compatibility.py)
compares the code with them and fails on a breaking change (devstack.compat) unless the version
was bumped: the API's `gateway.openapi.API_VERSION`, the events' `contracts.__version__`, each a
major version for a break. A change that breaks nothing needs no release.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
import tomllib
import warnings
from pathlib import Path
from typing import Any

from devstack import compat
from devstack.paths import repo_root

RELEASED = Path("contracts") / "released"
OPENAPI, ASYNCAPI = "openapi.json", "asyncapi.json"
RELEASE_URL = "https://api.shubbak.example"
"""The public URL the released AsyncAPI document names (a deployment serves its own)."""


def openapi_document(root: Path) -> dict[str, Any]:
    """The merged OpenAPI document, built in-process as the running gateway builds it."""
    from gateway import openapi
    from gateway.ops import create_ops_app
    from gateway.settings import Settings, routes_from_platform
    from gateway.state import Gateway

    platform = tomllib.loads((root / "platform.toml").read_text(encoding="utf-8"))
    # FastAPI warns of names two routes of a service share; tests/test_api_contract.py lists them.
    warnings.filterwarnings("ignore", message="Duplicate Operation ID")
    documents: dict[str, dict[str, Any] | None] = {}
    for name, service in platform["services"].items():
        main = importlib.import_module(f"{service['package']}.main")
        documents[name] = main.create_app().openapi()
    upstreams, routes = routes_from_platform(root / "platform.toml")
    gateway = Gateway.build(Settings(upstreams=upstreams, routes=routes, events=False))
    documents[openapi.GATEWAY] = openapi.own_document(create_ops_app(gateway))
    own = openapi.RouteTable({**routes, **dict.fromkeys(openapi.OWN_PREFIXES, openapi.GATEWAY)})
    merged = openapi.merge(documents, own, policies=gateway.policies, version=openapi.API_VERSION)
    merged["info"]["description"] = openapi.DESCRIPTION
    merged.pop("x-unavailable-services", None)
    return merged


def asyncapi_document() -> dict[str, Any]:
    import contracts
    from contracts.export import asyncapi

    return asyncapi(contracts.__version__, RELEASE_URL)


def _write(path: Path, document: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=1, ensure_ascii=False, sort_keys=True) + "\n", encoding="utf-8")


def release(root: Path) -> list[Path]:
    written = []
    for name, document in ((OPENAPI, openapi_document(root)), (ASYNCAPI, asyncapi_document())):
        _write(root / RELEASED / name, document)
        written.append(root / RELEASED / name)
    return written


def released(root: Path, name: str) -> dict[str, Any]:
    found: dict[str, Any] = json.loads((root / RELEASED / name).read_text(encoding="utf-8"))
    return found


def check(root: Path) -> list[str]:
    """What breaks clients of the released contracts without a major version bump (empty: fine)."""
    faults: list[str] = []
    for name, current, differ in (
        (OPENAPI, openapi_document(root), compat.openapi_breaks),
        (ASYNCAPI, asyncapi_document(), compat.asyncapi_breaks),
    ):
        before = released(root, name)
        breaks = differ(before, current)
        if breaks and not compat.major_bumped(before["info"]["version"], current["info"]["version"]):
            faults += [f"{name}: {line}" for line in breaks]
    return faults


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.contracts_release", description=__doc__)
    parser.add_argument("--check", action="store_true", help="compare the code with the released contracts")
    args = parser.parse_args(argv)
    root = repo_root()
    if args.check:
        faults = check(root)
        for fault in faults:
            print(fault, file=sys.stderr)
        if faults:
            print("breaking changes: bump the major version (or undo them), then `make contracts-release`")
        return 1 if faults else 0
    for path in release(root):
        print(path.relative_to(root))
    return 0


if __name__ == "__main__":
    sys.exit(main())
