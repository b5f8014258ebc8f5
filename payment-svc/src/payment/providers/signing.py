"""Signed provider notifications: HMAC-SHA256 over `<timestamp>.<body>`, with a replay window.

The header reads `Shubbak-Signature: t=<unix seconds>,v1=<hex digest>` (several `v1=` are
allowed while a provider rotates its secret). The digest is compared in constant time.
"""

from __future__ import annotations

import hashlib
import hmac

HEADER = "Shubbak-Signature"


def sign(secret: bytes, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def check(secret: bytes, body: bytes, header: str | None, *, now: float, window_seconds: int) -> str | None:
    """None if the signature is good and fresh; otherwise why not (`unsigned`, `stale`, `bad_signature`)."""
    if not header:
        return "unsigned"
    timestamp: int | None = None
    digests: list[str] = []
    for part in header.split(",")[:10]:
        key, _, value = part.strip().partition("=")
        if key == "t" and value.isdigit() and len(value) <= 12:
            timestamp = int(value)
        elif key == "v1":
            digests.append(value)
    if timestamp is None or not digests:
        return "unsigned"
    if abs(now - timestamp) > window_seconds:
        return "stale"
    expected = sign(secret, body, timestamp).rsplit("v1=", 1)[1]
    good = False
    for digest in digests:
        good |= hmac.compare_digest(expected.encode(), digest.encode())
    return None if good else "bad_signature"
