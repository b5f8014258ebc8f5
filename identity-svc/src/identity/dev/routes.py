"""Development only: the SMS the development providers 'sent' (404 in any other environment)."""

from __future__ import annotations

from datetime import datetime

from fastapi import APIRouter, Query
from pydantic import BaseModel

from identity.deps import Ctx
from identity.mobile import InvalidMobile, parse_mobile
from identity.validation import field_error, invalid
from kit.errors import NotFound, responses

router = APIRouter(prefix="/v1/dev", tags=["development"])


class SmsOut(BaseModel):
    provider: str
    to: str
    body: str
    at: datetime


@router.get("/sms", responses=responses(404, 422))
async def sent_sms(
    ctx: Ctx, mobile: str | None = Query(default=None), limit: int = Query(20, ge=1, le=200)
) -> list[SmsOut]:
    """Newest first; `mobile` filters (any accepted spelling)."""
    if not ctx.settings.is_development:
        raise NotFound()
    messages = list(ctx.resources.sms_outbox.messages)
    if mobile:
        try:
            e164 = parse_mobile(mobile)
        except InvalidMobile as exc:
            raise invalid(field_error("query.mobile", exc.code)) from exc
        messages = [m for m in messages if m.to == e164]
    return [SmsOut(provider=m.provider, to=m.to, body=m.body, at=m.at) for m in reversed(messages[-limit:])]
