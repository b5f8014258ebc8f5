from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from identity.deps import Config, Keys
from identity.sessions.schemas import TokensOut
from identity.sessions.service import access_token
from identity.staff import service
from kit.app import Session
from kit.errors import responses

router = APIRouter(prefix="/v1/staff", tags=["staff"])


class StaffLogin(BaseModel):
    model_config = ConfigDict(extra="forbid")

    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=200)


@router.post("/sessions", status_code=201, responses=responses(401, 422), response_model=TokensOut)
async def staff_login(body: StaffLogin, session: Session, settings: Config, keys: Keys) -> TokensOut:
    """Staff sign-in: a staff access token carrying roles, office and governorate."""

    member = await service.authenticate(
        session, username=body.username, password=body.password, max_failures=settings.staff_max_failed_logins
    )
    token = await access_token(
        keys, subject=str(member.id), kind="staff", ttl=settings.staff_token_seconds, roles=member.roles,
        office=member.office_id, gov=member.governorate, name=member.username,
    )  # fmt: skip
    return TokensOut(access_token=token, expires_in=settings.staff_token_seconds)
