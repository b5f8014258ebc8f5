"""Events identity-svc consumes (each handler idempotent through the inbox)."""

from identity.notifications import handlers as notifications
from identity.registry import handlers as registry
from identity.resources import Resources
from identity.settings import Settings
from kit.messaging.consumer import Handlers

handlers: Handlers[Settings, Resources] = Handlers()
registry.register(handlers)
notifications.register(handlers)
