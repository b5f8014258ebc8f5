"""The producers' public keys a bundle carries: fetched from each producer's JWKS (every
service's /.well-known/event-keys.json, the gateway's integrator keys), kept as last fetched."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from contracts.signing import PublicKey
from evidence.archive.repository import KeyRepository

log = logging.getLogger("evidence.keys")


async def fetch_all(http: httpx.AsyncClient, urls: Sequence[str]) -> list[dict[str, Any]]:
    """Every valid key of every JWKS that answers; one that does not is logged and skipped."""

    async def one(url: str) -> list[dict[str, Any]]:
        try:
            answer = await http.get(url, timeout=5.0)
            answer.raise_for_status()
            keys = answer.json().get("keys", [])
        except (httpx.HTTPError, ValueError, AttributeError) as exc:
            log.warning("producer keys at %s not read: %s", url, exc)
            return []
        valid = []
        for jwk in keys:
            try:
                valid.append(PublicKey.from_jwk(jwk).jwk())
            except (ValueError, TypeError, AttributeError):
                log.warning("a key at %s is not an event key; skipped", url)
        return valid

    found = await asyncio.gather(*(one(url) for url in urls))
    return [jwk for keys in found for jwk in keys]


async def keys_for(
    session: AsyncSession, kids: Sequence[str], *, http: httpx.AsyncClient, urls: Sequence[str], now: datetime
) -> list[PublicKey]:
    """The public keys of these key ids: as kept, refetched when one is missing (a new key)."""
    repo = KeyRepository(session)
    kept = await repo.of(kids)
    if set(kids) - set(kept):
        await repo.save(await fetch_all(http, urls), now=now)
        kept = await repo.of(kids)
    return [PublicKey.from_jwk(jwk) for jwk in kept.values()]
