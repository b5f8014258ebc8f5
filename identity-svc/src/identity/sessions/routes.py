from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter
from starlette.responses import Response

from identity import validation
from identity.deps import Asker, Config, Keys, Sms
from identity.enrolment.routes import challenge_out
from identity.enrolment.schemas import ChallengeOut, CodeIn
from identity.otp import service as otp
from identity.sessions import service
from identity.sessions.schemas import LoginStart, RefreshIn, TokensOut
from kit import i18n
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/sessions", tags=["sessions"])
jwks_router = APIRouter(include_in_schema=False)


@router.post("", status_code=202, responses=responses(422, 429, 503), response_model=ChallengeOut)
async def start_login(body: LoginStart, session: Session, settings: Config, sms: Sms, requester: Asker) -> ChallengeOut:
    """Sign in with the national ID: a code goes to the enrolled mobile (the answer is the same for any ID)."""
    nid, _ = validation.national_id_and_mobile(body.national_id, None, today=datetime.now(UTC).date())

    challenge = await service.start_login(
        session, settings=settings, sender=sms, national_id=nid.value, requester=requester,
        language=i18n.current_language(),
    )  # fmt: skip
    return challenge_out(challenge, settings, show_mobile=False)


@router.post("/{login_id}/code", status_code=202, responses=responses(404, 409, 429, 503))
async def resend_login_code(login_id: uuid.UUID, session: Session, settings: Config, sms: Sms) -> ChallengeOut:
    challenge = await otp.resend(session, settings=settings, sender=sms, challenge_id=login_id, purpose="login")
    return challenge_out(challenge, settings, show_mobile=False)


@router.post(
    "/{login_id}/verification",
    status_code=201,
    responses=responses(401, 404, 409, 410, 422, 429),
    response_model=TokensOut,
)
async def verify_login(login_id: uuid.UUID, body: CodeIn, session: Session, settings: Config, keys: Keys) -> TokensOut:
    code = validation.otp_code(body.code)

    pair = await service.finish_login(session, settings=settings, keyring=keys, challenge_id=login_id, code=code)
    return TokensOut(**pair.__dict__)


@router.post("/refresh", responses=responses(401, 422), response_model=TokensOut)
async def refresh_tokens(body: RefreshIn, session: Session, settings: Config, keys: Keys) -> TokensOut:
    """Exchange a refresh token for a new pair; a token used twice revokes its whole family."""

    pair = await service.refresh(session, keyring=keys, settings=settings, token=body.refresh_token)
    return TokensOut(**pair.__dict__)


@router.post("/logout", status_code=204, responses=responses(422))
async def logout(body: RefreshIn, session: Session) -> Response:
    """End the session (the refresh token's family). Access tokens expire within minutes."""
    await service.logout(session, token=body.refresh_token)
    return Response(status_code=204)


@jwks_router.get("/.well-known/jwks.json")
async def jwks(keys: Keys) -> dict[str, Any]:
    return await keys.jwks()
