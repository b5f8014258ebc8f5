"""Events identity-svc consumes (each handler idempotent through the inbox)."""

from identity.notifications import handlers as notifications
from identity.registry import handlers as registry
from kit.messaging.consumer import Handlers

handlers = Handlers()
registry.register(handlers)
notifications.register(handlers)
