"""An example on every body of an OpenAPI document, true to its schema.

A body's example is, first, what its schema declares: a model's own `examples`
(`model_config = ConfigDict(json_schema_extra={"examples": [...]})`), a field's
(`Field(examples=[...])`, the shared types of `contracts.fields`), a default, a constant or the
first allowed value. What nothing declares is filled from a small vocabulary of realistic values
keyed by the property's name (a national ID that parses, an Egyptian mobile, a Cairo time, Arabic
beside English), each used only where it meets the property's pattern and lengths.
`tests/test_api_contract.py` validates every example of the merged document against its schema.

Problem answers get one example per language (`arabic`, `english`), rendered by `kit.errors`
from the texts the service really answers with.
"""

from __future__ import annotations

import contextvars
import re
import uuid
from collections.abc import Mapping
from datetime import UTC, date, datetime
from typing import Any

from contracts.national_id import compose
from kit import i18n
from kit.errors import PROBLEM_JSON, FieldError, generic_code, render

MAX_DEPTH = 8
JSON_TYPES = ("application/json", "application/x-www-form-urlencoded")
MOMENT_IN = "2027-01-10T09:30:00+02:00"
"""A Sunday morning in Cairo (EET), as a caller may send it."""
MOMENT_OUT = "2027-01-10T07:30:00Z"
"""The same instant as the platform answers it (UTC)."""
DAY = "2027-01-10"
INSTANT = datetime(2027, 1, 10, 7, 30, tzinfo=UTC)


def event_id(subject: str) -> uuid.UUID:
    """An example event's id: the same in every build of the document, so a release shows no change."""
    return uuid.uuid5(uuid.NAMESPACE_URL, f"https://api.shubbak.example/examples/{subject}")


HOLDER_ID = compose(born=date(1988, 4, 17), governorate="01", sequence=234, sex="male")
SPOUSE_ID = compose(born=date(1991, 9, 2), governorate="21", sequence=118, sex="female")
AGENT_ID = compose(born=date(1979, 12, 5), governorate="02", sequence=561, sex="male")
UUIDS = {
    "in": "3f2b8c1e-6d4a-4e7b-9a15-2c8e0f7d9b41",
    "out": "8d5e2a7c-1b3f-4c9e-a6d2-7f0e4b1c3a58",
}

_VOCABULARY: tuple[tuple[str, tuple[Any, ...]], ...] = (
    (r"wife_national_id$", (SPOUSE_ID,)),
    (r"(agent|child|member)\w*_national_id$", (AGENT_ID,)),
    (r"national_id$", (HOLDER_ID,)),
    (r"mobile_masked$", ("010•••••678", "010*****678")),
    (r"mobile_last_digits$", ("5678", "78")),
    (r"mobile$", ("01012345678",)),
    (r"(^|_)(otp|verification_code)$", ("482913",)),
    (r"^mother\w*name\w*", ("فاطمة",)),
    (r"^first_name(_ar)?$", ("أحمد",)),
    (r"^first_name_en$", ("Ahmed",)),
    (r"^full_name(_ar)?$", ("أحمد محمد عبد الله السيد",)),
    (r"^full_name_en$", ("Ahmed Mohamed Abdallah El-Sayed",)),
    (r"initials$", ("أ. م. ع.", "A. M. A.")),
    (r"governorate_name(_ar)?$", ("القاهرة",)),
    (r"governorate_name_en$", ("Cairo",)),
    (r"governorate$", ("01",)),
    (r"address(_ar)?$", ("١٢ شارع التحرير، الدقي، الجيزة",)),
    (r"address_en$", ("12 Tahrir Street, Dokki, Giza",)),
    (r"district(_ar)?$", ("الدقي",)),
    (r"district_en$", ("Dokki",)),
    (r"(reason|grounds|explanation|detail|text)(_ar)?$", ("المستندات المقدمة لا تثبت الإقامة بالعنوان المسجل",)),
    (
        r"(reason|grounds|explanation|detail|text)_en$",
        ("The documents submitted do not prove residence at the address",),
    ),
    (r"(^|_)(service_code|service)$", ("notary.poa.general",)),
    (r"^code$", ("notary.poa.general", "low_income", "482913")),
    (r"(^|_)(old|new)_code$", ("CAI-DOKKI-01",)),
    (r"owner_service$", ("notary",)),
    (r"^scope$", ("events:notary.poa.issued.v1", "general_management")),
    (r"event_type$", ("notary.poa.issued.v1",)),
    (r"^(status|status_name|display_status|from_status|to_status)$", ("submitted",)),
    (r"^ar$", ("تم استلام طلبك وسيصلك إشعار عند البت فيه",)),
    (r"^en$", ("Your request has been received; you will be notified of the decision",)),
    (r"^(method|method_code)$", ("card",)),
    (r"next_cursor$", ("eyJhZnRlciI6IjhkNWUyYTdjIn0",)),
    (r"^quote$", ("eyJhbGciOiJFUzI1NiJ9.eyJzZXJ2aWNlIjoibm90YXJ5LnBvYS5nZW5lcmFsIiwidG90YWwiOjUwMDB9.c2lnbmVk",)),
    (r"^kind$", ("general",)),
    (r"full_name_latin$", ("Ahmed Mohamed Abdallah El-Sayed",)),
    (r"(note|notes|special_condition)$", ("يسري هذا التوكيل داخل جمهورية مصر العربية فقط",)),
    (r"local_start$", ("2027-01-10T09:30", "09:30")),
    (r"^relation$", ("child",)),
    (r"^provider$", ("sandbox",)),
    (r"^outcome$", ("approved",)),
    (r"^step$", ("verify_mobile",)),
    (r"^action$", ("approved",)),
    (r"^channel$", ("web",)),
    (r"filename$", ("ration-import-2027-01.csv",)),
    (r"^trigger$", ("citizen",)),
    (r"(last_payment_failure|last_error)$", ("card_declined",)),
    (r"^sex$", ("male",)),
    (r"marital_status$", ("married",)),
    (r"^instance$", ("/v1/powers-of-attorney",)),
    (r"^field$", ("body.mobile",)),
    (r"^source$", ("civil-registry",)),
    (r"governorate_code$", ("01",)),
    (r"issued_on$", (DAY,)),
    (r"staff_role$", ("notary_clerk",)),
    (r"client_id$", ("mof-integrations",)),
    (r"supply_office$", ("CAI-DOKKI-01",)),
    (r"(^|_)id$", (UUIDS["out"],)),
    (r"^(amount|total|refunded)$", ("50.00 EGP",)),
    (r"currency$", ("EGP",)),
    (r"(sha256|checksum|content_hash)$", ("9f2c4e1a7b3d5f608192a4b6c8d0e2f41357a9bc0de2f4681a3c5e7092b4d6f8",)),
    (r"url$", ("https://integrations.mof.gov.eg/shubbak/webhooks",)),
    (r"(^|_)username$", ("m.hassan",)),
    (r"password$", ("Shubbak-Staff-2027!",)),
    (r"client_secret$", ("Zq8vN3kP0yR6tW1xB4mC7dF2gH5jL9sA",)),
    (r"secret$", ("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw",)),
    (
        r"(^|_)(access_token|refresh_token|token)$",
        ("eyJhbGciOiJFUzI1NiIsImtpZCI6ImlkZW50aXR5LTIwMjcifQ.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",),
    ),
    (r"(^|_)(key_id|kid)$", ("notary-2027-01",)),
    (r"order_ref$", (f"notary:{UUIDS['out']}",)),
    (r"reference$", ("NTR-2027-000184",)),
    (r"document_number$|^number$", ("POA-2027-00000184",)),
    (r"receipt_number$", ("RC-2027-00004211",)),
    (r"card_number$", ("0112345678901",)),
    (r"plate_number$", ("ق ط ع ١٢٣٤",)),
    (r"(actor|by|requested_by|created_by|imported_by)$", ("m.hassan",)),
    (r"(_ar|label|title|name|description)$", ("توكيل عام رسمي",)),
    (r"_en$", ("General power of attorney",)),
    (r"(amount|fee|total|piastres|balance|price)\w*$", (5000,)),
    (r"(^|_)(limit|page_size|size)$", (20,)),
    (r"version$", (1, "1")),
)
_PATTERNS = tuple((re.compile(pattern), candidates) for pattern, candidates in _VOCABULARY)


class Builder:
    """Builds examples from the schemas of one document (`$ref`s into its components)."""

    def __init__(self, document: Mapping[str, Any], *, answer: bool) -> None:
        self.document = document
        self.answer = answer

    def resolve(self, schema: Mapping[str, Any]) -> Mapping[str, Any]:
        ref = schema.get("$ref")
        if not isinstance(ref, str) or not ref.startswith("#/"):
            return schema
        found: Any = self.document
        for part in ref.removeprefix("#/").split("/"):
            found = found.get(part, {}) if isinstance(found, Mapping) else {}
        return {**found, **{k: v for k, v in schema.items() if k != "$ref"}}

    def value(self, schema: Mapping[str, Any], name: str = "", depth: int = 0) -> Any:
        schema = self.resolve(schema)
        for key in ("examples", "example"):
            if key in schema:
                declared = schema[key]
                if key == "examples" and isinstance(declared, list) and declared:
                    return declared[0]
                if key == "example":
                    return declared
        for key in ("const", "default"):
            if key in schema and schema[key] is not None:
                return schema[key]
        if schema.get("enum"):
            return schema["enum"][0]
        for key in ("anyOf", "oneOf"):
            if key in schema:
                branches = [b for b in schema[key] if self.resolve(b).get("type") != "null"]
                return self.value(branches[0], name, depth) if branches else None
        if "allOf" in schema:
            merged: dict[str, Any] = {}
            for part in schema["allOf"]:
                merged.update(self.resolve(part))
            return self.value(merged, name, depth)
        kind = schema.get("type")
        if isinstance(kind, list):
            kind = next((k for k in kind if k != "null"), None)
        if kind == "object" or "properties" in schema:
            return self.object(schema, depth)
        if kind == "array":
            count = max(1, int(schema.get("minItems", 1)))
            if depth >= MAX_DEPTH:
                return []
            return [self.value(schema.get("items", {}), name.removesuffix("s"), depth + 1) for _ in range(count)]
        if kind in ("integer", "number"):
            return self.number(schema, name, integer=kind == "integer")
        if kind == "boolean":
            return True
        if kind == "string":
            return self.string(schema, name)
        return None if kind == "null" else {}

    def object(self, schema: Mapping[str, Any], depth: int) -> dict[str, Any]:
        if depth >= MAX_DEPTH:
            return {}
        properties: Mapping[str, Any] = schema.get("properties", {})
        out = {name: self.value(sub, name, depth + 1) for name, sub in properties.items()}
        extra = schema.get("additionalProperties")
        if not properties and isinstance(extra, Mapping) and extra:
            out["ar"] = self.value(extra, "ar", depth + 1)
        return out

    def number(self, schema: Mapping[str, Any], name: str, *, integer: bool) -> int | float:
        low = schema.get("minimum", schema.get("exclusiveMinimum", 0) + (1 if "exclusiveMinimum" in schema else 0))
        high = schema.get(
            "maximum", schema.get("exclusiveMaximum", 10**12) - (1 if "exclusiveMaximum" in schema else 0)
        )
        for candidate in _vocabulary(name):
            if isinstance(candidate, int) and low <= candidate <= high:
                return candidate
        return int(max(low, min(high, 1))) if integer else float(max(low, min(high, 1)))

    def string(self, schema: Mapping[str, Any], name: str) -> str:
        form = schema.get("format")
        if form == "date-time":
            return MOMENT_OUT if self.answer else MOMENT_IN
        if form == "date":
            return "1988-04-17" if "birth" in name else DAY
        if form == "uuid":
            return UUIDS["out" if self.answer else "in"]
        if form == "email":
            return "integrations@mof.gov.eg"
        if form in ("uri", "url"):
            return "https://integrations.mof.gov.eg/shubbak/webhooks"
        if form == "time":
            return "09:30:00"
        if form == "binary":
            return ""
        for candidate in _vocabulary(name):
            if isinstance(candidate, str) and fits(schema, candidate):
                return candidate
        fallback = "ABC123"
        return fallback if fits(schema, fallback) else "x" * max(1, int(schema.get("minLength", 1)))


def _vocabulary(name: str) -> tuple[Any, ...]:
    """Every candidate for a property of this name, the most specific pattern's first."""
    return tuple(candidate for pattern, candidates in _PATTERNS if pattern.search(name) for candidate in candidates)


def fits(schema: Mapping[str, Any], value: str) -> bool:
    """Whether a string meets the schema's own constraints (lengths and pattern)."""
    if len(value) < int(schema.get("minLength", 0)) or len(value) > int(schema.get("maxLength", 10**6)):
        return False
    pattern = schema.get("pattern")
    return pattern is None or re.search(pattern, value) is not None


# -- problem answers --------------------------------------------------------------------------

_PROBLEM_CODES = {422: "validation_failed", 429: "too_many_requests"}
_PROBLEM_PARAMS: dict[str, object] = {"retry_after": 60}
"""Values for the placeholders these problems' texts may have (a service's 429 says how long to wait)."""
_LANGUAGES: tuple[tuple[str, i18n.Language], ...] = (("arabic", "ar"), ("english", "en"))


def problem_examples(status: int, *, field: str = "body") -> dict[str, Any]:
    """`arabic` and `english` examples of the problem a status answers, as the service renders it
    (outside any request: no request or trace id of the request that asked for the document)."""
    code = _PROBLEM_CODES.get(status, generic_code(status))
    if not i18n.has(f"problem.{code}.title"):
        code = generic_code(status)
    return {label: contextvars.Context().run(_problem, code, status, field, language) for label, language in _LANGUAGES}


def _problem(code: str, status: int, field: str, language: i18n.Language) -> dict[str, Any]:
    i18n.set_language(language)
    errors = None
    if code == "validation_failed":
        errors = [FieldError(field=field, reason=i18n.text("validation.missing"), code="missing")]
    body = render(None, code=code, status=status, params=_PROBLEM_PARAMS, errors=errors)
    return {"summary": body["title"], "value": body}


# -- the document -----------------------------------------------------------------------------


def exemplify(document: dict[str, Any]) -> dict[str, Any]:
    """Give every request body, JSON answer and problem answer of `document` an example (in place;
    bodies that already have one keep it)."""
    asked, answered = Builder(document, answer=False), Builder(document, answer=True)
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            body = operation.get("requestBody", {})
            field = "body"
            for kind, media in body.get("content", {}).items():
                if kind not in JSON_TYPES:
                    continue
                field = _first_required(asked, media.get("schema", {})) or field
                if not _has_example(media):
                    media["example"] = asked.value(media.get("schema", {}))
            for status, response in operation.get("responses", {}).items():
                for kind, media in (response.get("content") or {}).items():
                    if _has_example(media):
                        continue
                    if kind == PROBLEM_JSON and status.isdigit():
                        media["examples"] = problem_examples(int(status), field=field)
                    elif "json" in kind and status.startswith("2"):
                        media["example"] = answered.value(media.get("schema", {}))
    return document


def _has_example(media: Mapping[str, Any]) -> bool:
    return "example" in media or "examples" in media


def _first_required(builder: Builder, schema: Mapping[str, Any]) -> str | None:
    required = builder.resolve(schema).get("required") or []
    return f"body.{required[0]}" if required else None
