"""Events office-routing-svc consumes (each handler idempotent through the inbox)."""

from kit.messaging.consumer import Handlers

handlers = Handlers()
