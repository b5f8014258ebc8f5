"""Events between services: transactional outbox → JetStream → durable consumers with an inbox."""

from kit.messaging.outbox import record
from kit.messaging.tables import MessagingTables, messaging_tables

__all__ = ["MessagingTables", "messaging_tables", "record"]
