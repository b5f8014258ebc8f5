"""An order that ended without its service is refunded in full: a power of attorney cancelled
before verification (notary-svc's event), a replacement ration card cancelled or paid with the
wrong fee (ration-svc's).

The succeeded payment of the order (`notary:<poa_id>`, `ration:<order_id>`) is refunded through its provider, as a
balanced ledger entry, with `payment.intent.refunded.v1`. Once only: the inbox drops a repeated
event, and an order with nothing left to refund is left alone. A payment still in flight when
the order is cancelled is refunded when it succeeds: the owning service announces the
cancellation again.
"""

from __future__ import annotations

import logging

from sqlalchemy.ext.asyncio import AsyncSession

from contracts import Envelope
from contracts.events.notary import PoaCancelled
from contracts.events.ration import ReplacementCancelled
from kit.messaging.consumer import Handlers
from kit.runtime import resources_of
from payment.deps import utcnow
from payment.intents.models import Status
from payment.intents.repository import CaptureRepository, IntentRepository
from payment.intents.transitions import move
from payment.providers.base import Providers
from payment.refunds import service

log = logging.getLogger("payment.refunds")

REASON = "order ended without its service"


async def refund_cancelled_order(
    session: AsyncSession, *, event: PoaCancelled | ReplacementCancelled, providers: Providers
) -> bool:
    """Refund what remains of the order's succeeded payment; False when there is nothing to do."""
    owner_service, _, order_id = event.order_ref.partition(":")
    intents = IntentRepository(session)
    live = await intents.live_for_order(owner_service, order_id)
    if live is None:
        return False
    intent = await intents.lock(live.id)
    capture = await CaptureRepository(session).primary(live.id)
    if intent is None or capture is None or intent.status != Status.SUCCEEDED:
        log.info("cancelled order %s: payment %s is %s; nothing to refund now", event.order_ref, live.id, live.status)
        return False
    remaining = intent.amount_piastres - intent.refunded_piastres
    if remaining <= 0:
        return False
    now = utcnow()
    made = await service.return_money(
        session,
        intent=intent,
        capture=capture,
        provider=providers.for_method(intent.method),
        amount_piastres=remaining,
        reason=REASON,
        automatic=True,
        requested_by=f"system:{owner_service}-cancellation",
        now=now,
    )
    intent.refunded_piastres += remaining
    await move(session, intent, Status.REFUNDED, now=now, actor=f"system:{owner_service}", reason=REASON)
    await service.announce(session, intent, made)
    return True


def register(handlers: Handlers) -> None:
    @handlers.on(PoaCancelled)
    async def poa_cancelled(session: AsyncSession, event: PoaCancelled, envelope: Envelope) -> None:
        if not event.refund_due:
            return
        providers: Providers = resources_of(session)["providers"]  # set by payment.main at startup
        await refund_cancelled_order(session, event=event, providers=providers)

    @handlers.on(ReplacementCancelled)
    async def replacement_cancelled(session: AsyncSession, event: ReplacementCancelled, envelope: Envelope) -> None:
        if not event.refund_due:
            return
        providers: Providers = resources_of(session)["providers"]
        await refund_cancelled_order(session, event=event, providers=providers)
