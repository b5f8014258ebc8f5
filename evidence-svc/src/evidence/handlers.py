"""Events evidence-svc consumes (each handler idempotent through the inbox): every type that
can cross an authority boundary, into the archive."""

from evidence.archive import handlers as archive
from evidence.resources import Resources
from evidence.settings import Settings
from kit.messaging.consumer import Handlers

handlers: Handlers[Settings, Resources] = Handlers()
archive.register(handlers)
