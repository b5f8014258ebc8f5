"""What payment-svc reports about certificate requests (`notary:<id>`): paid, so issued at once."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from sqlalchemy.ext.asyncio import AsyncSession

from contracts.events.payment import PaymentSucceeded
from notary.certificates import service

if TYPE_CHECKING:
    from notary.resources import EventCtx


async def paid(session: AsyncSession, order_id: uuid.UUID, event: PaymentSucceeded, ctx: EventCtx) -> bool:
    """A payment of order `order_id`; False if that is not a certificate request (notary's payment
    handler, notary.handlers, asks each kind of order)."""
    return await service.paid(session, request_id=order_id, event=event, signer=ctx.resources.signer, now=ctx.now())
