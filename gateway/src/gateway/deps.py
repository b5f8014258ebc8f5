"""Dependencies shared by the gateway's own routes (OAuth, webhooks): kit's, as every service
has them. `Ctx` is the gateway's context (its settings, the running `Gateway`, its clock)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from gateway.settings import Settings
from gateway.state import Gateway
from kit.service import Context, Now, context

GatewayContext = Context[Settings, Gateway]
Ctx = Annotated[GatewayContext, Depends(context)]
"""The gateway's settings, its running state (`ctx.resources`) and its clock."""

__all__ = ["Ctx", "GatewayContext", "Now"]
