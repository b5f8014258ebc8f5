"""What web holds while it runs: the gateway's client and the page templates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import httpx
from fastapi.templating import Jinja2Templates

from kit.addresses import Forwarding
from kit.runtime import Runtime
from kit.service import Context
from web import formatting
from web.gateway import Gateway
from web.sessions.service import Lifetime
from web.settings import Settings

HERE = Path(__file__).parent


@dataclass(frozen=True)
class Resources:
    gateway: Gateway
    templates: Jinja2Templates
    lifetime: Lifetime
    http: httpx.AsyncClient
    forwarding: Forwarding
    """Whose X-Forwarded-For web believes: the visitor's address, sent on to the gateway."""

    async def aclose(self) -> None:
        await self.http.aclose()


def templates() -> Jinja2Templates:
    found = Jinja2Templates(directory=HERE / "templates")
    formatting.install(found.env)
    return found


async def build_resources(runtime: Runtime[Settings]) -> Resources:
    s = runtime.settings
    http = httpx.AsyncClient(
        base_url=s.gateway_url, timeout=httpx.Timeout(s.gateway_timeout_seconds, connect=3.0), follow_redirects=False
    )
    lifetime = Lifetime(
        idle=timedelta(minutes=s.session_idle_minutes),
        max=timedelta(hours=s.session_max_hours),
        pending=timedelta(minutes=s.session_pending_minutes),
    )
    forwarding = Forwarding(s.trusted_proxy_hops, s.trusted_proxies)
    return Resources(gateway=Gateway(http), templates=templates(), lifetime=lifetime, http=http, forwarding=forwarding)


ServiceContext = Context[Settings, Resources]
