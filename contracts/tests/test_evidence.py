"""Evidence bundles (``contracts.evidence``): a bundle verifies offline, and one changed byte
anywhere makes it fail, naming what failed."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
import rfc8785

from contracts.cli import main
from contracts.envelope import Envelope
from contracts.events.ration import EligibilityChanged
from contracts.events.traffic import VehicleRegistered
from contracts.evidence import (
    GENESIS,
    MerkleTree,
    assemble_bundle,
    chain_hash,
    jcs,
    leaf_hash,
    make_seal,
    root_from_proof,
    seal_hash,
    sign_document,
    verify_bundle,
)
from contracts.examples import EXAMPLES
from contracts.signing import SigningKey

T0 = datetime(2026, 10, 2, 9, 0, tzinfo=UTC)


def _traffic(key: SigningKey, n: int) -> dict[str, Any]:
    fact = VehicleRegistered(
        vehicle_id=uuid4(), plate_number=f"أ ب ج {n}", owner_national_id="29001011234567",
        vehicle_type="private_car", make="Toyota", model="Corolla", model_year=2025, governorate="03",
        registered_at=T0,
    )  # fmt: skip
    return key.sign(json.loads(Envelope.wrap(fact, source=key.producer, time=T0).to_bytes()))


def _ration(key: SigningKey) -> dict[str, Any]:
    decision = EligibilityChanged(
        card_id=uuid4(), holder_national_id="29001011234567", eligible=True, appealable=False,
        rules_version="2026.1", effective_from=T0.date(), decided_at=T0,
    )  # fmt: skip
    return key.sign(json.loads(Envelope.wrap(decision, source=key.producer, time=T0).to_bytes()))


class Archive:
    """A minimal archive in memory, built the way evidence-svc builds its own."""

    def __init__(self, stamp: SigningKey) -> None:
        self.stamp = stamp
        self.entries: list[dict[str, Any]] = []
        self.seals: list[dict[str, Any]] = []
        self.leaves: list[str] = []

    def append(self, event: dict[str, Any]) -> None:
        sequence = len(self.entries) + 1
        received = (T0 + timedelta(seconds=sequence)).isoformat()
        leaf = leaf_hash(sequence, received, event)
        previous = self.entries[-1]["chain"] if self.entries else GENESIS
        entry = {"sequence": sequence, "received_at": received, "event": event, "previous": previous}
        self.entries.append({**entry, "chain": chain_hash(previous, leaf)})
        self.leaves.append(leaf)

    def seal(self) -> None:
        first = self.seals[-1]["last_sequence"] + 1 if self.seals else 1
        leaves = self.leaves[first - 1 :]
        seal = make_seal(
            self.stamp, number=len(self.seals) + 1, first_sequence=first, leaves=leaves,
            chain_head=self.entries[-1]["chain"], previous=seal_hash(self.seals[-1]) if self.seals else GENESIS,
            sealed_at=(T0 + timedelta(minutes=len(self.seals) + 1)).isoformat(),
        )  # fmt: skip
        tree = MerkleTree(leaves)
        for index, entry in enumerate(self.entries[first - 1 :]):
            entry.update(seal=seal["number"], index=index, proof=tree.proof(index))
        self.seals.append(seal)

    def export(self, producers: list[SigningKey], entries: list[dict[str, Any]] | None = None) -> bytes:
        chosen = self.entries if entries is None else entries
        needed = {entry["seal"] for entry in chosen}
        return assemble_bundle(
            self.stamp, events=chosen, seals=[s for s in self.seals if s["number"] in needed],
            producer_keys=[k.public() for k in producers], timestamping_keys=[self.stamp.public()],
            query={"household": "all"}, exported_at=(T0 + timedelta(hours=1)).isoformat(),
        )  # fmt: skip


@pytest.fixture
def keys() -> dict[str, SigningKey]:
    return {
        "traffic": SigningKey.generate("traffic-2026", "traffic-authority", ["traffic.>"]),
        "ration": SigningKey.generate("ration-2026", "ration-svc", ["ration.>"]),
        "stamp": SigningKey.generate("evidence-ts-2026", "evidence-svc", []),
    }


@pytest.fixture
def archive(keys: dict[str, SigningKey]) -> Archive:
    archive = Archive(keys["stamp"])
    archive.append(_traffic(keys["traffic"], 1))
    archive.append(_ration(keys["ration"]))
    archive.append(_traffic(keys["traffic"], 2))
    archive.seal()
    archive.append(_traffic(keys["traffic"], 3))
    archive.seal()
    return archive


class TestMerkle:
    @pytest.mark.parametrize("size", [1, 2, 3, 4, 5, 7, 8, 9, 16, 17])
    def test_every_leaf_proves_to_the_root_and_nowhere_else(self, size: int) -> None:
        leaves = [leaf_hash(i, "t", {"n": i}) for i in range(size)]
        tree = MerkleTree(leaves)
        for index, leaf in enumerate(leaves):
            assert root_from_proof(leaf, index, size, tree.proof(index)) == tree.root()
            if size > 1:
                assert root_from_proof(leaf, (index + 1) % size, size, tree.proof(index)) != tree.root()
        assert root_from_proof(leaves[0], size, size, tree.proof(0)) is None


class TestVerify:
    def test_a_bundle_verifies_offline_naming_its_producers(
        self, archive: Archive, keys: dict[str, SigningKey]
    ) -> None:
        report = verify_bundle(archive.export([keys["traffic"], keys["ration"]]))
        assert report.failures == []
        assert (report.events, report.seals) == (4, 2)
        assert report.producers == {"traffic-authority", "ration-svc"}

    def test_a_subset_verifies_with_the_seals_it_needs(self, archive: Archive, keys: dict[str, SigningKey]) -> None:
        bundle = archive.export([keys["traffic"]], [archive.entries[0], archive.entries[3]])
        report = verify_bundle(bundle)
        assert report.failures == []
        assert json.loads(bundle)["seals"][0]["number"] == 1

    def test_every_changed_byte_fails(self, archive: Archive, keys: dict[str, SigningKey]) -> None:
        bundle = archive.export([keys["traffic"]], [archive.entries[3]])
        assert verify_bundle(bundle).ok
        survivors = []
        for position in range(len(bundle)):  # every byte; every 5th also a second way
            for flip in (0x01, 0x20) if position % 5 == 0 else (0x01,):
                changed = bytearray(bundle)
                changed[position] ^= flip
                if verify_bundle(bytes(changed)).ok:
                    survivors.append((position, flip))
        assert survivors == [], f"{len(bundle)}-byte bundle: changes not detected at {survivors[:10]}"

    def test_an_altered_fact_names_the_event_even_when_the_export_is_signed_again(
        self, archive: Archive, keys: dict[str, SigningKey]
    ) -> None:
        """The archive's key alone cannot forge a producer's fact."""
        bundle = json.loads(archive.export([keys["traffic"], keys["ration"]]))
        bundle["events"][0]["event"]["data"]["model_year"] = 2005
        forged = assemble_again(bundle, keys["stamp"])
        failures = verify_bundle(forged).failures
        event_id = bundle["events"][0]["event"]["id"]
        assert any(f.startswith(f"event {event_id}") and "signature: bad-signature" in f for f in failures)
        assert any(f.startswith(f"event {event_id}") and "chain" in f for f in failures)

    def test_a_removed_entry_inside_a_seal_breaks_the_chain_it_was_in(
        self, archive: Archive, keys: dict[str, SigningKey]
    ) -> None:
        bundle = json.loads(archive.export([keys["traffic"], keys["ration"]]))
        bundle["events"][1]["sequence"] = 1  # pretends to be where the first entry was
        failures = verify_bundle(assemble_again(bundle, keys["stamp"])).failures
        assert any("Merkle proof" in f or "chain" in f for f in failures)

    def test_a_forged_seal_chain_is_named(self, archive: Archive, keys: dict[str, SigningKey]) -> None:
        bundle = json.loads(archive.export([keys["traffic"], keys["ration"]]))
        bundle["seals"][1] = sign_document(keys["stamp"], {**bundle["seals"][1], "previous": GENESIS})
        failures = verify_bundle(assemble_again(bundle, keys["stamp"])).failures
        assert "seal 2: does not follow seal 1 (previous seal hash differs)" in failures

    def test_pinned_timestamping_keys_refuse_another_archive(
        self, archive: Archive, keys: dict[str, SigningKey]
    ) -> None:
        forgery = Archive(SigningKey.generate("evidence-ts-2026", "evidence-svc", []))
        for entry in archive.entries:
            forgery.append(entry["event"])
        forgery.seal()
        bundle = forgery.export([keys["traffic"], keys["ration"]])
        assert verify_bundle(bundle).ok  # consistent on its own
        failures = verify_bundle(bundle, trusted_timestamping=[keys["stamp"].public()]).failures
        assert "timestamping key 'evidence-ts-2026': not the trusted key of that id" in failures


def assemble_again(bundle: dict[str, Any], key: SigningKey) -> bytes:
    from contracts.evidence import canonical

    return canonical(sign_document(key, bundle))


class TestCommandLine:
    def test_verify_prints_what_held_or_what_failed(
        self, archive: Archive, keys: dict[str, SigningKey], tmp_path: Path, capsys: pytest.CaptureFixture[str]
    ) -> None:
        path = tmp_path / "bundle.json"
        path.write_bytes(archive.export([keys["traffic"], keys["ration"]]))
        assert main(["verify", str(path)]) == 0
        assert "verified: 4 events, 2 seals" in capsys.readouterr().out
        stamps = tmp_path / "stamps.json"
        stamps.write_text(json.dumps({"keys": [keys["stamp"].public().jwk()]}))
        assert main(["verify", str(path), "--timestamping-keys", str(stamps)]) == 0
        path.write_bytes(path.read_bytes().replace(b"Corolla", b"Corollb", 1))
        assert main(["verify", str(path)]) == 1
        out = capsys.readouterr().out
        assert "FAILED event" in out
        assert "bad-signature" in out


class TestCanonicalForm:
    """``jcs`` is RFC 8785 byte for byte: its fast path and ``rfc8785`` agree on everything."""

    @pytest.mark.parametrize(
        "value",
        [
            {"b": 1, "a": [True, False, None], "c": {"z": "x", "y": ""}},
            {"text": 'كتب "اسمه"\\ \n\t\r\b\f \x00\x1f\x7f \u2028 \u200f ‍ 😀'},
            {"big": 2**53 - 1, "neg": -(2**53 - 1), "zero": 0},
            {"big": 2**53, "float": 1.0},  # beyond the fast path: rfc8785 writes them (or refuses)
            {"ünï": 1, "a": 2, "é": 3, "z": {"😀": 1, "\ue000": 2}},  # keys sorted by UTF-16 code units
            {"floats": [0.1, 1e21, -0.0, 123.456, 1e-7]},
            [1, "a", [], {}],
        ],
    )
    def test_the_fast_path_writes_what_rfc8785_writes(self, value: Any) -> None:
        try:
            expected = rfc8785.dumps(value)
        except rfc8785.CanonicalizationError:
            with pytest.raises(rfc8785.CanonicalizationError):
                jcs(value)
            return
        assert jcs(value) == expected

    def test_every_registered_events_example(self, keys: dict[str, SigningKey]) -> None:
        for event_type, data in EXAMPLES.items():
            signed = keys["traffic"].sign({"type": event_type, "id": str(uuid4()), "data": data, "n": 7})
            assert jcs(signed) == rfc8785.dumps(signed), event_type
