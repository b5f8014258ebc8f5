"""`POST /v1/oauth/token` (client credentials) and the JWKS its tokens verify against."""

from __future__ import annotations

import base64
import binascii
from typing import Any
from urllib.parse import parse_qs, unquote_plus

from fastapi import APIRouter, Request
from starlette.responses import JSONResponse

from gateway.deps import Ctx, Now
from gateway.integrators import service
from gateway.integrators.keys import mint
from gateway.integrators.schemas import JWKS, TokenResponse
from gateway.limits import Limiter, retry_after
from gateway.settings import Rate
from kit.app import Session
from kit.errors import ProblemError, responses

router = APIRouter(tags=["integrators"])
FORM = "application/x-www-form-urlencoded"
_FORM_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            FORM: {
                "schema": {
                    "type": "object",
                    "required": ["grant_type"],
                    "properties": {
                        "grant_type": {"type": "string", "enum": ["client_credentials"]},
                        "client_id": {"type": "string", "description": "Or HTTP Basic authentication."},
                        "client_secret": {"type": "string", "description": "Or HTTP Basic authentication."},
                        "scope": {"type": "string", "description": "A space-separated subset of the granted scopes."},
                    },
                }
            }
        },
    }
}


@router.post(
    "/v1/oauth/token",
    summary="An integrator's access token (OAuth2 client credentials)",
    responses=responses(400, 401, 429),
    openapi_extra=_FORM_SCHEMA,
)
async def issue_token(request: Request, session: Session, ctx: Ctx, now: Now) -> JSONResponse:
    gateway, settings = ctx.resources, ctx.settings
    address = gateway.forwarding.client(request.scope)
    if settings.rate_limits:
        await _limit(gateway.limiter, "oauth-addr:" + address, settings.rate_sensitive_address)
    form = await _form(request)
    if form.get("grant_type") != "client_credentials":
        raise service.oauth_error("unsupported_grant_type", status=400)
    client_id, client_secret = _credentials(request, form)
    if settings.rate_limits:  # per client at this address: a stranger's wrong secrets never block the integrator
        await _limit(gateway.limiter, f"oauth-client:{client_id}@{address}", settings.rate_sensitive_identity)
    integrator = await service.authenticate(session, client_id=client_id, client_secret=client_secret)
    scopes = service.granted_scopes(integrator, form.get("scope"))
    access_token = await mint(
        gateway.integrator_keys,
        subject=str(integrator.id),
        scopes=scopes,
        issuer=settings.integrator_issuer,
        audience=settings.jwt_audience,
        seconds=settings.integrator_token_seconds,
        now=now,
    )
    body = TokenResponse(
        access_token=access_token, expires_in=settings.integrator_token_seconds, scope=" ".join(scopes)
    )
    return JSONResponse(body.model_dump(), headers={"Cache-Control": "no-store", "Pragma": "no-cache"})


@router.get("/.well-known/integrator-jwks.json", summary="Public keys of integrator tokens", include_in_schema=False)
async def jwks(ctx: Ctx) -> JWKS:
    return JWKS.model_validate(await ctx.resources.integrator_keys.jwks())


async def _limit(limiter: Limiter, key: str, rate: Rate) -> None:
    wait = await limiter.take(key, rate)
    if wait > 0:
        raise ProblemError("too_many_requests", status=429, headers={"Retry-After": retry_after(wait)})


async def _form(request: Request) -> dict[str, str]:
    content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if content_type != FORM:
        raise service.oauth_error("invalid_request", status=400)
    try:
        parsed = parse_qs((await request.body()).decode("utf-8"), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise service.oauth_error("invalid_request", status=400) from None
    if any(len(values) > 1 for values in parsed.values()):  # RFC 6749 §3.2: parameters must not repeat
        raise service.oauth_error("invalid_request", status=400)
    return {name: values[0] for name, values in parsed.items()}


def _credentials(request: Request, form: dict[str, str]) -> tuple[str, str]:
    """HTTP Basic (RFC 6749 §2.3.1, form-encoded parts) or client_id/client_secret in the body; not both."""
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    in_body = "client_id" in form or "client_secret" in form
    if scheme.lower() == "basic":
        if in_body:
            raise service.oauth_error("invalid_request", status=400)
        try:
            decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            raise service.oauth_error("invalid_client", status=401) from None
        client_id, sep, secret = decoded.partition(":")
        if not sep:
            raise service.oauth_error("invalid_client", status=401)
        return unquote_plus(client_id), unquote_plus(secret)
    if not in_body:
        raise service.oauth_error("invalid_client", status=401, headers={"WWW-Authenticate": 'Basic realm="shubbak"'})
    return form.get("client_id", ""), form.get("client_secret", "")
