"""Signed events: who stated a fact, and that nobody changed it since.

Every event is signed by its producer (a service or an integrator) with an Ed25519 key of its
own. The signature covers the CloudEvent as it travels, in its RFC 8785 canonical JSON form
(JCS), without the ``signature`` attribute itself; it travels as two CloudEvents extension
attributes:

- ``signaturekid``: the id of the producer's key (signed, so a key cannot be swapped);
- ``signature``: the Ed25519 signature, base64url without padding.

A producer that publishes many events at once may sign them as one batch, as X-Road's security
servers do with their batch signatures: each event's leaf is ``SHA-256(0x00 ‖ JCS(event))`` (the
event without ``signature`` and ``signatureproof``), the batch's leaves make a Merkle tree of RFC
9162's shape (``contracts.merkle``), and one Ed25519 signature covers ``BATCH_DOMAIN ‖ size ‖ root``.
Each event of the batch carries that signature and a third attribute:

- ``signatureproof``: ``<index>.<size>.<path>``, the event's place in the batch and its audit path
  (the sibling hashes, leaf to root, concatenated, base64url without padding).

A verifier walks the path from the event's leaf to the root and checks the signature over the root
(once per batch: a root already verified under that key is not verified again). A changed byte of
the event, of its place or of its path leads to another root, which the signature does not cover.
The services' outbox relays sign so, a batch of up to ``BATCH_SIZE`` events at a time.

Public keys are JWKs (RFC 8037: ``kty`` OKP, ``crv`` Ed25519) with three members of the
platform's own: ``producer`` (the CloudEvent ``source`` the key may sign for), ``types`` (the
event types that producer may publish, as NATS subject patterns: ``*`` one token, ``>`` the rest) and
``revoked`` (a revoked key verifies nothing). A ``KeyRing`` holds the keys a verifier trusts.

Install with ``pip install shubbak-contracts[verify]``; nothing else in ``contracts`` needs
these libraries.
"""

import base64
import binascii
import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import rfc8785
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat
from nacl.exceptions import BadSignatureError
from nacl.signing import VerifyKey

from contracts import merkle
from contracts.streams import matches_any

SIGNATURE = "signature"
"""The extension attribute carrying the signature (base64url, no padding)."""
KEY_ID = "signaturekid"
"""The extension attribute naming the key that made it."""
PROOF = "signatureproof"
"""The extension attribute of an event signed in a batch: its place and audit path in the batch."""
BATCH_DOMAIN = b"shubbak-event-batch/1\n"
"""What a batch signature covers begins so (then the batch's size and Merkle root): never as an
event's JCS form begins (``{``), so a batch signature is never taken for a lone event's or back."""
BATCH_SIZE = 64
"""The most events one batch signature covers (a proof of 6 hashes, 256 characters)."""
_MAX_PROOF_HASHES = 32

# Why an event is refused; each is also the dead letter's reason and a metric label.
UNSIGNED = "unsigned"
BAD_SIGNATURE = "bad-signature"
UNKNOWN_KEY = "unknown-key"
REVOKED_KEY = "revoked-key"
WRONG_PRODUCER = "wrong-producer"
TYPE_NOT_ALLOWED = "type-not-allowed"
REPLAYED = "replayed"
REASONS = (UNSIGNED, BAD_SIGNATURE, UNKNOWN_KEY, REVOKED_KEY, WRONG_PRODUCER, TYPE_NOT_ALLOWED, REPLAYED)


class SignatureRejected(Exception):
    """An event that must not be acted on; ``reason`` is one of ``REASONS``."""

    def __init__(self, reason: str, detail: str) -> None:
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@functools.lru_cache(maxsize=4096)
def _verify_key(x: str) -> VerifyKey:
    """Read once per key, not once per event verified (consumers verify every event). Verified by
    libsodium (PyNaCl): a third less time per signature than OpenSSL's Ed25519 on this path, and
    stricter (it also refuses small-order keys and non-canonical points, which no honest key makes)."""
    return VerifyKey(_unb64(x))


_SAFE_INTEGER = 2**53 - 1


def _plain(value: Any) -> bool:
    """Whether ``json.dumps`` (sorted keys, compact, UTF-8) writes ``value`` exactly as RFC 8785
    does: no floats (JCS writes numbers as ECMAScript does), integers JSON numbers hold exactly,
    ASCII keys (JCS sorts by UTF-16 code units). The strings' escapes are the same in both."""
    stack = [value]
    while stack:
        item = stack.pop()
        kind = type(item)
        if kind is str or kind is bool or item is None:
            continue
        if kind is dict:
            if not all(type(key) is str and key.isascii() for key in item):
                return False
            stack.extend(item.values())
        elif kind is list:
            stack.extend(item)
        elif kind is not int or abs(item) > _SAFE_INTEGER:
            return False
    return True


def jcs(value: Any) -> bytes:
    """RFC 8785 canonical JSON, byte for byte as ``rfc8785.dumps`` writes it: what events hold
    (strings, safe integers, booleans, ASCII keys) by the standard library's encoder, several
    times faster on every event's path; anything else by ``rfc8785``."""
    if _plain(value):
        try:
            return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()
        except UnicodeEncodeError:  # a lone surrogate: rfc8785 judges it
            pass
    return rfc8785.dumps(value)


def canonical_bytes(event: Mapping[str, Any]) -> bytes:
    """The bytes a signature covers: the CloudEvent in RFC 8785 canonical JSON, without
    ``signature`` (nor ``signatureproof``). ``event`` is the JSON object as it travels (parsed,
    not re-serialised)."""
    return jcs(_unsigned(event))


def _unsigned(event: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``event`` without what a signature adds after it covers the rest."""
    return {name: value for name, value in event.items() if name != SIGNATURE and name != PROOF}


def _leaf_digest(leaf: bytes) -> str:
    return "sha256:" + _b64(leaf)


def event_leaf(event: Mapping[str, Any]) -> bytes:
    """The event's leaf in a batch's Merkle tree: ``SHA-256(0x00 ‖ canonical_bytes(event))``."""
    return merkle.leaf(canonical_bytes(event))


def format_proof(index: int, size: int, path: Iterable[bytes]) -> str:
    """``signatureproof``'s value: ``<index>.<size>.<the path's hashes, base64url>``."""
    return f"{index}.{size}.{_b64(b''.join(path))}"


def parse_proof(text: object) -> tuple[int, int, list[bytes]]:
    """``(index, size, path)`` of a ``signatureproof``; ``ValueError`` if it is not one."""
    if not isinstance(text, str) or len(text) > 4 + 20 + _MAX_PROOF_HASHES * 43:
        raise ValueError("not a signature proof")
    index, size, path = text.split(".") if text.count(".") == 2 else ("", "", "")
    if not (index.isdigit() and size.isdigit() and index.isascii() and size.isascii()):
        raise ValueError("a signature proof is <index>.<size>.<path>")
    raw = _strict_unb64(path)
    if len(raw) % 32:
        raise ValueError("a signature proof's path is whole SHA-256 hashes")
    return int(index), int(size), [raw[at : at + 32] for at in range(0, len(raw), 32)]


def _strict_unb64(text: str) -> bytes:
    """base64url without padding, refused unless it is exactly what ``_b64`` writes."""
    try:
        raw = _unb64(text)
    except (ValueError, binascii.Error) as exc:
        raise ValueError("not base64url") from exc
    if _b64(raw) != text:
        raise ValueError("not base64url as written (no padding, no other alphabet)")
    return raw


def batch_message(size: int, root: bytes) -> bytes:
    """What a batch signature covers: the domain, the batch's size and its root (an audit path
    can fit trees of several sizes; signed, the size a proof names is the batch's own)."""
    return BATCH_DOMAIN + f"{size}\n".encode() + root


def content_digest(event: Mapping[str, Any]) -> str | None:
    """What tells one signed event's content from another's with the same id: a lone event's
    signature (Ed25519 is deterministic: the same event signed again gives the same one), an event
    signed in a batch its leaf (signed again in another batch, its signature and proof differ);
    None for an unsigned event. No signature is checked."""
    signature = event.get(SIGNATURE)
    if not isinstance(signature, str):
        return None
    if PROOF not in event:
        return signature
    return _leaf_digest(event_leaf(event))


@dataclass(frozen=True)
class SigningKey:
    """A producer's private key with its id; the platform never holds a ministry's."""

    kid: str
    producer: str
    private_key: Ed25519PrivateKey
    types: tuple[str, ...] = (">",)

    @classmethod
    def generate(cls, kid: str, producer: str, types: Iterable[str] = (">",)) -> "SigningKey":
        return cls(kid, producer, Ed25519PrivateKey.generate(), tuple(types))

    @classmethod
    def from_seed(cls, kid: str, producer: str, seed: bytes, types: Iterable[str] = (">",)) -> "SigningKey":
        """A key from its 32-byte seed (how settings carry it, base64url)."""
        return cls(kid, producer, Ed25519PrivateKey.from_private_bytes(seed), tuple(types))

    def seed(self) -> bytes:
        return self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())

    def public(self) -> "PublicKey":
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return PublicKey(kid=self.kid, producer=self.producer, x=_b64(raw), types=self.types)

    def sign(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """A copy of ``event`` carrying this key's id and its signature."""
        signed = _unsigned(event)
        signed[KEY_ID] = self.kid
        signed[SIGNATURE] = _b64(self.private_key.sign(canonical_bytes(signed)))
        return signed

    def sign_batch(self, events: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
        """Copies of ``events`` signed as one batch: each carries this key's id, its proof and the
        one signature over the batch's Merkle root. Sign at most ``BATCH_SIZE`` at a time."""
        signed = [{**_unsigned(event), KEY_ID: self.kid} for event in events]
        tree = merkle.MerkleTree([event_leaf(event) for event in signed])
        signature = _b64(self.private_key.sign(batch_message(len(signed), tree.root())))
        for index, event in enumerate(signed):
            event[PROOF] = format_proof(index, len(signed), tree.proof(index))
            event[SIGNATURE] = signature
        return signed


@dataclass(frozen=True)
class PublicKey:
    """A producer's public key as a JWK with the platform's members."""

    kid: str
    producer: str
    x: str
    types: tuple[str, ...] = (">",)
    revoked: bool = False

    def allows(self, event_type: str) -> bool:
        """Whether this key's producer may publish ``event_type``."""
        return matches_any(self.types, event_type)

    def jwk(self) -> dict[str, Any]:
        return {
            "kty": "OKP",
            "crv": "Ed25519",
            "alg": "EdDSA",
            "use": "sig",
            "kid": self.kid,
            "x": self.x,
            "producer": self.producer,
            "types": list(self.types),
            "revoked": self.revoked,
        }

    @classmethod
    def from_jwk(cls, jwk: Mapping[str, Any]) -> "PublicKey":
        """Read one JWK; ``ValueError`` if it is not an Ed25519 signing key with its producer."""
        if jwk.get("kty") != "OKP" or jwk.get("crv") != "Ed25519":
            raise ValueError("an event key is an Ed25519 JWK (kty OKP, crv Ed25519)")
        kid, producer, x = jwk.get("kid"), jwk.get("producer"), jwk.get("x")
        if not isinstance(kid, str) or not kid or not isinstance(producer, str) or not producer:
            raise ValueError("an event key names its kid and its producer")
        if not isinstance(x, str) or len(_unb64(x)) != 32:
            raise ValueError("an Ed25519 public key is 32 bytes, base64url")
        types = jwk.get("types", [">"])
        if not isinstance(types, list) or not all(isinstance(item, str) for item in types):
            raise ValueError("types is a list of event type patterns")
        return cls(kid=kid, producer=producer, x=x, types=tuple(types), revoked=bool(jwk.get("revoked", False)))

    def verify(self, signature: bytes, message: bytes) -> None:
        """``InvalidSignature`` unless ``signature`` is this key's over ``message``."""
        try:
            _verify_key(self.x).verify(message, signature)
        except (BadSignatureError, ValueError) as exc:  # ValueError: not 64 bytes
            raise InvalidSignature(str(exc)) from exc


_REMEMBERED_ROOTS = 4096
"""Verified batch roots a ring keeps (then it forgets them all and starts again)."""


@dataclass(frozen=True)
class Verified:
    """An event whose signature verified: the key that made it, and the digest of its content
    (``content_digest``)."""

    key: PublicKey
    digest: str


@dataclass
class KeyRing:
    """The public keys a verifier trusts, by key id (several per producer while keys rotate)."""

    keys: dict[str, PublicKey] = field(default_factory=dict)
    _roots: dict[tuple[str, int, bytes, str], None] = field(default_factory=dict, repr=False, compare=False)
    """Batch roots whose signature verified: (the key's x, the batch's size, the root, the signature)."""

    @classmethod
    def from_jwks(cls, jwks: Mapping[str, Any]) -> "KeyRing":
        ring = cls()
        for jwk in jwks.get("keys", []):
            ring.add(PublicKey.from_jwk(jwk))
        return ring

    def add(self, key: PublicKey) -> None:
        self.keys[key.kid] = key

    def jwks(self) -> dict[str, Any]:
        return {"keys": [key.jwk() for key in self.keys.values()]}

    def verify(self, event: Mapping[str, Any]) -> PublicKey:
        """The key that signed ``event``, or ``SignatureRejected`` with the reason (``check``)."""
        return self.check(event).key

    def check(self, event: Mapping[str, Any]) -> "Verified":
        """The key that signed ``event`` and the digest of what it signed, or ``SignatureRejected``
        with the reason.

        Checks, in order: signed at all, a known key, not revoked, the key's producer is the
        event's ``source``, the signature over the canonical event (or, for an event signed in a
        batch, over the root its proof leads to), the producer's right to the type. Replays are the
        consumer's to judge (it knows which ids it has seen)."""
        signature, kid = event.get(SIGNATURE), event.get(KEY_ID)
        if not isinstance(signature, str) or not isinstance(kid, str):
            raise SignatureRejected(UNSIGNED, "the event carries no signature and key id")
        key = self.keys.get(kid)
        if key is None:
            raise SignatureRejected(UNKNOWN_KEY, f"no trusted key {kid!r}")
        if key.revoked:
            raise SignatureRejected(REVOKED_KEY, f"key {kid!r} is revoked")
        if event.get("source") != key.producer:
            raise SignatureRejected(
                WRONG_PRODUCER, f"key {kid!r} signs for {key.producer!r}, not {event.get('source')!r}"
            )
        try:
            if PROOF not in event:
                key.verify(_unb64(signature), canonical_bytes(event))
                digest = signature
            else:  # a proof that is not one (null, a number, ...) is refused, never skipped
                leaf = event_leaf(event)
                digest = _leaf_digest(leaf)
                self._verify_batch(key, signature, leaf, event[PROOF])
        except (InvalidSignature, ValueError) as exc:
            raise SignatureRejected(BAD_SIGNATURE, "the signature does not match the event") from exc
        event_type = event.get("type")
        if not isinstance(event_type, str) or not key.allows(event_type):
            raise SignatureRejected(TYPE_NOT_ALLOWED, f"{key.producer!r} may not publish {event_type!r}")
        return Verified(key, digest)

    def _verify_batch(self, key: PublicKey, signature: str, leaf: bytes, proof: object) -> None:
        """``InvalidSignature`` (or ``ValueError``) unless ``proof`` leads ``leaf`` to a root that
        ``signature`` signs under ``key``. A root verified once is remembered (the other events
        of its batch only walk their paths)."""
        index, size, path = parse_proof(proof)
        root = merkle.root_from_proof(leaf, index, size, path)
        if root is None:
            raise InvalidSignature("the proof leads to no root")
        seen = (key.x, size, root, signature)
        if seen in self._roots:
            return
        key.verify(_unb64(signature), batch_message(size, root))
        if len(self._roots) >= _REMEMBERED_ROOTS:
            self._roots.clear()
        self._roots[seen] = None
