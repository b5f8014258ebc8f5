"""The dependencies web's pages share: the service's context and the visit (session, language).
Finding no session stores none: anonymous pages cost no row."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from kit import i18n
from kit.app import Session
from kit.service import Now, context
from web.resources import ServiceContext
from web.sessions import service as sessions
from web.visit import LANGUAGE_COOKIE, SESSION_COOKIE, Visit

Ctx = Annotated[ServiceContext, Depends(context)]
"""The service's settings, resources and clock."""


async def visit(request: Request, db: Session, ctx: Ctx, now: Now) -> Visit:
    lifetime = ctx.resources.lifetime
    language = i18n.language_or_default(request.cookies.get(LANGUAGE_COOKIE))
    i18n.set_language(language)
    row = await sessions.find(db, cookie=request.cookies.get(SESSION_COOKIE), now=now, lifetime=lifetime)
    found = Visit(request=request, db=db, ctx=ctx, now=now, lang=language, stored=row)
    request.state.visit = found
    return found


Page = Annotated[Visit, Depends(visit)]

__all__ = ["Ctx", "Now", "Page"]
