"""A circuit breaker per upstream: fail fast while a service is down, probe it to come back.

closed → (N consecutive connection failures or timeouts) → open: every request answers
503 at once, without touching the upstream → after `open_seconds`, half-open: one request
goes through as a probe; success closes the circuit, failure opens it again.
HTTP answers of any status count as success: the service is reachable and speaks for itself.
"""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class Breaker:
    failures_to_open: int
    open_seconds: float
    failures: int = 0
    open_until: float = 0.0
    probing: bool = False

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
        self.failures += 1
        if self.failures >= self.failures_to_open:
            self.open_until = time.monotonic() + self.open_seconds
        self.probing = False

    def abandoned(self) -> None:
        """The request ended with no verdict (cancelled): the next one may probe."""
        self.probing = False
