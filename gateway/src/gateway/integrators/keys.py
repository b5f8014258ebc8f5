"""The gateway's integrator-token signing keys (Ed25519, in its database) and their JWKS.

Tokens carry `kid` = `int-<hex>`, so the edge tells integrator tokens from identity's without
trying both. Keys are cached in memory: verifying an integrator token touches the database
only for an unknown `kid`, at most once per `MIN_REFRESH_SECONDS`.
"""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from datetime import datetime, timedelta

import jwt
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat
from jwt import PyJWK
from jwt.algorithms import OKPAlgorithm
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from gateway.integrators.models import SigningKey
from kit.auth import Caller, JWKSCache, TokenVerifier
from kit.clock import Clock
from kit.db import transaction
from kit.errors import ProblemError
from kit.sealing import Sealer

KID_PREFIX = "int-"
RAW_KEY_BYTES = 32
MIN_REFRESH_SECONDS = 10.0
_LOCK_ID = 0x5348_4B47  # advisory lock: one replica creates the first key


class IntegratorKeys(JWKSCache):
    """A JWKS cache over the gateway's own table (duck-types kit's JWKSCache for TokenVerifier)."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], sealer: Sealer, clock: Clock) -> None:
        self.sessions = sessions
        self.sealer = sealer
        self.clock = clock
        self._private: dict[str, Ed25519PrivateKey] = {}
        self._public: dict[str, PyJWK] = {}
        self._signing: str | None = None
        self._loaded_at = -MIN_REFRESH_SECONDS
        self._lock = asyncio.Lock()

    async def key(self, kid: str) -> PyJWK | None:
        if kid not in self._public and time.monotonic() - self._loaded_at >= MIN_REFRESH_SECONDS:
            async with self._lock:
                if kid not in self._public:
                    await self._load()
        return self._public.get(kid)

    async def _load(self) -> None:
        async with self.sessions() as session:
            rows = (await session.scalars(select(SigningKey).order_by(SigningKey.created_at))).all()
        self._private = {row.kid: _private_key(row, self.sealer) for row in rows}
        self._public = {kid: PyJWK(_public_jwk(kid, key)) for kid, key in self._private.items()}
        active = [row.kid for row in rows if row.retired_at is None]
        self._signing = active[-1] if active else None
        self._loaded_at = time.monotonic()

    async def signing_key(self) -> tuple[str, Ed25519PrivateKey]:
        if self._signing is None:
            async with self._lock:
                await self._load()
                if self._signing is None:
                    await self._create()
                    await self._load()
        assert self._signing is not None
        return self._signing, self._private[self._signing]

    async def _create(self) -> None:
        async with transaction(self.sessions) as session:
            await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _LOCK_ID})
            exists = await session.scalar(select(SigningKey.kid).where(SigningKey.retired_at.is_(None)).limit(1))
            if exists is None:
                await add_key(session, self.sealer, now=self.clock.now())

    async def jwks(self) -> dict[str, list[dict[str, str]]]:
        await self._load()
        return {"keys": [_public_jwk(kid, key) for kid, key in self._private.items()]}


async def add_key(session: AsyncSession, sealer: Sealer, *, now: datetime) -> str:
    """A new signing key (rotation: add one, retire the old one once its tokens have expired),
    stored sealed (`kit.sealing`, bound to its kid)."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    kid = KID_PREFIX + secrets.token_hex(8)
    sealed = sealer.seal(raw, context=kid)
    session.add(SigningKey(kid=kid, private_key=sealed, created_at=now, retired_at=None))
    await session.flush()
    return kid


def _private_key(row: SigningKey, sealer: Sealer) -> Ed25519PrivateKey:
    if len(row.private_key) == RAW_KEY_BYTES:  # stored before keys were sealed: rotate it out
        return Ed25519PrivateKey.from_private_bytes(row.private_key)
    return Ed25519PrivateKey.from_private_bytes(sealer.open(row.private_key, context=row.kid))


def _public_jwk(kid: str, key: Ed25519PrivateKey) -> dict[str, str]:
    return {**json.loads(OKPAlgorithm.to_jwk(key.public_key())), "kid": kid, "alg": "EdDSA", "use": "sig"}


async def mint(
    keys: IntegratorKeys,
    *,
    subject: str,
    scopes: list[str],
    issuer: str,
    audience: str,
    seconds: int,
    now: datetime,
) -> str:
    kid, key = await keys.signing_key()
    claims = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "typ": "integrator",
        "scope": " ".join(scopes),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=seconds)).timestamp()),
        "jti": str(uuid.uuid4()),
    }
    return jwt.encode(claims, key, algorithm="EdDSA", headers={"kid": kid, "typ": "JWT"})


class EdgeVerifier:
    """Identity's tokens (citizens, staff) and the gateway's own integrator tokens, told apart by `kid`.
    Each verifier admits only the kinds its issuer issues (kit.auth.ISSUES)."""

    def __init__(self, identity: TokenVerifier | None, integrators: TokenVerifier) -> None:
        self.identity = identity
        self.integrators = integrators

    async def verify(self, token: str) -> Caller:
        try:
            kid = jwt.get_unverified_header(token).get("kid")
        except jwt.PyJWTError:
            kid = None
        if isinstance(kid, str) and kid.startswith(KID_PREFIX):
            return await self.integrators.verify(token)  # kit.auth: it passes only as an integrator
        if self.identity is None:  # no JWKS configured: fail closed
            raise ProblemError("service_unavailable", status=503, headers={"Retry-After": "5"})
        return await self.identity.verify(token)
