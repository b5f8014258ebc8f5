"""Events catalog-svc consumes (each handler idempotent through the inbox): none yet."""

from catalog.resources import Resources
from catalog.settings import Settings
from kit.messaging.consumer import Handlers

handlers: Handlers[Settings, Resources] = Handlers()
