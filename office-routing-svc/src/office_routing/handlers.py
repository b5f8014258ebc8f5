"""Events office-routing-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers
from office_routing.appointments.handlers import register

handlers = Handlers()
register(handlers)
