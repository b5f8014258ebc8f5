"""Every error is RFC 9457 problem+json, in the caller's language, with no internals."""

from __future__ import annotations

from typing import Literal

import httpx
import pytest
from fastapi import FastAPI, Request
from pydantic import BaseModel, Field, model_validator

from contracts.fields import TypedNationalId
from kit import errors, i18n
from kit.middleware import RequestContextMiddleware

i18n.register(
    {
        "problem.order_closed.title": {"en": "The order is closed", "ar": "الطلب مغلق"},
        "problem.order_closed.detail": {"en": "Order {number} was closed.", "ar": "تم إغلاق الطلب {number}."},
    }
)


class Enrol(BaseModel):
    national_id: str = Field(pattern=r"^[0-9]{14}$")
    first_name: str = Field(min_length=2, max_length=40)
    age: int = Field(ge=21)


i18n.register(
    {
        "validation.too_young": {"en": "At least {years} years old.", "ar": "السن {years} عامًا على الأقل."},
        "problem.titled_only.title": {"en": "Only a title", "ar": "عنوان فقط"},
    }
)


class Typed(BaseModel):
    channel: Literal["web", "mobile", "office"]
    national_id: TypedNationalId
    names: list[str] = Field(default_factory=list, max_length=2)

    @model_validator(mode="after")
    def _adult(self) -> Typed:
        if self.national_id.startswith("3"):
            raise errors.invalid("too_young", years=21)
        return self


def _app() -> FastAPI:
    app = FastAPI()
    errors.install(app)
    app.add_middleware(RequestContextMiddleware, service="test", max_body_bytes=1000)

    @app.post("/enrol")
    async def enrol(body: Enrol) -> dict[str, str]:
        return {"ok": body.first_name}

    @app.post("/typed")
    async def typed(body: Typed) -> dict[str, str]:
        return {"national_id": body.national_id}

    @app.get("/titled-only")
    async def titled_only() -> None:
        raise errors.ProblemError("titled_only", status=409)

    @app.get("/untexted")
    async def untexted() -> None:
        raise errors.ProblemError("no_texts_for_this_code", status=409)

    @app.get("/orders/{number}")
    async def order(number: int) -> dict[str, int]:
        raise errors.ProblemError("order_closed", status=409, params={"number": number})

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, int]:
        return {"bytes": len(await request.body())}

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("secret connection string postgresql://admin:pw@db")

    return app


@pytest.fixture
async def client():
    transport = httpx.ASGITransport(app=_app(), raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        yield c


def _is_problem(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["type"].startswith("/problems/")
    assert body["request_id"] == response.headers["x-request-id"]
    return body


class TestLanguage:
    @pytest.mark.parametrize(
        ("header", "expected"),
        [
            (None, "ar"),
            ("en", "en"),
            ("en-GB,en;q=0.9", "en"),
            ("fr, en;q=0.5", "en"),
            ("ar-EG", "ar"),
            ("en;q=0.3, ar;q=0.8", "ar"),
            ("de", "ar"),
            ("en;q=0", "ar"),
            ("en;q=bogus, ar", "ar"),
        ],
    )
    def test_negotiate(self, header, expected):
        assert i18n.negotiate(header) == expected


class TestProblems:
    async def test_domain_error_in_arabic_by_default(self, client):
        body = _is_problem(await client.get("/orders/7"), 409)
        assert body["code"] == "order_closed"
        assert body["title"] == "الطلب مغلق"
        assert body["detail"] == "تم إغلاق الطلب ٧."  # numbers as Arabic writes them

    async def test_domain_error_in_english(self, client):
        response = await client.get("/orders/7", headers={"Accept-Language": "en"})
        body = _is_problem(response, 409)
        assert body["detail"] == "Order 7 was closed."
        assert response.headers["content-language"] == "en"

    async def test_validation_lists_each_field_with_reason(self, client):
        response = await client.post("/enrol", json={"national_id": "12", "age": 5}, headers={"Accept-Language": "en"})
        body = _is_problem(response, 422)
        by_field = {e["field"]: e for e in body["errors"]}
        assert by_field["body.national_id"]["code"] == "string_pattern_mismatch"
        assert by_field["body.first_name"]["reason"] == "This field is required."
        assert by_field["body.age"]["reason"] == "Must be at least 21."

    async def test_validation_reasons_in_arabic(self, client):
        body = _is_problem(await client.post("/enrol", json={"national_id": "12345678901234", "age": 30}), 422)
        assert body["errors"][0]["reason"] == "هذا الحقل مطلوب."

    async def test_malformed_json_is_a_problem(self, client):
        response = await client.post("/enrol", content=b"{oops", headers={"content-type": "application/json"})
        body = _is_problem(response, 422)
        assert body["errors"][0]["code"] == "json_invalid"

    async def test_body_that_is_not_utf8_is_malformed_json(self, client):
        response = await client.post(
            "/enrol", content=b'{"a": "\xff\xfe"}', headers={"content-type": "application/json"}
        )
        body = _is_problem(response, 422)  # not FastAPI's bare 400, which no route declares
        assert body["errors"] == [{"field": "body", "reason": "نص الطلب ليس JSON صالحًا.", "code": "json_invalid"}]

    async def test_unknown_route_is_404_problem(self, client):
        body = _is_problem(await client.get("/nowhere"), 404)
        assert body["code"] == "not_found"

    async def test_wrong_method_is_405_problem(self, client):
        _is_problem(await client.delete("/enrol"), 405)

    async def test_unexpected_error_hides_internals(self, client):
        response = await client.get("/boom")
        body = _is_problem(response, 500)
        assert "postgresql" not in response.text
        assert "Traceback" not in response.text
        assert body["code"] == "internal_error"

    async def test_oversized_body_is_413_problem(self, client):
        body = _is_problem(await client.post("/enrol", content=b"x" * 5000), 413)
        assert body["code"] == "payload_too_large"

    async def test_streamed_oversized_body_is_413_problem(self, client):
        async def chunks():
            for _ in range(10):
                yield b"x" * 200  # no Content-Length: the limit applies while reading

        body = _is_problem(await client.post("/enrol", content=chunks()), 413)
        assert body["code"] == "payload_too_large"

    @pytest.mark.parametrize(
        "content",
        [
            b'{"national_id": "29001011234567", "first_name": "a\\u0000b", "age": 30}',
            b'{"national_id": "29001011234567", "first_name": "a\x00b", "age": 30}',
        ],
    )
    async def test_nul_characters_are_refused_before_they_reach_the_database(self, client, content):
        response = await client.post(
            "/enrol", content=content, headers={"content-type": "application/json", "Accept-Language": "en"}
        )
        body = _is_problem(response, 422)
        assert body["code"] == "nul_character"

    async def test_nul_in_a_form_is_refused_and_binary_bodies_may_hold_nul_bytes(self, client):
        form = await client.post("/upload", content=b"grant_type=x&client_id=a%00b",
                                 headers={"content-type": "application/x-www-form-urlencoded"})  # fmt: skip
        assert _is_problem(form, 422)["code"] == "nul_character"
        binary = await client.post("/upload", content=b"\x00\x01\x00", headers={"content-type": "application/pdf"})
        assert binary.json() == {"bytes": 3}

    async def test_nul_in_the_query_is_refused(self, client):
        body = _is_problem(await client.get("/orders/7?x=%00"), 422)
        assert body["code"] == "nul_character"

    async def test_request_id_is_kept_when_sane_and_replaced_when_not(self, client):
        kept = await client.get("/nowhere", headers={"X-Request-ID": "abc-123"})
        assert kept.headers["x-request-id"] == "abc-123"
        replaced = await client.get("/nowhere", headers={"X-Request-ID": "bad id\twith spaces"})
        assert replaced.headers["x-request-id"] != "bad id\twith spaces"


class TestWhollyInTheCallersLanguage:
    async def test_a_body_that_is_not_json_is_415(self, client):
        body = b'{"national_id": "29001011234567", "first_name": "Ali", "age": 30}'
        for headers in ({"content-type": "text/plain"}, {"content-type": "application/x-www-form-urlencoded"}, {}):
            response = await client.post("/enrol", content=body, headers={**headers, "Accept-Language": "en"})
            problem = _is_problem(response, 415)
            assert problem["code"] == "unsupported_media_type"
            assert "application/json" in problem["detail"]
        fine = await client.post("/enrol", content=body, headers={"content-type": "application/merge-patch+json"})
        assert fine.status_code == 200
        documented = errors.problem_openapi(_app().openapi())["paths"]["/enrol"]["post"]["responses"]["415"]
        assert documented["content"]["application/problem+json"]["schema"] == {"$ref": "#/components/schemas/Problem"}

    async def test_every_problem_has_a_detail(self, client):
        titled = _is_problem(await client.get("/titled-only"), 409)
        assert titled["detail"] == titled["title"] == "عنوان فقط"
        untexted = _is_problem(await client.get("/untexted"), 409)
        assert untexted["code"] == "no_texts_for_this_code"
        assert untexted["title"] == "طلب غير صحيح"
        assert untexted["detail"]
        for path in ("/nowhere", "/boom"):
            assert _is_problem(await client.get(path), 404 if path == "/nowhere" else 500)["detail"]
        assert _is_problem(await client.delete("/enrol"), 405)["detail"]

    async def test_allowed_values_are_joined_in_the_callers_language(self, client):
        sent = {"channel": "fax", "national_id": "29001011234567"}
        arabic = _is_problem(await client.post("/typed", json=sent), 422)["errors"][0]["reason"]
        assert arabic == "يجب أن تكون إحدى القيم: 'web' أو 'mobile' أو 'office'."
        english = await client.post("/typed", json=sent, headers={"Accept-Language": "en"})
        assert (
            _is_problem(english, 422)["errors"][0]["reason"] == "Must be one of: 'web', 'mobile' or 'office'."
        )  # en_GB: no serial comma

    async def test_a_validators_refusal_has_its_own_texts(self, client):
        sent = {"channel": "web", "national_id": "30001011234567"}
        error = _is_problem(await client.post("/typed", json=sent), 422)["errors"][0]
        assert error == {"field": "body", "reason": "السن ٢١ عامًا على الأقل.", "code": "too_young"}
        english = await client.post("/typed", json=sent, headers={"Accept-Language": "en"})
        assert _is_problem(english, 422)["errors"][0]["reason"] == "At least 21 years old."

    async def test_a_validators_value_error_never_shows_its_english(self, client):
        assert (
            errors.field_errors([{"type": "value_error", "loc": ("body",), "ctx": {"error": ValueError("x y")}}])[
                0
            ].reason
            == "قيمة غير صالحة."
        )

    async def test_plural_forms_of_lengths_follow_cldr(self, client):
        sent = {"channel": "web", "national_id": "29001011234567", "names": ["a", "b", "c"]}
        arabic = _is_problem(await client.post("/typed", json=sent), 422)["errors"][0]["reason"]
        assert arabic == "يجب ألا يزيد عدد العناصر عن عنصرين."
        english = await client.post("/typed", json=sent, headers={"Accept-Language": "en"})
        assert _is_problem(english, 422)["errors"][0]["reason"] == "Must have at most 2 items."

    async def test_typed_national_ids_take_arabic_indic_digits(self, client):
        sent = {"channel": "web", "national_id": "٢٩٠٠١٠١١٢٣٤٥٦٧"}
        assert (await client.post("/typed", json=sent)).json() == {"national_id": "29001011234567"}
        short = _is_problem(await client.post("/typed", json={**sent, "national_id": "٢٩٠"}), 422)
        assert short["errors"][0] == {
            "field": "body.national_id",
            "reason": "الرقم القومي ١٤ رقمًا.",
            "code": "national_id_format",
        }
