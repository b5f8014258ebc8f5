"""Quote-signing keys (Ed25519): stored encrypted in catalog's database, one active at a time;
after a rotation the previous key stays published long enough to verify every quote it signed."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from sqlalchemy import or_, select, text, update
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.quotes.models import SigningKey

_LOCK = "SELECT pg_advisory_xact_lock(hashtext('catalog.quote_signing_key'))"


class QuoteKeys:
    """The active private key (decrypted once per process and kid) and the published JWKS."""

    def __init__(self, secret: str, *, retired_published_for: timedelta) -> None:
        self._secret = secret.encode()
        self.retired_published_for = retired_published_for
        self._private: dict[str, Ed25519PrivateKey] = {}

    async def active(self, session: AsyncSession, *, now: datetime) -> tuple[str, Ed25519PrivateKey]:
        row = await _active_row(session)
        if row is None:
            await session.execute(text(_LOCK))
            row = await _active_row(session) or await self._create(session, now)
        key = self._private.get(row.kid)
        if key is None:
            loaded = serialization.load_pem_private_key(row.private_pem, password=self._secret)
            assert isinstance(loaded, Ed25519PrivateKey)
            key = self._private[row.kid] = loaded
        return row.kid, key

    async def rotate(self, session: AsyncSession, *, now: datetime) -> str:
        await session.execute(text(_LOCK))
        await session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now))
        return (await self._create(session, now)).kid

    async def jwks(self, session: AsyncSession, *, now: datetime) -> dict[str, Any]:
        query = (
            select(SigningKey)
            .where(or_(SigningKey.retired_at.is_(None), SigningKey.retired_at > now - self.retired_published_for))
            .order_by(SigningKey.created_at.desc())
        )
        rows = (await session.scalars(query)).all()
        return {"keys": [row.public_jwk for row in rows]}

    async def _create(self, session: AsyncSession, now: datetime) -> SigningKey:
        private = Ed25519PrivateKey.generate()
        kid = f"quote-{now:%Y%m%d}-{secrets.token_hex(4)}"
        jwk = OKPAlgorithm.to_jwk(private.public_key(), as_dict=True)
        row = SigningKey(
            kid=kid,
            private_pem=private.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.BestAvailableEncryption(self._secret),
            ),
            public_jwk={**jwk, "kid": kid, "alg": "EdDSA", "use": "sig"},
            created_at=now,
            retired_at=None,
        )
        session.add(row)
        await session.flush()
        self._private[kid] = private
        return row


async def _active_row(session: AsyncSession) -> SigningKey | None:
    return (await session.scalars(select(SigningKey).where(SigningKey.retired_at.is_(None)))).first()
