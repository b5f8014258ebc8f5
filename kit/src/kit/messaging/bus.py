"""The NATS connection and JetStream streams."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field

import nats
from nats.aio.client import Client
from nats.errors import TimeoutError as NatsTimeoutError
from nats.js import JetStreamContext
from nats.js.api import DiscardPolicy, RetentionPolicy, StorageType, StreamConfig
from nats.js.errors import BadRequestError, NotFoundError

from contracts.streams import DEAD_LETTER, STREAMS, Stream

log = logging.getLogger("kit.bus")

DUPLICATE_WINDOW_SECONDS = 20 * 60
"""JetStream drops a second message with the same Nats-Msg-Id within this window."""

RETENTION_SECONDS = 90 * 24 * 3600


@dataclass
class Bus:
    nc: Client
    js: JetStreamContext
    _reconnect: asyncio.Event = field(default_factory=asyncio.Event, repr=False)

    async def reconnected(self) -> None:
        """Return when the connection is next re-established (its server restarted, or another
        of the cluster's servers took it): what waited on the old server (a consumer's pull
        request) is gone with it."""
        await self._reconnect.wait()

    def _reconnected(self) -> None:
        happened, self._reconnect = self._reconnect, asyncio.Event()
        happened.set()

    async def close(self) -> None:
        if not self.nc.is_closed:
            try:
                await self.nc.drain()
            except Exception:  # noqa: BLE001 - closing anyway
                await self.nc.close()


async def connect(url: str, *, name: str, max_pending_publishes: int = 4000) -> Bus:
    """Connect with endless reconnects: a NATS restart must not need a service restart.
    `url` may list a cluster's servers, comma-separated: any one of them reachable will do."""

    async def on_disconnect() -> None:
        log.warning("nats disconnected")

    made: list[Bus] = []

    async def on_reconnect() -> None:
        log.info("nats reconnected")
        for bus in made:
            bus._reconnected()

    async def on_error(exc: Exception) -> None:
        log.warning("nats error: %s", exc)

    nc = await nats.connect(
        servers(url),
        name=name,
        allow_reconnect=True,
        max_reconnect_attempts=-1,
        reconnect_time_wait=0.5,
        connect_timeout=5,
        disconnected_cb=on_disconnect,
        reconnected_cb=on_reconnect,
        error_cb=on_error,
    )
    made.append(Bus(nc=nc, js=nc.jetstream(publish_async_max_pending=max_pending_publishes)))
    return made[0]


def servers(url: str) -> list[str]:
    """`nats://a:4222,nats://b:4222` → each server's URL."""
    return [part.strip() for part in url.split(",") if part.strip()]


def stream_config(stream: Stream, *, replicas: int = 1) -> StreamConfig:
    return StreamConfig(
        name=stream.name,
        description=stream.description,
        subjects=list(stream.subjects),
        retention=RetentionPolicy.LIMITS,
        storage=StorageType.FILE,
        discard=DiscardPolicy.OLD,
        max_age=RETENTION_SECONDS,
        duplicate_window=DUPLICATE_WINDOW_SECONDS,
        num_replicas=replicas,
    )


async def ensure_streams(
    js: JetStreamContext,
    streams: Iterable[Stream] = (*STREAMS, DEAD_LETTER),
    *,
    replicas: int = 1,
    patience: float = 60.0,
) -> None:
    """Create each stream, or bring an existing one to this configuration. Safe to run at every start.

    A cluster placing replicated streams for several services at once (or still electing its
    leaders) can answer late: a request that times out is asked again for up to `patience`
    seconds, rather than the service failing its start."""
    deadline = asyncio.get_running_loop().time() + patience
    for stream in streams:
        while True:
            try:
                await _ensure(js, stream_config(stream, replicas=replicas))
                break
            except NatsTimeoutError:
                if asyncio.get_running_loop().time() > deadline:
                    raise
                log.warning("JetStream did not answer for stream %s in time; asking again", stream.name)


async def _ensure(js: JetStreamContext, config: StreamConfig) -> None:
    assert config.name is not None
    try:
        await js.stream_info(config.name)
    except NotFoundError:
        try:
            await js.add_stream(config)
            return
        except BadRequestError:  # created concurrently by another service
            pass
    await js.update_stream(config)
