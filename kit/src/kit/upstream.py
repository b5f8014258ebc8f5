"""Ask another service of the platform over HTTP with a timeout and a few retries.

For reads, and for requests whose repetition is harmless (a catalog quote: at worst an unused one):
a timeout, a refused connection or a 502/503/504 is tried again. The answer of the last try is
returned whatever its status (the caller reads its 4xx); when the service never answered,
`ProblemError(unavailable, status=503)`, and nothing was done on our side."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Mapping
from typing import Any, ClassVar

import httpx

from kit import i18n
from kit.errors import ProblemError
from kit.internal import bearer

log = logging.getLogger("kit.upstream")

RETRYABLE = frozenset({502, 503, 504})


async def call(
    http: httpx.AsyncClient,
    method: str,
    url: str,
    *,
    unavailable: str,
    params: Mapping[str, str] | None = None,
    json: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = 5.0,
    attempts: int = 3,
    backoff: float = 0.2,
) -> httpx.Response:
    """`unavailable`: the problem code raised when no try got an answer."""
    headers = {"Accept-Language": i18n.current_language(), **(headers or {})}
    for attempt in range(1, attempts + 1):
        try:
            response = await http.request(method, url, params=params, json=json, headers=headers, timeout=timeout)
        except httpx.HTTPError as exc:
            log.warning("%s %s unreachable (try %s of %s): %s", method, url, attempt, attempts, exc)
            if attempt == attempts:
                raise ProblemError(unavailable, status=503) from exc
        else:
            if response.status_code not in RETRYABLE or attempt == attempts:
                return response
            log.warning("%s %s answered %s (try %s of %s)", method, url, response.status_code, attempt, attempts)
        await asyncio.sleep(backoff * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover


class Service:
    """Another service of the platform, asked with the internal token, a timeout and retries.
    Subclasses name the problem raised when it does not answer (`unavailable`)."""

    unavailable: ClassVar[str]

    def __init__(
        self,
        http: httpx.AsyncClient,
        base_url: str,
        token: str,
        *,
        timeout: float = 5.0,
        attempts: int = 3,
        backoff: float = 0.2,
    ) -> None:
        self.http, self.base_url, self.token = http, base_url.rstrip("/"), token
        self.timeout, self.attempts, self.backoff = timeout, attempts, backoff

    async def _call(
        self, method: str, path: str, *, params: Mapping[str, str] | None = None, json: Any = None
    ) -> httpx.Response:
        return await call(
            self.http,
            method,
            f"{self.base_url}{path}",
            params=params,
            json=json,
            headers=bearer(self.token),
            unavailable=self.unavailable,
            timeout=self.timeout,
            attempts=self.attempts,
            backoff=self.backoff,
        )
