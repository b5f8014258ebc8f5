"""Pull requests of a durable JetStream consumer, each with a reply subject of its own.

nats-py's `PullSubscription.fetch` sends every request to one reply subject. When its client-side
timer fires before the server's end of the request (a "408 Request Timeout" sent at the request's
`expires`, a little later on a busy machine), that late 408 is taken by the next fetch as the end
of its own request: it sends a second, lingering request and returns on the first message,
leaving a request open on the server. The next message goes to that orphan, and the fetch that
receives it waits for the rest of its batch until its whole timeout has passed: an event an
idle consumer should have had in a millisecond arrives up to `timeout` later (nats-io/nats.py
#933, and #986, open for 2.16.0). Measured with 300 lone events, one fetch of 256 at a time with a
0.2 s timeout: 13 waited more than 50 ms with nats-py's fetch (up to 127 ms), none here (max
1.6 ms).

Here every request carries its own reply subject (`<inbox>.<n>`, one subscription for them all);
a request ends with the server's own status for it, never with another's; the client's timer is
only a safety net one second past the request's `expires`. A message the server sends on an
earlier request (one abandoned when the service stopped fetching, or whose end was lost) is
still a message of this consumer and is handed out with the next fetch, or with this one. A data
message does not say which request it came on (its subject is the stream's), so while an earlier
request may still be open the fetch returns as soon as no more is queued (the server gives a
message to the oldest open request, so this request may wait for its first until `expires`; it is
left open, and what it brings is taken by the next fetch); while none is, every message is this
request's and the fetch fills its batch. Requests are `no_wait` with `expires`: the server waits
up to `expires` for the first message, then ends the request as soon as none is pending (a lone
event at once, a backlog a batch at a time).
"""

from __future__ import annotations

import asyncio
import itertools
import json

from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.aio.subscription import Subscription
from nats.js.api import StatusCode
from nats.js.client import JetStreamContext
from nats.js.errors import APIError

SAFETY_MARGIN = 1.0
"""Seconds past a request's `expires` the client waits for the server's end of it (the server
gone, or the end lost with the connection)."""

_ENDED = frozenset({StatusCode.NO_MESSAGES, StatusCode.REQUEST_TIMEOUT})  # the request is over


def connection_of(js: JetStreamContext) -> tuple[Client, str]:
    """The connection a JetStream context uses and its API prefix: nats-py keeps both on the
    context without a public accessor."""
    return js._nc, js._prefix


_status = JetStreamContext.is_status_msg  # nats-py's reading of a status JetStream itself sent


class Pull:
    """`fetch` of one durable consumer (`start` first, `stop` at the end)."""

    def __init__(self, js: JetStreamContext, stream: str, durable: str) -> None:
        self.nc, prefix = connection_of(js)
        self.subject = f"{prefix}.CONSUMER.MSG.NEXT.{stream}.{durable}"
        self.inbox = self.nc.new_inbox()
        self._numbers = itertools.count(1)
        self._sub: Subscription | None = None
        self._open: dict[str, float] = {}
        """Requests that may still be open on the server (a fetch abandoned while it waited): reply
        subject -> the loop time by which the server has ended it."""

    async def start(self) -> None:
        self._sub = await self.nc.subscribe(f"{self.inbox}.*")

    async def stop(self) -> None:
        if self._sub is not None:
            sub, self._sub = self._sub, None
            await sub.unsubscribe()

    def _queued(self, batch: int) -> list[Msg]:
        """Up to `batch` messages that arrived for earlier requests, without waiting; their
        statuses dropped (an end noted)."""
        assert self._sub is not None, "Pull.start() first"
        msgs: list[Msg] = []
        queue = self._sub._pending_queue
        while len(msgs) < batch and not queue.empty():
            msg = self._take()
            status = _status(msg)
            if status is None:
                msgs.append(msg)
            elif status != StatusCode.CONTROL_MESSAGE:
                self._open.pop(msg.subject, None)
        return msgs

    def _take(self) -> Msg:
        """The next queued message, as `next_msg` takes it, without the task, the timer and the
        uuid `next_msg` makes for every message: a consumer through a backlog went from 14,300-15,200
        to 20,100-20,600 msgs/s with it (bench `consumer_throughput`, two interleaved pairs)."""
        assert self._sub is not None
        msg = self._sub._pending_queue.get_nowait()
        self._sub._pending_size -= len(msg.data)
        self._sub._pending_queue.task_done()
        return msg

    def _earlier_open(self, now: float, this: str) -> bool:
        """Whether a request other than `this` may still be open (one past its end is forgotten)."""
        for reply, ends in list(self._open.items()):
            if ends <= now:
                del self._open[reply]
        return any(reply != this for reply in self._open)

    async def fetch(self, batch: int, timeout: float) -> list[Msg]:
        """Up to `batch` messages: waits up to `timeout` for the first, then takes what the server
        has pending; [] when none came. A status other than the end of the request (409
        "Exceeded MaxRequestBatch", "Consumer Deleted", ...) is raised as nats-py raises it, unless
        messages came before it."""
        assert self._sub is not None, "Pull.start() first"
        if batch < 1 or timeout <= 0:
            raise ValueError(f"batch {batch} and timeout {timeout} must be positive")
        msgs = self._queued(batch)
        if msgs:
            return msgs
        loop = asyncio.get_running_loop()
        reply = f"{self.inbox}.{next(self._numbers)}"
        earlier = self._earlier_open(loop.time(), reply)
        request = {"batch": batch, "expires": int(timeout * 1e9), "no_wait": True}
        deadline = loop.time() + timeout + SAFETY_MARGIN
        self._open[reply] = deadline  # until it ends here: a fetch cancelled while it waits leaves it open
        await self.nc.publish(self.subject, json.dumps(request).encode(), reply=reply)
        doubtful = False  # holding a message that may have come on an earlier request
        while len(msgs) < batch:
            if doubtful and self._sub._pending_queue.empty():
                return msgs  # this request may wait for its first until its `expires`: not here
            left = deadline - loop.time()
            if left <= 0:
                return msgs  # the server's end never came: the request is past its end anyway
            try:
                msg = self._take() if not self._sub._pending_queue.empty() else await self._sub.next_msg(timeout=left)
            except TimeoutError:
                return msgs
            status = _status(msg)
            if status is None:
                msgs.append(msg)
                doubtful = doubtful or earlier
            elif status == StatusCode.CONTROL_MESSAGE:
                continue
            elif msg.subject != reply:
                self._open.pop(msg.subject, None)  # an earlier request's end
                earlier = self._earlier_open(loop.time(), reply)
            elif status in _ENDED or msgs:
                break  # over; or refused midway (a leader change): what came is handed out
            else:
                del self._open[reply]
                raise APIError.from_msg(msg)
        del self._open[reply]  # ended by the server, or its batch is full
        return msgs
