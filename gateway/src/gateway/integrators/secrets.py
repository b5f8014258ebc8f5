"""Client secrets: shown once, stored as scrypt hashes, compared in constant time."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets

N, R, P = 2**14, 8, 1  # ~16 MiB and ~50 ms per check on this kind of machine
SALT_BYTES, HASH_BYTES = 16, 32
_DUMMY = "scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="


def new_secret() -> str:
    return secrets.token_urlsafe(32)


def hash_secret(secret: str) -> str:
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(secret.encode(), salt=salt, n=N, r=R, p=P, dklen=HASH_BYTES)
    return f"scrypt${N}${R}${P}${_b64(salt)}${_b64(digest)}"


def check_secret(secret: str, stored: str | None) -> bool:
    """True if `secret` matches; with no stored hash, a dummy check keeps the timing the same."""
    try:
        _, n, r, p, salt, digest = (stored or _DUMMY).split("$")
        expected = base64.b64decode(digest)
        got = hashlib.scrypt(
            secret.encode(), salt=base64.b64decode(salt), n=int(n), r=int(r), p=int(p), dklen=len(expected)
        )
    except (ValueError, TypeError):
        return False
    return stored is not None and hmac.compare_digest(got, expected)


async def check_secret_async(secret: str, stored: str | None) -> bool:
    return await asyncio.to_thread(check_secret, secret, stored)


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()
