"""Longest-prefix routing of public paths to services, at path-segment boundaries."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Match:
    path: str  # the matched prefix; `path` so kit's metrics use it as the route label
    service: str


class RouteTable:
    def __init__(self, routes: Mapping[str, str]) -> None:
        self._routes = {_normalise(prefix): Match(_normalise(prefix), service) for prefix, service in routes.items()}

    def match(self, path: str) -> Match | None:
        """The route with the longest prefix that `path` equals or continues with a '/'."""
        if not path.startswith("/"):
            return None
        candidate = path.rstrip("/") or "/"
        while True:
            if (found := self._routes.get(candidate)) is not None:
                return found
            if candidate == "/":
                return None
            candidate = candidate[: candidate.rfind("/")] or "/"

    def services(self) -> list[str]:
        return list(dict.fromkeys(m.service for m in self._routes.values()))


def has_dot_segments(path: str) -> bool:
    """True for paths with '.' or '..' segments, which upstream servers may resolve differently."""
    return "/." in path and any(segment in (".", "..") for segment in path.split("/"))


def _normalise(prefix: str) -> str:
    return prefix.rstrip("/") or "/"
