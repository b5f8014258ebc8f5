"""The client's address behind the proxies a service believes (kit.addresses)."""

from __future__ import annotations

from typing import Any

import pytest

from kit.addresses import Forwarding


def scope(peer: str | None, *forwarded: str) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"client": (peer, 50000) if peer else None, "headers": [(b"host", b"x"), *headers]}


def test_believing_nobody_the_peer_is_the_client_whatever_it_writes() -> None:
    assert Forwarding().client(scope("198.51.100.4", "203.0.113.9")) == "198.51.100.4"
    assert Forwarding().client(scope(None)) == "unknown"


def test_behind_one_ingress_the_entry_it_appended_is_the_client_not_what_the_client_wrote() -> None:
    behind = Forwarding(hops=1)
    assert behind.client(scope("10.0.0.5", "203.0.113.9")) == "203.0.113.9"
    assert behind.client(scope("10.0.0.5", "192.0.2.66, 203.0.113.9")) == "203.0.113.9"  # the first is forged
    assert behind.client(scope("10.0.0.5", "192.0.2.66", "203.0.113.9")) == "203.0.113.9"  # two header lines
    assert behind.client(scope("10.0.0.5")) == "10.0.0.5"  # nothing forwarded: the peer itself


def test_a_trusted_frontend_is_believed_and_a_stranger_is_not() -> None:
    web = Forwarding(trusted=["10.1.0.0/16", "127.0.0.1"])
    assert web.client(scope("10.1.4.2", "203.0.113.9")) == "203.0.113.9"
    assert web.client(scope("127.0.0.1", "203.0.113.9")) == "203.0.113.9"
    assert web.client(scope("127.0.0.2", "203.0.113.9")) == "127.0.0.2"
    assert web.client(scope("198.51.100.4", "203.0.113.9")) == "198.51.100.4"


def test_the_walk_stops_at_the_first_address_not_believed() -> None:
    chain = Forwarding(hops=1, trusted=["10.1.0.0/16"])
    # citizen → (forged entry) → ingress appended the citizen → web (10.1.4.2) → gateway
    assert chain.client(scope("10.1.4.2", "192.0.2.66, 203.0.113.9, 10.1.9.9")) == "203.0.113.9"
    # fewer entries than hops (a proxy fewer than configured): the leftmost, never past the chain
    assert Forwarding(hops=2).client(scope("10.0.0.5", "203.0.113.9")) == "203.0.113.9"


def test_nonsense_in_the_header_is_never_an_error_and_never_long() -> None:
    trusting = Forwarding(trusted=["127.0.0.1"])
    assert trusting.client(scope("127.0.0.1", "not-an-address")) == "not-an-address"
    assert len(trusting.client(scope("127.0.0.1", "x" * 500))) == 64
    assert Forwarding(trusted=["10.0.0.0/8"]).client(scope("10.0.0.1", "x, 10.2.2.2")) == "x"


def test_a_negative_count_of_hops_is_refused() -> None:
    with pytest.raises(ValueError, match="hops"):
        Forwarding(hops=-1)
