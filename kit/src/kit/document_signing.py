"""Ed25519 detached signatures over a document's canonical content (notary's documents and
applications-svc's, each with its own key).

Canonical content: the content object as JSON with keys sorted, no insignificant whitespace,
non-ASCII characters kept as UTF-8 (not `\\u`-escaped), encoded as UTF-8. Anyone holding the
printed canonical content, the signature and the published key can check it offline:

    Ed25519PublicKey.from_public_bytes(b64url(x)).verify(b64url(signature), canonical_bytes)
"""

from __future__ import annotations

import base64
import hashlib
import json
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kit.settings import DEV_SECRET_PREFIX


def canonical(content: dict[str, Any]) -> bytes:
    return json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


class DocumentSigner:
    def __init__(self, secret: str) -> None:
        if secret.startswith(DEV_SECRET_PREFIX):
            seed = hashlib.sha256(secret.encode()).digest()  # development: a fixed, well-known key
        else:
            seed = unb64url(secret.strip())
            if len(seed) != 32:
                raise ValueError("document_signing_key must be 32 bytes, base64url")
        self._key = Ed25519PrivateKey.from_private_bytes(seed)
        self.public_bytes = self._key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self.key_id = "doc-" + hashlib.sha256(self.public_bytes).hexdigest()[:16]

    def sign(self, data: bytes) -> str:
        return b64url(self._key.sign(data))

    def jwk(self) -> dict[str, str]:
        return {"kty": "OKP", "crv": "Ed25519", "x": b64url(self.public_bytes), "kid": self.key_id,
                "alg": "EdDSA", "use": "sig"}  # fmt: skip


def verify(public_x: str, signature: str, data: bytes) -> bool:
    """The offline check a bank or court runs (also used by the tests)."""
    try:
        Ed25519PublicKey.from_public_bytes(unb64url(public_x)).verify(unb64url(signature), data)
    except (InvalidSignature, ValueError):
        return False
    return True
