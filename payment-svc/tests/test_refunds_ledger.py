"""Refunds (full, partial, idempotent) and the double-entry ledger reconciling to the piastre."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from payment_support import Harness
from sqlalchemy import func, select
from sqlalchemy.exc import DBAPIError

from payment.intents.models import Capture, PaymentIntent
from payment.ledger.models import LedgerEntry, LedgerLine
from payment.refunds.models import Refund


async def _paid(h: Harness, citizen: dict, method: str = "card") -> dict:
    intent = await h.started(citizen, method=method)
    await h.sandbox(intent, "approve")
    return await h.get(intent["id"], citizen)


async def _refund(h: Harness, payment_id: str, amount: int, *, key: str | None = None, headers=None):
    return await h.client.post(
        f"/v1/payments/{payment_id}/refunds",
        json={"amount_piastres": amount, "reason": "office could not verify the principal"},
        headers={**(headers or h.staff("admin")), "Idempotency-Key": key or f"rf-{uuid.uuid4().hex}"},
    )


class TestRefunds:
    async def test_partial_then_full(self, h: Harness):
        _, citizen = h.citizen()
        paid = await _paid(h, citizen)
        first = await _refund(h, paid["id"], 3000)
        assert first.status_code == 201, first.text
        after = await h.get(paid["id"], citizen)
        assert (after["status"], after["refunded_piastres"]) == ("succeeded", 3000)
        too_much = await _refund(h, paid["id"], 10001)
        assert too_much.status_code == 422
        assert too_much.json()["code"] == "refund_exceeds_payment"
        assert (await _refund(h, paid["id"], 10000)).status_code == 201
        after = await h.get(paid["id"], citizen)
        assert (after["status"], after["refunded_piastres"]) == ("refunded", 13000)
        assert (await _refund(h, paid["id"], 1)).status_code == 409
        listed = (await h.client.get(f"/v1/payments/{paid['id']}/refunds", headers=citizen)).json()
        assert [r["amount_piastres"] for r in listed] == [3000, 10000]

    async def test_same_key_replays_and_refunds_once(self, h: Harness):
        _, citizen = h.citizen()
        paid = await _paid(h, citizen)
        one = await _refund(h, paid["id"], 2000, key="refund-key-0001")
        two = await _refund(h, paid["id"], 2000, key="refund-key-0001")
        assert two.headers["Idempotent-Replayed"] == "true"
        assert one.json()["id"] == two.json()["id"]
        assert (await _refund(h, paid["id"], 2500, key="refund-key-0001")).status_code == 422
        assert (await h.get(paid["id"], citizen))["refunded_piastres"] == 2000

    async def test_only_admins_and_integrators_with_the_scope(self, h: Harness):
        _, citizen = h.citizen()
        paid = await _paid(h, citizen)
        assert (await _refund(h, paid["id"], 100, headers=citizen)).status_code == 403
        assert (await _refund(h, paid["id"], 100, headers=h.staff("auditor"))).status_code == 403
        claims = {"typ": "integrator", "scope": "payment:refund"}
        forged = h.identity.headers("bank-misr", **claims)  # identity never issues integrators' tokens
        assert (await _refund(h, paid["id"], 100, headers=forged)).status_code == 401
        token = h.gateway.headers("bank-misr", **claims)
        assert (await _refund(h, paid["id"], 100, headers=token)).status_code == 201

    async def test_unpaid_cannot_be_refunded(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen)
        response = await _refund(h, intent["id"], 100)
        assert response.status_code == 409
        assert response.json()["payment_status"] == "processing"


class TestLedger:
    async def test_totals_reconcile_to_the_piastre(self, h: Harness):
        _, citizen = h.citizen()
        for method in ("card", "wallet", "post_office", "cash_network"):
            paid = await _paid(h, citizen, method)
        await _refund(h, paid["id"], 4321)
        late = await h.started(citizen, method="wallet")
        await h.sandbox(late, "approve", hold=True)
        await h.sweep("expiry", at=h.clock.now() + timedelta(hours=1))
        await h.sandbox(late, "deliver")

        balances = await h.balances()
        assert balances["total_piastres"] == 0
        assert balances["unbalanced_entries"] == 0
        async with h.session() as session:
            captured = dict(
                (
                    await session.execute(
                        select(Capture.provider, func.sum(Capture.amount_piastres)).group_by(Capture.provider)
                    )
                ).all()
            )
            refunded = dict(
                (
                    await session.execute(
                        select(Capture.provider, func.sum(Refund.amount_piastres))
                        .join(Capture, Capture.id == Refund.capture_id)
                        .group_by(Capture.provider)
                    )
                ).all()
            )
            kept = dict(
                (
                    await session.execute(
                        select(
                            PaymentIntent.service_code,
                            func.sum(PaymentIntent.amount_piastres - PaymentIntent.refunded_piastres),
                        )
                        .where(
                            PaymentIntent.status.in_(("succeeded", "refunded")),
                            PaymentIntent.receipt_number.isnot(None),
                        )
                        .group_by(PaymentIntent.service_code)
                    )
                ).all()
            )
        assert balances["by_provider"] == {p: captured[p] - refunded.get(p, 0) for p in captured}
        assert balances["by_service"] == kept
        accounts = {a["account"]: a["balance_piastres"] for a in balances["accounts"]}
        assert accounts.get("suspense:unallocated", 0) == 0  # the late capture went in and out

    async def test_only_auditors_read_the_ledger(self, h: Harness):
        _, citizen = h.citizen()
        assert (await h.client.get("/v1/payments/ledger/balances", headers=citizen)).status_code == 403

    async def test_the_database_refuses_an_unbalanced_or_edited_entry(self, h: Harness):
        async def unbalanced() -> None:
            entry = uuid.uuid4()
            async with h.session() as session:
                session.add(
                    LedgerEntry(id=entry, kind="manual", provider="card", reference=str(entry), memo="x",
                                created_at=datetime.now(UTC))
                )  # fmt: skip
                await session.flush()
                session.add(LedgerLine(entry_id=entry, account="provider:card", amount_piastres=100))

        async def edited() -> None:
            async with h.session() as session:
                line = await session.scalar(select(LedgerLine).limit(1))
                line.amount_piastres += 1

        with pytest.raises(DBAPIError, match="not balanced"):
            await unbalanced()
        with pytest.raises(DBAPIError, match="append-only"):
            await edited()
