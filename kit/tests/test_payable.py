"""How an owning service judges a payment of one of its orders (`kit.payable.judge`, pure)."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from contracts import Envelope
from contracts.events.civil import AddressChanged
from contracts.events.payment import PaymentSucceeded
from kit.payable import Order, judge, own_orders

NOW = datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
CITIZEN = uuid.uuid4()
ORDER = Order(citizen_id=CITIZEN, service_code="notary.poa.general", fee_piastres=6550, awaiting_payment=True)


def payment(**overrides: object) -> PaymentSucceeded:
    values = {
        "payment_id": uuid.uuid4(), "citizen_id": CITIZEN, "service_code": "notary.poa.general",
        "order_ref": f"notary:{uuid.uuid4()}", "amount_piastres": 6550, "method": "wallet",
        "provider_reference": "tx_1", "paid_at": NOW, "answer_by": NOW + timedelta(days=2),
    }  # fmt: skip
    return PaymentSucceeded.model_validate({**values, **overrides})


def test_the_orders_own_payment_is_applied_once() -> None:
    event = payment()
    first = judge(ORDER, event, now=NOW)
    assert (first.apply, first.applied, first.reason) == (True, True, None)
    paid = replace(ORDER, awaiting_payment=False, paid_by=event.payment_id)
    again = judge(paid, event, now=NOW)  # announced again: the same answer, no second effect
    assert (again.apply, again.applied) == (False, True)


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (payment(amount_piastres=1050), "amount_mismatch"),
        (payment(service_code="ration.card.replace_lost"), "service_mismatch"),
        (payment(citizen_id=uuid.uuid4()), "citizen_mismatch"),
        (payment(answer_by=NOW - timedelta(seconds=1)), "answer_too_late"),
    ],
)
def test_not_the_orders_own_is_refused(event: PaymentSucceeded, reason: str) -> None:
    verdict = judge(ORDER, event, now=NOW)
    assert (verdict.apply, verdict.reason) == (False, reason)
    assert verdict.detail


def test_an_order_that_cannot_take_it_refuses_it() -> None:
    event = payment()
    assert judge(None, event, now=NOW).reason == "order_not_found"
    assert judge(replace(ORDER, paid_by=uuid.uuid4(), awaiting_payment=False), event, now=NOW).reason == "already_paid"
    cancelled = replace(ORDER, awaiting_payment=False, ended="order_cancelled")
    assert judge(cancelled, event, now=NOW).reason == "order_cancelled"
    assert judge(replace(ORDER, awaiting_payment=False), event, now=NOW).reason == "not_awaiting_payment"
    released = replace(cancelled, paid_by=event.payment_id)  # applied, then the order ended
    assert (judge(released, event, now=NOW).reason, judge(released, event, now=NOW).apply) == ("order_cancelled", False)


async def test_own_orders_passes_over_only_events_naming_another_services_order() -> None:
    mine, theirs, bare = payment(), payment(order_ref=f"applications:{uuid.uuid4()}"), payment(order_ref="notary")
    moved = AddressChanged(
        national_id="29001011234567", governorate="03", district_ar="حي", address_ar="شارع", changed_at=NOW
    )
    envelopes = [Envelope.wrap(e, source="payment-svc") for e in (mine, theirs, bare)]
    envelopes.append(Envelope.wrap(moved, source="civil-registry"))
    wanted = await own_orders("notary")(None, envelopes)  # type: ignore[arg-type] - it asks no database
    assert wanted == {envelopes[0].id, envelopes[3].id}  # "notary" alone names no owner: not ours either
