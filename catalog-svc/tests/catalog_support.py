"""Helpers for catalog's tests: staff tokens from a stand-in for identity's keys, the app on real
servers, and waiting for an event to reach JetStream."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import nats

from contracts import Envelope
from kit.testing import TokenIssuer, stream_messages


class Identity(TokenIssuer):
    """Stands in for identity-svc: its key, its JWKS (in-process), and tokens for any caller."""

    def admin(self, sub: str = "admin-7") -> dict[str, str]:
        return self.headers(sub, typ="staff", roles=["admin"])


async def wait_for_event(
    nats_url: str, subject: str, match: Callable[[dict[str, Any]], bool], *, timeout: float = 15.0
) -> Envelope:
    """The first event on `subject` whose data matches, once the relay has published it."""
    nc = await nats.connect(nats_url)
    try:
        deadline = asyncio.get_running_loop().time() + timeout
        while True:
            for msg in await stream_messages(nc.jetstream(), "CATALOG", subject):
                envelope = Envelope.from_bytes(msg.data)
                if match(envelope.data):
                    return envelope
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"no matching {subject} event was published")
            await asyncio.sleep(0.1)
    finally:
        await nc.close()


def tariff_body(base: int = 3000, *, reason: str = "Ministerial decree 12/2026", **extra: Any) -> dict[str, Any]:
    return {
        "channels": ["web", "mobile", "office"],
        "methods": ["card", "wallet", "cash_network"],
        "components": [
            {"code": "base_fee", "amount_piastres": base},
            {"code": "stamp_duty", "amount_piastres": 500},
            {"code": "service_charge", "amount_piastres": 1000, "channel": "office"},
            {"code": "e_payment_incentive", "amount_piastres": -300, "method": "card"},
            {"code": "e_payment_incentive", "amount_piastres": -300, "method": "wallet"},
        ],
        "reason": reason,
        **extra,
    }
