"""`serve`: how every service's `python -m <package>` runs its app, so uvicorn's settings are
chosen in one place, and the garbage collector is set for a long-running server once it started."""

from __future__ import annotations

import gc
from typing import Any

import uvicorn
from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.importer import import_from_string

KEEP_ALIVE_SECONDS = 75
"""How long an idle keep-alive connection stays open. Longer than any client of the platform's
own keeps one idle (the gateway's upstream pool: 30 s; an ingress: 60 s), so the client always
closes first. With uvicorn's default (5 s) a service could close a connection at the moment the
gateway sent a request on it: a GET is sent again, but a POST cannot be, and the citizen got a 503."""

GC_THRESHOLDS = (20_000, 20, 20)
"""Young-generation collections every 20,000 allocations, not Python's 700: at 700 the collector
ran every few requests (the gateway measured ~7% of its CPU), though a request leaves little
cyclic garbage."""


def settle() -> None:
    """Once the app has started: collect, then move everything alive (modules, models, the app,
    its pools) out of the collector's sight (`gc.freeze`), so its full collections walk only what
    requests leave behind (they were the gateway's p99 spikes under load), and collect the young
    generation less often (`GC_THRESHOLDS`). For a server process only: what is frozen is never
    collected, so a process that starts app after app (a test run) must not call it."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*GC_THRESHOLDS)


def settling(app: ASGIApp) -> ASGIApp:
    """`app`, calling `settle()` as its startup completes (the lifespan's own message)."""

    async def wrapped(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return

        async def sending(message: Message) -> None:
            if message["type"] == "lifespan.startup.complete":
                settle()
            await send(message)

        await app(scope, receive, sending)

    return wrapped


def serve(factory: str, *, host: str, port: int, **options: Any) -> None:
    """Run the app built by ``factory`` ("package.main:create_app") on ``host:port``. uvicorn
    calls the factory itself, inside its event loop, as with an import string."""

    def build() -> ASGIApp:
        return settling(import_from_string(factory)())

    uvicorn.run(
        build, factory=True, host=host, port=port, log_config=None, timeout_keep_alive=KEEP_ALIVE_SECONDS, **options
    )
