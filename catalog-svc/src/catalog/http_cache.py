"""Cacheable public reads: a strong ETag over the exact body, Cache-Control, and 304 on a
matching If-None-Match (RFC 9110 §13.1.2). Candidate for kit (every service's public reads)."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fastapi import Request
from fastapi.encoders import jsonable_encoder
from starlette.responses import Response

from kit.errors import responses


def etag_of(body: bytes) -> str:
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Weak comparison, as RFC 9110 requires for If-None-Match."""
    if not if_none_match:
        return False
    if if_none_match.strip() == "*":
        return True
    wanted = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == wanted for tag in if_none_match.split(","))


def cached_json(request: Request, payload: Any, *, max_age: int, public: bool = True) -> Response:
    """`payload` as JSON with ETag and Cache-Control; 304 without a body if the client has it."""
    body = json.dumps(jsonable_encoder(payload), ensure_ascii=False, separators=(",", ":")).encode()
    etag = etag_of(body)
    scope = "public" if public else "private"
    headers = {"ETag": etag, "Cache-Control": f"{scope}, max-age={max_age}"}
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


NO_STORE = {"Cache-Control": "no-store"}


def cacheable(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a cacheable read: 304 (no body) plus the problem statuses."""
    return {304: {"description": "Not modified: the If-None-Match ETag is current."}, **responses(*statuses)}
