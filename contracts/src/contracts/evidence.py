"""Evidence bundles: signed events with their place in the archive, checked offline.

The archive (evidence-svc) keeps every event that crosses an authority boundary, append-only:

- entry ``n`` has a leaf hash, ``SHA-256(0x00 ‖ JCS({"event", "received_at", "sequence"}))``
  over the signed CloudEvent as received, and a chain hash ``SHA-256(chain(n-1) ‖ leaf(n))``
  (the first chains from 32 zero bytes), so a changed, removed or inserted entry breaks the chain;
- a batch of consecutive entries is sealed, as X-Road's batch timestamping does: a Merkle tree
  over their leaves (RFC 9162's shape: ``0x01 ‖ left ‖ right`` for a node), and a seal naming its
  root, the chain hash of its last entry, the previous seal's hash and the time, signed with the
  archive's own timestamping key (Ed25519, JCS of the seal without ``signature``);
- an export is a bundle: the events as received, each with its chain hashes and its Merkle
  proof, the seals they need, the producers' public keys and the timestamping keys; the whole
  bundle is in RFC 8785 canonical form and signed by the timestamping key, so one changed byte
  anywhere makes it fail, and ``verify_bundle`` names what failed.

Needs the ``verify`` extra (``pip install shubbak-contracts[verify]``).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature

from contracts import merkle
from contracts.signing import KeyRing, PublicKey, SignatureRejected, SigningKey, jcs

FORMAT = "shubbak-evidence-bundle/1"
GENESIS = "0" * 64
"""The chain hash before the first entry, and the ``previous`` of the first seal."""
SIGNATURE = "signature"


def _sha256(*parts: bytes) -> str:
    return hashlib.sha256(b"".join(parts)).hexdigest()


def leaf_hash(sequence: int, received_at: str, event: Mapping[str, Any]) -> str:
    """The leaf of one archived entry: the signed event as received, its place and its arrival."""
    body: dict[str, Any] = {"event": event, "received_at": received_at, "sequence": sequence}
    return _sha256(b"\x00", jcs(body))


def chain_hash(previous: str, leaf: str) -> str:
    return _sha256(bytes.fromhex(previous), bytes.fromhex(leaf))


class MerkleTree:
    """The Merkle tree of one sealed batch's leaves (hex), RFC 9162's shape (``contracts.merkle``)."""

    def __init__(self, leaves: Sequence[str]) -> None:
        self._tree = merkle.MerkleTree([bytes.fromhex(leaf) for leaf in leaves])

    def root(self) -> str:
        return self._tree.root().hex()

    def proof(self, index: int) -> list[str]:
        """The audit path of leaf ``index``, leaf to root (RFC 9162, 2.1.3.1)."""
        return [sibling.hex() for sibling in self._tree.proof(index)]


def root_from_proof(leaf: str, index: int, size: int, proof: Sequence[str]) -> str | None:
    """The root that ``proof`` leads ``leaf`` to (RFC 9162, 2.1.3.2), or None if it cannot;
    ``ValueError`` for a hash that is not hexadecimal."""
    root = merkle.root_from_proof(bytes.fromhex(leaf), index, size, [bytes.fromhex(p) for p in proof])
    return None if root is None else root.hex()


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _strict_unb64(text: str) -> bytes:
    """Base64url without padding, refusing any other spelling of the same bytes."""
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as exc:
        raise ValueError("not base64url") from exc
    if _b64(raw) != text:
        raise ValueError("not canonical base64url")
    return raw


def _signed_part(document: Mapping[str, Any]) -> bytes:
    return jcs({name: value for name, value in document.items() if name != SIGNATURE})


def sign_document(key: SigningKey, document: Mapping[str, Any]) -> dict[str, Any]:
    """``document`` with ``kid`` and the timestamping key's ``signature`` over its JCS form."""
    signed = {name: value for name, value in document.items() if name != SIGNATURE}
    signed["kid"] = key.kid
    signed[SIGNATURE] = _b64(key.private_key.sign(_signed_part(signed)))
    return signed


def document_signed_by(keys: Mapping[str, PublicKey], document: Mapping[str, Any]) -> str | None:
    """None if ``document`` is signed by one of ``keys``, else why not."""
    kid, signature = document.get("kid"), document.get(SIGNATURE)
    if not isinstance(kid, str) or not isinstance(signature, str):
        return "it carries no kid and signature"
    key = keys.get(kid)
    if key is None:
        return f"no timestamping key {kid!r}"
    try:
        key.verify(_strict_unb64(signature), _signed_part(document))
    except (InvalidSignature, ValueError):
        return f"the signature by {kid!r} does not match"
    return None


def seal_hash(seal: Mapping[str, Any]) -> str:
    """What the next seal names as ``previous``: SHA-256 of the signed seal in JCS form."""
    return _sha256(jcs(dict(seal)))


def canonical(document: Mapping[str, Any]) -> bytes:
    """A bundle's bytes: RFC 8785 canonical JSON."""
    return jcs(dict(document))


def make_seal(
    key: SigningKey,
    *,
    number: int,
    first_sequence: int,
    leaves: Sequence[str],
    chain_head: str,
    previous: str,
    sealed_at: str,
) -> dict[str, Any]:
    """Seal a batch of consecutive entries: their Merkle root, the chain head, the previous
    seal's hash and the time, signed by the timestamping key."""
    return sign_document(
        key,
        {
            "number": number,
            "first_sequence": first_sequence,
            "last_sequence": first_sequence + len(leaves) - 1,
            "size": len(leaves),
            "root": MerkleTree(leaves).root(),
            "chain_head": chain_head,
            "previous": previous,
            "sealed_at": sealed_at,
        },
    )


def assemble_bundle(
    key: SigningKey,
    *,
    events: Sequence[Mapping[str, Any]],
    seals: Sequence[Mapping[str, Any]],
    producer_keys: Iterable[PublicKey],
    timestamping_keys: Iterable[PublicKey],
    query: Mapping[str, Any],
    exported_at: str,
    next_cursor: str | None = None,
) -> bytes:
    """The bundle's bytes: canonical JSON, signed by the timestamping key. ``events`` are
    entries (``sequence``, ``received_at``, ``event``, ``previous``, ``chain``, ``seal``,
    ``index``, ``proof``) in sequence order."""
    bundle = {
        "format": FORMAT,
        "exported_at": exported_at,
        "query": dict(query),
        "events": [dict(entry) for entry in events],
        "seals": sorted((dict(seal) for seal in seals), key=lambda seal: int(seal["number"])),
        "producer_keys": {"keys": [k.jwk() for k in sorted(producer_keys, key=lambda k: k.kid)]},
        "timestamping_keys": {"keys": [k.jwk() for k in sorted(timestamping_keys, key=lambda k: k.kid)]},
        "next_cursor": next_cursor,
    }
    return canonical(sign_document(key, bundle))


@dataclass
class Report:
    """What ``verify_bundle`` found: ``failures`` names each thing that failed."""

    events: int = 0
    seals: int = 0
    producers: set[str] = field(default_factory=set)
    failures: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.failures

    def fail(self, what: str) -> None:
        self.failures.append(what)


def verify_bundle(raw: bytes, *, trusted_timestamping: Iterable[PublicKey] = ()) -> Report:
    """Check a bundle end to end: its form, the export's signature, every event's signature,
    chain and Merkle proof, every seal's signature and link. ``trusted_timestamping``: the
    archive's keys as the verifier got them out of band; without them, the bundle's own are used
    (then only a bundle made with the archive's keys can be told from a forgery by their kid)."""
    report = Report()
    try:
        bundle = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        report.fail(f"bundle: not JSON ({exc})")
        return report
    try:
        _check_shape(bundle)
    except (KeyError, TypeError, ValueError) as exc:
        report.fail(f"bundle: malformed ({exc})")
        return report
    if canonical(bundle) != raw:
        report.fail("bundle: not in its canonical form (RFC 8785): its bytes were changed after export")
    stamps = _timestamping_keys(bundle, trusted_timestamping, report)
    problem = document_signed_by(stamps, bundle)
    if problem:
        report.fail(f"bundle: export signature: {problem}")
    seals = {seal["number"]: seal for seal in bundle["seals"]}
    for seal in bundle["seals"]:
        _check_seal(seal, seals, stamps, report)
    producers = _producer_ring(bundle, report)
    previous_entry: dict[str, Any] | None = None
    for entry in bundle["events"]:
        _check_entry(entry, previous_entry, seals, producers, report)
        previous_entry = entry
    return report


def _check_shape(bundle: Any) -> None:
    if not isinstance(bundle, dict) or bundle.get("format") != FORMAT:
        raise ValueError(f"format is not {FORMAT}")
    containers: tuple[tuple[str, type], ...] = (
        ("events", list), ("seals", list), ("producer_keys", dict), ("timestamping_keys", dict)
    )  # fmt: skip
    for name, kind in containers:
        if not isinstance(bundle[name], kind):
            raise TypeError(f"{name} is not a {kind.__name__}")
    fields: tuple[tuple[str, type], ...] = (("sequence", int), ("received_at", str), ("event", dict), ("previous", str))
    for entry in bundle["events"]:
        for name, kind in fields:
            if not isinstance(entry[name], kind):
                raise TypeError(f"an event's {name} is not a {kind.__name__}")
        if not isinstance(entry["chain"], str) or not isinstance(entry["proof"], list):
            raise TypeError("an event's chain or proof is malformed")
        if not isinstance(entry["seal"], int) or not isinstance(entry["index"], int):
            raise TypeError("an event's seal or index is not a number")
    for seal in bundle["seals"]:
        for name in ("number", "first_sequence", "last_sequence", "size"):
            if not isinstance(seal[name], int):
                raise TypeError(f"a seal's {name} is not a number")
        for name in ("root", "chain_head", "previous", "sealed_at"):
            if not isinstance(seal[name], str):
                raise TypeError(f"a seal's {name} is not a string")


def _timestamping_keys(bundle: Mapping[str, Any], trusted: Iterable[PublicKey], report: Report) -> dict[str, PublicKey]:
    try:
        own = {key.kid: key for key in KeyRing.from_jwks(bundle["timestamping_keys"]).keys.values()}
    except ValueError as exc:
        report.fail(f"timestamping keys: malformed ({exc})")
        own = {}
    pinned = {key.kid: key for key in trusted}
    if not pinned:
        return own
    for kid, key in own.items():
        if kid in pinned and pinned[kid].x != key.x:
            report.fail(f"timestamping key {kid!r}: not the trusted key of that id")
    return pinned


def _producer_ring(bundle: Mapping[str, Any], report: Report) -> KeyRing:
    try:
        return KeyRing.from_jwks(bundle["producer_keys"])
    except ValueError as exc:
        report.fail(f"producer keys: malformed ({exc})")
        return KeyRing()


def _check_seal(
    seal: Mapping[str, Any], seals: Mapping[int, Mapping[str, Any]], stamps: Mapping[str, PublicKey], report: Report
) -> None:
    report.seals += 1
    name = f"seal {seal['number']}"
    problem = document_signed_by(stamps, seal)
    if problem:
        report.fail(f"{name}: timestamp signature: {problem}")
    if seal["size"] != seal["last_sequence"] - seal["first_sequence"] + 1 or seal["size"] < 1:
        report.fail(f"{name}: its size does not match its sequence range")
    before = seals.get(seal["number"] - 1)
    if before is not None and seal["previous"] != seal_hash(before):
        report.fail(f"{name}: does not follow seal {seal['number'] - 1} (previous seal hash differs)")


def _check_entry(
    entry: Mapping[str, Any],
    before: Mapping[str, Any] | None,
    seals: Mapping[int, Mapping[str, Any]],
    producers: KeyRing,
    report: Report,
) -> None:
    report.events += 1
    event = entry["event"]
    name = f"event {event.get('id')} ({event.get('type')} from {event.get('source')}, sequence {entry['sequence']})"
    try:
        key = producers.verify(event)
        report.producers.add(key.producer)
    except SignatureRejected as exc:
        report.fail(f"{name}: signature: {exc.reason} ({exc.detail})")
    try:
        leaf = leaf_hash(entry["sequence"], entry["received_at"], event)
        if entry["chain"] != chain_hash(entry["previous"], leaf):
            report.fail(f"{name}: chain: its hash does not follow from the previous hash and its content")
    except ValueError:
        report.fail(f"{name}: chain: its hashes are not hexadecimal")
        return
    if before is not None and before["sequence"] + 1 == entry["sequence"] and entry["previous"] != before["chain"]:
        report.fail(f"{name}: chain: does not follow sequence {before['sequence']}")
    seal = seals.get(entry["seal"])
    if seal is None:
        report.fail(f"{name}: seal {entry['seal']} is not in the bundle")
        return
    if not seal["first_sequence"] <= entry["sequence"] <= seal["last_sequence"]:
        report.fail(f"{name}: outside seal {seal['number']}'s range")
    if entry["index"] != entry["sequence"] - seal["first_sequence"]:
        report.fail(f"{name}: its place in seal {seal['number']} does not match its sequence")
    try:
        root = root_from_proof(leaf, entry["index"], seal["size"], entry["proof"])
    except (ValueError, TypeError):
        root = None
    if root != seal["root"]:
        report.fail(f"{name}: Merkle proof: does not lead to seal {seal['number']}'s root")
    if entry["sequence"] == seal["last_sequence"] and entry["chain"] != seal["chain_head"]:
        report.fail(f"{name}: chain: not the chain head seal {seal['number']} signed")
