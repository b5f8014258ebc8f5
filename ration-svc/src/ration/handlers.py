"""Events ration-svc consumes (each handler idempotent through the inbox)."""

from kit import payable
from kit.messaging.consumer import Handlers
from ration.cards import handlers as cards
from ration.facts import handlers as facts
from ration.resources import Resources
from ration.settings import Settings

handlers: Handlers[Settings, Resources] = Handlers()
cards.register(handlers)
facts.register(handlers)
handlers.wanting(payable.own_orders("ration"))  # other services' payments: passed over
