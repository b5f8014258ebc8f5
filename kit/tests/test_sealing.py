"""Secrets sealed at rest: they open only with the same deployment secret and context."""

from __future__ import annotations

import pytest

from kit.sealing import Sealer, SealError


def test_a_sealed_value_opens_with_its_secret_and_context_only():
    sealer = Sealer("deployment-secret")
    sealed = sealer.seal(b"whsec_key", context="subscription-1")
    assert b"whsec_key" not in sealed
    assert sealer.open(sealed, context="subscription-1") == b"whsec_key"
    assert sealer.seal(b"whsec_key", context="subscription-1") != sealed  # a fresh nonce each time
    with pytest.raises(SealError):
        sealer.open(sealed, context="subscription-2")  # copied onto another row
    with pytest.raises(SealError):
        Sealer("another-secret").open(sealed, context="subscription-1")
    tampered = sealed[:-1] + bytes([sealed[-1] ^ 1])
    with pytest.raises(SealError):
        sealer.open(tampered, context="subscription-1")


def test_text_form_for_text_columns():
    sealer = Sealer("deployment-secret")
    stored = sealer.seal_text("whsec_c2VjcmV0", context="s")
    assert stored.startswith("sealed:v1:")
    assert "whsec_" not in stored
    assert sealer.open_text(stored, context="s") == "whsec_c2VjcmV0"
    for bad in ("whsec_c2VjcmV0", "sealed:v1:!!!", "sealed:v1:"):
        with pytest.raises(SealError):
            sealer.open_text(bad, context="s")
