"""What evidence-svc holds while it runs, and the typed context its code receives."""

from __future__ import annotations

from dataclasses import dataclass

from evidence.settings import Settings
from kit.runtime import Runtime
from kit.service import Context, EventContext


@dataclass(frozen=True)
class Resources:
    """The service's long-lived clients and policies (clients of other services' APIs with their
    timeouts, signing keys, rules read from the settings), built once in `build_resources`."""

    max_open_bundles: int


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    return Resources(max_open_bundles=runtime.settings.max_open_bundles)


ServiceContext = Context[Settings, Resources]
EventCtx = EventContext[Settings, Resources]
