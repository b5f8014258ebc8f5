"""Events ration-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers
from ration.cards import handlers as cards
from ration.facts import handlers as facts

handlers = Handlers()
cards.register(handlers)
facts.register(handlers)
