"""Signed events (issue 16): what signing costs the relay and verifying costs the consumer.

relay_signing. Measured: `OutboxRelay.drain()` of a signing service over N committed events as
`kit.messaging.record` writes them (each with its leaf, worked out in the transaction that records
it: parse, RFC 8785 canonical form, SHA-256), signed by the relay a batch at a time
(`kit.messaging.trust.EventSigner`: the batch's Merkle tree, one Ed25519 signature over its root,
each event's proof and the signature appended). Baseline: the same relay over the same N events
of another outbox, unsigned, without a signer, in the same run. Info: what preparing costs where
it is done, per event recorded (µs, one thread, the N events of the trial); and the relay signing
N rows without leaves (rows set-based SQL wrote, e.g. the ration evaluation's), in msgs/s and as a
ratio to the baseline.

consumer_verification. Measured: the kit Consumer (inbox, one multi-row UPSERT per batch, as
`consumer_throughput`) over N events as a relay publishes them (signed a batch at a time), verifying
each against a `TrustList` before its handler runs (its leaf, its proof to the batch's root, the
root's signature once). Baseline: the same consumer over the same N signed messages without
verifying.
"""

from __future__ import annotations

import json
import time

from bench.cases.consumer_throughput import DEFAULT_BATCH, _consumer
from bench.cases.relay_throughput import _fill_outbox
from bench.harness import Case, Env, Trial
from bench.stack import fresh_stream, stream_count
from bench.workload import SOURCE, STREAM, SUBJECT, expect, messages, publish_all_async, recorded, signed
from contracts.signing import PROOF, SIGNATURE, KeyRing
from kit.messaging.bus import connect
from kit.messaging.relay import OutboxRelay
from kit.messaging.trust import EventSigner, TrustList, development_key


async def _drain(relay: OutboxRelay) -> float:
    start = time.perf_counter()
    await relay.drain()
    seconds = time.perf_counter() - start
    expect(await relay.pending(), 0, "relay pending")
    return seconds


def _unsigned(payload: bytes | None) -> dict[str, object]:
    """The event without its signature attributes (their values depend on the batch it was in)."""
    event: dict[str, object] = json.loads(payload or b"{}")
    return {name: value for name, value in event.items() if name not in (SIGNATURE, PROOF)}


async def relay(env: Env) -> Trial:
    n = env.events
    msgs = messages(n)
    signer = EventSigner([development_key(SOURCE)])
    started = time.process_time()
    prepared = recorded(msgs, signer)  # what `record` writes: each event's leaf, in its transaction
    sign_us = (time.process_time() - started) / n * 1e6
    published = signed(prepared, signer)
    bus = await connect(env.stack.nats_url, name="bench-relay-signing")
    plain, plain_engine = await _fill_outbox(env.stack.new_database("relay_plain"), msgs, bus.js)
    signing, signing_engine = await _fill_outbox(env.stack.new_database("relay_signed"), prepared, bus.js)
    set_based, set_based_engine = await _fill_outbox(env.stack.new_database("relay_set_based"), msgs, bus.js)
    plain.signer = None  # the baseline: the same relay publishing the payloads as recorded
    signing.signer = set_based.signer = signer
    ring = KeyRing.from_jwks(signer.jwks())
    try:
        await fresh_stream(bus.js, STREAM)
        plain_seconds = await _drain(plain)
        expect(await stream_count(bus.js, STREAM), n, "unsigned relay published")
        await fresh_stream(bus.js, STREAM)
        signed_seconds = await _drain(signing)
        expect(await stream_count(bus.js, STREAM), n, "signing relay published")
        last = await bus.js.get_last_msg(STREAM.name, SUBJECT)
        if _unsigned(last.data) != _unsigned(published[-1].payload):
            raise RuntimeError("the signing relay did not publish the event as it was recorded")
        ring.verify(json.loads(last.data or b"{}"))  # what it published verifies
        await fresh_stream(bus.js, STREAM)
        set_based_seconds = await _drain(set_based)
        expect(await stream_count(bus.js, STREAM), n, "relay signing set-based rows published")
        last = await bus.js.get_last_msg(STREAM.name, SUBJECT)
        ring.verify(json.loads(last.data or b"{}"))
    finally:
        await bus.close()
        await plain_engine.dispose()
        await signing_engine.dispose()
        await set_based_engine.dispose()
    return Trial(
        measured=n / signed_seconds,
        baseline=n / plain_seconds,
        info={
            "preparing_at_record_us_per_event": sign_us,
            "relay_signing_set_based_rows_msgs_per_s": n / set_based_seconds,
            "relay_signing_set_based_rows_ratio": plain_seconds / set_based_seconds,
        },
    )


async def consumer(env: Env) -> Trial:
    n = env.events
    key = development_key(SOURCE)
    signer = EventSigner([key])
    msgs = signed(messages(n), signer)
    trust = TrustList([], None, extra=[key.public()])
    bus = await connect(env.stack.nats_url, name="bench-consumer-verification")
    try:
        await fresh_stream(bus.js, STREAM)
        await publish_all_async(bus.js, msgs)
        plain = await _consumer(env, bus.js, n, DEFAULT_BATCH, "unverified-b256", mode="batch")
        verifying = await _consumer(env, bus.js, n, DEFAULT_BATCH, "verified-b256", mode="batch", trust=trust)
    finally:
        await bus.close()
    return Trial(measured=verifying, baseline=plain)


CASES = [
    Case(
        name="relay_signing",
        summary="OutboxRelay of a signing service (leaves prepared as recorded, a batch signed at a time) vs unsigned",
        unit="msgs/s",
        target=0.7,
        run=relay,
    ),
    Case(
        name="consumer_verification",
        summary="kit Consumer verifying each event's signature before its handler vs the same consumer not verifying",
        unit="msgs/s",
        target=0.7,
        run=consumer,
    ),
]
