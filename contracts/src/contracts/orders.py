"""Order references: `<owner service>:<order id>`, as payment-svc and office-routing-svc carry an
order back to the service that owns it (the `order_ref` field of payment and office events)."""

from __future__ import annotations

import uuid


def order_ref(owner: str, order_id: uuid.UUID) -> str:
    return f"{owner}:{order_id}"


def owner_of(order_ref: str) -> str:
    """The service that owns the order (`notary` in `notary:<id>`); '' when there is none."""
    service, sep, _ = order_ref.partition(":")
    return service if sep else ""


def order_id(order_ref: str, owner: str) -> uuid.UUID | None:
    """The order id in `<owner>:<id>`; None when the reference is another service's or malformed."""
    service, sep, ident = order_ref.partition(":")
    if not sep or service != owner:
        return None
    try:
        return uuid.UUID(ident)
    except ValueError:
        return None
