"""kit.examples: every body of a service's document gets an example its schema accepts, declared
examples win over made-up ones, made-up strings meet their patterns, and problem answers have
one example in each language, in the texts the service answers with."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, FastAPI
from jsonschema import Draft202012Validator
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from contracts.fields import TypedNationalId
from contracts.national_id import parse
from kit import errors, examples, openapi
from kit.errors import PROBLEM_JSON, responses


class Enrol(BaseModel):
    national_id: TypedNationalId
    first_name: str = Field(min_length=1, max_length=100)
    owner_service: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_-]{1,39}$")]
    scopes: list[Annotated[str, StringConstraints(pattern=r"^[a-z_]{3,40}$")]] = Field(min_length=2)
    wife_national_id: str | None = None


class Declared(BaseModel):
    model_config = ConfigDict(json_schema_extra={"examples": [{"kind": "special", "count": 3}]})

    kind: Literal["general", "special"]
    count: int = Field(ge=1)


class Answer(BaseModel):
    id: str
    at: datetime
    amount_piastres: int = Field(ge=0)
    name_ar: str
    name_en: str


def described() -> dict[str, Any]:
    built = FastAPI(generate_unique_id_function=openapi.operation_id)
    errors.install(built)
    router = APIRouter()

    @router.post("/v1/enrolments", status_code=202, responses=responses(404, 422))
    async def start_enrolment(body: Enrol) -> Answer:
        raise NotImplementedError

    @router.post("/v1/declared")
    async def post_declared(body: Declared) -> Declared:
        return body

    built.include_router(router)
    return openapi.describe(errors.problem_openapi(built.openapi()), built.routes)


def test_every_body_gets_an_example_its_schema_accepts() -> None:
    document = described()
    operation = document["paths"]["/v1/enrolments"]["post"]
    asked = operation["requestBody"]["content"]["application/json"]
    answered = operation["responses"]["202"]["content"]["application/json"]
    for media in (asked, answered):
        Draft202012Validator({**document, **media["schema"]}).validate(media["example"])
    body = asked["example"]
    assert parse(body["national_id"]).value == body["national_id"]
    assert parse(body["wife_national_id"]).sex == "female"
    assert body["owner_service"] == "notary"
    assert len(body["scopes"]) == 2
    answer = answered["example"]
    assert answer["at"].endswith("Z")
    assert answer["amount_piastres"] > 0
    assert answer["name_ar"] != answer["name_en"]


def test_a_declared_example_is_used_as_it_is() -> None:
    operation = described()["paths"]["/v1/declared"]["post"]
    assert operation["requestBody"]["content"]["application/json"]["example"] == {"kind": "special", "count": 3}


def test_problem_answers_have_an_arabic_and_an_english_example() -> None:
    responses_ = described()["paths"]["/v1/enrolments"]["post"]["responses"]
    missing = responses_["404"]["content"][PROBLEM_JSON]["examples"]
    assert missing["arabic"]["value"]["title"] == "غير موجود"
    assert missing["english"]["value"]["title"] == "Not found"
    invalid = responses_["422"]["content"][PROBLEM_JSON]["examples"]["english"]["value"]
    assert invalid["code"] == "validation_failed"
    assert invalid["errors"][0]["field"] == "body.national_id"


def test_an_example_already_there_is_kept_and_a_made_up_string_meets_its_pattern() -> None:
    document = {"paths": {"/x": {"post": {"requestBody": {"content": {"application/json": {"example": {"a": 1}}}}}}}}
    assert examples.exemplify(document)["paths"]["/x"]["post"]["requestBody"]["content"]["application/json"] == {
        "example": {"a": 1}
    }
    builder = examples.Builder({}, answer=False)
    assert examples.fits({"pattern": "^[0-9]{6}$"}, builder.value({"type": "string", "pattern": "^[0-9]{6}$"}, "otp"))
    assert not examples.fits({"maxLength": 3}, "four")
