"""kit's pull requests (`kit.messaging.pull.Pull`) against a real NATS JetStream server: each
request ends with the server's own end of it, never with the late end of an earlier one, and a
message an earlier, still open request took is not held back."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
from nats.js.api import AckPolicy, ConsumerConfig, StreamConfig
from nats.js.errors import APIError

from kit.messaging.bus import Bus, connect
from kit.messaging.pull import SAFETY_MARGIN, Pull


@dataclass
class Setting:
    bus: Bus
    pull: Pull
    subject: str
    published: int = 0

    async def publish(self, count: int = 1, *, after: float = 0.0) -> float:
        """Publish `count` messages (m0, m1, ... over the test) after `after` seconds; returns
        when the last was stored."""
        await asyncio.sleep(after)
        for _ in range(count):
            await self.bus.js.publish(self.subject, f"m{self.published}".encode())
            self.published += 1
        return asyncio.get_running_loop().time()

    async def earlier_request(self, batch: int, timeout: float) -> None:
        """A pull request left open by an earlier fetch, abandoned while it waited (as the
        consumer abandons one when its service stops or its connection to NATS is made again)."""
        fetching = asyncio.create_task(self.pull.fetch(batch, timeout=timeout))
        await asyncio.sleep(0.05)  # its request is sent
        fetching.cancel()
        await asyncio.gather(fetching, return_exceptions=True)
        await self.bus.nc.flush()


@pytest.fixture
async def setting(nats_server) -> AsyncIterator[Setting]:
    name = f"PULL{uuid.uuid4().hex[:8].upper()}"
    bus = await connect(nats_server.url, name="test-pull")
    await bus.js.add_stream(StreamConfig(name=name, subjects=[f"{name.lower()}.>"]))
    await bus.js.add_consumer(name, ConsumerConfig(durable_name="d", ack_policy=AckPolicy.EXPLICIT))
    pull = Pull(bus.js, name, "d")
    await pull.start()
    try:
        yield Setting(bus, pull, f"{name.lower()}.x")
    finally:
        await pull.stop()
        await bus.js.delete_stream(name)
        await bus.close()


async def test_a_lone_message_comes_at_once_a_backlog_a_batch_at_a_time_and_none_ends_with_the_server(setting):
    loop = asyncio.get_running_loop()
    began = loop.time()
    assert await setting.pull.fetch(256, timeout=0.3) == []
    waited = loop.time() - began
    assert 0.25 < waited < 0.3 + SAFETY_MARGIN / 2, waited  # the server's end, not the safety net

    publishing = asyncio.create_task(setting.publish(after=0.3))
    msgs = await setting.pull.fetch(256, timeout=10)
    published = await publishing
    assert [m.data for m in msgs] == [b"m0"]
    assert loop.time() - published < 2, "a lone message waited for the rest of its batch"
    await msgs[0].ack()

    await setting.publish(300)
    first = await setting.pull.fetch(256, timeout=10)
    assert len(first) == 256
    assert first[-1].metadata.num_pending == 44
    second = await setting.pull.fetch(256, timeout=10)
    assert [m.data for m in first + second] == [f"m{n}".encode() for n in range(1, 301)]


async def test_the_late_end_of_an_earlier_request_does_not_end_this_one(setting):
    """An earlier request ends (408) while this one waits: nats-py's fetch, whose requests share
    one reply subject, takes such an end as its own (nats-io/nats.py#986)."""
    await setting.earlier_request(batch=256, timeout=0.15)
    publishing = asyncio.create_task(setting.publish(after=0.6))
    msgs = await setting.pull.fetch(256, timeout=10)
    await publishing
    assert [m.data for m in msgs] == [b"m0"]


async def test_a_message_an_earlier_open_request_took_is_handed_out_at_once(setting):
    """The server gives a message to the oldest open request: here one left by an earlier fetch,
    waiting up to 8 s for its first, so this request would see nothing until its own 10 s ended.
    A message does not say which request it came on: while an earlier one may be open, the fetch
    returns what came as soon as no more is queued, and what the old request brings later is
    handed out by the next fetch."""
    loop = asyncio.get_running_loop()
    await setting.earlier_request(batch=10, timeout=8)
    publishing = asyncio.create_task(setting.publish(after=0.3))
    msgs = await setting.pull.fetch(256, timeout=10)
    published = await publishing
    assert [m.data for m in msgs] == [b"m0"]
    assert loop.time() - published < 2, "the message waited for this request's end"
    for msg in msgs:
        await msg.ack()
    published = await setting.publish(2)
    later: list[bytes] = []
    while len(later) < 2 and loop.time() - published < 2:
        later += [m.data for m in await setting.pull.fetch(256, timeout=10)]
    assert later == [b"m1", b"m2"], later


async def test_with_no_earlier_request_open_a_batch_is_filled_however_its_messages_arrive(setting):
    """Large messages reach the client over many reads, and between two of them nothing is
    queued: with no other request open, every message is this request's, and the fetch waits for
    the rest of its batch (or the server's end of it) instead of returning at the first gap. Once
    an abandoned request has ended, batches are whole again."""
    body = b"x" * 100_000

    async def forty_stored() -> None:  # each stored (acknowledged by the stream) before the fetch
        for _ in range(40):
            await setting.bus.js.publish(setting.subject, body)

    for _ in range(3):
        await forty_stored()
        msgs = await setting.pull.fetch(40, timeout=5)
        assert len(msgs) == 40, len(msgs)
        for msg in msgs:
            await msg.ack()
    await setting.earlier_request(batch=1, timeout=0.2)
    await asyncio.sleep(0.5)  # it has ended (the server's 408)
    await forty_stored()
    msgs = await setting.pull.fetch(40, timeout=5)
    assert len(msgs) == 40, len(msgs)


async def test_a_request_the_server_refuses_is_raised_as_nats_py_raises_it(setting):
    """409 "Exceeded MaxWaiting": the consumer keeps one open request, and an earlier one is open."""
    name = setting.pull.subject.split(".")[-2]
    await setting.bus.js.add_consumer(
        name, ConsumerConfig(durable_name="one", ack_policy=AckPolicy.EXPLICIT, max_waiting=1)
    )
    one = Pull(setting.bus.js, name, "one")
    await one.start()
    try:
        await setting.bus.nc.publish(
            one.subject, json.dumps({"batch": 1, "expires": int(0.5e9)}).encode(), reply=f"{one.inbox}.0"
        )
        with pytest.raises(APIError) as refused:
            await one.fetch(256, timeout=5)
        assert refused.value.code == 409, refused.value
        await asyncio.sleep(0.6)  # the earlier request has lapsed
        await setting.publish()
        assert [m.data for m in await one.fetch(10, timeout=5)] == [b"m0"]
    finally:
        await one.stop()
