"""All SQL of the `sessions` domain."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select

from kit.repository import Repository
from web.sessions.models import WebSession


class WebSessionRepository(Repository[WebSession]):
    model = WebSession
    order = (WebSession.created_at, WebSession.id_hash)

    async def live(self, id_hash: bytes, *, now: datetime) -> WebSession | None:
        query = select(WebSession).where(WebSession.id_hash == id_hash, WebSession.expires_at > now)
        return await self.session.scalar(query.with_for_update())

    async def remove(self, id_hash: bytes) -> None:
        await self.session.execute(delete(WebSession).where(WebSession.id_hash == id_hash))

    async def remove_expired(self, *, now: datetime) -> int:
        result = await self.session.execute(delete(WebSession).where(WebSession.expires_at <= now))
        return int(getattr(result, "rowcount", 0) or 0)
