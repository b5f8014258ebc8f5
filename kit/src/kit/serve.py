"""`serve`: how every service's `python -m <package>` runs its app, so uvicorn's settings are
chosen in one place."""

from typing import Any

import uvicorn

KEEP_ALIVE_SECONDS = 75
"""How long an idle keep-alive connection stays open. Longer than any client of the platform's
own keeps one idle (the gateway's upstream pool: 30 s; an ingress: 60 s), so the client always
closes first. With uvicorn's default (5 s) a service could close a connection at the moment the
gateway sent a request on it: a GET is sent again, but a POST cannot be, and the citizen got a 503."""


def serve(factory: str, *, host: str, port: int, **options: Any) -> None:
    """Run the app built by ``factory`` ("package.main:create_app") on ``host:port``."""
    uvicorn.run(
        factory, factory=True, host=host, port=port, log_config=None, timeout_keep_alive=KEEP_ALIVE_SECONDS, **options
    )
