"""How far each durable consumer is behind, as metrics: JetStream's consumer info, read now and
then. Separate from the consumers' loops, so it reports while a consumer is stuck or paused too."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from nats.js import JetStreamContext

from kit import metrics
from kit.messaging.consumer import Consumer

log = logging.getLogger("kit.lag")


async def observe(js: JetStreamContext, consumer: Consumer) -> None:
    """Set the consumer's lag gauges from its info on the server."""
    info = await js.consumer_info(consumer.stream, consumer.durable)
    labels = {"consumer": consumer.durable, "stream": consumer.stream}
    metrics.CONSUMER_PENDING.labels(**labels).set(info.num_pending or 0)
    metrics.CONSUMER_ACK_PENDING.labels(**labels).set(info.num_ack_pending or 0)
    metrics.CONSUMER_REDELIVERED.labels(**labels).set(info.num_redelivered or 0)


async def watch(js: JetStreamContext, consumers: Sequence[Consumer], stop: asyncio.Event, every: float = 15.0) -> None:
    """Observe every consumer each `every` seconds until `stop` is set (NATS away: try again later)."""
    while not stop.is_set():
        for consumer in consumers:
            try:
                await observe(js, consumer)
            except Exception as exc:  # noqa: BLE001 - a metric must never stop the service
                log.debug("lag of %s not measured: %s", consumer.durable, exc)
        try:
            await asyncio.wait_for(stop.wait(), every)
        except TimeoutError:
            pass
