"""The money invariant (this module's own database): money captured = fees kept for orders
fulfilled or in progress + refunds issued; what is in between is reported payment by payment."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from payment_support import Harness
from test_answers import answer_is, applied, paid, publish, refused, status_is


async def report(h: Harness, **query: Any) -> dict[str, Any]:
    response = await h.client.get("/v1/payments/ledger/invariant", headers=h.staff("auditor"), params=query)
    assert response.status_code == 200, response.text
    return response.json()


class TestInvariant:
    async def test_every_piastre_is_kept_for_an_order_refunded_or_in_flight(self, h: Harness):
        _, citizen = h.citizen()
        empty = await report(h)
        assert (empty["captured_piastres"], empty["holds"], empty["settled"]) == (0, True, True)

        kept, cancelled, in_flight = await paid(h, citizen), await paid(h, citizen), await paid(h, citizen)
        await publish(h, applied(kept))
        await publish(h, refused(cancelled))
        await answer_is(h, kept["id"], "applied")
        await status_is(h, citizen, cancelled["id"], "refunded")
        refund = await h.client.post(  # an admin's partial refund of a kept fee
            f"/v1/payments/{kept['id']}/refunds",
            json={"amount_piastres": 1000, "reason": "stamp duty waived by decree"},
            headers={**h.staff("admin"), "Idempotency-Key": "partial-refund-0001"},
        )
        assert refund.status_code == 201, refund.text
        late = await h.started(citizen, method="wallet")  # captured after it expired: refunded at once
        await h.sandbox(late, "approve", hold=True)
        await h.sweep("expiry", at=h.clock.now() + timedelta(hours=1))
        await h.sandbox(late, "deliver")

        fee = kept["amount_piastres"]
        now = await report(h)
        assert now["captured_piastres"] == 4 * fee
        assert now["refunded_piastres"] == fee + fee + 1000  # the refusal, the late capture, the partial refund
        assert now["kept_piastres"] == fee - 1000
        assert now["awaiting_answer_piastres"] == fee  # in_flight, within its service time
        assert now["captured_piastres"] == now["kept_piastres"] + now["refunded_piastres"] + fee
        assert (now["held_without_service_piastres"], now["holds"], now["settled"]) == (0, True, False)
        assert now["payments"] == {"awaiting_answer": 1, "kept": 1, "returned": 2}
        assert now["intents_agree"]
        assert now["ledger_agrees"]
        assert now["held"] == []

        # past the service time without an answer, the in-flight payment is held without its service
        service_time = timedelta(seconds=h.settings.answer_service_seconds)
        async with h.later(service_time * 2):
            later = await report(h)
        assert (later["held_without_service_piastres"], later["holds"]) == (fee, False)
        assert [p["payment_id"] for p in later["held"]] == [in_flight["id"]]
        assert await h.sweep("money-watch") == (fee, 0)  # the metric's figures, now

        await publish(h, applied(in_flight))
        await answer_is(h, in_flight["id"], "applied")
        settled = await report(h)
        assert (settled["settled"], settled["kept_piastres"]) == (True, 2 * fee - 1000)

    async def test_only_auditors(self, h: Harness):
        _, citizen = h.citizen()
        assert (await h.client.get("/v1/payments/ledger/invariant", headers=citizen)).status_code == 403
        assert (await h.client.get("/v1/payments/ledger/invariant")).status_code == 401
