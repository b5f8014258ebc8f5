"""A circuit breaker per upstream: fail fast while a service is down, probe it to come back.

closed → (N consecutive connection failures or timeouts) → open: every request answers
503 at once, without touching the upstream → after `open_seconds`, half-open: one request
goes through as a probe; success closes the circuit, failure opens it again.
HTTP answers of any status count as success: the service is reachable and speaks for itself.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from prometheus_client import Counter, Gauge

STATES = ("closed", "open", "half_open")
STATE = Gauge("gateway_breaker_state", "1 for the circuit's current state towards an upstream", ["upstream", "state"])
OPENED = Counter("gateway_breaker_opened_total", "Times the circuit to an upstream opened (fail fast)", ["upstream"])


@dataclass
class Breaker:
    failures_to_open: int
    open_seconds: float
    failures: int = 0
    open_until: float = 0.0
    probing: bool = False
    name: str = ""
    """The upstream's name, for the metrics (`export`)."""

    @property
    def state(self) -> str:
        if self.failures < self.failures_to_open:
            return "closed"
        return "half_open" if time.monotonic() >= self.open_until else "open"

    def allow(self) -> float:
        """0 if a request may go upstream now, else the seconds until the next probe."""
        if self.failures < self.failures_to_open:
            return 0.0
        now = time.monotonic()
        if now < self.open_until:
            return self.open_until - now
        if self.probing:
            return self.open_seconds  # one probe at a time
        self.probing = True
        return 0.0

    def succeeded(self) -> None:
        self.failures = 0
        self.probing = False

    def failed(self) -> None:
        was_open = self.state == "open"
        self.failures += 1
        if self.failures >= self.failures_to_open:
            self.open_until = time.monotonic() + self.open_seconds
            if not was_open:
                OPENED.labels(upstream=self.name).inc()
        self.probing = False

    def abandoned(self) -> None:
        """The request ended with no verdict (cancelled): the next one may probe."""
        self.probing = False


def export(breakers: dict[str, Breaker]) -> None:
    """Show each breaker's state as `gateway_breaker_state{upstream, state}` (read at each scrape)."""
    for name, breaker in breakers.items():
        breaker.name = name
        OPENED.labels(upstream=name)
        for state in STATES:
            STATE.labels(upstream=name, state=state).set_function(_reads(breaker, state))


def _reads(breaker: Breaker, state: str) -> Callable[[], float]:
    """1.0 while `breaker` is in `state`, else 0.0 (read at each scrape)."""
    return lambda: float(breaker.state == state)
