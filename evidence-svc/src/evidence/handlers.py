"""Events evidence-svc consumes (each handler idempotent through the inbox). A domain with
handlers has its own `handlers.py` with a `register(handlers)` called here."""

from evidence.resources import Resources
from evidence.settings import Settings
from kit.messaging.consumer import Handlers

handlers: Handlers[Settings, Resources] = Handlers()
