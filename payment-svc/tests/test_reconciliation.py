"""Reconciling a provider's settlement CSV: every kind of discrepancy, and re-import is a no-op."""

from __future__ import annotations

from payment_support import Harness

HEADER = "transaction_id,reference,amount_piastres,currency,captured_at\n"


async def _captured(h: Harness, citizen: dict) -> tuple[dict, str, str]:
    intent = await h.started(citizen, method="post_office")
    await h.sandbox(intent, "approve")
    csv = (await h.client.get("/v1/payment-sandbox/post_office/settlement.csv")).text
    line = next(row for row in csv.splitlines() if intent["provider_reference"] in row)
    return intent, line, line.split(",")[0]


async def _import(h: Harness, content: str, **params):
    return await h.client.post(
        "/v1/payments/settlements/post_office",
        content=content.encode(),
        params=params,
        headers={**h.staff("admin"), "Content-Type": "text/csv"},
    )


class TestSettlementFile:
    async def test_every_kind_of_discrepancy_and_a_repeat_import(self, h: Harness):
        _, citizen = h.citizen()
        _matched, matched_line, _ = await _captured(h, citizen)
        twice, twice_line, _ = await _captured(h, citizen)
        wrong, _, wrong_txn = await _captured(h, citizen)
        missing, _, missing_txn = await _captured(h, citizen)
        through = h.clock.now().isoformat()
        content = (
            HEADER
            + matched_line + "\n"
            + twice_line + "\n"
            + twice_line + "\n"  # listed twice
            + f"{wrong_txn},{wrong['provider_reference']},12000,EGP,{through}\n"  # amount differs
            + f"tx_unknown,999999999999,5000,EGP,{through}\n"  # not ours
            + "tx_bad,1,twelve,EGP,x\n"
        )  # fmt: skip
        before = await h.balances()
        first = await _import(h, content, through=through, filename="po-2025-03-01.csv")
        assert first.status_code == 201, first.text
        report = first.json()
        assert report["summary"] == {
            "lines": 6, "matched": 2, "duplicate": 1, "amount_mismatch": 1, "extra": 1, "missing": 1,
            "invalid": 1, "settled_piastres": 26000,
        }  # fmt: skip
        by_outcome = {d["outcome"]: d for d in report["discrepancies"]}
        assert by_outcome["missing"]["transaction_id"] == missing_txn
        assert by_outcome["missing"]["payment_id"] == missing["id"]
        assert (
            by_outcome["amount_mismatch"]["amount_piastres"],
            by_outcome["amount_mismatch"]["expected_piastres"],
        ) == (
            12000,
            13000,
        )
        assert by_outcome["extra"]["transaction_id"] == "tx_unknown"
        after = await h.balances()
        accounts = {a["account"]: a["balance_piastres"] for a in after["accounts"]}
        assert accounts["bank:treasury"] == 26000
        assert after["by_provider"]["post_office"] == before["by_provider"]["post_office"] - 26000
        assert after["total_piastres"] == 0

        again = await _import(h, content, through=through)
        assert again.status_code == 201
        assert again.headers["Idempotent-Replayed"] == "true"
        assert again.json()["id"] == report["id"]
        assert again.json()["summary"] == report["summary"]
        assert await h.balances() == after

        # a later file listing an already settled capture reports it, and settles it no twice
        later = await _import(h, HEADER + matched_line + "\n", through="2000-01-01T00:00:00Z")
        assert later.json()["summary"]["duplicate"] == 1
        assert later.json()["summary"]["matched"] == 0
        assert await h.balances() == after

        fetched = await h.client.get(f"/v1/payments/settlements/{report['id']}", headers=h.staff("auditor"))
        assert fetched.json()["summary"] == report["summary"]
        del twice

    async def test_an_unreadable_file_is_a_bilingual_problem(self, h: Harness):
        response = await _import(h, "who,what\n1,2\n")
        assert response.status_code == 422
        assert response.json()["code"] == "invalid_settlement_file"
        assert "transaction_id" in response.json()["detail"]

    async def test_only_admins_import(self, h: Harness):
        _, citizen = h.citizen()
        response = await h.client.post("/v1/payments/settlements/card", content=HEADER.encode(), headers=citizen)
        assert response.status_code == 403
