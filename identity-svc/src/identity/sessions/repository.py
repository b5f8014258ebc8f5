"""All SQL of tokens: refresh-token families and the signing keys."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, text, update

from identity.sessions.models import RefreshToken, SigningKey
from kit.repository import Repository


class RefreshTokenRepository(Repository[RefreshToken]):
    model = RefreshToken
    order = (RefreshToken.created_at, RefreshToken.id)

    async def revoke_family(self, family_id: uuid.UUID, *, reason: str, at: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.family_id == family_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason)
        )

    async def revoke_citizen(self, citizen_id: uuid.UUID, *, reason: str, at: datetime) -> None:
        await self.session.execute(
            update(RefreshToken)
            .where(RefreshToken.citizen_id == citizen_id, RefreshToken.revoked_at.is_(None))
            .values(revoked_at=at, revoked_reason=reason)
        )


class SigningKeyRepository(Repository[SigningKey]):
    model = SigningKey
    order = (SigningKey.created_at, SigningKey.kid)

    async def lock(self) -> None:
        """One key change at a time (until the transaction ends), across instances."""
        await self.session.execute(text("SELECT pg_advisory_xact_lock(hashtext('identity.signing_keys'))"))

    async def signing_kid(self) -> str | None:
        """A key that has not retired, if any."""
        found: str | None = await self.session.scalar(
            select(SigningKey.kid).where(SigningKey.retired_at.is_(None)).limit(1)
        )
        return found

    async def retire_all_but(self, kid: str, *, at: datetime) -> None:
        for old in await self.session.scalars(
            select(SigningKey).where(SigningKey.retired_at.is_(None), SigningKey.kid != kid)
        ):
            old.retired_at = at

    async def published(self, *, retired_after: datetime) -> Sequence[SigningKey]:
        """Unretired keys and those retired after `retired_after`, newest first."""
        query = (
            select(SigningKey)
            .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > retired_after))
            .order_by(SigningKey.created_at.desc())
        )
        return list(await self.session.scalars(query))
