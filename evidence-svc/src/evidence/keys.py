"""The archive's timestamping keys: Ed25519, its own, signing seals and exports only (a
timestamping key's `types` is empty, so no verifier accepts an event signed with it)."""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass
from typing import Any

from contracts.signing import PublicKey, SigningKey
from kit.settings import DEV_SECRET_PREFIX

PRODUCER = "evidence-svc"


@dataclass(frozen=True)
class TimestampingKeys:
    """The key that seals now, and every key still published."""

    active: SigningKey
    published: tuple[PublicKey, ...]

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.published]}


def load(secret: str) -> TimestampingKeys:
    """Keys from the setting: the development default derives a stable key from itself."""
    if secret.startswith(DEV_SECRET_PREFIX):
        seed = hashlib.sha256(b"shubbak-timestamping:" + secret.encode()).digest()
        keys = [SigningKey.from_seed("evidence-ts-dev", PRODUCER, seed, ())]
    else:
        entries = json.loads(secret)
        if not isinstance(entries, list) or not entries:
            raise ValueError("timestamping_keys is a non-empty JSON list of {kid, seed}")
        keys = [SigningKey.from_seed(e["kid"], PRODUCER, _unb64(e["seed"]), ()) for e in entries]
    return TimestampingKeys(active=keys[0], published=tuple(key.public() for key in keys))


def _unb64(text: str) -> bytes:
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(raw) != 32:
        raise ValueError("a timestamping key's seed is 32 bytes, base64url")
    return raw
