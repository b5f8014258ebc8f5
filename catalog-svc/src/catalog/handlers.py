"""Events catalog-svc consumes (each handler idempotent through the inbox): applications-svc's
publications, which offer a service defined as data."""

from catalog.offering import handlers as offering
from catalog.resources import Resources
from catalog.settings import Settings
from kit.messaging.consumer import Handlers

handlers: Handlers[Settings, Resources] = Handlers()
offering.register(handlers)
