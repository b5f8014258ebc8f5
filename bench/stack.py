"""The servers a benchmark run owns: PostgreSQL (durable settings) and NATS JetStream.

Data lives under `.data/bench/<pid>-<random>/` and is removed when the run ends.
"""

from __future__ import annotations

import os
import secrets
import shutil
from pathlib import Path
from types import TracebackType

from nats.js import JetStreamContext
from nats.js.errors import NotFoundError

from contracts.streams import ALL_STREAMS, Stream
from devstack.nats import NatsProcess
from devstack.paths import data_root
from devstack.ports import free_port
from devstack.postgres import PostgresProcess
from kit.messaging.bus import ensure_streams


class Stack:
    def __init__(self, root: Path | None = None) -> None:
        default = data_root(Path(__file__).resolve().parent) / "bench" / f"{os.getpid()}-{secrets.token_hex(4)}"
        self.root = root or default
        # fast=False: fsync, synchronous_commit and full_page_writes on, as in production.
        self.pg = PostgresProcess(self.root / "postgres", port=free_port(), fast=False)
        self.nats = NatsProcess(self.root / "nats", port=free_port())
        self._databases = 0

    def start(self) -> None:
        self.root.mkdir(parents=True, exist_ok=False)
        try:
            self.pg.start()
            self.nats.start()
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        try:
            self.nats.stop()
        finally:
            try:
                self.pg.stop()
            finally:
                shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> Stack:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def nats_url(self) -> str:
        return self.nats.url

    def new_database(self, prefix: str) -> str:
        """A new empty database; its `postgresql+asyncpg://` URL. Blocking (runs its own loop)."""
        self._databases += 1
        name = f"{prefix}_{self._databases}_{secrets.token_hex(3)}"
        self.pg.create_database(name)
        return self.pg.dsn(name, driver="postgresql+asyncpg")


async def fresh_stream(js: JetStreamContext, stream: Stream) -> None:
    """Delete `stream` and create it again with the production configuration: no messages and
    an empty duplicate window, so one measurement cannot skew the next."""
    try:
        await js.delete_stream(stream.name)
    except NotFoundError:
        pass
    await ensure_streams(js, [stream])


async def empty_streams(js: JetStreamContext) -> None:
    """Every stream of the platform fresh (`fresh_stream`): a case that starts services on the
    bench's NATS must not hand them what earlier cases left in the streams (their consumers would
    spend the measurement dead-lettering the message cases' events)."""
    for stream in ALL_STREAMS:
        await fresh_stream(js, stream)


async def stream_count(js: JetStreamContext, stream: Stream) -> int:
    return int((await js.stream_info(stream.name)).state.messages)
