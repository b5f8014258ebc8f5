"""Sending SMS through two providers with automatic failover (as GOV.UK Notify does).

A provider that fails or is slower than the timeout is paused: for a while it is tried
only after the others. The development providers keep what they "sent" in an outbox that
the dev-only endpoint shows; they take a little time and can be told to fail or hang, so
failover is exercised exactly as with real operators.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import time
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from kit.clock import Clock

log = logging.getLogger("identity.sms")
console = logging.getLogger("console")
"""Development messages for the developer's terminal: `make run` prints what is logged here."""


class SmsError(Exception):
    """The provider refused or failed to take the message."""


class SmsUnavailable(Exception):
    """No provider took the message."""


class SmsProvider(Protocol):
    name: str

    async def send(self, to: str, body: str) -> str:
        """Hand the message over; returns the provider's message id. Raises SmsError."""
        ...


@dataclass(frozen=True)
class SentSms:
    provider: str
    to: str
    body: str
    message_id: str
    at: datetime


@dataclass
class DevOutbox:
    """What the development providers 'sent', newest last (bounded)."""

    messages: deque[SentSms] = field(default_factory=lambda: deque(maxlen=2000))

    def for_mobile(self, mobile: str) -> list[SentSms]:
        return [m for m in self.messages if m.to == mobile]

    def latest(self, mobile: str) -> SentSms | None:
        found = self.for_mobile(mobile)
        return found[-1] if found else None


@dataclass
class DevSmsProvider:
    name: str
    outbox: DevOutbox
    clock: Clock
    latency_seconds: float = 0.005
    failing: bool = False
    hanging: bool = False
    sent: int = 0

    async def send(self, to: str, body: str) -> str:
        await asyncio.sleep(self.latency_seconds)
        if self.hanging:
            await asyncio.sleep(3600)
        if self.failing:
            raise SmsError(f"{self.name}: operator rejected the message (HTTP 503)")
        message_id = f"{self.name}-{secrets.token_hex(8)}"
        self.outbox.messages.append(SentSms(self.name, to, body, message_id, self.clock.now()))
        self.sent += 1
        console.info("SMS via %s to %s: %s", self.name, to, body)
        return message_id


class FailoverSender:
    def __init__(
        self, providers: list[SmsProvider], *, timeout_seconds: float = 3.0, pause_seconds: float = 30.0
    ) -> None:
        if not providers:
            raise ValueError("at least one SMS provider is needed")
        self.providers = providers
        self.timeout = timeout_seconds
        self.pause = pause_seconds
        self._paused_until: dict[str, float] = {}

    def _order(self) -> list[SmsProvider]:
        now = time.monotonic()
        return sorted(self.providers, key=lambda p: self._paused_until.get(p.name, 0.0) > now)

    async def send(self, to: str, body: str) -> tuple[str, str]:
        """Returns (provider name, message id); raises SmsUnavailable when every provider failed."""
        failures: list[str] = []
        for provider in self._order():
            try:
                message_id = await asyncio.wait_for(provider.send(to, body), self.timeout)
            except (SmsError, TimeoutError, OSError) as exc:
                self._paused_until[provider.name] = time.monotonic() + self.pause
                failures.append(f"{provider.name}: {type(exc).__name__} {exc}")
                log.warning("sms provider %s failed, trying the next: %s", provider.name, exc)
                continue
            return provider.name, message_id
        raise SmsUnavailable("; ".join(failures))


def development_providers(outbox: DevOutbox, clock: Clock) -> list[SmsProvider]:
    return [DevSmsProvider("dev-alpha", outbox, clock), DevSmsProvider("dev-beta", outbox, clock)]
