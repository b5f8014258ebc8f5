"""What office-routing-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass

from kit.runtime import Runtime
from kit.service import Context, EventContext
from office_routing.appointments.service import Policy
from office_routing.settings import Settings


@dataclass(frozen=True)
class Resources:
    policy: Policy
    """The booking rules, from the settings."""


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    return Resources(policy=Policy.of(runtime.settings))


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
