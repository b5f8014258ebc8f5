"""notary-svc cancels a paid power of attorney before verification, ration-svc a replacement card
order: refunded in full, once."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import nats
from payment_support import Harness, wait_for

from contracts import Envelope
from contracts.events.notary import PoaCancelled
from contracts.events.ration import ReplacementCancelled


async def _publish(nats_url: str, event: PoaCancelled | ReplacementCancelled) -> None:
    """As notary-svc's outbox relay would: an envelope, its id as Nats-Msg-Id."""
    envelope = Envelope.wrap(event, source="notary-svc")
    nc = await nats.connect(nats_url)
    try:
        await nc.jetstream().publish(event.subject, envelope.to_bytes(), headers={"Nats-Msg-Id": str(envelope.id)})
    finally:
        await nc.close()


def _cancelled(poa_id: str, citizen: str, *, refund_due: bool = True) -> PoaCancelled:
    return PoaCancelled(
        poa_id=uuid.UUID(poa_id),
        citizen_id=uuid.UUID(citizen),
        order_ref=f"notary:{poa_id}",
        refund_due=refund_due,
        cancelled_at=datetime.now(UTC),
    )


class TestNotaryCancellation:
    async def test_paid_order_refunded_in_full_once(self, h: Harness):
        sub, citizen = h.citizen()
        poa_id = str(uuid.uuid4())
        intent = await h.started(citizen, method="wallet", order_id=poa_id)
        await h.sandbox(intent, "approve")
        refunds_before = len(h.app.state.sandbox.refunds)

        await _publish(h.settings.nats_url, _cancelled(poa_id, sub))

        async def refunded() -> bool:
            return (await h.get(intent["id"], citizen))["status"] == "refunded"

        await wait_for(refunded)
        after = await h.get(intent["id"], citizen)
        assert after["refunded_piastres"] == after["amount_piastres"]
        listed = (await h.client.get(f"/v1/payments/{intent['id']}/refunds", headers=citizen)).json()
        assert [r["amount_piastres"] for r in listed] == [after["amount_piastres"]]
        assert listed[0]["automatic"] is True
        assert len(h.app.state.sandbox.refunds) == refunds_before + 1

        # notary announces it again (a payment that was in flight): nothing more to return.
        await _publish(h.settings.nats_url, _cancelled(poa_id, sub))
        marker = str(uuid.uuid4())
        marker_intent = await h.started(citizen, method="wallet", order_id=marker)
        await h.sandbox(marker_intent, "approve")
        await _publish(h.settings.nats_url, _cancelled(marker, sub))

        async def marker_refunded() -> bool:
            return (await h.get(marker_intent["id"], citizen))["status"] == "refunded"

        await wait_for(marker_refunded)  # events are handled in order: the repeat came first
        listed = (await h.client.get(f"/v1/payments/{intent['id']}/refunds", headers=citizen)).json()
        assert len(listed) == 1

    async def test_unpaid_or_not_due_is_left_alone(self, h: Harness):
        sub, citizen = h.citizen()
        poa_id = str(uuid.uuid4())
        paid = await h.started(citizen, method="card", order_id=poa_id)
        await h.sandbox(paid, "approve")
        await _publish(h.settings.nats_url, _cancelled(poa_id, sub, refund_due=False))
        pending_id = str(uuid.uuid4())
        pending = await h.started(citizen, method="card", order_id=pending_id)
        await _publish(h.settings.nats_url, _cancelled(pending_id, sub))
        marker = str(uuid.uuid4())
        marker_intent = await h.started(citizen, method="card", order_id=marker)
        await h.sandbox(marker_intent, "approve")
        await _publish(h.settings.nats_url, _cancelled(marker, sub))

        async def marker_refunded() -> bool:
            return (await h.get(marker_intent["id"], citizen))["status"] == "refunded"

        await wait_for(marker_refunded)
        assert (await h.get(paid["id"], citizen))["status"] == "succeeded"
        assert (await h.get(pending["id"], citizen))["status"] == "processing"


class TestRationReplacementCancellation:
    async def test_a_paid_replacement_order_that_ended_is_refunded(self, h: Harness):
        _, citizen = h.citizen()
        order_id = str(uuid.uuid4())
        quote = h.quote(method="wallet", service_code="ration.card.replace_lost")
        intent = await h.started(citizen, method="wallet", order_id=order_id, quote=quote, owner_service="ration")
        await h.sandbox(intent, "approve")
        event = ReplacementCancelled(
            order_id=uuid.UUID(order_id),
            card_id=uuid.uuid4(),
            order_ref=f"ration:{order_id}",
            refund_due=True,
            reason="cancelled by the holder while the payment was in flight",
            cancelled_at=datetime.now(UTC),
        )
        await _publish(h.settings.nats_url, event)

        async def refunded() -> bool:
            return (await h.get(intent["id"], citizen))["status"] == "refunded"

        await wait_for(refunded)
        after = await h.get(intent["id"], citizen)
        assert after["refunded_piastres"] == after["amount_piastres"]
