"""A property-based run of schemathesis against the running gateway's merged OpenAPI document:
no operation answers 5xx, and every response matches what the document declares for it (status
code, content type, body schema). Two passes: a citizen's token over the routes the edge admits
citizens (and the public ones) to, then an administrator's token over the staff routes.

`make test` runs a small fixed-seed budget on the session's platform (its rate limits on: the
run waits out a 429's Retry-After); `make fuzz` (SHUBBAK_FUZZ=full) starts a platform of its own
with the rate limits raised and runs every phase with many more examples and a random seed.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from paperless_support import Citizen, create_staff, registry_people, staff_sign_in

from devstack.background import BackgroundPlatform, start
from gateway.policy import BUILT_IN, PolicyTable

FULL = os.environ.get("SHUBBAK_FUZZ") == "full"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
QUICK = ["--max-examples", "3", "--phases", "examples,fuzzing", "--seed", "20260", "--no-shrink"]
BIGGER = ["--max-examples", os.environ.get("SHUBBAK_FUZZ_EXAMPLES", "40"), "--phases", "examples,coverage,fuzzing"]
UNLIMITED = json.dumps({"count": 10**9, "seconds": 1})
FUZZ_PLATFORM_ENV = {
    "GATEWAY_RATE_ADDRESS": UNLIMITED,
    "GATEWAY_RATE_ACCOUNT": UNLIMITED,
    "GATEWAY_RATE_SENSITIVE_ADDRESS": UNLIMITED,
    "GATEWAY_RATE_SENSITIVE_IDENTITY": UNLIMITED,
    "GATEWAY_RATE_SENSITIVE_STAFF": UNLIMITED,
    "IDENTITY_LIMIT_PER_CLIENT": "1000000",
    "IDENTITY_LIMIT_PER_STAFF": "1000000",
    "IDENTITY_LIMIT_PER_NATIONAL_ID": "1000",
    "IDENTITY_LIMIT_PER_MOBILE": "1000",
    "IDENTITY_ACCESS_TOKEN_SECONDS": "7200",  # a long run must not lose its callers half-way
    "IDENTITY_STAFF_TOKEN_SECONDS": "7200",
}
# Left out of the quick run on the session's shared platform only (`make fuzz` has its own):
# they change what every later test of the session sees.
SHARED_STATE = {
    "PUT /v1/services/{code}/rollout/{governorate}": "can switch a service off in the pilot governorate",
    "POST /v1/services/{code}/tariffs": "can change the fee every later quote charges",
    "POST /v1/offices/holidays": "a national holiday cancels every office's appointments on that day",
    "POST /v1/offices/{office_id}/holidays": "cancels that office's appointments on that day",
}
PARAM = re.compile(r"\{[^}]+\}")
POLICIES = PolicyTable(BUILT_IN)
METHODS = ("get", "put", "post", "delete", "patch")


@dataclass
class Target:
    gateway: str
    postgres: str


@pytest.fixture(scope="module")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    if not FULL:
        shared: BackgroundPlatform = request.getfixturevalue("platform")
        yield Target(shared.gateway, shared.postgres)
        return
    own = start(env=FUZZ_PLATFORM_ENV, kind="fuzz")
    try:
        yield Target(own.gateway, own.postgres)
    finally:
        own.stop()


def operations(document: dict[str, Any], *, staff: bool) -> dict[str, dict[str, Any]]:
    """The document's paths cut to the operations of one pass."""
    kept: dict[str, dict[str, Any]] = {}
    for template, item in document["paths"].items():
        rule = POLICIES.match(PARAM.sub("x", template))
        for method in METHODS:
            if method not in item or (not FULL and f"{method.upper()} {template}" in SHARED_STATE):
                continue
            access = rule.access(method.upper()) if rule is not None else None
            if staff:
                chosen = access is not None and not access.public and access.staff_roles is not None
            else:
                chosen = access is None or access.public or access.citizen
            if chosen:
                kept.setdefault(template, {k: v for k, v in item.items() if k not in METHODS})[method] = item[method]
    return kept


async def callers(gateway: str, postgres: str) -> dict[str, str]:
    """A citizen enrolled with the development SMS code, and an administrator made by the CLI."""
    async with httpx.AsyncClient(base_url=gateway, timeout=30) as client:
        citizen = Citizen(client, registry_people()[6])  # 0-5 belong to the other flows
        await citizen.enrol()
        admin = await create_staff(postgres, role="admin", prefix="fuzz")
        staff = await staff_sign_in(client, admin)
        document = (await client.get("/openapi.json")).json()
    assert document["x-unavailable-services"] == []
    return {
        "citizen": citizen.token,
        "staff": staff["Authorization"].removeprefix("Bearer "),
        "document": json.dumps(document),
    }


def schemathesis(document: dict[str, Any], gateway: str, token: str, folder: Path) -> subprocess.CompletedProcess[str]:
    folder.mkdir(parents=True, exist_ok=True)
    schema = folder / "openapi.json"
    schema.write_text(json.dumps(document), encoding="utf-8")
    command = [
        sys.executable, "-m", "schemathesis.cli", "run", str(schema), "--url", gateway,
        "--checks", CHECKS, "--workers", "1",  # more workers trip a thread-safety bug in hypothesis' lambda repr
        "--rate-limit", "auto", "--request-timeout", "30", "--output-truncate", "false", "--warnings", "off",
        "--header", f"Authorization: Bearer {token}", "--header", "Accept-Language: en",
        "--report", "junit", "--report-dir", str(folder),
        *(BIGGER if FULL else QUICK),
    ]  # fmt: skip
    return subprocess.run(command, cwd=folder, capture_output=True, text=True, timeout=3600 if FULL else 600)


def outcome(run: subprocess.CompletedProcess[str]) -> str:
    """The failures and the summary, short enough for an assertion message."""
    text = run.stdout + run.stderr
    start_at = max(text.find("==== FAILURES"), text.find("==== ERRORS"), 0)
    return text[start_at:][-20_000:]


@pytest.fixture(scope="module")
def prepared(target: Target) -> dict[str, str]:
    return asyncio.run(callers(target.gateway, target.postgres))


@pytest.mark.parametrize("caller", ["citizen", "staff"])
def test_no_5xx_and_every_response_as_documented(
    target: Target, prepared: dict[str, str], caller: str, tmp_path: Path
) -> None:
    found = prepared
    document = json.loads(found["document"])
    document["paths"] = operations(document, staff=caller == "staff")
    assert len(document["paths"]) >= (10 if caller == "staff" else 40), sorted(document["paths"])
    run = schemathesis(document, target.gateway, found[caller], tmp_path / caller)
    tested = re.search(r"Tested: (\d+)", run.stdout)
    assert tested is not None, outcome(run)
    assert int(tested.group(1)) > 0, outcome(run)
    assert run.returncode == 0, outcome(run)
