"""Receive Shubbak events over NATS as an integrator: a runnable example.

    pip install ./contracts nats-py
    export SHUBBAK_NATS_PASSWORD=...        # from the platform's operators, shown to them once
    python contracts/examples/nats_subscriber.py --url nats://nats.example:4222 \\
        --user int_0a1b2c... --event-type notary.poa.revoked.v1

Your NATS account receives exactly the event types in your scopes. By default this keeps a
JetStream stream in your own account over those subjects (created on first run) and reads it
through a durable consumer, so a restart resumes where it stopped and nothing published while
you were away is lost (from the moment the stream exists). `--no-jetstream` subscribes plainly:
only what arrives while connected.

Each message is an `Envelope` (JSON); it is parsed into the pydantic model that `contracts`
registers for its type, printed as one JSON line, and acknowledged. Delivery is at least once:
the same event id can come again, so it is skipped here by id (in a real integration, record
the id in the same database transaction as what you do with the event).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import signal
import sys
from collections import OrderedDict
from typing import Any

import nats
from nats.errors import TimeoutError as NatsTimeout
from nats.js.api import AckPolicy, ConsumerConfig, DiscardPolicy, StorageType, StreamConfig
from nats.js.errors import NotFoundError

from contracts import Envelope
from contracts.errors import InvalidEnvelope, UnknownEvent


class Seen:
    """The last `size` event ids, to drop redeliveries of the same event."""

    def __init__(self, size: int = 100_000) -> None:
        self.size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def add(self, event_id: str) -> bool:
        """True the first time an id is seen."""
        if event_id in self._ids:
            self._ids.move_to_end(event_id)
            return False
        self._ids[event_id] = None
        if len(self._ids) > self.size:
            self._ids.popitem(last=False)
        return True


def handle(subject: str, data: bytes, seen: Seen) -> dict[str, Any] | None:
    """The line to print for one message, or None for a duplicate; raises on a bad message."""
    envelope = Envelope.from_bytes(data)
    if envelope.type != subject:
        raise InvalidEnvelope(f"type {envelope.type!r} arrived on subject {subject!r}")
    event = envelope.event()  # the typed model, e.g. contracts.events.notary.PoaRevoked
    if not seen.add(str(envelope.id)):
        return None
    return {
        "id": str(envelope.id),
        "type": envelope.type,
        "model": type(event).__name__,
        "aggregate": event.aggregate_id(),
        "time": envelope.time.isoformat(),
    }


def emit(line: dict[str, Any] | None, message_id: str) -> None:
    if line is None:
        print(f"duplicate {message_id}: skipped", file=sys.stderr, flush=True)
    else:
        print(json.dumps(line, ensure_ascii=False), flush=True)


def bad(exc: Exception) -> None:
    print(f"rejected a message: {exc}", file=sys.stderr, flush=True)


async def run(args: argparse.Namespace, password: str) -> int:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)

    async def on_error(exc: Exception) -> None:
        print(f"nats: {exc}", file=sys.stderr, flush=True)  # e.g. a permissions violation

    nc = await nats.connect(args.url, user=args.user, password=password, error_cb=on_error, name="shubbak-example")
    seen, count = Seen(), 0
    try:
        if args.no_jetstream:
            queue: asyncio.Queue[Any] = asyncio.Queue()
            for subject in args.event_type:
                await nc.subscribe(subject, cb=queue.put)
            print(f"listening on {', '.join(args.event_type)}", file=sys.stderr, flush=True)
            while not stop.is_set() and (args.max_events is None or count < args.max_events):
                msg = await queue.get()
                try:
                    line = handle(msg.subject, msg.data, seen)
                except (InvalidEnvelope, UnknownEvent) as exc:
                    bad(exc)
                    continue
                emit(line, msg.headers.get("Nats-Msg-Id", "?") if msg.headers else "?")
                count += line is not None
            return 0
        js = nc.jetstream()
        await ensure_stream(js, args)
        await ensure_consumer(js, args)
        sub = await js.pull_subscribe_bind(args.durable, stream=args.stream)
        print(f"listening on {', '.join(args.event_type)} (stream {args.stream})", file=sys.stderr, flush=True)
        while not stop.is_set() and (args.max_events is None or count < args.max_events):
            want = min(50, args.max_events - count) if args.max_events else 50
            try:
                # One message first, then what is already pending: nats-py's fetch of a batch can
                # wait out its whole timeout for a message that came at once, after an earlier
                # fetch timed out (nats-io/nats.py#986); a fetch of one returns on the first.
                batch = await sub.fetch(1, timeout=2)
            except NatsTimeout:
                continue
            while len(batch) < want and batch[-1].metadata.num_pending > 0:
                try:
                    batch += await sub.fetch(want - len(batch), timeout=0.05)
                except NatsTimeout:
                    break
            for msg in batch:
                try:
                    line = handle(msg.subject, msg.data, seen)
                except (InvalidEnvelope, UnknownEvent) as exc:
                    bad(exc)
                    await msg.term()  # never redelivered
                    continue
                emit(line, msg.headers.get("Nats-Msg-Id", "?") if msg.headers else "?")
                await msg.ack_sync()  # acknowledged after it is handled
                count += line is not None
        return 0
    finally:
        await nc.drain()


async def ensure_stream(js: Any, args: argparse.Namespace) -> None:
    """A stream in your own account over your event types (updated if your scopes changed)."""
    config = StreamConfig(
        name=args.stream,
        subjects=sorted(args.event_type),
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=args.max_age_days * 86_400,
        max_bytes=args.max_bytes,
        duplicate_window=120,
    )
    try:
        info = await js.stream_info(args.stream)
    except NotFoundError:
        await js.add_stream(config)
        return
    if sorted(info.config.subjects or []) != config.subjects:
        await js.update_stream(config)


async def ensure_consumer(js: Any, args: argparse.Namespace) -> None:
    """A durable pull consumer: the server remembers what you acknowledged."""
    try:
        await js.consumer_info(args.stream, args.durable)
    except NotFoundError:
        config = ConsumerConfig(durable_name=args.durable, ack_policy=AckPolicy.EXPLICIT, ack_wait=60)
        await js.add_consumer(args.stream, config)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Receive Shubbak events over NATS (an integrator's example).")
    parser.add_argument("--url", default=os.environ.get("SHUBBAK_NATS_URL", "nats://127.0.0.1:4222"))
    parser.add_argument("--user", required=True, help="your NATS user (your client id)")
    parser.add_argument("--password-file", help="else $SHUBBAK_NATS_PASSWORD (never on the command line)")
    parser.add_argument("--event-type", action="append", required=True, help="repeat; each must be in your scopes")
    parser.add_argument("--no-jetstream", action="store_true", help="plain subscriptions: no replay, no resume")
    parser.add_argument("--stream", default="SHUBBAK_EVENTS", help="your stream's name (in your account)")
    parser.add_argument("--durable", default="example-subscriber", help="your durable consumer's name")
    parser.add_argument("--max-age-days", type=int, default=7)
    parser.add_argument("--max-bytes", type=int, default=256 * 1024 * 1024)
    parser.add_argument("--max-events", type=int, help="exit after this many distinct events (demos, tests)")
    args = parser.parse_args(argv)
    if args.password_file:
        with open(args.password_file, encoding="utf-8") as f:
            password = f.read().strip()
    else:
        password = os.environ.get("SHUBBAK_NATS_PASSWORD", "")
    if not password:
        parser.error("give --password-file or set SHUBBAK_NATS_PASSWORD")
    return asyncio.run(run(args, password))


if __name__ == "__main__":
    sys.exit(main())
