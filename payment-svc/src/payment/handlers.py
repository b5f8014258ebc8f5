"""Events payment-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers
from payment.answers import handlers as answers

handlers = Handlers()
answers.register(handlers)
