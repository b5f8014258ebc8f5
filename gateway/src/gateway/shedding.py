"""Load shedding: at most so many requests in flight to each upstream, and a bounded wait.

A request to a service takes one of its slots (`limit`) for the whole exchange, the answer's body
included. With every slot taken it waits, first come first served, behind at most `max_queue`
others and for at most `max_wait` seconds; past either bound it is refused at once (503 with
Retry-After). Without this, a burst beyond what a service can do queues inside it: every answer
gets slow (issue 12: p99 of 4-7 s at 200 connections) and callers time out while their requests
are still being worked on. With it, the answers the gateway gives stay fast, and the rest are told
to come back.

The bounds are per gateway process; with several gateway replicas a service sees up to
replicas × limit requests at a time.
"""

from __future__ import annotations

import asyncio
from collections import deque

from prometheus_client import Counter, Gauge

from gateway.waiters import forsake, hand_over

SHED = Counter("gateway_shed_total", "Requests refused by load shedding (503), by upstream", ["upstream"])
IN_FLIGHT = Gauge("gateway_upstream_in_flight", "Requests in flight to an upstream", ["upstream"])
WAITING = Gauge("gateway_upstream_waiting", "Requests waiting for a slot to an upstream", ["upstream"])


class Bulkhead:
    """The slots of one upstream. `limit` 0: no bound (shedding off for it)."""

    def __init__(self, name: str, *, limit: int, max_wait: float, max_queue: int) -> None:
        self.name = name
        self.limit = limit
        self.max_wait = max_wait
        self.max_queue = max_queue
        self.in_flight = 0
        self._waiters: deque[asyncio.Future[None]] = deque()
        self.shed = SHED.labels(upstream=name)
        IN_FLIGHT.labels(upstream=name).set_function(lambda: self.in_flight)
        WAITING.labels(upstream=name).set_function(lambda: len(self._waiters))

    def try_enter(self) -> bool:
        """Take a free slot without waiting (the proxy's fast path: no coroutine)."""
        if self.limit <= 0:
            return True
        if self.in_flight < self.limit and not self._waiters:
            self.in_flight += 1
            return True
        return False

    async def enter(self) -> bool:
        """Take a slot (True), waiting within the bounds; False: shed, no slot taken."""
        if self.try_enter():
            return True
        if len(self._waiters) >= self.max_queue or self.max_wait <= 0:
            self.shed.inc()
            return False
        waiter: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            await asyncio.wait((waiter,), timeout=self.max_wait)
        except BaseException:  # cancelled (the client went away): give back what we got
            self._withdraw(waiter)
            raise
        if waiter.done() and not waiter.cancelled():
            return True  # `leave` handed its slot over
        self._withdraw(waiter)
        self.shed.inc()
        return False

    def leave(self) -> None:
        """Give the slot back, to the longest waiter if any."""
        if self.limit <= 0:
            return
        if not hand_over(self._waiters, None):  # handed over, the slot passes on: in_flight stays
            self.in_flight -= 1

    def _withdraw(self, waiter: asyncio.Future[None]) -> None:
        if waiter.done() and not waiter.cancelled():
            self.leave()  # handed a slot at the last moment: pass it on
            return
        forsake(self._waiters, waiter)
