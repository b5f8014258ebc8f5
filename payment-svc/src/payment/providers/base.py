"""What payment-svc needs from a provider, whichever it is (acquirer, wallet, cash network)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from kit.errors import ProblemError
from payment import texts


@dataclass(frozen=True)
class Started:
    """The provider accepted the payment request: its reference and what the citizen does next."""

    reference: str
    next_action: dict[str, Any]


@dataclass(frozen=True)
class StartRequest:
    payment_id: uuid.UUID
    amount_piastres: int
    currency: str
    expires_at: datetime
    return_url: str | None = None
    mobile: str | None = None


class Provider(Protocol):
    name: str

    async def start(self, request: StartRequest) -> Started: ...

    async def refund(self, *, transaction_id: str, amount_piastres: int, reason: str, idempotency_key: str) -> str:
        """Ask the provider to return money; the provider's refund id. The same `idempotency_key`
        again (a refund retried after its answer was lost, or after the transaction that asked
        rolled back) is the same refund: the provider pays it once and answers its id again."""
        ...


class RefundKeyReused(Exception):
    """The provider refused a refund whose idempotency key it knows for another refund."""


@dataclass
class Providers:
    """The configured provider per payment method."""

    by_method: dict[str, Provider] = field(default_factory=dict)

    def for_method(self, method: str) -> Provider:
        provider = self.by_method.get(method)
        if provider is None:
            raise ProblemError("method_unavailable", status=422, params={"method": texts.method(method)})
        return provider

    def named(self, name: str) -> Provider | None:
        return next((p for p in self.by_method.values() if p.name == name), None)
