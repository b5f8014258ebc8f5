"""Events payment-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers
from payment.refunds import handlers as refunds

handlers = Handlers()
refunds.register(handlers)
