"""Events office-routing-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers
from office_routing.appointments.handlers import register
from office_routing.resources import Resources
from office_routing.settings import Settings

handlers: Handlers[Settings, Resources] = Handlers()
register(handlers)
