"""Events notary-svc consumes (each handler idempotent through the inbox).

A payment names its order (`notary:<id>`), not the kind of order: the one payment handler asks
each domain in turn whether the order is its own (a power of attorney, a certificate request);
the domain that owns it settles it in its own handlers.py. A payment for no order of ours is
refused, so payment-svc refunds it."""

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import orders
from contracts.events.payment import PaymentSucceeded
from kit import payable
from kit.messaging.consumer import Handlers
from notary.certificates import handlers as certificates
from notary.poa import handlers as poa
from notary.resources import EventCtx, Resources
from notary.settings import Settings

ORDER_KINDS = (poa.paid, certificates.paid)
"""Each domain's handling of a payment: True when the order was one of its own."""


async def payment_succeeded(session: AsyncSession, event: PaymentSucceeded, ctx: EventCtx) -> None:
    """Every payment of a notary order is answered: applied to it, or refused (refunded)."""
    if orders.owner_of(event.order_ref) != "notary":
        return
    if (order_id := orders.order_id(event.order_ref, "notary")) is not None:
        for paid in ORDER_KINDS:
            if await paid(session, order_id, event, ctx):
                return
    await payable.settle(session, event, None, now=ctx.now())  # no such order


handlers: Handlers[Settings, Resources] = Handlers()
payable.on_payment(handlers, payment_succeeded)
poa.register(handlers)  # office routing's reports on the principal's visit
handlers.wanting(payable.own_orders("notary"))  # other services' payments and visits: passed over
