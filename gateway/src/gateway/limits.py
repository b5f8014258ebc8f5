"""Rate limits: token buckets keyed on who is asking, never one bucket for unrelated people.

- Every request: a verified caller's own account; a request without a (recently verified)
  token, its client address.
- Sensitive routes (OTPs, sign-in, refresh): who asks (a staff member for the citizens they
  serve at a desk, else the account, else the address) and what it is about (the national ID,
  mobile, citizen, the refresh token's session, the staff username at that address; else the
  challenge in the path). A fixed path is never a key: that was one bucket for the platform.

First cut: the buckets live in this gateway process, so N replicas allow up to N times
the configured rate. `Limiter` is the seam for a shared store (PostgreSQL or Redis: one
atomic "refill and take" per key); callers only ever `await limiter.take(key, rate)`.
"""

from __future__ import annotations

import json
import math
import re
import time
from dataclasses import dataclass
from typing import Any, Protocol

from gateway.settings import Rate, Settings
from kit.auth import Caller

_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NON_DIGITS = re.compile(r"\D")
_UUID = re.compile(r"[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}")


class Limiter(Protocol):
    async def take(self, key: str, rate: Rate) -> float:
        """Take one token from `key`'s bucket: 0 if allowed, else seconds until one is free."""
        ...

    async def give_back(self, key: str, rate: Rate) -> None:
        """Return a token taken for a request that turned out not to count (a successful sign-in)."""
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

    async def give_back(self, key: str, rate: Rate) -> None:
        found = self._buckets.get(key)
        if found is not None:
            self._buckets[key] = (min(float(rate.count), found[0] + 1.0), found[1])

    def _evict(self, now: float, per_second: float, capacity: int) -> None:
        idle = [k for k, (tokens, at) in self._buckets.items() if tokens + (now - at) * per_second >= capacity]
        for key in idle:
            del self._buckets[key]
        if len(self._buckets) >= self.max_keys:  # all busy: forget the oldest tenth
            for key in list(self._buckets)[: max(1, self.max_keys // 10)]:
                del self._buckets[key]


def retry_after(seconds: float) -> str:
    return str(max(1, math.ceil(seconds)))


@dataclass(frozen=True, slots=True)
class Charge:
    """One bucket a request is counted in; `refund_on_success`: given back if the upstream says 2xx."""

    key: str
    rate: Rate
    refund_on_success: bool = False


def sensitive_charges(path: str, caller: Caller | None, address: str, body: bytes, settings: Settings) -> list[Charge]:
    """The buckets of a request on a sensitive route: who asks, then what it is about."""
    fields = _json_object(body)
    username = fields.get("username")
    password_sign_in = isinstance(username, str) and "password" in fields
    if caller is None:
        # A successful password sign-in is no guess: only failures count against the address and
        # the username there, so a call centre signing in its whole shift from one address is not refused.
        who = [Charge("s-addr:" + address, settings.rate_sensitive_address, refund_on_success=password_sign_in)]
    elif caller.kind == "staff":  # a desk serving many citizens: the staff member, not the address
        who = [Charge("s-staff:" + caller.subject, settings.rate_sensitive_staff)]
    else:
        who = [Charge(f"s-acct:{caller.kind}:{caller.subject}", settings.rate_sensitive_address)]
    rate = settings.rate_sensitive_identity
    what = [Charge(key, rate, refund_on_success=key.startswith("s-user:")) for key in _subjects(fields, address)]
    if not what and _has_id_segment(path):  # a challenge's sub-path: per challenge
        what = [Charge("s-path:" + path.rstrip("/"), rate)]
    return who + what


def _subjects(fields: dict[str, Any], address: str) -> list[str]:
    """What the request is about, from its JSON body (none: only who asks is counted)."""
    keys: list[str] = []
    if (national_id := _digits(fields.get("national_id"))) is not None:
        keys.append("s-nid:" + national_id)
    if (mobile := _digits(fields.get("mobile"))) is not None:
        keys.append("s-mobile:" + mobile[-10:])  # 010..., +2010..., 002010...: the same number
    if isinstance(citizen := fields.get("citizen_id"), str) and _UUID.fullmatch(citizen.strip().lower()):
        keys.append("s-citizen:" + citizen.strip().lower())
    if isinstance(token := fields.get("refresh_token"), str):
        session = token.partition(".")[0].lower()
        if _UUID.fullmatch(session):  # the token's family (its session): see identity's refresh tokens
            keys.append("s-session:" + session)
    if isinstance(username := fields.get("username"), str) and username.strip():
        # At this address only: a stranger guessing from elsewhere never uses up the owner's
        # attempts (identity slows guessers per username and address with growing delays).
        keys.append(f"s-user:{username.strip().lower()[:64]}@{address}")
    return keys


def _json_object(body: bytes) -> dict[str, Any]:
    if not body.lstrip().startswith(b"{"):
        return {}
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):  # the service refuses it (a 400 problem); no key from it
        return {}
    return value if isinstance(value, dict) else {}


def _digits(value: Any) -> str | None:
    if not isinstance(value, str):
        return None
    digits = _NON_DIGITS.sub("", value.translate(_ARABIC_DIGITS))
    return digits or None


def _has_id_segment(path: str) -> bool:
    return any(_UUID.fullmatch(segment.lower()) for segment in path.split("/"))
