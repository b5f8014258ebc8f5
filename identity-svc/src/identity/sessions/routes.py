from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from identity import validation
from identity.deps import Asker, Ctx, Now
from identity.enrolment.routes import challenge_out
from identity.enrolment.schemas import ChallengeOut, CodeIn
from identity.otp import service as otp
from identity.sessions import service
from identity.sessions.schemas import LoginStart, RefreshIn, TokensOut
from kit import i18n
from kit.app import Session
from kit.clock import local_day
from kit.errors import responses

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])
jwks_router = APIRouter(include_in_schema=False)


@router.post("", status_code=202, responses=responses(422, 429, 503), response_model=ChallengeOut)
async def start_login(body: LoginStart, session: Session, ctx: Ctx, now: Now, requester: Asker) -> ChallengeOut:
    """Sign in with the national ID: a code goes to the enrolled mobile (the answer is the same for any ID)."""
    nid, _ = validation.national_id_and_mobile(body.national_id, None, today=local_day(now))

    challenge = await service.start_login(
        session, settings=ctx.settings, sender=ctx.resources.sms, national_id=nid.value, requester=requester,
        language=i18n.current_language(), now=now,
    )  # fmt: skip
    return challenge_out(challenge, ctx.settings, show_mobile=False)


@router.post("/{login_id}/code", status_code=202, responses=responses(404, 409, 429, 503))
async def resend_login_code(login_id: uuid.UUID, session: Session, ctx: Ctx, now: Now) -> ChallengeOut:
    challenge = await otp.resend(
        session, settings=ctx.settings, sender=ctx.resources.sms, challenge_id=login_id, purpose="login", now=now
    )
    return challenge_out(challenge, ctx.settings, show_mobile=False)


@router.post(
    "/{login_id}/verification",
    status_code=201,
    responses=responses(401, 404, 409, 410, 422, 429),
    response_model=TokensOut,
)
async def verify_login(login_id: uuid.UUID, body: CodeIn, session: Session, ctx: Ctx, now: Now) -> TokensOut:
    code = validation.otp_code(body.code)

    pair = await service.finish_login(
        session, settings=ctx.settings, keyring=ctx.resources.keys, challenge_id=login_id, code=code, now=now
    )
    return TokensOut(**pair.__dict__)


@router.post("/refresh", responses=responses(401, 422), response_model=TokensOut)
async def refresh_tokens(body: RefreshIn, session: Session, ctx: Ctx, now: Now) -> TokensOut:
    """Exchange a refresh token for a new pair; a token used twice revokes its whole family."""

    pair = await service.refresh(
        session, keyring=ctx.resources.keys, settings=ctx.settings, token=body.refresh_token, now=now
    )
    return TokensOut(**pair.__dict__)


@router.post("/logout", status_code=204, responses=responses(422))
async def sign_out(body: RefreshIn, session: Session, now: Now) -> Response:
    """End the session (the refresh token's family). Access tokens expire within minutes."""
    await service.logout(session, token=body.refresh_token, now=now)
    return Response(status_code=204)


@jwks_router.get("/.well-known/jwks.json")
async def jwks(ctx: Ctx) -> dict[str, Any]:
    return await ctx.resources.keys.jwks()
