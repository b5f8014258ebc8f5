"""Signed events (``contracts.signing``): what a verifier accepts and why it refuses the rest."""

import base64
import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest
import rfc8785

from contracts import merkle
from contracts.envelope import Envelope
from contracts.events.identity import CitizenEnrolled
from contracts.signing import (
    BAD_SIGNATURE,
    REVOKED_KEY,
    TYPE_NOT_ALLOWED,
    UNKNOWN_KEY,
    UNSIGNED,
    WRONG_PRODUCER,
    KeyRing,
    PublicKey,
    SignatureRejected,
    SigningKey,
    canonical_bytes,
    content_digest,
)


@pytest.fixture
def key() -> SigningKey:
    return SigningKey.generate("identity-2026-12", "identity-svc", ["identity.>"])


@pytest.fixture
def event() -> dict:
    enrolled = CitizenEnrolled(
        citizen_id=uuid4(), national_id="29001011234567", channel="web", enrolled_at=datetime.now(UTC)
    )
    return json.loads(Envelope.wrap(enrolled, source="identity-svc").to_bytes())


_L = 2**252 + 27742317777372353535851937790883648493  # the order of Ed25519's base point


def _flipped(signature: str) -> str:
    """The signature with one bit of its R changed (whatever the signature was)."""
    raw = bytearray(base64.urlsafe_b64decode(signature + "=="))
    raw[5] ^= 0x01
    return base64.urlsafe_b64encode(bytes(raw)).rstrip(b"=").decode()


def _malleated(signature: str) -> str:
    """The same signature with L added to its S: valid arithmetic, refused by RFC 8032 (S < L)."""
    raw = base64.urlsafe_b64decode(signature + "==")
    s = int.from_bytes(raw[32:], "little") + _L
    return base64.urlsafe_b64encode(raw[:32] + s.to_bytes(32, "little")).rstrip(b"=").decode()


def ring_of(*keys: PublicKey) -> KeyRing:
    ring = KeyRing()
    for public in keys:
        ring.add(public)
    return ring


def test_a_signed_event_verifies_and_survives_the_wire(key: SigningKey, event: dict) -> None:
    signed = key.sign(event)
    wire = json.dumps(signed, ensure_ascii=False, indent=3)  # any serialisation of the same JSON
    assert ring_of(key.public()).verify(json.loads(wire)).kid == "identity-2026-12"
    assert Envelope.model_validate_json(wire).signature == signed["signature"]


def test_canonical_bytes_ignore_member_order_and_the_signature(key: SigningKey, event: dict) -> None:
    signed = key.sign(event)
    assert canonical_bytes(dict(reversed(list(signed.items())))) == canonical_bytes({**signed, "signature": "x"})


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (lambda e: e.pop("signature"), UNSIGNED),
        (lambda e: e.update(signaturekid="someone-else"), UNKNOWN_KEY),
        (lambda e: e["data"].update(channel="mobile"), BAD_SIGNATURE),
        (lambda e: e.update(time="2020-01-01T00:00:00Z"), BAD_SIGNATURE),
        (lambda e: e.update(signature=_flipped(e["signature"])), BAD_SIGNATURE),
        (lambda e: e.update(signature=e["signature"][:40]), BAD_SIGNATURE),  # not 64 bytes
        (lambda e: e.update(signature="not base64!"), BAD_SIGNATURE),
        (lambda e: e.update(signature=_malleated(e["signature"])), BAD_SIGNATURE),
        (lambda e: e.update(source="ration-svc"), WRONG_PRODUCER),
    ],
)
def test_every_change_is_refused_with_its_reason(key: SigningKey, event: dict, change, reason: str) -> None:
    signed = key.sign(event)
    change(signed)
    with pytest.raises(SignatureRejected) as refused:
        ring_of(key.public()).verify(signed)
    assert refused.value.reason == reason


def test_a_revoked_key_and_a_type_outside_the_producers_rights_are_refused(key: SigningKey, event: dict) -> None:
    public = key.public()
    revoked = PublicKey(public.kid, public.producer, public.x, public.types, revoked=True)
    with pytest.raises(SignatureRejected) as refused:
        ring_of(revoked).verify(key.sign(event))
    assert refused.value.reason == REVOKED_KEY
    narrow = SigningKey(key.kid, key.producer, key.private_key, ("ration.>",))
    with pytest.raises(SignatureRejected) as refused:
        ring_of(narrow.public()).verify(narrow.sign(event))
    assert refused.value.reason == TYPE_NOT_ALLOWED


def test_rotation_old_and_new_keys_verify_side_by_side(key: SigningKey, event: dict) -> None:
    new = SigningKey.generate("identity-2027-01", "identity-svc", ["identity.>"])
    ring = KeyRing.from_jwks({"keys": [key.public().jwk(), new.public().jwk()]})
    assert ring.verify(key.sign(event)).kid == key.kid
    assert ring.verify(new.sign(event)).kid == new.kid
    assert SigningKey.from_seed(new.kid, new.producer, new.seed(), new.types).public() == new.public()


@pytest.mark.parametrize(
    "jwk",
    [
        {"kty": "RSA", "kid": "k", "producer": "p", "x": "AA"},
        {"kty": "OKP", "crv": "Ed25519", "producer": "p", "x": "A" * 43},
        {"kty": "OKP", "crv": "Ed25519", "kid": "k", "producer": "p", "x": "AAAA"},
        {"kty": "OKP", "crv": "Ed25519", "kid": "k", "producer": "p", "x": "A" * 43, "types": "identity.>"},
    ],
)
def test_a_malformed_public_key_is_refused(jwk: dict) -> None:
    with pytest.raises(ValueError, match=r"Ed25519|kid|types"):
        PublicKey.from_jwk(jwk)


class TestCanonicalForm:
    @pytest.mark.parametrize(
        "document",
        [
            {"b": "".join(chr(c) for c in range(0x80)) + "\u2028😀عربي\ufeff", "a": [1, -2, True, None, {"z": ""}]},
            {"n": 2**53 - 1, "m": -(2**53 - 1), "": "empty key"},
            {"float": 1.0, "exp": 1e21, "small": 5e-324},  # numbers as ECMAScript writes them
            {"\U0001f600": 1, "\ufb01": 2},  # keys sorted by UTF-16 code units
        ],
    )
    def test_it_is_rfc_8785_whatever_the_document(self, document):
        assert canonical_bytes({**document, "signature": "x"}) == rfc8785.dumps(document)


def test_a_small_order_key_verifies_nothing(event: dict) -> None:
    """A key of small order (here the identity point) would let anyone 'sign' every message with
    R the identity and S zero under the bare verification equation; it must verify nothing."""
    identity = base64.urlsafe_b64encode(b"\x01" + bytes(31)).rstrip(b"=").decode()
    weak = PublicKey("weak-1", "identity-svc", identity, ("identity.>",))
    forged = {**event, "signaturekid": "weak-1"}
    forged["signature"] = base64.urlsafe_b64encode(b"\x01" + bytes(31) + bytes(32)).rstrip(b"=").decode()
    with pytest.raises(SignatureRejected) as refused:
        ring_of(weak).verify(forged)
    assert refused.value.reason == BAD_SIGNATURE


class TestBatchSignatures:
    """Events signed as one batch (X-Road's batch signatures): one Ed25519 signature over the
    Merkle root of the batch, each event with its proof."""

    @pytest.fixture
    def batch(self, key: SigningKey) -> list[dict]:
        events = []
        for n in range(11):
            enrolled = CitizenEnrolled(
                citizen_id=uuid4(), national_id=f"290010112345{n:02d}", channel="web", enrolled_at=datetime.now(UTC)
            )
            events.append(json.loads(Envelope.wrap(enrolled, source="identity-svc").to_bytes()))
        return key.sign_batch(events)

    def test_each_event_of_a_batch_verifies_alone_and_survives_the_wire(self, key: SigningKey, batch: list) -> None:
        assert len({event["signature"] for event in batch}) == 1
        assert [event["signatureproof"].split(".")[:2] for event in batch] == [[str(n), "11"] for n in range(11)]
        for event in reversed(batch):  # each in a ring of its own: no root remembered
            wire = json.dumps(event, ensure_ascii=False, indent=2)
            assert ring_of(key.public()).verify(json.loads(wire)).kid == key.kid
            assert Envelope.model_validate_json(wire).signatureproof == event["signatureproof"]

    @pytest.mark.parametrize(
        ("change", "reason"),
        [
            (lambda b: b[3]["data"].update(channel="mobile"), BAD_SIGNATURE),
            (lambda b: b[3].update(signatureproof=b[4]["signatureproof"]), BAD_SIGNATURE),  # another's place
            (lambda b: b[3].update(signatureproof="4." + b[3]["signatureproof"].split(".", 1)[1]), BAD_SIGNATURE),
            (lambda b: b[3].update(signatureproof=b[3]["signatureproof"].replace(".11.", ".12.")), BAD_SIGNATURE),
            (lambda b: b[3].update(signatureproof=b[3]["signatureproof"][:-10]), BAD_SIGNATURE),  # a path cut
            (lambda b: b[3].update(signatureproof=b[3]["signatureproof"] + "="), BAD_SIGNATURE),  # padded
            (lambda b: b[3].update(signatureproof="3.11"), BAD_SIGNATURE),
            (lambda b: b[3].update(signatureproof=""), BAD_SIGNATURE),
            (lambda b: b[3].update(signatureproof=None), BAD_SIGNATURE),
            (lambda b: b[3].update(signatureproof="-1.11." + b[3]["signatureproof"].split(".")[2]), BAD_SIGNATURE),
            (lambda b: b[3].update(signatureproof="٣.11." + b[3]["signatureproof"].split(".")[2]), BAD_SIGNATURE),
            (lambda b: b[3].update(signature=_flipped(b[3]["signature"])), BAD_SIGNATURE),
            (lambda b: b[3].pop("signatureproof"), BAD_SIGNATURE),  # then a lone event's signature: it is not
            (lambda b: b[3].update(signaturekid="someone-else"), UNKNOWN_KEY),
            (lambda b: b[3].update(source="ration-svc"), WRONG_PRODUCER),
        ],
    )
    def test_every_change_is_refused_even_after_the_batchs_root_verified(
        self, key: SigningKey, batch: list, change, reason: str
    ) -> None:
        ring = ring_of(key.public())
        ring.verify(batch[0])  # the root is remembered now
        change(batch)
        with pytest.raises(SignatureRejected) as refused:
            ring.verify(batch[3])
        assert refused.value.reason == reason
        assert ring.verify(batch[5]).kid == key.kid  # the others still verify

    def test_a_batch_signature_is_never_a_lone_events_nor_a_lone_ones_a_batchs(
        self, key: SigningKey, event: dict
    ) -> None:
        """A batch of one: its root is the event's leaf, yet the signature covers the root behind
        a domain of its own, so it does not pass for the event's signature without the proof."""
        [alone] = key.sign_batch([event])
        assert alone["signatureproof"] == "0.1."
        assert ring_of(key.public()).verify(alone).kid == key.kid
        lone = key.sign(event)
        assert lone["signature"] != alone["signature"]
        for proof in ("0.1.", None, 0):
            with pytest.raises(SignatureRejected):
                ring_of(key.public()).verify({**lone, "signatureproof": proof})

    def test_the_digest_is_the_events_content_not_its_batch(self, key: SigningKey, batch: list, event: dict) -> None:
        again = key.sign_batch([batch[1], batch[2], batch[0]])  # signed again, in another batch
        assert again[2]["signature"] != batch[0]["signature"]
        ring = ring_of(key.public())
        assert ring.check(again[2]).digest == ring.check(batch[0]).digest == content_digest(batch[0])
        assert ring.check(batch[1]).digest != ring.check(batch[0]).digest
        lone = key.sign(event)
        assert ring.check(lone).digest == content_digest(lone) == lone["signature"]
        assert content_digest(event) is None

    def test_the_tree_is_rfc_9162s(self) -> None:
        """The leaves and root of RFC 9162's shape: the same as the evidence archive's seals."""
        leaves = [merkle.leaf(bytes([n])) for n in range(7)]
        tree = merkle.MerkleTree(leaves)
        left = merkle.node(merkle.node(leaves[0], leaves[1]), merkle.node(leaves[2], leaves[3]))
        right = merkle.node(merkle.node(leaves[4], leaves[5]), leaves[6])
        assert tree.root() == merkle.node(left, right)
        for n in range(7):
            assert merkle.root_from_proof(leaves[n], n, 7, tree.proof(n)) == tree.root()
            assert merkle.root_from_proof(leaves[n], (n + 1) % 7, 7, tree.proof(n)) != tree.root()
        assert merkle.root_from_proof(leaves[0], 7, 7, tree.proof(0)) is None

    def test_the_tree_is_rfc_9162s_at_every_size(self) -> None:
        """Against RFC 9162's own definition (2.1.1: split at the largest power of two below n)."""

        def mth(leaves: list[bytes]) -> bytes:
            if len(leaves) == 1:
                return leaves[0]
            k = 1
            while k * 2 < len(leaves):
                k *= 2
            return merkle.node(mth(leaves[:k]), mth(leaves[k:]))

        for size in range(1, 70):
            leaves = [merkle.leaf(f"{size}.{n}".encode()) for n in range(size)]
            tree = merkle.MerkleTree(leaves)
            assert tree.root() == mth(leaves), size
            assert all(merkle.root_from_proof(leaves[n], n, size, tree.proof(n)) == tree.root() for n in range(size))
