"""RFC 9457 problem details: one error class for domain code, one renderer for every error.

Domain code raises `ProblemError("code", status=...)`; texts for the code are registered
with `kit.i18n.register({"problem.<code>.title": ..., "problem.<code>.detail": ...})`.
Every other error (validation, unknown route, method, an unexpected exception) is
rendered in the same shape, in the caller's language, with no internals.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.params import Form as FormParam
from pydantic import BaseModel, Field
from pydantic_core import PydanticCustomError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import JSONResponse

from kit import i18n
from kit.context import current_request_id, current_trace_id
from kit.db import UNREACHABLE_ERRORS, unreachable

PROBLEM_JSON = "application/problem+json"
log = logging.getLogger("kit.errors")

DATABASE_RETRY_AFTER_SECONDS = 5
"""What an answer says when the service's database cannot be reached (503 Retry-After)."""


class FieldError(BaseModel):
    field: str = Field(description="Where the bad value is, e.g. `body.mobile`.")
    reason: str = Field(description="What is wrong with it, in the caller's language.")
    code: str = Field(description="A stable machine-readable reason code.")


class Problem(BaseModel):
    """The error body every endpoint returns (RFC 9457)."""

    type: str
    title: str
    status: int
    detail: str | None = None
    instance: str | None = None
    code: str
    request_id: str | None = None
    errors: list[FieldError] | None = None


class ProblemError(Exception):
    """An error the caller can act on. `code` names it; texts come from the i18n catalogue."""

    def __init__(
        self,
        code: str,
        *,
        status: int = 400,
        params: Mapping[str, object] | None = None,
        errors: Sequence[FieldError] | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
        commit: bool = False,
    ) -> None:
        """`commit=True`: the request's transaction still commits (a wrong one-time code must
        count as an attempt even though the request is refused)."""
        super().__init__(code)
        self.code = code
        self.commit = commit
        self.status = status
        self.params = dict(params or {})
        self.errors = list(errors) if errors else None
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})


class NotFound(ProblemError):
    def __init__(self, code: str = "not_found", **kwargs: Any) -> None:
        super().__init__(code, status=404, **kwargs)


class Conflict(ProblemError):
    def __init__(self, code: str, **kwargs: Any) -> None:
        super().__init__(code, status=409, **kwargs)


i18n.register(
    {
        "problem.bad_request.title": {"en": "Bad request", "ar": "طلب غير صحيح"},
        "problem.bad_request.detail": {
            "en": "The request could not be understood. Check its address, headers and body.",
            "ar": "تعذر فهم الطلب. راجع عنوانه وترويساته ونصه.",
        },
        "problem.not_found.title": {"en": "Not found", "ar": "غير موجود"},
        "problem.not_found.detail": {
            "en": "There is nothing at this address.",
            "ar": "لا يوجد شيء على هذا العنوان.",
        },
        "problem.method_not_allowed.title": {"en": "Method not allowed", "ar": "الطريقة غير مسموح بها"},
        "problem.method_not_allowed.detail": {
            "en": "This address does not accept this method; the Allow header lists those it accepts.",
            "ar": "لا يقبل هذا العنوان هذه الطريقة؛ تذكر ترويسة Allow الطرق التي يقبلها.",
        },
        "problem.unsupported_media_type.title": {"en": "Unsupported body type", "ar": "نوع نص الطلب غير مدعوم"},
        "problem.unsupported_media_type.detail": {
            "en": "Send the body as JSON, with the header Content-Type: application/json.",
            "ar": "أرسل نص الطلب بصيغة JSON مع الترويسة Content-Type: application/json.",
        },
        "problem.validation_failed.title": {"en": "The request is not valid", "ar": "الطلب غير صالح"},
        "problem.validation_failed.detail": {
            "en": "Some fields are missing or wrong; see `errors`.",
            "ar": "بعض الحقول ناقصة أو غير صحيحة؛ راجع قائمة الأخطاء.",
        },
        "problem.internal_error.title": {"en": "Something went wrong", "ar": "حدث خطأ ما"},
        "problem.internal_error.detail": {
            "en": "The error was recorded. Please try again later; quote the request id if you contact us.",
            "ar": "تم تسجيل الخطأ. يُرجى المحاولة لاحقًا، واذكر رقم الطلب عند التواصل معنا.",
        },
        "problem.not_ready.title": {"en": "Service not ready", "ar": "الخدمة غير جاهزة"},
        "problem.not_ready.detail": {
            "en": "A dependency is unreachable: {failing}.",
            "ar": "تعذر الوصول إلى أحد المكونات: {failing}.",
        },
        "problem.unauthenticated.title": {"en": "Sign-in required", "ar": "يلزم تسجيل الدخول"},
        "problem.unauthenticated.detail": {
            "en": "Send a valid access token in the Authorization header.",
            "ar": "أرسل رمز دخول صالحًا في ترويسة Authorization.",
        },
        "problem.invalid_token.title": {"en": "Invalid access token", "ar": "رمز الدخول غير صالح"},
        "problem.invalid_token.detail": {
            "en": "The access token is expired, malformed or not issued by this platform.",
            "ar": "رمز الدخول منتهي الصلاحية أو تالف أو لم يصدر عن هذه المنصة.",
        },
        "problem.forbidden.title": {"en": "Not allowed", "ar": "غير مسموح"},
        "problem.forbidden.detail": {
            "en": "Your account may not do this.",
            "ar": "لا يملك حسابك صلاحية هذا الإجراء.",
        },
        "problem.payload_too_large.title": {"en": "Request too large", "ar": "الطلب كبير جدًا"},
        "problem.payload_too_large.detail": {
            "en": "The request body is larger than this address accepts.",
            "ar": "حجم نص الطلب أكبر مما يقبله هذا العنوان.",
        },
        "problem.nul_character.title": {"en": "Invalid character", "ar": "حرف غير صالح"},
        "problem.nul_character.detail": {
            "en": "The request contains a NUL character (\\u0000), which no field may hold.",
            "ar": "يحتوي الطلب على الحرف الصفري (\\u0000)، ولا يقبله أي حقل.",
        },
        "problem.bad_gateway.title": {"en": "Upstream service failed", "ar": "تعذر على الخدمة الداخلية الرد"},
        "problem.bad_gateway.detail": {
            "en": "The service gave an answer that could not be understood. Please try again later.",
            "ar": "أرسلت الخدمة ردًا تعذر فهمه. يُرجى المحاولة لاحقًا.",
        },
        "problem.service_unavailable.title": {"en": "Service unavailable", "ar": "الخدمة غير متاحة"},
        "problem.service_unavailable.detail": {
            "en": "The service is unavailable right now. Please try again shortly.",
            "ar": "الخدمة غير متاحة الآن. يُرجى المحاولة بعد قليل.",
        },
        "problem.gateway_timeout.title": {"en": "Upstream service timed out", "ar": "انتهت مهلة الخدمة الداخلية"},
        "problem.gateway_timeout.detail": {
            "en": "The service did not answer in time. Please try again shortly.",
            "ar": "لم تستجب الخدمة في الوقت المحدد. يُرجى المحاولة بعد قليل.",
        },
    }
)

# Pydantic error types → bilingual reasons. Parameters come from the error's ctx.
i18n.register(
    {
        "validation.missing": {"en": "This field is required.", "ar": "هذا الحقل مطلوب."},
        "validation.extra_forbidden": {"en": "This field is not allowed.", "ar": "هذا الحقل غير مسموح به."},
        "validation.string_type": {"en": "Must be text.", "ar": "يجب أن تكون القيمة نصًا."},
        "validation.string_too_short": {
            "ar": i18n.plural(
                "min_length",
                one="يجب ألا يقل الطول عن حرف واحد.",
                two="يجب ألا يقل الطول عن حرفين.",
                few="يجب ألا يقل الطول عن {min_length} أحرف.",
                many="يجب ألا يقل الطول عن {min_length} حرفًا.",
                other="يجب ألا يقل الطول عن {min_length} حرف.",
            ),
            "en": i18n.plural(
                "min_length",
                one="Must be at least {min_length} character.",
                other="Must be at least {min_length} characters.",
            ),
        },
        "validation.string_too_long": {
            "ar": i18n.plural(
                "max_length",
                one="يجب ألا يزيد الطول عن حرف واحد.",
                two="يجب ألا يزيد الطول عن حرفين.",
                few="يجب ألا يزيد الطول عن {max_length} أحرف.",
                many="يجب ألا يزيد الطول عن {max_length} حرفًا.",
                other="يجب ألا يزيد الطول عن {max_length} حرف.",
            ),
            "en": i18n.plural(
                "max_length",
                one="Must be at most {max_length} character.",
                other="Must be at most {max_length} characters.",
            ),
        },
        "validation.string_pattern_mismatch": {
            "en": "Has the wrong format.",
            "ar": "الصيغة غير صحيحة.",
        },
        "validation.int_type": {"en": "Must be a whole number.", "ar": "يجب أن تكون القيمة عددًا صحيحًا."},
        "validation.int_parsing": {"en": "Must be a whole number.", "ar": "يجب أن تكون القيمة عددًا صحيحًا."},
        "validation.int_from_float": {"en": "Must be a whole number.", "ar": "يجب أن تكون القيمة عددًا صحيحًا."},
        "validation.float_parsing": {"en": "Must be a number.", "ar": "يجب أن تكون القيمة رقمًا."},
        "validation.bool_parsing": {"en": "Must be true or false.", "ar": "يجب أن تكون القيمة صح أو خطأ."},
        "validation.greater_than": {"en": "Must be greater than {gt}.", "ar": "يجب أن تكون أكبر من {gt}."},
        "validation.greater_than_equal": {
            "en": "Must be at least {ge}.",
            "ar": "يجب ألا تقل عن {ge}.",
        },
        "validation.less_than": {"en": "Must be less than {lt}.", "ar": "يجب أن تكون أقل من {lt}."},
        "validation.less_than_equal": {"en": "Must be at most {le}.", "ar": "يجب ألا تزيد عن {le}."},
        "validation.too_short": {
            "ar": i18n.plural(
                "min_length",
                one="يجب ألا يقل عدد العناصر عن عنصر واحد.",
                two="يجب ألا يقل عدد العناصر عن عنصرين.",
                few="يجب ألا يقل عدد العناصر عن {min_length} عناصر.",
                many="يجب ألا يقل عدد العناصر عن {min_length} عنصرًا.",
                other="يجب ألا يقل عدد العناصر عن {min_length} عنصر.",
            ),
            "en": i18n.plural(
                "min_length",
                one="Must have at least {min_length} item.",
                other="Must have at least {min_length} items.",
            ),
        },
        "validation.too_long": {
            "ar": i18n.plural(
                "max_length",
                one="يجب ألا يزيد عدد العناصر عن عنصر واحد.",
                two="يجب ألا يزيد عدد العناصر عن عنصرين.",
                few="يجب ألا يزيد عدد العناصر عن {max_length} عناصر.",
                many="يجب ألا يزيد عدد العناصر عن {max_length} عنصرًا.",
                other="يجب ألا يزيد عدد العناصر عن {max_length} عنصر.",
            ),
            "en": i18n.plural(
                "max_length", one="Must have at most {max_length} item.", other="Must have at most {max_length} items."
            ),
        },
        "validation.json_invalid": {"en": "The body is not valid JSON.", "ar": "نص الطلب ليس JSON صالحًا."},
        "validation.model_attributes_type": {
            "en": "Must be an object.",
            "ar": "يجب أن تكون القيمة كائنًا.",
        },
        "validation.dict_type": {"en": "Must be an object.", "ar": "يجب أن تكون القيمة كائنًا."},
        "validation.list_type": {"en": "Must be a list.", "ar": "يجب أن تكون القيمة قائمة."},
        "validation.uuid_parsing": {"en": "Must be a UUID.", "ar": "يجب أن يكون معرفًا بصيغة UUID."},
        "validation.uuid_type": {"en": "Must be a UUID.", "ar": "يجب أن يكون معرفًا بصيغة UUID."},
        "validation.date_parsing": {
            "en": "Must be a date (YYYY-MM-DD).",
            "ar": "يجب أن يكون تاريخًا بصيغة YYYY-MM-DD.",
        },
        "validation.date_from_datetime_parsing": {
            "en": "Must be a date (YYYY-MM-DD).",
            "ar": "يجب أن يكون تاريخًا بصيغة YYYY-MM-DD.",
        },
        "validation.datetime_parsing": {
            "en": "Must be a date and time (ISO 8601).",
            "ar": "يجب أن يكون تاريخًا ووقتًا بصيغة ISO 8601.",
        },
        "validation.datetime_from_date_parsing": {
            "en": "Must be a date and time (ISO 8601).",
            "ar": "يجب أن يكون تاريخًا ووقتًا بصيغة ISO 8601.",
        },
        "validation.enum": {"en": "Must be one of: {expected}.", "ar": "يجب أن تكون إحدى القيم: {expected}."},
        "validation.literal_error": {
            "en": "Must be one of: {expected}.",
            "ar": "يجب أن تكون إحدى القيم: {expected}.",
        },
        # A validator's own ValueError carries an English sentence: it is not shown to anyone.
        # Validators raise `invalid("code")` with `validation.<code>` texts instead.
        "validation.value_error": {"en": "Invalid value.", "ar": "قيمة غير صالحة."},
        "validation.invalid": {"en": "Invalid value.", "ar": "قيمة غير صالحة."},
        "validation.url_type": {"en": "Must be a URL.", "ar": "يجب أن يكون عنوان URL."},
        "validation.url_parsing": {
            "en": "Not a valid URL (check the host name and the port, 1 to 65535).",
            "ar": "عنوان URL غير صالح (راجع اسم المضيف ورقم المنفذ من ١ إلى ٦٥٥٣٥).",
        },
        "validation.url_scheme": {
            "en": "Must be an `http://` or `https://` URL.",
            "ar": "يجب أن يبدأ عنوان URL بـ `http://` أو `https://`.",
        },
        # contracts.fields' types of what people type
        "validation.national_id_format": {"ar": "الرقم القومي ١٤ رقمًا.", "en": "A national ID has 14 digits."},
        "validation.mobile_format": {
            "ar": "رقم الهاتف المحمول ١١ رقمًا يبدأ بـ ٠١.",
            "en": "A mobile number has 11 digits starting with 01.",
        },
        "validation.mobile_not_egyptian_mobile": {
            "ar": "الرقم ليس رقم هاتف محمول مصري (٠١٠ أو ٠١١ أو ٠١٢ أو ٠١٥).",
            "en": "Not an Egyptian mobile number (010, 011, 012 or 015).",
        },
        "validation.invisible_character": {
            "en": "Contains {character}, an invisible character that can make text display differently from what it "
            "says. Remove it and send the text again.",
            "ar": "يحتوي على {character}، وهو حرف غير مرئي قد يجعل النص يظهر بخلاف ما يقوله. "
            "احذفه وأرسل النص مرة أخرى.",
        },
    }
)


class BodyRefused(Exception):
    """A request body kit's middleware refused while the app read it (too large, a NUL, an invisible
    character). Raised through the app, whichever way it reads the body (a model, or
    `await request.body()`), back to the middleware, which answers it: never an error of the
    service, so never logged as one (a flood of refused bodies must not page anyone)."""

    def __init__(self, status: int, code: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(code)
        self.status = status
        self.code = code
        self.errors = errors


def problem_type(code: str) -> str:
    """The problem's type URI, relative to the API (RFC 9457 §3.1.1)."""
    return f"/problems/{code.replace('_', '-')}"


def invalid(code: str, **params: object) -> PydanticCustomError:
    """What a validator raises instead of `ValueError`: the field error's code is `code` and its
    reason the text `validation.<code>` (register it in Arabic and English), formatted with
    `params`. A `ValueError`'s English sentence would reach an Arabic reader."""
    return PydanticCustomError(code, code, params)


def field_errors(raw: Sequence[Mapping[str, Any]]) -> list[FieldError]:
    """Pydantic's error list as field errors in the caller's language."""
    out: list[FieldError] = []
    for err in raw[:50]:
        location = ".".join(str(part) for part in err.get("loc", ()))
        kind = str(err.get("type", "invalid"))
        params = {k: _plain(v) for k, v in (err.get("ctx") or {}).items()}
        if kind in {"enum", "literal_error"} and isinstance(params.get("expected"), str):
            params["expected"] = i18n.OneOf(tuple(_EXPECTED.split(str(params["expected"]))))
        key = f"validation.{kind}"
        if not i18n.has(key):
            key = "validation.invalid"
        out.append(FieldError(field=location or "body", reason=i18n.text(key, **params), code=kind))
    return out


_EXPECTED = re.compile(r", | or ")
"""How pydantic joins the allowed values of an enum or a literal ("'a', 'b' or 'c'")."""


def _plain(value: object) -> object:
    return str(value) if isinstance(value, Exception) else value


def render(
    request_path: str | None,
    *,
    code: str,
    status: int,
    params: Mapping[str, object] | None = None,
    errors: Sequence[FieldError] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The problem body as a dict (also used by the gateway, which has no FastAPI request)."""
    params = params or {}
    title_key, detail_key = f"problem.{code}.title", f"problem.{code}.detail"
    if not i18n.has(title_key):  # a code without texts (a test names it): the status's own words
        generic = generic_code(status)
        title_key, detail_key = f"problem.{generic}.title", f"problem.{generic}.detail"
        log.warning("problem code %s has no texts", code)
    title = i18n.text(title_key, **params)
    body: dict[str, Any] = {
        "type": problem_type(code),
        "title": title,
        "status": status,
        "code": code,
        "detail": i18n.text(detail_key, **params) if i18n.has(detail_key) else title,
    }
    if request_path:
        body["instance"] = request_path
    if request_id := current_request_id():
        body["request_id"] = request_id
    if trace_id := current_trace_id():
        body["trace_id"] = trace_id
    if errors:
        body["errors"] = [e.model_dump() for e in errors]
    if extra:  # never over the members above: `status` must stay the HTTP status (RFC 9457)
        body.update({key: value for key, value in extra.items() if key not in body})
    return body


def problem_response(
    request_path: str | None,
    *,
    code: str,
    status: int,
    params: Mapping[str, object] | None = None,
    errors: Sequence[FieldError] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: Mapping[str, Any] | None = None,
) -> JSONResponse:
    body = render(request_path, code=code, status=status, params=params, errors=errors, extra=extra)
    all_headers = {"Content-Language": i18n.current_language(), **(headers or {})}
    return JSONResponse(body, status_code=status, media_type=PROBLEM_JSON, headers=all_headers)


_STATUS_CODES = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    415: "unsupported_media_type",
    502: "bad_gateway",
    503: "service_unavailable",
    504: "gateway_timeout",
}


def generic_code(status: int) -> str:
    """The platform's code for an HTTP status when nothing more precise is known."""
    return _STATUS_CODES.get(status, "bad_request" if status < 500 else "internal_error")


def _is_json(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return kind == "application/json" or (kind.startswith("application/") and kind.endswith("+json"))


def _wrong_body_type(request: Request, raw: Sequence[Mapping[str, Any]]) -> bool:
    """A JSON endpoint was sent a body of another type (or of no declared type): 415, not 422."""
    body_field = getattr(request.scope.get("route"), "body_field", None)
    if body_field is None or isinstance(body_field.field_info, FormParam):
        return False
    has_body = request.headers.get("content-length", "0") not in {"", "0"} or "transfer-encoding" in request.headers
    if not has_body or _is_json(request.headers.get("content-type", "")):
        return False
    return any(tuple(err.get("loc", ()))[:1] == ("body",) for err in raw)


def install(app: FastAPI) -> None:
    """Make every error of `app` a problem+json response."""

    async def on_problem(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, ProblemError)
        return problem_response(
            request.url.path,
            code=exc.code,
            status=exc.status,
            params=exc.params,
            errors=exc.errors,
            headers=exc.headers,
            extra=exc.extra,
        )

    async def on_validation(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        if _wrong_body_type(request, exc.errors()):
            return problem_response(request.url.path, code="unsupported_media_type", status=415)
        return problem_response(
            request.url.path, code="validation_failed", status=422, errors=field_errors(exc.errors())
        )

    async def on_http(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, StarletteHTTPException)
        if exc.status_code == 400 and isinstance(exc.__cause__, UnicodeDecodeError):
            # FastAPI answers a body that is not UTF-8 with a bare 400; it is malformed JSON like any other
            invalid = [{"type": "json_invalid", "loc": ("body",)}]
            return problem_response(
                request.url.path, code="validation_failed", status=422, errors=field_errors(invalid)
            )
        code = generic_code(exc.status_code)
        return problem_response(request.url.path, code=code, status=exc.status_code, headers=dict(exc.headers or {}))

    def answer(request: Request, exc: Exception, headers: dict[str, str]) -> JSONResponse:
        if isinstance(exc, BodyRefused):  # the caller's fault, answered as such (by the middleware too)
            return problem_response(request.url.path, code=exc.code, status=exc.status, errors=exc.errors)
        if unreachable(exc):  # the database is down, restarting, or has no free connection
            log.error("database unavailable on %s %s: %s", request.method, request.url.path, type(exc).__name__)
            headers["Retry-After"] = str(DATABASE_RETRY_AFTER_SECONDS)
            return problem_response(request.url.path, code="service_unavailable", status=503, headers=headers)
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(request.url.path, code="internal_error", status=500, headers=headers)

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        # Starlette answers this one outside the middleware stack, so add the request id here.
        request_id = current_request_id()
        return answer(request, exc, {"X-Request-ID": request_id} if request_id else {})

    async def on_database_error(request: Request, exc: Exception) -> JSONResponse:
        return answer(request, exc, {})

    app.add_exception_handler(ProblemError, on_problem)
    app.add_exception_handler(RequestValidationError, on_validation)
    app.add_exception_handler(StarletteHTTPException, on_http)
    app.add_exception_handler(Exception, on_unexpected)
    # Registered by class, these are answered by Starlette's exception middleware, not re-raised to
    # the server: a database outage is a 503 per request, not a traceback per request in the logs.
    for kind in UNREACHABLE_ERRORS:
        app.add_exception_handler(kind, on_database_error)


def responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses=` entries declaring problem+json errors for a route."""
    return {
        status: {"model": Problem, "content": {PROBLEM_JSON: {}}, "description": _describe(status)}
        for status in statuses
    }


_SCHEMAS = "#/components/schemas/"
_FASTAPI_VALIDATION = (f"{_SCHEMAS}HTTPValidationError", f"{_SCHEMAS}ValidationError")


def problem_openapi(document: dict[str, Any]) -> dict[str, Any]:
    """Error responses documented as they are sent (in place, idempotent): problem+json with the
    `Problem` schema. FastAPI files a `responses(...)` model under application/json, leaving the
    problem+json entry without a schema, and adds a default 422 of its own as application/json.
    Every operation that takes a JSON body also answers 415 to a body of another type."""
    touched = False
    for item in document.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue
            if "application/json" in operation.get("requestBody", {}).get("content", {}):
                operation.setdefault("responses", {}).setdefault(
                    "415", {"description": _describe(415), "content": {PROBLEM_JSON: {}}}
                )
            for response in operation.get("responses", {}).values():
                content = response.get("content") or {}
                plain = content.get("application/json", {}).get("schema")
                fastapi_default = isinstance(plain, dict) and plain.get("$ref") in _FASTAPI_VALIDATION
                if PROBLEM_JSON not in content and not fastapi_default:
                    continue
                schema = content.get(PROBLEM_JSON, {}).get("schema") or plain
                if not schema or fastapi_default:
                    schema = {"$ref": f"{_SCHEMAS}Problem"}
                response["content"] = {PROBLEM_JSON: {**content.get(PROBLEM_JSON, {}), "schema": schema}}
                if fastapi_default:
                    response["description"] = _describe(422)
                touched = True
    if touched:
        schemas = problem_schemas(document)
        if not any(ref in str(document.get("paths")) for ref in _FASTAPI_VALIDATION):
            for ref in _FASTAPI_VALIDATION:
                schemas.pop(ref.removeprefix(_SCHEMAS), None)
    return document


def problem_schemas(document: dict[str, Any]) -> dict[str, Any]:
    """The document's component schemas, with `Problem` (and what it refers to) added if missing."""
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    problem = Problem.model_json_schema(ref_template=_SCHEMAS + "{model}")
    for name, schema in {**problem.pop("$defs", {}), "Problem": problem}.items():
        schemas.setdefault(name, schema)
    return schemas


def _describe(status: int) -> str:
    return {
        400: "Bad request",
        401: "Not signed in",
        403: "Not allowed",
        404: "Not found",
        409: "Conflict with the current state",
        415: "The body is not JSON (Content-Type)",
        422: "Validation failed",
        429: "Too many requests",
        503: "Unavailable",
    }.get(status, "Error")
