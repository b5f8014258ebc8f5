"""The demo integrator's own side (no servers: the platform's side is in tests/test_ministry_events.py):
its key file is its owner's alone, and what it publishes is a valid CloudEvent of the type, signed
so that the platform's verifier accepts it and refuses it altered."""

from __future__ import annotations

import base64
import stat
from pathlib import Path

import pytest

from contracts import Envelope
from contracts.signing import KeyRing, SignatureRejected, SigningKey
from devstack import integrator


def demo() -> integrator.Demo:
    key = SigningKey.generate("traffic-authority-k1", "traffic-authority")
    seed = base64.urlsafe_b64encode(key.seed()).rstrip(b"=").decode()
    return integrator.Demo("http://127.0.0.1:8000", "int_x", "secret", "traffic-authority", key.kid, seed)


def test_the_key_file_is_readable_by_its_owner_only_and_keeps_the_key(tmp_path: Path) -> None:
    kept = demo()
    path = kept.save(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = integrator.Demo.load(tmp_path)
    assert again == kept
    assert again.key().public() == kept.key().public()
    assert integrator.Demo.load(tmp_path / "elsewhere") is None


def test_an_event_is_built_from_the_example_with_the_fields_given_and_signed() -> None:
    kept = demo()
    event = integrator.build(
        "traffic.vehicle.registered.v1",
        {"owner_national_id": "29001010300017", "model_year": "2025"},  # as given on the command line
        source=kept.source,
        gateway=kept.gateway,
    )
    envelope = Envelope.model_validate(event)
    assert (envelope.source, envelope.data["owner_national_id"], envelope.data["model_year"]) == (
        "traffic-authority",
        "29001010300017",
        2025,
    )
    assert envelope.subject == envelope.data["vehicle_id"]  # a fresh vehicle each time
    other = integrator.build("traffic.vehicle.registered.v1", {}, source=kept.source, gateway=kept.gateway)
    assert other["subject"] != event["subject"]
    ring = KeyRing()
    ring.add(kept.key().public())
    signed = kept.key().sign(event)
    assert ring.verify(signed).kid == kept.kid
    with pytest.raises(SignatureRejected, match="bad-signature"):
        ring.verify({**signed, "data": {**signed["data"], "model_year": 2019}})


def test_a_bad_field_is_refused_before_anything_is_sent() -> None:
    with pytest.raises(ValueError, match="model_year"):
        integrator.build("traffic.vehicle.registered.v1", {"model_year": 1800}, source="t", gateway="http://x")
