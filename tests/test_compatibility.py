"""The released API contracts (contracts/released) still hold: the code's merged OpenAPI document
and AsyncAPI document break no client built against them, unless the major version was bumped
(`make contracts-release` writes them again). The differ itself is shown to catch each kind of
break, so a pass means something."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from devstack import compat, contracts_release

ROOT = Path(__file__).resolve().parents[1]


def test_the_code_breaks_no_client_of_the_released_contracts() -> None:
    faults = contracts_release.check(ROOT)
    assert faults == [], "\n".join(faults)


def test_the_released_documents_carry_their_versions() -> None:
    import contracts
    from gateway.openapi import API_VERSION

    assert contracts_release.released(ROOT, "openapi.json")["info"]["version"] == API_VERSION
    assert contracts_release.released(ROOT, "asyncapi.json")["info"]["version"] == contracts.__version__


@pytest.fixture(scope="module")
def released() -> dict[str, Any]:
    return contracts_release.released(ROOT, "openapi.json")


def _operation(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    found: dict[str, Any] = document["paths"][path][method]
    return found


def _body_schema(document: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    ref = _operation(document, method, path)["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    found: dict[str, Any] = document["components"]["schemas"][ref.rsplit("/", 1)[1]]
    return found


class TestTheDifferCatches:
    def test_nothing_in_an_unchanged_document(self, released: dict[str, Any]) -> None:
        assert compat.openapi_breaks(released, copy.deepcopy(released)) == []

    def test_a_removed_path_and_a_removed_operation(self, released: dict[str, Any]) -> None:
        changed = copy.deepcopy(released)
        del changed["paths"]["/v1/services"]
        del changed["paths"]["/v1/powers-of-attorney"]["post"]
        assert sorted(compat.openapi_breaks(released, changed)) == [
            "/v1/services: removed",
            "POST /v1/powers-of-attorney: removed",
        ]

    def test_a_new_required_input(self, released: dict[str, Any]) -> None:
        changed = copy.deepcopy(released)
        _body_schema(changed, "post", "/v1/enrolments")["required"].append("email")
        _operation(changed, "get", "/v1/services")["parameters"].append(
            {"name": "region", "in": "query", "required": True, "schema": {"type": "string"}}
        )
        breaks = compat.openapi_breaks(released, changed)
        assert "POST /v1/enrolments body.email: a new required input" in breaks
        assert "GET /v1/services: query parameter region is now required" in breaks

    def test_a_narrowed_type_and_a_removed_answer_field(self, released: dict[str, Any]) -> None:
        changed = copy.deepcopy(released)
        body = _body_schema(changed, "post", "/v1/enrolments")
        body["properties"]["first_name"] = {"type": "integer"}
        breaks = compat.openapi_breaks(released, changed)
        assert any(line.startswith("POST /v1/enrolments body.first_name: accepts ['integer']") for line in breaks)
        answer = _operation(changed, "get", "/v1/services")["responses"]["200"]["content"]["application/json"]
        page = changed["components"]["schemas"][answer["schema"]["$ref"].rsplit("/", 1)[1]]
        del page["properties"]["items"]
        assert "GET /v1/services 200.items: removed" in compat.openapi_breaks(released, changed)

    def test_additions_break_nobody(self, released: dict[str, Any]) -> None:
        changed = copy.deepcopy(released)
        changed["paths"]["/v1/new-things"] = {"get": {"responses": {}}}
        _operation(changed, "get", "/v1/services")["parameters"].append(
            {"name": "region", "in": "query", "required": False, "schema": {"type": "string"}}
        )
        _body_schema(changed, "post", "/v1/enrolments")["properties"]["nickname"] = {"type": "string"}
        assert compat.openapi_breaks(released, changed) == []

    def test_a_break_passes_with_a_new_major_version(self) -> None:
        assert compat.major_bumped("1.4.2", "2.0.0")
        assert not compat.major_bumped("1.4.2", "1.5.0")

    def test_event_changes(self) -> None:
        events = contracts_release.released(ROOT, "asyncapi.json")
        changed = copy.deepcopy(events)
        key = next(k for k, c in changed["channels"].items() if c["address"] == "notary.poa.revoked.v1")
        data_ref = changed["components"]["messages"][key]["payload"]["properties"]["data"]["$ref"]
        data = changed["components"]["schemas"][data_ref.rsplit("/", 1)[1]]
        data["required"].append("reason_code")
        data["properties"]["reason_code"] = {"type": "string"}
        del changed["channels"][
            next(k for k, c in changed["channels"].items() if c["address"] == "civil.death.registered.v1")
        ]
        breaks = compat.asyncapi_breaks(events, changed)
        assert "civil.death.registered.v1: removed" in breaks
        assert "notary.poa.revoked.v1 data.reason_code: a new required input" in breaks
