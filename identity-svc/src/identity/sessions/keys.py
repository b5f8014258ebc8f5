"""The JWT signing keys: Ed25519, kept in the database encrypted (AES-GCM), rotated without downtime.

The newest unretired key signs. The JWKS publishes every unretired key and every key
retired less than `publish_after_retire` ago, so tokens signed just before a rotation stay
verifiable until they expire; verifiers fetch the JWKS again when they meet an unknown kid.
Private keys are never logged nor returned by any route.
"""

from __future__ import annotations

import json
import os
import time
from datetime import timedelta
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from jwt import PyJWK
from jwt.algorithms import OKPAlgorithm
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from identity.sessions.models import SigningKey
from identity.sessions.repository import SigningKeyRepository
from kit.clock import SYSTEM, Clock
from kit.db import transaction
from kit.sealing import Sealer

REFRESH_SECONDS = 30.0


class KeyRing:
    """The signing keys, loaded from the database and refreshed every `REFRESH_SECONDS`; what
    `kit.auth.TokenVerifier` asks for a key (`key(kid)`), so identity verifies its own tokens."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        *,
        secret: str,
        publish_after_retire: timedelta,
        clock: Clock = SYSTEM,
    ) -> None:
        self.sessions = sessions
        self.clock = clock
        self._sealer = Sealer(secret)
        self.publish_after_retire = publish_after_retire
        self._current: tuple[str, Ed25519PrivateKey] | None = None
        self._published: dict[str, dict[str, Any]] = {}
        self._loaded_at = 0.0

    def _seal(self, kid: str, key: Ed25519PrivateKey) -> bytes:
        return self._sealer.seal(key.private_bytes_raw(), context=kid)

    def _open(self, kid: str, sealed: bytes) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self._sealer.open(sealed, context=kid))

    async def _create(self, keys: SigningKeyRepository) -> str:
        key = Ed25519PrivateKey.generate()
        at = self.clock.now()
        kid = f"{at:%Y%m%d%H%M%S}-{os.urandom(3).hex()}"
        jwk = {**json.loads(OKPAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "EdDSA", "use": "sig"}
        await keys.add(SigningKey(kid=kid, private_key_enc=self._seal(kid, key), public_jwk=jwk, created_at=at))
        return kid

    async def ensure(self) -> None:
        """Make sure one key can sign (at start-up; safe with several instances)."""
        async with transaction(self.sessions) as session:
            keys = SigningKeyRepository(session)
            await keys.lock()
            if await keys.signing_kid() is None:
                await self._create(keys)
        await self._load()

    async def rotate(self) -> str:
        """A new key signs from now on; the old one stays published for a while."""
        async with transaction(self.sessions) as session:
            keys = SigningKeyRepository(session)
            await keys.lock()
            kid = await self._create(keys)
            await keys.retire_all_but(kid, at=self.clock.now())
        await self._load()
        return kid

    async def _load(self) -> None:
        cutoff = self.clock.now() - self.publish_after_retire
        async with transaction(self.sessions) as session:
            rows = await SigningKeyRepository(session).published(retired_after=cutoff)
        current = next((row for row in rows if row.retired_at is None), None)
        if current is not None and (self._current is None or self._current[0] != current.kid):
            self._current = (current.kid, self._open(current.kid, current.private_key_enc))
        self._published = {row.kid: row.public_jwk for row in rows}
        self._loaded_at = time.monotonic()

    async def _fresh(self) -> None:
        if time.monotonic() - self._loaded_at > REFRESH_SECONDS:
            await self._load()

    async def sign(self, claims: dict[str, Any]) -> str:
        await self._fresh()
        if self._current is None:
            await self.ensure()
        assert self._current is not None
        kid, key = self._current
        return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid})

    async def jwks(self) -> dict[str, Any]:
        await self._fresh()
        return {"keys": list(self._published.values())}

    async def key(self, kid: str) -> PyJWK | None:
        """What `kit.auth.TokenVerifier` asks a JWKS cache for: identity verifies its own tokens locally."""
        await self._fresh()
        if kid not in self._published:
            await self._load()
        jwk = self._published.get(kid)
        return PyJWK(jwk) if jwk else None
