from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import or_, select, text, update

from catalog.quotes.models import Quote, SigningKey
from kit.repository import Repository

_KEYS_LOCK = "SELECT pg_advisory_xact_lock(hashtext('catalog.quote_signing_key'))"


class QuoteRepository(Repository[Quote]):
    model = Quote
    order = (Quote.issued_at, Quote.id)


class SigningKeyRepository(Repository[SigningKey]):
    model = SigningKey
    order = (SigningKey.created_at, SigningKey.kid)

    async def active(self) -> SigningKey | None:
        return (await self.session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None)))).first()

    async def lock_all(self) -> None:
        """Serialise key changes until the transaction ends (an advisory lock: there may be no row
        to lock yet, and two replicas starting at once must not both create the active key)."""
        await self.session.execute(text(_KEYS_LOCK))

    async def retire_active(self, now: datetime) -> None:
        await self.session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now))

    async def published(self, retired_after: datetime) -> Sequence[SigningKey]:
        """The active key and those retired after `retired_after`, newest first."""
        query = (
            select(SigningKey)
            .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > retired_after))
            .order_by(SigningKey.created_at.desc())
        )
        return (await self.session.scalars(query)).all()
