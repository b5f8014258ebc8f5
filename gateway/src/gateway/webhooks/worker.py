"""The delivery worker: claims due deliveries (skip-locked, leased, so replicas share the
work and a crashed one's claims come back), POSTs them signed, and records each outcome.

At-least-once: a delivery is marked delivered only after a 2xx; a crash between the POST and
the record sends it again with the same webhook-id (the event id), which receivers dedupe on.

Every delivery checks its target again (gateway.webhooks.targets): the URL's host, then each
address its name resolves to now, and the connection goes to those very addresses. The outcome
recorded is a status code and a fixed reason: nothing of what the target answered is kept.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

import aiohttp
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from contracts.envelope import CONTENT_TYPE
from gateway.webhooks import rotation, service, signing
from gateway.webhooks.repository import DeliveryRepository, Due
from gateway.webhooks.targets import CheckedResolver, TargetPolicy, TargetRefused
from kit.clock import Clock
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
        targets: TargetPolicy,
        clock: Clock,
    ) -> None:
        self.sessions = sessions
        self.sealer = sealer
        self.policy = policy
        self.timeout = timeout_seconds
        self.poll = poll_seconds
        self.concurrency = concurrency
        self.targets = targets
        self.clock = clock
        self.wakeup = asyncio.Event()

    async def run(self, stop: asyncio.Event) -> None:
        connector = aiohttp.TCPConnector(
            limit=self.concurrency,
            limit_per_host=8,
            resolver=CheckedResolver(self.targets),
            use_dns_cache=False,  # resolved and checked at every connection (DNS rebinding)
        )
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=self.timeout),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,  # no proxy from the environment: the connection goes where it was checked
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
            due = await DeliveryRepository(session).claim(limit=self.concurrency, lease=lease, now=self.clock.now())
        if not due:
            return 0
        outcomes = await asyncio.gather(*(self._send(http, d) for d in due))
        async with transaction(self.sessions) as session:
            for outcome in outcomes:
                await service.record(session, outcome=outcome, policy=self.policy, now=self.clock.now())
        return len(due)

    async def _send(self, http: aiohttp.ClientSession, due: Due) -> service.Outcome:
        timestamp = int(self.clock.now().timestamp())
        secrets = rotation.signing_secrets(self.sealer, due, now=self.clock.now())
        headers = {
            **signing.headers(secrets, str(due.event_id), timestamp, due.payload),
            "content-type": CONTENT_TYPE,  # the envelope is a CloudEvent in structured mode
            "user-agent": USER_AGENT,
        }
        try:
            self.targets.check_url(due.url)  # an IP literal is never resolved: check it here
            async with http.post(due.url, data=due.payload, headers=headers, allow_redirects=False) as response:
                ok = 200 <= response.status < 300
                return service.Outcome(
                    due.delivery_id,
                    due.subscription_id,
                    ok=ok,
                    status=response.status,
                    error=None if ok else "unexpected_status",
                    gone=response.status == 410,
                )  # the answer's body is never read
        except TargetRefused as refused:
            log.warning("webhook %s refused: %s", due.delivery_id, refused.reason)
            error = "connection_failed" if refused.reason == "host_unresolvable" else "address_not_allowed"
            return service.Outcome(due.delivery_id, due.subscription_id, ok=False, status=None, error=error)
        except (TimeoutError, aiohttp.ClientError, OSError) as exc:
            log.info("webhook %s failed: %s", due.delivery_id, type(exc).__name__)
            return service.Outcome(due.delivery_id, due.subscription_id, ok=False, status=None, error=_reason(exc))


def _reason(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | aiohttp.ServerTimeoutError):
        return "timeout"
    if isinstance(exc, aiohttp.ClientSSLError):
        return "tls_failed"
    return "connection_failed"


async def _wait_any(stop: asyncio.Event, wakeup: asyncio.Event, timeout: float) -> None:
    waiters = [asyncio.ensure_future(stop.wait()), asyncio.ensure_future(wakeup.wait())]
    try:
        await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for waiter in waiters:
            waiter.cancel()
