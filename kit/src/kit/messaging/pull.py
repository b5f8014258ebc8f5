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
still a message of this consumer and is handed out with the next fetch, or with this one, which
then returns as soon as no more is queued (the server gives a message to the oldest open request,
so this request may wait for its first until `expires`; it is left open, and what it brings is
taken by the next fetch). Requests are `no_wait` with `expires`: the server waits up to
`expires` for the first message, then ends the request as soon as none is pending (a lone event
at once, a backlog a batch at a time).
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

    async def start(self) -> None:
        self._sub = await self.nc.subscribe(f"{self.inbox}.*")

    async def stop(self) -> None:
        if self._sub is not None:
            sub, self._sub = self._sub, None
            await sub.unsubscribe()

    def _queued(self) -> list[Msg]:
        """Messages that arrived for earlier requests, without waiting; their statuses dropped."""
        assert self._sub is not None, "Pull.start() first"
        msgs: list[Msg] = []
        queue = self._sub._pending_queue
        while not queue.empty():
            msg = queue.get_nowait()
            self._sub._pending_size -= len(msg.data)
            if _status(msg) is None:
                msgs.append(msg)
        return msgs

    async def fetch(self, batch: int, timeout: float) -> list[Msg]:
        """Up to `batch` messages: waits up to `timeout` for the first, then takes what the server
        has pending; [] when none came. A status other than the end of the request (409
        "Exceeded MaxRequestBatch", "Consumer Deleted", ...) is raised as nats-py raises it, unless
        messages came before it."""
        assert self._sub is not None, "Pull.start() first"
        if batch < 1 or timeout <= 0:
            raise ValueError(f"batch {batch} and timeout {timeout} must be positive")
        msgs = self._queued()
        if msgs:
            return msgs
        reply = f"{self.inbox}.{next(self._numbers)}"
        request = {"batch": batch, "expires": int(timeout * 1e9), "no_wait": True}
        await self.nc.publish(self.subject, json.dumps(request).encode(), reply=reply)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout + SAFETY_MARGIN
        while len(msgs) < batch:
            left = deadline - loop.time()
            if left <= 0:
                break
            try:
                msg = await self._sub.next_msg(timeout=left)
            except TimeoutError:
                break
            status = _status(msg)
            if status is None:
                msgs.append(msg)
                if msg.subject != reply and self._sub._pending_queue.empty():
                    break  # an earlier request is still open and took it: this one may wait for long
            elif msg.subject != reply or status == StatusCode.CONTROL_MESSAGE:
                continue  # an earlier request's end
            elif status in _ENDED or msgs:
                break  # over; or refused midway (a leader change): what came is handed out
            else:
                raise APIError.from_msg(msg)
        return msgs
