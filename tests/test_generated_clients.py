"""Clients generated from the merged OpenAPI document work: a TypeScript client (openapi-typescript
types, openapi-fetch) type-checks a frontend's usage with `tsc --noEmit`, and a Python client
(openapi-python-client) drives a citizen's enrolment and a power of attorney's draft and quote,
and an integrator's token and webhook subscription, against the running platform. Generated under
.data/clients (once per document: a second run reuses them). The client's functions are found by
each operation's operationId, as a developer would find them in the generated package."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
import typing
import uuid
from pathlib import Path
from typing import Any

import httpx
import node_tools
import pytest
from paperless_support import mobile_of
from test_card_services import demo_registry
from test_integrators import create_integrator

ROOT = Path(__file__).resolve().parents[1]
CLIENTS = ROOT / ".data" / "clients"
PACKAGE = "shubbak_client"


@pytest.fixture(scope="module")
def merged(platform) -> tuple[dict[str, Any], Path]:
    document: dict[str, Any] = httpx.get(f"{platform.gateway}/openapi.json", timeout=30).json()
    assert not document.get("x-unavailable-services")
    folder = CLIENTS / hashlib.sha256(json.dumps(document, sort_keys=True).encode()).hexdigest()[:16]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "openapi.json").write_text(json.dumps(document), encoding="utf-8")
    return document, folder


@pytest.fixture(scope="module")
def python_client(merged: tuple[dict[str, Any], Path]) -> Any:
    _, folder = merged
    package = folder / "python" / PACKAGE
    if not (package / "client.py").is_file():
        shutil.rmtree(folder / "python", ignore_errors=True)
        env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
        done = subprocess.run(
            [Path(sys.executable).parent / "openapi-python-client", "generate", "--path", str(folder / "openapi.json"),
             "--output-path", str(package), "--meta", "none"],
            capture_output=True, text=True, env=env, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
        skipped = re.findall(r"WARNING parsing (\S+ \S+)[^\n]*Endpoint will not be generated", done.stdout)
        assert set(skipped) <= CSV_UPLOADS, f"endpoints the generator could not make: {skipped}\n{done.stdout}"
    sys.path.insert(0, str(package.parent))
    try:
        yield importlib.import_module(PACKAGE)
    finally:
        sys.path.remove(str(package.parent))


CSV_UPLOADS = {"POST /v1/payments/settlements/{provider}", "POST /v1/ration-imports/{kind}"}
"""text/csv bodies, which openapi-python-client does not generate (a known limit of the tool)."""


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def endpoint(client: Any, document: dict[str, Any], method: str, path: str) -> Any:
    """The generated module of an operation: api/<its first tag>/<its operationId in snake_case>."""
    operation = document["paths"][path][method]
    return importlib.import_module(f"{PACKAGE}.api.{operation['tags'][0]}.{snake(operation['operationId'])}")


def _body_class(module: Any) -> Any:
    """The endpoint's request body model (a frontend fills it from its form's values)."""
    return typing.get_type_hints(module.sync_detailed)["body"]


def call(module: Any, **kwargs: Any) -> Any:
    response = module.sync_detailed(**kwargs)
    assert 200 <= response.status_code < 300, (response.status_code, response.content[:500])
    return response.parsed


class TestPythonClient:
    def test_a_citizen_enrols_and_drafts_a_power_of_attorney_to_its_quote(
        self, platform, merged: tuple[dict[str, Any], Path], python_client: Any
    ) -> None:
        document, _ = merged
        people, _ = demo_registry()
        principal, agent = _two_strangers(people)
        anyone = python_client.Client(base_url=platform.gateway, timeout=httpx.Timeout(30))
        mobile = mobile_of(principal, "011")
        start = endpoint(python_client, document, "post", "/v1/enrolments")
        challenge = call(
            start,
            client=anyone,
            body=_body_class(start).from_dict(
                {
                    "national_id": principal["national_id"],
                    "first_name": principal["first_name_ar"],
                    "mother_first_name": principal["mother_first_name_ar"],
                    "mobile": mobile,
                }
            ),
            accept_language="en",
        )
        sms = httpx.get(f"{platform.gateway}/v1/dev/sms", params={"mobile": mobile}, timeout=30).json()
        code = re.search(r"\b(\d{6})\b", sms[-1]["body"]).group(1)
        verify = endpoint(python_client, document, "post", "/v1/enrolments/{enrolment_id}/verification")
        enrolled = call(
            verify, enrolment_id=challenge.id, client=anyone, body=_body_class(verify).from_dict({"code": code})
        )
        assert enrolled.citizen.national_id == principal["national_id"]

        citizen = python_client.AuthenticatedClient(
            base_url=platform.gateway, token=enrolled.tokens.access_token, timeout=httpx.Timeout(30)
        )
        draft = endpoint(python_client, document, "post", "/v1/powers-of-attorney")
        body = {"kind": "general", "scopes": ["general_management"], "agents": [agent["national_id"]]}
        poa = call(draft, client=citizen, body=_body_class(draft).from_dict(body), idempotency_key=str(uuid.uuid4()))
        assert str(poa.status) == "draft" or getattr(poa.status, "value", None) == "draft"
        quote = endpoint(python_client, document, "post", "/v1/powers-of-attorney/{poa_id}/quote")
        quoted = call(quote, poa_id=poa.id, client=citizen, body=_body_class(quote).from_dict({"method": "wallet"}))
        assert quoted.amount_piastres > 0
        assert quoted.service_code.startswith("notary.poa")

    def test_an_integrator_takes_a_token_and_subscribes_a_webhook(
        self, platform, merged: tuple[dict[str, Any], Path], python_client: Any
    ) -> None:
        import asyncio

        document, _ = merged
        revoked = "notary.poa.revoked.v1"
        bank = asyncio.run(create_integrator(platform, f"Bank {uuid.uuid4().hex[:4]}", f"events:{revoked}"))
        anyone = python_client.Client(base_url=platform.gateway, timeout=httpx.Timeout(30))
        token = endpoint(python_client, document, "post", "/v1/oauth/token")
        form = {
            "grant_type": "client_credentials",
            "client_id": bank["client_id"],
            "client_secret": bank["client_secret"],
        }
        granted = call(token, client=anyone, body=_body_class(token).from_dict(form))
        if isinstance(granted, dict):  # the token route declares no answer model yet (per-route pass)
            granted = TokenAnswer(**granted)
        assert granted.scope == f"events:{revoked}"
        integrator = python_client.AuthenticatedClient(
            base_url=platform.gateway, token=granted.access_token, timeout=httpx.Timeout(30)
        )
        subscribe = endpoint(python_client, document, "post", "/v1/webhooks")
        # a public address (no delivery happens: nothing is revoked while the subscription exists)
        wanted = {"url": "https://41.33.0.10/shubbak/hooks", "event_types": [revoked], "description": "test"}
        created = call(subscribe, client=integrator, body=_body_class(subscribe).from_dict(wanted))
        assert created.secret.startswith("whsec_")
        listing = endpoint(python_client, document, "get", "/v1/webhooks")
        assert str(created.id) in {str(item.id) for item in call(listing, client=integrator).items}
        remove = endpoint(python_client, document, "delete", "/v1/webhooks/{subscription_id}")
        assert remove.sync_detailed(subscription_id=created.id, client=integrator).status_code == 204


class TokenAnswer(typing.NamedTuple):
    access_token: str
    token_type: str
    expires_in: int
    scope: str


def _two_strangers(people: list[dict[str, str]]) -> tuple[dict[str, str], dict[str, str]]:
    """Two living adults from the middle of the registry (the other flows take its ends)."""
    adults = [p for p in people if p["alive"] == "true" and p["birth_date"] < "2000-01-01"]
    middle = adults[len(adults) // 2 :]
    return middle[0], middle[1]


class TestTypeScriptClient:
    def test_a_frontends_usage_type_checks_and_a_mistake_does_not(self, merged: tuple[dict[str, Any], Path]) -> None:
        _, folder = merged
        typescript = folder / "typescript"
        typescript.mkdir(exist_ok=True)
        schema = typescript / "schema.d.ts"
        generated = subprocess.run(
            # a field with a default is optional in a request (the generator's default says otherwise)
            [node_tools.bin_("openapi-typescript"), str(folder / "openapi.json"), "-o", str(schema),
             "--default-non-nullable=false"],
            capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert generated.returncode == 0, generated.stderr
        (typescript / "tsconfig.json").write_text(json.dumps(TSCONFIG), encoding="utf-8")
        usage = (ROOT / "tests" / "node" / "client-usage.ts").read_text(encoding="utf-8")
        (typescript / "usage.ts").write_text(usage, encoding="utf-8")
        assert _tsc(typescript) == ""
        (typescript / "usage.ts").write_text(usage.replace("mother_first_name: ", "mothers_name: "), encoding="utf-8")
        assert "mothers_name" in _tsc(typescript)


TSCONFIG = {
    "compilerOptions": {
        "strict": True,
        "noEmit": True,
        "target": "es2022",
        "module": "esnext",
        "moduleResolution": "bundler",
        "lib": ["es2022", "dom"],
        "skipLibCheck": True,
        "typeRoots": [],
        "baseUrl": ".",
        "paths": {"openapi-fetch": [str(node_tools.HOME / "node_modules" / "openapi-fetch")]},
    },
    "files": ["usage.ts"],
}


def _tsc(folder: Path) -> str:
    done = subprocess.run(
        [node_tools.bin_("tsc"), "-p", str(folder / "tsconfig.json")], capture_output=True, text=True, timeout=300
    )
    return (done.stdout + done.stderr).strip()
