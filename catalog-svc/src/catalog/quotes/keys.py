"""Quote-signing keys (Ed25519): stored encrypted in catalog's database, one active at a time;
after a rotation the previous key stays published long enough to verify every quote it signed."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt.algorithms import OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession

from catalog.quotes.models import SigningKey
from catalog.quotes.repository import SigningKeyRepository


class QuoteKeys:
    """The active private key (decrypted once per process and kid) and the published JWKS."""

    def __init__(self, secret: str, *, retired_published_for: timedelta) -> None:
        self._secret = secret.encode()
        self.retired_published_for = retired_published_for
        self._private: dict[str, Ed25519PrivateKey] = {}

    async def active(self, session: AsyncSession, *, now: datetime) -> tuple[str, Ed25519PrivateKey]:
        """The key that signs now; created (once, whichever replica asks first) if there is none."""
        repo = SigningKeyRepository(session)
        row = await repo.active()
        if row is None:
            await repo.lock_all()
            row = await repo.active() or await self._create(repo, now)
        key = self._private.get(row.kid)
        if key is None:
            loaded = serialization.load_pem_private_key(row.private_pem, password=self._secret)
            assert isinstance(loaded, Ed25519PrivateKey)
            key = self._private[row.kid] = loaded
        return row.kid, key

    async def rotate(self, session: AsyncSession, *, now: datetime) -> str:
        repo = SigningKeyRepository(session)
        await repo.lock_all()
        await repo.retire_active(now)
        return (await self._create(repo, now)).kid

    async def jwks(self, session: AsyncSession, *, now: datetime) -> dict[str, Any]:
        rows = await SigningKeyRepository(session).published(now - self.retired_published_for)
        return {"keys": [row.public_jwk for row in rows]}

    async def _create(self, repo: SigningKeyRepository, now: datetime) -> SigningKey:
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
        await repo.add(row)
        self._private[kid] = private
        return row
