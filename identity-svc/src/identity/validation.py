"""Parsing what the citizen typed into domain values, or one 422 listing every bad field."""

from __future__ import annotations

from datetime import date

from contracts.fields import ascii_digits
from contracts.national_id import InvalidNationalId, NationalId, parse
from identity.mobile import InvalidMobile, parse_mobile
from kit import i18n
from kit.errors import FieldError, ProblemError


def field_error(field: str, code: str) -> FieldError:
    return FieldError(field=field, reason=i18n.text(f"field.{code}"), code=code)


def invalid(*errors: FieldError) -> ProblemError:
    return ProblemError("validation_failed", status=422, errors=list(errors))


def national_id_and_mobile(raw_nid: str, raw_mobile: str | None, *, today: date) -> tuple[NationalId, str | None]:
    errors: list[FieldError] = []
    nid: NationalId | None = None
    mobile: str | None = None
    try:
        nid = parse(raw_nid, today=today)
    except InvalidNationalId as exc:
        errors.append(field_error("body.national_id", exc.code))
    if raw_mobile is not None:
        try:
            mobile = parse_mobile(raw_mobile)
        except InvalidMobile as exc:
            errors.append(field_error("body.mobile", exc.code))
    if errors or nid is None:
        raise invalid(*errors)
    return nid, mobile


def otp_code(raw: str, field: str = "body.code") -> str:
    code = ascii_digits(raw)
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        raise invalid(field_error(field, "otp_format"))
    return code
