"""`python -m gateway`: serve the gateway on its configured port."""

from __future__ import annotations

from gateway.server import CoalescingHttpToolsProtocol
from gateway.settings import load_settings
from kit.serve import serve


def main() -> None:
    settings = load_settings()
    serve(
        "gateway.main:create_app",
        host=settings.host,
        port=settings.port,
        server_header=False,
        http=CoalescingHttpToolsProtocol,  # one send() per response (server.py)
        proxy_headers=False,  # client addresses come from settings.trusted_proxy_hops (limits.py), nowhere else
    )


if __name__ == "__main__":
    main()
