"""Rate limits: token buckets per client address, per account and per national ID.

First cut: the buckets live in this gateway process, so N replicas allow up to N times
the configured rate. `Limiter` is the seam for a shared store (PostgreSQL or Redis: one
atomic "refill and take" per key); callers only ever `await limiter.take(key, rate)`.
"""

from __future__ import annotations

import json
import math
import re
import time
from typing import Protocol

from starlette.types import Scope

from gateway.settings import Rate

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NON_DIGITS = re.compile(r"\D")


class Limiter(Protocol):
    async def take(self, key: str, rate: Rate) -> float:
        """Take one token from `key`'s bucket: 0 if allowed, else seconds until one is free."""
        ...


class MemoryLimiter:
    """Token buckets in a dict, bounded: when full, idle (refilled) buckets are dropped first."""

    def __init__(self, *, max_keys: int = 200_000) -> None:
        self.max_keys = max_keys
        self._buckets: dict[str, tuple[float, float]] = {}  # key → (tokens, at)

    async def take(self, key: str, rate: Rate) -> float:
        now = time.monotonic()
        per_second = rate.count / rate.seconds
        tokens, at = self._buckets.get(key, (float(rate.count), now))
        tokens = min(float(rate.count), tokens + (now - at) * per_second)
        if tokens >= 1.0:
            if key not in self._buckets and len(self._buckets) >= self.max_keys:
                self._evict(now, per_second, rate.count)
            self._buckets[key] = (tokens - 1.0, now)
            return 0.0
        self._buckets[key] = (tokens, now)
        return (1.0 - tokens) / per_second

    def _evict(self, now: float, per_second: float, capacity: int) -> None:
        idle = [k for k, (tokens, at) in self._buckets.items() if tokens + (now - at) * per_second >= capacity]
        for key in idle:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:  # all busy: forget the oldest tenth
            for key in list(self._buckets)[: max(1, self.max_keys // 10)]:
                del self._buckets[key]


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


def client_address(scope: Scope, trusted_hops: int) -> str:
    """The client's address; behind `trusted_hops` proxies, taken from X-Forwarded-For."""
    client = scope.get("client")
    direct = str(client[0]) if client else "unknown"
    if trusted_hops <= 0:
        return direct
    chain: list[str] = []
    for name, value in scope["headers"]:
        if name == b"x-forwarded-for":
            chain.extend(part.strip() for part in value.decode("latin-1").split(",") if part.strip())
    chain.append(direct)
    return chain[max(0, len(chain) - 1 - trusted_hops)]


def national_id_in(body: bytes) -> str | None:
    """The `national_id` of a JSON body, as its 14 digits (Arabic-Indic digits too), if any."""
    if b"national_id" not in body:
        return None
    try:
        value = json.loads(body).get("national_id")
    except (ValueError, AttributeError):
        return None
    if not isinstance(value, str):
        return None
    digits = _NON_DIGITS.sub("", value.translate(_ARABIC_DIGITS))
    return digits or None
