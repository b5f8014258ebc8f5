"""Recording events in the same transaction as the state change they describe."""

from __future__ import annotations

import asyncio
from typing import Any

from sqlalchemy import event as sa_event
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from contracts import Envelope, Event
from contracts.envelope import DEFAULT_PUBLIC_URL
from kit import telemetry
from kit.messaging.tables import MessagingTables
from kit.messaging.trust import LEAF_HEADER, EventSigner

SESSION_KEY = "kit.messaging"


class OutboxBinding:
    """What a session needs to record events: the tables, the source name, the relay's wake-up,
    and the service's signer (each event's leaf is worked out as it is recorded, so its relay signs
    a batch without reading the events again; without one, e.g. a command-line import writing a
    service's outbox, the relay reads them)."""

    def __init__(
        self,
        tables: MessagingTables,
        source: str,
        public_url: str = DEFAULT_PUBLIC_URL,
        signer: EventSigner | None = None,
    ) -> None:
        self.tables = tables
        self.source = source
        self.public_url = public_url
        self.signer = signer
        self.wakeup = asyncio.Event()


def binding_of(session: AsyncSession) -> OutboxBinding:
    """The outbox the session writes to (its service's); refuses a session without one."""
    binding: OutboxBinding | None = session.info.get(SESSION_KEY)
    if binding is None:
        raise RuntimeError("this session is not bound to an outbox (use the service's sessionmaker)")
    return binding


async def record(session: AsyncSession, event: Event) -> Envelope:
    """Write `event` to the outbox of the session's service, in the session's transaction.

    The event is published by the relay after the transaction commits, and never if it
    rolls back. The current trace context travels with it. Its leaf (what the relay's batch
    signature will cover, `kit.messaging.trust.LEAF_HEADER`) is worked out here, by the request
    that states the fact, so the relay signs a batch of events with one signature and no parsing.
    """
    binding = binding_of(session)
    headers = telemetry.inject_headers()
    envelope = Envelope.wrap(
        event,
        source=binding.source,
        traceparent=headers.get("traceparent"),
        tracestate=headers.get("tracestate"),
        public_url=binding.public_url,
    )
    payload = envelope.to_bytes()
    if binding.signer is not None and (leaf := binding.signer.leaf(payload)) is not None:
        headers[LEAF_HEADER] = leaf
    values: dict[str, Any] = {
        "id": envelope.id,
        "subject": event.subject,
        "aggregate_id": envelope.subject,
        "payload": payload,
        "headers": headers,
    }
    await session.execute(insert(binding.tables.outbox).values(**values))
    wake_relay_after_commit(session)
    return envelope


def wake_relay_after_commit(session: AsyncSession) -> None:
    """Wake the relay when this transaction commits. `record` does it; call it yourself after
    writing outbox rows with set-based SQL (many events in one statement)."""
    sync_session = session.sync_session
    if not sync_session.info.get("kit.outbox.listening"):
        sync_session.info["kit.outbox.listening"] = True
        sa_event.listen(sync_session, "after_commit", _wake_relay, once=True)


def _wake_relay(sync_session: Session) -> None:
    sync_session.info.pop("kit.outbox.listening", None)
    binding: OutboxBinding | None = sync_session.info.get(SESSION_KEY)
    if binding is not None:
        binding.wakeup.set()
