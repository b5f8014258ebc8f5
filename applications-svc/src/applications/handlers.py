"""Events applications-svc consumes (each handler idempotent through the inbox): the facts
other authorities publish (read models), payments and office visits of applications."""

from applications.applications import handlers as applications
from applications.facts import handlers as facts
from applications.resources import Resources
from applications.settings import Settings
from kit import payable
from kit.messaging.consumer import Handlers

handlers: Handlers[Settings, Resources] = Handlers()
facts.register(handlers)
applications.register(handlers)
handlers.wanting(payable.own_orders(applications.OWNER))  # other services' payments and visits: passed over
