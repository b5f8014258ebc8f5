"""The portal's one way out: the gateway's public API `/v1`, over a thin typed httpx client.
Every answer >= 400 becomes an `ApiProblem` carrying the API's bilingual problem+json (its
title, detail and the field errors it names), which the pages show where they belong."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import httpx

from kit import i18n


@dataclass(frozen=True)
class FieldProblem:
    field: str
    """The form field's name: the API's `body.mobile` is the form's `mobile`."""
    reason: str
    location: str = ""
    """Where the API says, in full (`body.add_newborn.national_id` names a union's member first)."""


@dataclass
class ApiProblem(Exception):
    status: int
    code: str
    title: str
    detail: str = ""
    errors: list[FieldProblem] = field(default_factory=list)

    def __str__(self) -> str:
        return f"{self.status} {self.code}: {self.title}"


def _field_name(location: str) -> str:
    parts = [p for p in location.split(".") if p not in ("body", "query", "path")]
    return parts[0] if parts else location


def problem_of(response: httpx.Response, language: i18n.Language) -> ApiProblem:
    try:
        body = response.json()
    except ValueError:
        body = None
    if not isinstance(body, dict) or "code" not in body:
        return ApiProblem(
            status=response.status_code,
            code="web_upstream",
            title=i18n.text("web.problem.upstream.title", language),
            detail=i18n.text("web.problem.upstream.detail", language),
        )
    errors = [
        FieldProblem(
            field=_field_name(str(e.get("field", ""))),
            reason=str(e.get("reason", "")),
            location=str(e.get("field", "")),
        )
        for e in body.get("errors") or []
        if isinstance(e, dict)
    ]
    return ApiProblem(
        status=response.status_code,
        code=str(body["code"]),
        title=str(body.get("title") or ""),
        detail=str(body.get("detail") or ""),
        errors=errors,
    )


class Gateway:
    """Calls to `/v1` in the caller's language, with a bearer token when one is given."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self.http = http
        self.calls = 0
        """Requests made through this client (a page's renders are counted by tests)."""

    async def call(
        self,
        method: str,
        path: str,
        *,
        language: i18n.Language,
        token: str | None = None,
        json: Any = None,
        params: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        content: bytes | None = None,
        content_type: str | None = None,
        raw: bool = False,
        client: str | None = None,
    ) -> Any:
        """The answer's JSON; with `raw`, the response itself (a CSV to hand on). `content` is sent
        as is, with its `content_type` (a bulk file), instead of `json`. `client`: the visitor's
        address, sent as X-Forwarded-For (the gateway believes web's, and keys its limits on it)."""
        headers = {"Accept-Language": language, "Accept": "application/json"}
        if client:
            headers["X-Forwarded-For"] = client
        if content_type:
            headers["Content-Type"] = content_type
        if token:
            headers["Authorization"] = f"Bearer {token}"
        if idempotency_key:
            headers["Idempotency-Key"] = idempotency_key
        self.calls += 1
        try:
            response = await self.http.request(method, path, headers=headers, json=json, params=params, content=content)
        except httpx.HTTPError as exc:
            raise ApiProblem(
                status=503,
                code="web_unreachable",
                title=i18n.text("web.problem.unreachable.title", language),
                detail=i18n.text("web.problem.unreachable.detail", language),
            ) from exc
        if response.status_code >= 400:
            raise problem_of(response, language)
        if raw:
            return response
        if response.status_code == 204 or not response.content:
            return None
        return response.json()
