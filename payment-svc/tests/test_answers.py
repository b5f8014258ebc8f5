"""The owning service's answer to a succeeded payment, for any order type: a refusal is refunded
in full, once; an applied payment is kept (and refunded only if its owner releases it); the sweep
asks again a payment nobody answered, refunds it past its `answer_by`, and never refunds one its
owner applied."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import nats
import pytest
from payment_support import Harness
from sqlalchemy import select

from contracts import Envelope, Event
from contracts.events.payment import PaymentApplied, PaymentRefused
from kit.testing import eventually, signed, stream_messages
from payment.answers import service as answers
from payment.intents.models import PaymentIntent
from payment.providers.base import RefundKeyReused
from payment.refunds.models import Refund


async def publish(h: Harness, event: Event, source: str = "notary-svc") -> None:
    """As the owner's outbox relay would: an envelope, its id as Nats-Msg-Id."""
    envelope = Envelope.wrap(event, source=source)
    nc = await nats.connect(h.settings.nats_url)
    try:
        await nc.jetstream().publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
    finally:
        await nc.close()


async def paid(h: Harness, citizen: dict[str, str], owner_service: str = "notary") -> dict[str, Any]:
    order_id = str(uuid.uuid4())
    code = "ration.card.replace_lost" if owner_service == "ration" else "notary.poa.general"
    quote = h.order_quote(citizen, order_id, owner_service, method="wallet", service_code=code)
    intent = await h.started(citizen, method="wallet", order_id=order_id, quote=quote, owner_service=owner_service)
    await h.sandbox(intent, "approve")
    return await h.get(intent["id"], citizen)


def refused(intent: dict[str, Any], reason: str = "order_cancelled", **overrides: Any) -> PaymentRefused:
    values = {
        "payment_id": intent["id"], "order_ref": intent["order_ref"], "citizen_id": uuid.uuid4(), "reason": reason,
        "detail": "cancelled while the payment was in flight", "refused_at": datetime.now(UTC),
    }  # fmt: skip
    return PaymentRefused.model_validate({**values, **overrides})


def applied(intent: dict[str, Any]) -> PaymentApplied:
    return PaymentApplied(
        payment_id=intent["id"],
        order_ref=intent["order_ref"],
        citizen_id=uuid.uuid4(),
        service_code=intent["service_code"],
        amount_piastres=intent["amount_piastres"],
        applied_at=datetime.now(UTC),
    )


async def row(h: Harness, payment_id: str) -> PaymentIntent:
    async with h.session() as session:
        found = await session.get(PaymentIntent, uuid.UUID(payment_id))
        assert found is not None
        return found


async def answer_is(h: Harness, payment_id: str, answer: str) -> None:
    async def answered() -> bool:
        return (await row(h, payment_id)).owner_answer == answer

    await eventually(answered)


async def status_is(h: Harness, citizen: dict[str, str], payment_id: str, status: str) -> None:
    async def reached() -> bool:
        return (await h.get(payment_id, citizen))["status"] == status

    await eventually(reached)


class TestAnnouncement:
    async def test_a_success_names_when_the_owner_must_answer(self, h: Harness):
        _, citizen = h.citizen()
        intent = await paid(h, citizen)
        stored = await row(h, intent["id"])
        assert stored.owner_answer is None
        assert stored.announcements == 1
        assert stored.answer_by is not None
        assert stored.answer_check_at is not None
        assert stored.answer_check_at < stored.answer_by
        nc = await nats.connect(h.settings.nats_url)
        try:
            messages = await stream_messages(nc.jetstream(), "PAYMENT", "payment.intent.succeeded.v1")
        finally:
            await nc.close()
        data = next(d for m in messages if (d := Envelope.from_bytes(m.data).data)["payment_id"] == intent["id"])
        assert datetime.fromisoformat(data["answer_by"]) == stored.answer_by


class TestRefusal:
    @pytest.mark.parametrize("owner", ["notary", "ration"])
    async def test_refunded_in_full_once_whatever_the_order(self, h: Harness, owner: str):
        _, citizen = h.citizen()
        intent = await paid(h, citizen, owner)
        refunds_before = len(h.resources.sandbox.refunds)
        await publish(h, refused(intent), source=f"{owner}-svc")
        await status_is(h, citizen, intent["id"], "refunded")
        after = await h.get(intent["id"], citizen)
        assert after["refunded_piastres"] == after["amount_piastres"]
        listed = (await h.client.get(f"/v1/payments/{intent['id']}/refunds", headers=citizen)).json()
        assert [(r["amount_piastres"], r["automatic"]) for r in listed] == [(after["amount_piastres"], True)]
        assert "order_cancelled" in listed[0]["reason"]
        assert len(h.resources.sandbox.refunds) == refunds_before + 1

        # the owner says it again (a second announcement): nothing more goes back
        await publish(h, refused(intent))
        marker = await paid(h, citizen, owner)
        await publish(h, refused(marker))
        await status_is(h, citizen, marker["id"], "refunded")  # answers are handled in order
        assert len((await h.client.get(f"/v1/payments/{intent['id']}/refunds", headers=citizen)).json()) == 1
        history = (await h.client.get(f"/v1/payments/{intent['id']}/history", headers=citizen)).json()
        assert any(
            r["actor"] == f"owner:{owner}" and r["reason"].startswith("refused: order_cancelled") for r in history
        )

    async def test_applied_then_released_when_the_order_ends(self, h: Harness):
        _, citizen = h.citizen()
        intent = await paid(h, citizen)
        await publish(h, applied(intent))
        await answer_is(h, intent["id"], "applied")
        assert (await h.get(intent["id"], citizen))["status"] == "succeeded"
        await publish(h, refused(intent, detail="the principal cancelled before verification"))
        await status_is(h, citizen, intent["id"], "refunded")

    async def test_an_answer_for_another_order_is_ignored(self, h: Harness):
        _, citizen = h.citizen()
        intent = await paid(h, citizen)
        await publish(h, refused(intent, order_ref=f"notary:{uuid.uuid4()}"))
        marker = await paid(h, citizen)
        await publish(h, refused(marker))
        await status_is(h, citizen, marker["id"], "refunded")
        stored = await row(h, intent["id"])
        assert (stored.status, stored.owner_answer) == ("succeeded", None)

    async def test_a_provider_failure_leaves_the_refund_to_the_sweep(self, h: Harness, monkeypatch):
        _, citizen = h.citizen()
        intent = await paid(h, citizen)

        async def down(*args: Any, **kwargs: Any) -> str:
            raise ConnectionError("acquirer unreachable")

        with monkeypatch.context() as patched:
            patched.setattr(h.resources.sandbox, "refund", down)
            await publish(h, refused(intent))
            await answer_is(h, intent["id"], "refused")
        stored = await row(h, intent["id"])
        assert stored.status == "succeeded"
        assert stored.answer_check_at is not None
        swept = await h.sweep("answers", at=h.clock.now() + timedelta(minutes=2))
        assert swept.refunded >= 1
        assert (await h.get(intent["id"], citizen))["status"] == "refunded"

    async def test_a_refund_whose_answer_was_lost_is_asked_again_with_its_key_and_paid_once(
        self, h: Harness, monkeypatch
    ):
        """The acquirer paid, but its answer never arrived (the transaction rolled back): the
        retry carries the same idempotency key, and the acquirer answers the refund it made."""
        _, citizen = h.citizen()
        intent = await paid(h, citizen)
        sandbox = h.resources.sandbox
        real = sandbox.refund
        asked: list[str] = []

        async def paid_but_lost(provider: str, **kwargs: Any) -> str:
            asked.append(kwargs["idempotency_key"])
            await real(provider, **kwargs)
            raise ConnectionError("connection reset before the acquirer's answer")

        before = len(sandbox.refunds)
        with monkeypatch.context() as patched:
            patched.setattr(sandbox, "refund", paid_but_lost)
            await publish(h, refused(intent))
            await answer_is(h, intent["id"], "refused")
        assert len(sandbox.refunds) == before + 1  # the acquirer returned the money once already
        swept = await h.sweep("answers", at=h.clock.now() + timedelta(minutes=2))
        assert swept.refunded >= 1
        assert (await h.get(intent["id"], citizen))["status"] == "refunded"
        made = sandbox.refunds[before:]
        assert len(made) == 1, made  # ... and only once
        assert made[0]["idempotency_key"] == asked[0]
        async with h.session() as session:
            [stored] = (await session.scalars(select(Refund).where(Refund.payment_id == uuid.UUID(intent["id"])))).all()
        assert stored.provider_refund_id == made[0]["refund_id"]

    async def test_the_acquirer_refuses_a_known_key_for_another_refund(self, h: Harness):
        sandbox = h.resources.sandbox
        first = await sandbox.refund(
            "card", transaction_id="tx_1", amount_piastres=500, reason="r", idempotency_key="k"
        )
        again = await sandbox.refund(
            "card", transaction_id="tx_1", amount_piastres=500, reason="r", idempotency_key="k"
        )
        assert again == first
        with pytest.raises(RefundKeyReused):
            await sandbox.refund("card", transaction_id="tx_1", amount_piastres=600, reason="r", idempotency_key="k")


class TestSweep:
    async def test_asks_again_then_refunds_past_answer_by_never_an_applied_one(self, h: Harness):
        _, citizen = h.citizen()
        silent, kept = await paid(h, citizen), await paid(h, citizen)
        await publish(h, applied(kept))
        await answer_is(h, kept["id"], "applied")
        service_time = timedelta(seconds=h.settings.answer_service_seconds)

        await h.sweep("answers")  # within the service time: nothing to do
        assert (await row(h, silent["id"])).announcements == 1

        moment = h.clock.now() + service_time + timedelta(seconds=1)
        swept = await h.sweep("answers", at=moment)
        assert swept.asked >= 1
        stored = await row(h, silent["id"])
        assert stored.announcements == 2
        assert stored.answer_check_at is not None
        assert stored.answer_check_at >= moment + service_time * 2
        nc = await nats.connect(h.settings.nats_url)

        async def asked() -> bool:  # once the relay has published it
            messages = await stream_messages(nc.jetstream(), "PAYMENT", "payment.order.answer_requested.v1")
            return any(Envelope.from_bytes(m.data).data["payment_id"] == silent["id"] for m in messages)

        try:
            await eventually(asked)
        finally:
            await nc.close()

        assert stored.answer_by is not None
        past = stored.answer_by + timedelta(seconds=h.settings.answer_grace_seconds + 1)
        await h.sweep("answers", at=past)
        after = await h.get(silent["id"], citizen)
        assert (after["status"], after["refunded_piastres"]) == ("refunded", after["amount_piastres"])
        history = (await h.client.get(f"/v1/payments/{silent['id']}/history", headers=citizen)).json()
        assert [r["reason"] for r in history if r["actor"] == "system:answers"][:2] == [
            "asked notary again (2)", answers.UNANSWERED,
        ]  # fmt: skip
        assert (await h.get(kept["id"], citizen))["status"] == "succeeded"

        # the owner wakes up and applies it: the money is already back; recorded, not kept
        await publish(h, applied(silent))
        marker = await paid(h, citizen)
        await publish(h, refused(marker))
        await status_is(h, citizen, marker["id"], "refunded")
        history = (await h.client.get(f"/v1/payments/{silent['id']}/history", headers=citizen)).json()
        assert history[-1]["reason"] == "applied after it was returned"
