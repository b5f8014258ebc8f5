"""Order references: what payment-svc and office-routing-svc carry back to notary-svc."""

from __future__ import annotations

import uuid

PREFIX = "notary:"


def parse(order_ref: str) -> uuid.UUID | None:
    """The power of attorney or certificate request id in `notary:<id>`; None if not notary's."""
    if not order_ref.startswith(PREFIX):
        return None
    try:
        return uuid.UUID(order_ref.removeprefix(PREFIX))
    except ValueError:
        return None
