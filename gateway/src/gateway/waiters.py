"""First come, first served hand-over of a freed slot (or a connection) to whoever waits for it:
the bulkheads' slots (gateway.shedding) and the upstream pools' connections (gateway.upstream)."""

from __future__ import annotations

import asyncio
from collections import deque
from typing import TypeVar

T = TypeVar("T")


def hand_over(waiters: deque[asyncio.Future[T]], value: T) -> bool:
    """Give `value` to the longest waiter still waiting; False if nobody waits."""
    while waiters:
        waiter = waiters.popleft()
        if not waiter.done():
            waiter.set_result(value)
            return True
    return False


def forsake(waiters: deque[asyncio.Future[T]], waiter: asyncio.Future[T]) -> None:
    """Stop waiting (timed out or cancelled, and handed nothing)."""
    waiter.cancel()
    try:
        waiters.remove(waiter)
    except ValueError:
        pass
