"""The delivery worker: claims due deliveries (skip-locked, leased, so replicas share the
work and a crashed one's claims come back), POSTs them signed, and records each outcome.

At-least-once: a delivery is marked delivered only after a 2xx; a crash between the POST and
the record sends it again with the same webhook-id (the event id), which receivers dedupe on.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import timedelta

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.webhooks import service, signing
from gateway.webhooks.repository import DeliveryRepository, Due
from kit.db import transaction
from kit.sealing import Sealer

log = logging.getLogger("gateway.webhooks")
USER_AGENT = "Shubbak-Webhooks/1"


class Worker:
    def __init__(
        self,
        *,
        sessions: async_sessionmaker[AsyncSession],
        sealer: Sealer,
        policy: service.Policy,
        timeout_seconds: float,
        poll_seconds: float,
        concurrency: int,
    ) -> None:
        self.sessions = sessions
        self.sealer = sealer
        self.policy = policy
        self.timeout = timeout_seconds
        self.poll = poll_seconds
        self.concurrency = concurrency
        self.wakeup = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        connector = aiohttp.TCPConnector(limit=self.concurrency, limit_per_host=8)
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
        ) as http:
            while not stop.is_set():
                try:
                    sent = await self.once(http)
                except Exception as exc:  # noqa: BLE001 - database away: wait and try again
                    log.warning("webhook delivery round failed: %s", type(exc).__name__)
                    sent = 0
                if sent == 0:
                    await _wait_any(stop, self.wakeup, self.poll)
                    self.wakeup.clear()

    async def once(self, http: aiohttp.ClientSession) -> int:
        lease = timedelta(seconds=self.timeout + 30)
        async with transaction(self.sessions) as session:
            due = await DeliveryRepository(session).claim(limit=self.concurrency, lease=lease)
        if not due:
            return 0
        outcomes = await asyncio.gather(*(self._send(http, d) for d in due))
        async with transaction(self.sessions) as session:
            for outcome in outcomes:
                await service.record(session, outcome=outcome, policy=self.policy)
        return len(due)

    async def _send(self, http: aiohttp.ClientSession, due: Due) -> service.Outcome:
        timestamp = int(time.time())
        headers = {
            **signing.headers(service.open_secret(self.sealer, due), str(due.event_id), timestamp, due.payload),
            "content-type": "application/json",
            "user-agent": USER_AGENT,
        }
        try:
            async with http.post(due.url, data=due.payload, headers=headers, allow_redirects=False) as response:
                await response.content.read(4096)  # a little of the answer; the rest is discarded
                ok = 200 <= response.status < 300
                return service.Outcome(
                    due.delivery_id,
                    due.subscription_id,
                    ok=ok,
                    status=response.status,
                    error=None if ok else f"HTTP {response.status}",
                    gone=response.status == 410,
                )
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            return service.Outcome(
                due.delivery_id, due.subscription_id, ok=False, status=None, error=type(exc).__name__
            )


async def _wait_any(stop: asyncio.Event, wakeup: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wakeup.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
