"""The producers' public keys a bundle carries: the key that verified each archived event (the
consumer's trust list: every service's /.well-known/event-keys.json and the gateway's integrator
keys), kept when the event is archived, so a bundle still names a key rotated out since."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.signing import PublicKey
from evidence.archive.repository import KeyRepository
from kit.messaging.trust import TrustList


async def remember(session: AsyncSession, kids: Iterable[str], *, trust: TrustList, now: datetime) -> None:
    """Keep the public keys of these key ids as the trust list holds them now."""
    ring = trust.ring.keys
    known = [ring[kid].jwk() for kid in sorted(set(kids)) if kid in ring]
    await KeyRepository(session).save(known, now=now)


async def keys_for(session: AsyncSession, kids: Sequence[str], *, trust: TrustList, now: datetime) -> list[PublicKey]:
    """The public keys of these key ids: as kept, else as the trust list knows them."""
    repo = KeyRepository(session)
    kept = await repo.of(kids)
    if set(kids) - set(kept):
        await remember(session, set(kids) - set(kept), trust=trust, now=now)
        kept = await repo.of(kids)
    return [PublicKey.from_jwk(jwk) for jwk in kept.values()]
