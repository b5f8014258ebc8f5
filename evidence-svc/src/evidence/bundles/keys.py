"""The producers' public keys a bundle carries: the key that verified each archived event (the
consumer's trust list: every service's /.well-known/event-keys.json and the gateway's integrator
keys), kept when the event is archived, so a bundle still names a key rotated out since."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.signing import PublicKey
from evidence.archive.repository import KeyRepository
from kit.db import after_commit
from kit.messaging.trust import TrustList


class Kept:
    """The keys this process has stored since the trust list last fetched them, so a batch of events
    signed by keys already kept as they are writes no row again until the list is fetched anew
    (a rotation or a revocation then changes the row)."""

    def __init__(self) -> None:
        self.saved: dict[str, tuple[float, dict[str, Any]]] = {}
        """kid → (the trust list's fetch it was kept after, the JWK kept)."""


async def remember(
    session: AsyncSession, kids: Iterable[str], *, trust: TrustList, now: datetime, kept: Kept | None = None
) -> None:
    """Keep the public keys of these key ids as the trust list holds them now (`kept`: skip those
    this process stored after the same fetch, as they are; noted once the transaction commits)."""
    ring = trust.ring.keys
    known = [ring[kid].jwk() for kid in sorted(set(kids)) if kid in ring]
    if kept is not None:
        fetched = trust.fetched_at
        known = [jwk for jwk in known if kept.saved.get(jwk["kid"]) != (fetched, jwk)]
        if known:
            stored = {jwk["kid"]: (fetched, jwk) for jwk in known}
            after_commit(session, lambda: kept.saved.update(stored))
    await KeyRepository(session).save(known, now=now)


async def keys_for(session: AsyncSession, kids: Sequence[str], *, trust: TrustList, now: datetime) -> list[PublicKey]:
    """The public keys of these key ids: as kept, else as the trust list knows them."""
    repo = KeyRepository(session)
    kept = await repo.of(kids)
    if set(kids) - set(kept):
        await remember(session, set(kids) - set(kept), trust=trust, now=now)
        kept = await repo.of(kids)
    return [PublicKey.from_jwk(jwk) for jwk in kept.values()]
