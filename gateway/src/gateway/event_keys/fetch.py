"""Fetching an integrator's JWKS URL: with a timeout, a size limit, and the webhooks' rules on
where the gateway may connect (`gateway.webhooks.targets`: never into the platform's own network,
names resolved and checked at each fetch, no proxy from the environment, no redirects)."""

from __future__ import annotations

import json
from typing import Any

import aiohttp

from gateway.webhooks.targets import CheckedResolver, TargetPolicy, TargetRefused

MAX_BYTES = 64 * 1024
USER_AGENT = "Shubbak-Gateway/1 (integrator event keys)"


class Unreachable(Exception):
    """The JWKS URL gave no JWKS; `reason` is a fixed code (never what the server answered)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def fetch_jwks(url: str, *, targets: TargetPolicy, timeout_seconds: float) -> dict[str, Any]:
    """The JWKS document at `url`, or `Unreachable` with why: `address_not_allowed`,
    `host_not_allowed`, `host_unresolvable`, `jwks_unreachable` (no answer in time, a refused
    connection, a status other than 200) or `jwks_invalid` (not a JSON object with `keys`, or too big)."""
    try:
        targets.check_url(url)
    except TargetRefused as refused:
        raise Unreachable(refused.reason) from None
    connector = aiohttp.TCPConnector(resolver=CheckedResolver(targets), use_dns_cache=False)
    try:
        async with aiohttp.ClientSession(
            connector=connector,
            timeout=aiohttp.ClientTimeout(total=timeout_seconds),
            cookie_jar=aiohttp.DummyCookieJar(),
            trust_env=False,
        ) as http:
            async with http.get(url, allow_redirects=False, headers={"user-agent": USER_AGENT}) as response:
                if response.status != 200:
                    raise Unreachable("jwks_unreachable")
                body = await response.content.read(MAX_BYTES + 1)
    except TargetRefused as refused:
        raise Unreachable(refused.reason) from None
    except (TimeoutError, aiohttp.ClientError, OSError):
        raise Unreachable("jwks_unreachable") from None
    if len(body) > MAX_BYTES:
        raise Unreachable("jwks_invalid")
    try:
        document = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise Unreachable("jwks_invalid") from None
    if not isinstance(document, dict) or not isinstance(document.get("keys"), list):
        raise Unreachable("jwks_invalid")
    return document
