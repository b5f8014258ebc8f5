"""Signed events (issue 16): what signing costs the relay and verifying costs the consumer.

relay_signing. Measured: `OutboxRelay.drain()` over N committed events, signing each
with the service's Ed25519 key (`kit.messaging.trust.EventSigner`: parse, RFC 8785 canonical
form, sign, append the two attributes). Baseline: the same relay over the same N rows of
another outbox, without a signer, in the same run.

consumer_verification. Measured: the kit Consumer (inbox, one multi-row UPSERT per batch, as
`consumer_throughput`) over N signed events, verifying each against a `TrustList` before its
handler runs. Baseline: the same consumer over the same N signed messages without verifying.
"""

from __future__ import annotations

import json
import time

from bench.cases.consumer_throughput import DEFAULT_BATCH, _consumer
from bench.cases.relay_throughput import _fill_outbox
from bench.harness import Case, Env, Trial
from bench.stack import fresh_stream, stream_count
from bench.workload import SOURCE, STREAM, SUBJECT, Message, expect, messages, publish_all_async
from contracts.signing import KeyRing
from kit.messaging.bus import connect
from kit.messaging.relay import OutboxRelay
from kit.messaging.trust import EventSigner, TrustList, development_key


async def _drain(relay: OutboxRelay) -> float:
    start = time.perf_counter()
    await relay.drain()
    seconds = time.perf_counter() - start
    expect(await relay.pending(), 0, "relay pending")
    return seconds


async def relay(env: Env) -> Trial:
    n = env.events
    msgs = messages(n)
    signer = EventSigner([development_key(SOURCE)])
    bus = await connect(env.stack.nats_url, name="bench-relay-signing")
    plain, plain_engine = await _fill_outbox(env.stack.new_database("relay_plain"), msgs, bus.js)
    signing, signing_engine = await _fill_outbox(env.stack.new_database("relay_signed"), msgs, bus.js)
    plain.signer = None  # the baseline: the same relay publishing the payloads as recorded
    signing.signer = signer
    try:
        await fresh_stream(bus.js, STREAM)
        plain_seconds = await _drain(plain)
        expect(await stream_count(bus.js, STREAM), n, "unsigned relay published")
        await fresh_stream(bus.js, STREAM)
        signed_seconds = await _drain(signing)
        expect(await stream_count(bus.js, STREAM), n, "signing relay published")
        last = await bus.js.get_last_msg(STREAM.name, SUBJECT)
        KeyRing.from_jwks(signer.jwks()).verify(json.loads(last.data or b"{}"))  # what it published verifies
    finally:
        await bus.close()
        await plain_engine.dispose()
        await signing_engine.dispose()
    return Trial(measured=n / signed_seconds, baseline=n / plain_seconds)


async def consumer(env: Env) -> Trial:
    n = env.events
    key = development_key(SOURCE)
    signer = EventSigner([key])
    signed = [Message(m.id, m.national_id, signer.sign(m.payload)) for m in messages(n)]
    trust = TrustList([], None, extra=[key.public()])
    bus = await connect(env.stack.nats_url, name="bench-consumer-verification")
    try:
        await fresh_stream(bus.js, STREAM)
        await publish_all_async(bus.js, signed)
        plain = await _consumer(env, bus.js, n, DEFAULT_BATCH, "unverified-b256", mode="batch")
        verifying = await _consumer(env, bus.js, n, DEFAULT_BATCH, "verified-b256", mode="batch", trust=trust)
    finally:
        await bus.close()
    return Trial(measured=verifying, baseline=plain)


CASES = [
    Case(
        name="relay_signing",
        summary="OutboxRelay signing each event (Ed25519 over RFC 8785) vs the same relay unsigned, same N",
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
