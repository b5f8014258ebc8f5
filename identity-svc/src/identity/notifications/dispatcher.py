"""Sends queued notification SMS: a few at a time, rows locked with SKIP LOCKED so several
instances share the work; a failed send is retried later with a growing delay."""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity.notifications.models import OutgoingSms
from identity.sms.provider import FailoverSender, SmsUnavailable
from kit.db import transaction

log = logging.getLogger("identity.notifications")
BACKOFF_SECONDS = (5, 30, 120, 600, 1800)


class Dispatcher:
    def __init__(
        self, sessions: async_sessionmaker[AsyncSession], sender: FailoverSender, *, poll: float = 0.2
    ) -> None:
        self.sessions = sessions
        self.sender = sender
        self.poll = poll

    async def run(self, stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                sent = await self.send_due()
            except Exception:
                log.exception("sms dispatch failed")
                sent = 0
            if not sent:
                try:
                    await asyncio.wait_for(stop.wait(), self.poll)
                except TimeoutError:
                    pass

    async def send_due(self, limit: int = 50) -> int:
        at = datetime.now(UTC)
        async with transaction(self.sessions) as session:
            rows = list(
                await session.scalars(
                    select(OutgoingSms)
                    .where(OutgoingSms.sent_at.is_(None), OutgoingSms.next_attempt_at <= at)
                    .order_by(OutgoingSms.next_attempt_at)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            for row in rows:
                row.attempts += 1
                try:
                    row.provider, row.provider_message_id = await self.sender.send(row.mobile, row.body)
                    row.sent_at = datetime.now(UTC)
                except SmsUnavailable as exc:
                    delay = BACKOFF_SECONDS[min(row.attempts, len(BACKOFF_SECONDS)) - 1]
                    row.next_attempt_at = datetime.now(UTC) + timedelta(seconds=delay)
                    row.last_error = str(exc)[:500]
            return len(rows)
