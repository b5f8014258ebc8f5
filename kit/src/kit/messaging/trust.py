"""Signed events in a service: the keys it signs with, and the producers' keys it trusts.

Every event a service publishes is signed with the service's own Ed25519 key (`contracts.signing`:
the RFC 8785 canonical CloudEvent, carried as `signaturekid` and `signature`), by its outbox relay,
as X-Road signs messages: a batch at a time (up to `contracts.signing.BATCH_SIZE` events), one
signature over the Merkle root of the batch's events, each event carrying its proof
(`signatureproof`). `record` prepares each event in the transaction that states the fact: it works
out the event's leaf (the hash the batch signature will cover) and keeps it in the outbox row, so
the relay signs without reading the events again. The service serves the public halves of its
keys at `/.well-known/event-keys.json`. Its consumers verify every event before any handler runs, against
a `TrustList`: the JWKS of every producer (each service's event keys and the gateway's
integrators' keys), cached and fetched again when an event names a key id not seen yet (so a
rotated key is trusted with no restart), and at least every `max_age` seconds (so a revocation
takes effect). A producer's rights come from contracts (`contracts.audience.produced_by`),
whatever its JWKS says.

Outside production, with no keys configured, a service signs with a development key derived
from a published secret and its name; services then also trust every producer's development
key, so a test can publish "another producer's" event (`kit.testing.signed`). Production
refuses both (`kit.settings`).
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import logging
import os
import time
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import httpx

from contracts import merkle
from contracts.audience import may_publish, produced_by
from contracts.signing import (
    BATCH_SIZE,
    KEY_ID,
    PROOF,
    SIGNATURE,
    TYPE_NOT_ALLOWED,
    KeyRing,
    PublicKey,
    SignatureRejected,
    SigningKey,
    Verified,
    batch_message,
    event_leaf,
    format_proof,
)
from kit.settings import ServiceSettings

log = logging.getLogger("kit.trust")

DEVELOPMENT_SECRET = b"shubbak-development-event-keys"
"""Published on purpose: development keys sign nothing a production service trusts."""
DEVELOPMENT_KID_PREFIX = "dev-"
KEYS_PATH = "/.well-known/event-keys.json"
"""Where every service serves the public halves of its event signing keys."""
LEAF_HEADER = "Shubbak-Event-Leaf"
"""An outbox row's header the relay reads and never publishes: `<kid> <leaf, hex>`, the leaf of the
event as `record` prepared it for that key (`EventSigner.leaf`)."""


T = TypeVar("T")
R = TypeVar("R")

PARALLEL_FROM = 32
"""Batches smaller than this are signed or verified inline: a thread hop costs more than it saves."""
CRYPTO_THREADS = max(2, min(4, os.cpu_count() or 1))
_crypto: ThreadPoolExecutor | None = None


def _crypto_threads() -> ThreadPoolExecutor:
    """The process's threads for signatures (created on first use): pyca/cryptography releases
    the GIL while it signs or verifies, so a batch's Ed25519 work runs on every core."""
    global _crypto
    if _crypto is None:
        _crypto = ThreadPoolExecutor(max_workers=CRYPTO_THREADS, thread_name_prefix="shubbak-crypto")
    return _crypto


def _each(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    return [work(item) for item in items]


async def in_parallel(work: Callable[[T], R], items: Sequence[T]) -> list[R]:
    """`[work(item) for item in items]`, in order; a large batch split over the crypto threads."""
    if len(items) < PARALLEL_FROM:
        return _each(work, items)
    loop = asyncio.get_running_loop()
    size = -(-len(items) // CRYPTO_THREADS)
    parts = [items[at : at + size] for at in range(0, len(items), size)]
    others = [loop.run_in_executor(_crypto_threads(), _each, work, part) for part in parts[1:]]
    first = _each(work, parts[0])  # this thread takes its share while the others take theirs
    return [*first, *(result for part in await asyncio.gather(*others) for result in part)]


def development_key(producer: str) -> SigningKey:
    """The development signing key of `producer` (a service or a test's "integrator")."""
    seed = hashlib.sha256(DEVELOPMENT_SECRET + b"\0" + producer.encode()).digest()
    return SigningKey.from_seed(f"{DEVELOPMENT_KID_PREFIX}{producer}", producer, seed, produced_by(producer))


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(raw: bytes) -> bytes:
    return base64.urlsafe_b64encode(raw).rstrip(b"=")


def signing_keys(settings: ServiceSettings) -> list[SigningKey]:
    """The service's signing keys, the one that signs first (its development key when none is set)."""
    source, types = settings.service_name, produced_by(settings.service_name)
    if not settings.event_signing_keys:
        return [development_key(source)]
    return [
        SigningKey.from_seed(key.kid, source, _unb64(key.seed.get_secret_value()), types)
        for key in settings.event_signing_keys
    ]


class EventSigner:
    """Signs the events a service publishes, as its relay publishes them: a batch at a time, each
    batch under one signature over its Merkle root (`contracts.signing`)."""

    def __init__(self, keys: Sequence[SigningKey]) -> None:
        if not keys:
            raise ValueError("a signer needs a key")
        self.key = keys[0]
        self.source = self.key.producer
        self.ring = KeyRing()
        for key in keys:
            self.ring.add(key.public())
        self._jwks = self.ring.jwks()
        self._tail = f',"{KEY_ID}":{json.dumps(self.key.kid)},"{SIGNATURE}":"'.encode()
        self._kid_members = tuple(f',"{KEY_ID}":{json.dumps(kid)}'.encode() for kid in self.ring.keys)

    def jwks(self) -> dict[str, Any]:
        return self._jwks

    def signed_here(self, payload: bytes) -> bool:
        """Whether `payload` is signed, as this signer writes it, by one of this service's
        published keys (told from its last bytes, no JSON parsed)."""
        end = len(payload) - _TAIL
        return signed_last(payload) and any(payload.endswith(kid, 0, end) for kid in self._kid_members)

    def leaf(self, payload: bytes) -> str | None:
        """For `record`: `LEAF_HEADER`'s value for this service's own event, not signed yet (its
        leaf with the current key's id in it); None for any other payload (the relay judges it)."""
        event = json.loads(payload)
        if event.get("source") != self.source or any(name in event for name in _SIGNING_ATTRIBUTES):
            return None
        event[KEY_ID] = self.key.kid
        return f"{self.key.kid} {event_leaf(event).hex()}"

    def signed_batches(self, payloads: Sequence[bytes], leaves: Sequence[str | None]) -> Iterator[list[bytes]]:
        """The outbox payloads as they are published, in order, `BATCH_SIZE` at a time: the service's
        own events of each batch signed together (with the leaves `record` prepared, `leaves[n]`
        for `payloads[n]`, else read here: rows set-based SQL wrote). Unchanged: another
        producer's event (an integrator's the gateway relays keeps its signature), and one signed
        already by a key the service still publishes. One signed by a key retired since (an
        outbox backlog across a rotation) is signed again with the current key."""
        for at in range(0, len(payloads), BATCH_SIZE):
            yield self._signed_batch(payloads[at : at + BATCH_SIZE], leaves[at : at + BATCH_SIZE])

    def _signed_batch(self, payloads: Sequence[bytes], leaves: Sequence[str | None]) -> list[bytes]:
        published = list(payloads)
        to_sign = [(n, *prepared) for n, p in enumerate(payloads) if (prepared := self._prepared(p, leaves[n]))]
        if not to_sign:
            return published
        tree = merkle.MerkleTree([leaf for _, _, leaf in to_sign])
        size = len(to_sign)
        tail = b"".join((b'"', self._tail, _b64(self.key.private_key.sign(batch_message(size, tree.root()))), b'"}'))
        for index, (n, payload, _) in enumerate(to_sign):
            # the payload is one compact JSON object: append the attributes, do not re-serialise
            proof = format_proof(index, size, tree.proof(index)).encode()
            published[n] = b"".join((payload.rstrip()[:-1], _PROOF_MEMBER, proof, tail))
        return published

    def _prepared(self, payload: bytes, leaf: str | None) -> tuple[bytes, bytes] | None:
        """The payload to sign (without signature attributes) and its leaf; None to publish it as
        it is."""
        if leaf is not None:
            kid, _, value = leaf.partition(" ")
            if kid == self.key.kid:
                return payload, bytes.fromhex(value)
        if self.signed_here(payload):
            return None
        event = json.loads(payload)
        if event.get("source") != self.source:
            return None
        if SIGNATURE in event and event.get(KEY_ID) in self.ring.keys:
            return None
        if any(name in event for name in _SIGNING_ATTRIBUTES):
            for name in _SIGNING_ATTRIBUTES:
                event.pop(name, None)
            payload = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        event[KEY_ID] = self.key.kid
        return payload, event_leaf(event)


_SIGNATURE_MEMBER = f',"{SIGNATURE}":"'.encode()
_PROOF_MEMBER = f',"{PROOF}":"'.encode()
_SIGNING_ATTRIBUTES = (SIGNATURE, KEY_ID, PROOF)
_SIGNATURE_LENGTH = 86
"""An Ed25519 signature (64 bytes) in base64url without padding."""
_TAIL = len(_SIGNATURE_MEMBER) + _SIGNATURE_LENGTH + 2


def signed_last(payload: bytes) -> bool:
    """Whether `payload` ends with a `signature` member as `EventSigner` appends it: then it
    is signed already (no JSON is parsed to tell). Only a member of the outermost object can end
    the text so (`,"` inside a string would be `,\\"`), so this never mistakes an unsigned event
    for a signed one; anything else is judged by parsing, as before."""
    return (
        len(payload) > _TAIL
        and payload.endswith(b'"}')
        and payload[-_TAIL : -_TAIL + len(_SIGNATURE_MEMBER)] == _SIGNATURE_MEMBER
        and b'"' not in payload[-_SIGNATURE_LENGTH - 2 : -2]
        and b"\\" not in payload[-_SIGNATURE_LENGTH - 2 : -2]
    )


class KeysUnavailable(Exception):
    """A producer's keys could not be fetched: judge the event later, never dead-letter it now."""


LOCAL = "(this process)"
"""The name of `TrustList.local` among the sources of keys (in logs and `KeysUnavailable`)."""


class TrustList:
    """The producers' public keys a consumer trusts: every JWKS in `urls` merged, cached."""

    def __init__(
        self,
        urls: Sequence[str],
        http: httpx.AsyncClient | None,
        *,
        development: bool = False,
        refresh_seconds: float = 1.0,
        max_age_seconds: float = 300.0,
        timeout_seconds: float = 3.0,
        extra: Sequence[PublicKey] = (),
    ) -> None:
        self.urls = list(urls)
        self.http = http
        self.development = development
        self.refresh_seconds = refresh_seconds
        self.max_age_seconds = max_age_seconds
        self.timeout = timeout_seconds
        self.extra = list(extra)
        self.local: Callable[[], Awaitable[Sequence[PublicKey]]] | None = None
        """Keys a producer registry holds in this very process (the gateway: its integrators'
        keys, read from its own database), read with every refresh like a JWKS."""
        self.ring = KeyRing()
        self._by_url: dict[str, list[PublicKey]] = {}
        self._failed: set[str] = set()
        self.fetched_at = float("-inf")
        self._lock = asyncio.Lock()
        self._rebuild()

    @classmethod
    def of(cls, settings: ServiceSettings, http: httpx.AsyncClient | None) -> TrustList:
        return cls(
            settings.event_keys_urls,
            http,
            development=settings.trusts_development_keys,
            refresh_seconds=settings.event_keys_refresh_seconds,
            max_age_seconds=settings.event_keys_max_age_seconds,
            timeout_seconds=settings.event_keys_timeout_seconds,
        )

    async def verify(self, event: Mapping[str, Any], *, seen_at: float | None = None) -> Verified:
        """The key that signed `event` (the JSON object as received) and the digest of what it
        signed (`contracts.signing.Verified`), or `SignatureRejected` with
        the reason, or `KeysUnavailable` if its key is unknown and a producer's keys are out of reach.
        `seen_at` (`time.monotonic()` when it arrived): a refetch since then that did not find its key
        is enough to call the key unknown."""
        await self.ready(event, seen_at=seen_at)
        return self.check(event)

    async def verify_all(
        self, events: Sequence[Mapping[str, Any]], *, seen_at: float | None = None
    ) -> list[Verified | SignatureRejected]:
        """`verify` of a batch: for each event its `Verified`, or the `SignatureRejected` refusing it;
        `KeysUnavailable` (for the whole batch) as `verify`. The signatures of a large batch are
        checked on the crypto threads, in parallel (the Ed25519 work releases the GIL; of a batch
        signed as one, only the first event's meets it, the others walk their proofs to a root
        verified already)."""
        keys = self.ring.keys
        fresh = time.monotonic() - self.fetched_at <= self.max_age_seconds
        if not fresh or any(isinstance(kid := event.get(KEY_ID), str) and kid not in keys for event in events):
            for event in events:  # the usual batch names keys held already and skips this
                await self.ready(event, seen_at=seen_at)
        return await in_parallel(self._judged, events)

    def _judged(self, event: Mapping[str, Any]) -> Verified | SignatureRejected:
        try:
            return self.check(event)
        except SignatureRejected as refused:
            return refused

    def check(self, event: Mapping[str, Any]) -> Verified:
        """The signature and the producer's right, against the keys held now (no I/O: `ready`
        first); `SignatureRejected` with the reason."""
        verified = self.ring.check(event)
        event_type = str(event.get("type"))
        if not may_publish(verified.key.producer, event_type):
            raise SignatureRejected(TYPE_NOT_ALLOWED, f"{verified.key.producer!r} may not publish {event_type!r}")
        return verified

    async def ready(self, event: Mapping[str, Any], *, seen_at: float | None = None) -> None:
        """The keys fresh enough to judge `event`: refetched when they are old or it names a key
        id not seen since it arrived; `KeysUnavailable` if that key is unknown while a producer's
        keys are out of reach."""
        seen_at = time.monotonic() if seen_at is None else seen_at
        if time.monotonic() - self.fetched_at > self.max_age_seconds:
            await self.refresh()
        kid = event.get(KEY_ID)
        if isinstance(kid, str) and kid not in self.ring.keys:
            self._development_key(kid)
            if kid not in self.ring.keys and (self.urls or self.local is not None):
                if self.fetched_at < seen_at:
                    await self.refresh(not_before=seen_at)
                if kid not in self.ring.keys and self._failed:
                    raise KeysUnavailable(
                        f"key {kid!r} unknown while {', '.join(sorted(self._failed))} is out of reach"
                    )

    def _development_key(self, kid: str) -> None:
        """Outside production, a development key id names its producer: trust that producer's key."""
        if self.development and kid.startswith(DEVELOPMENT_KID_PREFIX):
            key = development_key(kid.removeprefix(DEVELOPMENT_KID_PREFIX)).public()
            self.extra.append(key)
            self.ring.add(key)

    async def refresh(self, *, not_before: float | None = None) -> None:
        """Fetch every producer's JWKS again (one fetch at a time; at most one per
        `refresh_seconds`); a JWKS out of reach keeps its last keys."""
        async with self._lock:
            if not_before is not None and self.fetched_at >= not_before:
                return  # another verification fetched since this event arrived
            wait = self.fetched_at + self.refresh_seconds - time.monotonic()
            if wait > 0:
                await asyncio.sleep(wait)
            started = time.monotonic()
            results = await asyncio.gather(*(self._fetch(url) for url in self.urls), self._local())
            self._failed = set()
            for url, keys in zip([*self.urls, LOCAL], results, strict=True):
                if keys is None:
                    self._failed.add(url)
                else:
                    self._by_url[url] = keys
            self.fetched_at = started
            self._rebuild()

    async def _local(self) -> list[PublicKey] | None:
        if self.local is None:
            return []
        try:
            return list(await self.local())
        except Exception as exc:  # noqa: BLE001 - its database away: keep the last keys, try again later
            log.warning("event keys held in this process out of reach: %s", type(exc).__name__)
            return None

    async def _fetch(self, url: str) -> list[PublicKey] | None:
        """The keys at `url`; [] if it has none (404: e.g. a gateway with no integrator keys yet),
        None if it is out of reach."""
        if self.http is None:
            return None
        try:
            response = await self.http.get(url, timeout=self.timeout)
        except httpx.HTTPError as exc:
            log.warning("event keys at %s out of reach: %s", url, exc)
            return None
        if response.status_code == 404:
            return []
        if response.status_code != 200:
            log.warning("event keys at %s answered %d", url, response.status_code)
            return None
        keys = []
        try:
            jwks = response.json()
            for jwk in jwks.get("keys", []):
                try:
                    keys.append(PublicKey.from_jwk(jwk))
                except ValueError as exc:
                    log.warning("an event key at %s is refused: %s", url, exc)
        except (ValueError, AttributeError) as exc:
            log.warning("event keys at %s are not a JWKS: %s", url, exc)
            return None
        return keys

    def _rebuild(self) -> None:
        ring = KeyRing()
        for keys in [self.extra, *self._by_url.values()]:
            for key in keys:
                known = ring.keys.get(key.kid)
                if known is not None and known.revoked:
                    continue  # a key revoked anywhere stays revoked
                ring.add(key)
        self.ring = ring
