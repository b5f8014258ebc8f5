"""kit.openapi: the document says, for every operation, who may call it (from its auth
dependencies, however nested), under which audience tag, with Accept-Language, and a readable
operationId; kit.problems publishes every problem's texts."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI

from kit import openapi, problems
from kit.auth import Admits, Caller, CurrentCaller, CurrentCitizen, Role, admitting, integrator_with, staff_of


@admitting(Admits(staff=frozenset({Role.OFFICE_CLERK})))
async def _clerk(caller: CurrentCaller) -> Caller:
    return caller


async def _any(caller: CurrentCaller) -> Caller:  # a service's own gate, not registered
    return caller


async def _my_citizen_id(caller: CurrentCitizen) -> str:  # nested: the citizen gate decides
    return caller.subject


def app() -> FastAPI:
    built = FastAPI(generate_unique_id_function=openapi.operation_id)
    router = APIRouter()

    @router.get("/v1/things")
    async def list_things() -> list[str]:
        return []

    @router.post("/v1/things")
    async def create_thing(citizen: Annotated[str, Depends(_my_citizen_id)]) -> str:
        return citizen

    @router.get("/v1/things/audit", dependencies=[Depends(staff_of(Role.AUDITOR))])
    async def audit_things(caller: CurrentCaller) -> str:
        return caller.subject

    @router.post("/v1/things/import")
    async def import_things(caller: Annotated[Caller, Depends(integrator_with("things.import"))]) -> str:
        return caller.subject

    @router.post("/v1/things/{thing_id}/check-in")
    async def check_in(thing_id: str, caller: Annotated[Caller, Depends(_clerk)]) -> str:
        return thing_id

    @router.get("/v1/things/{thing_id}")
    async def get_thing(thing_id: str, caller: Annotated[Caller, Depends(_any)]) -> str:
        return thing_id

    built.include_router(router)
    return built


def described() -> dict[str, Any]:
    built = app()
    return openapi.describe(built.openapi(), built.routes)


def test_operation_ids_are_the_route_names_in_camel_case() -> None:
    ids = {op["operationId"] for item in described()["paths"].values() for op in item.values()}
    assert ids == {"listThings", "createThing", "auditThings", "importThings", "checkIn", "getThing"}
    assert openapi.camel("get_v1_thing__id") == "getV1ThingId"


def test_security_tags_and_who_may_call_come_from_the_auth_dependencies() -> None:
    paths = described()["paths"]
    cases = {
        ("get", "/v1/things"): ([], ["public"], "anyone"),
        ("post", "/v1/things"): ([{"bearerAuth": []}], ["citizen"], "citizens"),
        ("get", "/v1/things/audit"): ([{"bearerAuth": []}], ["staff"], "`auditor`"),
        ("post", "/v1/things/import"): ([{"integratorOAuth": ["things.import"]}], ["integrator"], "`things.import`"),
        ("post", "/v1/things/{thing_id}/check-in"): ([{"bearerAuth": []}], ["staff"], "`office_clerk`"),
        ("get", "/v1/things/{thing_id}"): (
            [{"bearerAuth": []}, {"integratorOAuth": []}],
            ["citizen", "staff", "integrator"],
            "integrators",
        ),
    }
    for (method, path), (security, tags, says) in cases.items():
        operation = paths[path][method]
        assert operation["security"] == security, path
        assert operation["tags"] == tags, path
        assert says in operation["description"], path
        assert {"$ref": "#/components/parameters/AcceptLanguage"} in operation["parameters"], path


def test_the_document_declares_the_schemes_the_parameter_and_the_audiences() -> None:
    document = described()
    schemes = document["components"]["securitySchemes"]
    assert schemes["bearerAuth"]["scheme"] == "bearer"
    assert schemes["integratorOAuth"]["flows"]["clientCredentials"]["tokenUrl"] == "/v1/oauth/token"
    assert "things.import" in schemes["integratorOAuth"]["flows"]["clientCredentials"]["scopes"]
    assert document["components"]["parameters"]["AcceptLanguage"]["in"] == "header"
    assert [tag["name"] for tag in document["tags"]] == ["public", "citizen", "staff", "integrator"]
    assert all(tag["description"] for tag in document["tags"])


def test_describing_twice_changes_nothing() -> None:
    built = app()
    once = openapi.describe(built.openapi(), built.routes)
    snapshot = repr(once)
    assert repr(openapi.describe(once, built.routes)) == snapshot


def test_declare_again_replaces_who_may_call() -> None:
    operation: dict[str, Any] = {"description": "Things."}
    openapi.declare(operation, Admits(citizen=True, staff=frozenset()))
    openapi.declare(operation, Admits(citizen=True))
    assert operation["description"].count("**Who may call:**") == 1
    assert operation["tags"] == ["citizen"]


def test_problems_json_has_both_languages_of_every_problem() -> None:
    found = problems.catalogue()
    assert found["not_found"]["type"] == "/problems/not-found"
    assert set(found["not_found"]["title"]) == {"ar", "en"}
    assert all(set(entry["detail"]) == {"ar", "en"} for entry in found.values())
