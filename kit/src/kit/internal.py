"""Service-to-service routes (`/internal/...`): the gateway does not route them, and they admit
only a caller presenting the platform's internal token (`<PREFIX>INTERNAL_TOKEN`, the secret the
services share) as a bearer. A citizen's, staff member's or integrator's token never passes."""

from __future__ import annotations

import hmac

from fastapi import Depends, Request

from kit.errors import ProblemError


async def require_service(request: Request) -> None:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    expected = request.app.state.runtime.settings.internal_token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip().encode(), expected):
        raise ProblemError("unauthenticated", status=401, headers={"WWW-Authenticate": "Bearer"})


ServiceOnly = Depends(require_service)
"""`dependencies=[ServiceOnly]` on a route or router admits other services only."""


def bearer(token: str) -> dict[str, str]:
    """The header a service sends to another's internal routes."""
    return {"Authorization": f"Bearer {token}"}
