"""Secrets a service must use again, sealed at rest: signing keys, webhook signing secrets.

A hash cannot be used to sign, so such secrets are stored encrypted (AES-256-GCM) under a key
derived from a deployment secret that lives outside the database (a Kubernetes Secret; in
production the development default is refused). Each value is bound to its `context` (e.g. the
key id or the subscription id) as associated data, so a sealed value copied onto another row
does not open. A database dump alone reveals none of them.
"""

from __future__ import annotations

import base64
import hashlib
import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

TEXT_PREFIX = "sealed:v1:"
NONCE_BYTES = 12


class SealError(ValueError):
    """The value was not sealed with this secret for this context, or was altered."""


class Sealer:
    def __init__(self, secret: str) -> None:
        if not secret:
            raise ValueError("a sealing secret is required")
        self._aead = AESGCM(hashlib.sha256(secret.encode()).digest())

    def seal(self, data: bytes, *, context: str) -> bytes:
        nonce = os.urandom(NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data, context.encode())

    def open(self, sealed: bytes, *, context: str) -> bytes:
        try:
            return self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], context.encode())
        except (InvalidTag, ValueError) as exc:
            raise SealError(f"cannot open the value sealed for {context!r}") from exc

    def seal_text(self, text: str, *, context: str) -> str:
        """For a text column: `sealed:v1:<base64>`."""
        return TEXT_PREFIX + base64.b64encode(self.seal(text.encode(), context=context)).decode()

    def open_text(self, stored: str, *, context: str) -> str:
        if not stored.startswith(TEXT_PREFIX):
            raise SealError(f"the value for {context!r} is not sealed")
        try:
            raw = base64.b64decode(stored.removeprefix(TEXT_PREFIX), validate=True)
        except ValueError as exc:
            raise SealError(f"the value for {context!r} is not sealed") from exc
        return self.open(raw, context=context).decode()
