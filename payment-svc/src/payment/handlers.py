"""Events payment-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers
from payment.answers import handlers as answers
from payment.resources import Resources
from payment.settings import Settings

handlers: Handlers[Settings, Resources] = Handlers()
answers.register(handlers)
