"""Provider notifications: signed, fresh, once-only; outcomes applied by the state machine."""

from __future__ import annotations

import hashlib
import json
import time
import uuid
from datetime import UTC, datetime, timedelta

import nats
import pytest
from payment_support import SERVICE_DIR, Harness
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import create_async_engine

from contracts import Envelope
from kit.migrations import upgrade_async
from kit.testing import eventually, stream_messages
from payment.intents.models import Capture
from payment.notifications import service as notifications
from payment.notifications.models import NotificationRefusal, ProviderNotification
from payment.refunds.models import Refund


async def _captures(h: Harness, payment_id: str) -> list[Capture]:
    async with h.session() as session:
        return list(await session.scalars(select(Capture).where(Capture.payment_id == uuid.UUID(payment_id))))


async def _refunds(h: Harness, payment_id: str) -> list[Refund]:
    async with h.session() as session:
        return list(await session.scalars(select(Refund).where(Refund.payment_id == uuid.UUID(payment_id))))


def _notice(intent: dict, **fields) -> dict:
    return {
        "id": f"evt_{uuid.uuid4().hex}",
        "type": "payment.succeeded",
        "reference": intent["provider_reference"],
        "occurred_at": datetime.now(UTC).isoformat(),
        "transaction_id": f"tx_{uuid.uuid4().hex[:12]}",
        "amount_piastres": intent["amount_piastres"],
        "currency": "EGP",
        **fields,
    }


class TestCardWith3DSecure:
    async def test_checkout_captures_and_notifies_and_a_receipt_is_issued(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        checkout = intent["next_action"]["url"].replace(h.settings.public_base_url, "")
        page = await h.client.get(checkout)
        assert "123456" in page.json()["challenge"]["en"]
        done = await h.client.post(checkout, json={"otp": "123456"})
        assert done.json()["result"] == "succeeded"
        paid = await h.get(intent["id"], citizen)
        assert paid["status"] == "succeeded"
        assert paid["receipt_number"].startswith("RC-")
        receipt = (await h.client.get(f"/v1/receipts/{paid['receipt_number']}", headers=citizen)).json()
        assert receipt["total"] == "١٣٠٫٠٠ جنيهًا مصريًا"  # CLDR's plural form for 130
        assert receipt["lines"][1]["label"] == "رسم الدمغة"
        assert receipt["method"] == "بطاقة مصرفية"
        _, stranger = h.citizen()
        assert (await h.client.get(f"/v1/receipts/{paid['receipt_number']}", headers=stranger)).status_code == 404

    async def test_wrong_code_declines(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        checkout = intent["next_action"]["url"].replace(h.settings.public_base_url, "")
        await h.client.post(checkout, json={"otp": "000000"})
        failed = await h.get(intent["id"], citizen)
        assert (failed["status"], failed["failure_reason"]) == ("failed", "declined")
        assert failed["receipt_number"] is None

    async def test_asynchronous_notification_with_a_delay(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        result = await h.sandbox(intent, "approve", delay=0.3)
        assert result["deliveries"] == []  # not yet: the acquirer notifies later

        async def paid() -> bool:
            return (await h.get(intent["id"], citizen))["status"] == "succeeded"

        await eventually(paid)


class TestWalletAndCash:
    async def test_wallet_rejected_on_the_phone(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="wallet")
        result = await h.sandbox(intent, "decline")
        assert result["deliveries"][0]["outcome"] == "failed"

    async def test_wallet_push_times_out(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="wallet")
        await h.sandbox(intent, "decline", reason="timeout")
        assert (await h.get(intent["id"], citizen))["status"] == "expired"

    async def test_reference_paid_later_at_a_post_office_counter(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="post_office")
        result = await h.sandbox(intent, "approve")
        assert result["deliveries"][0]["outcome"] == "succeeded"
        assert (await h.get(intent["id"], citizen))["status"] == "succeeded"


class TestOnceOnly:
    async def test_duplicate_notification_changes_nothing(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="cash_network")
        await h.sandbox(intent, "approve")
        again = await h.sandbox(intent, "duplicate")
        assert again["deliveries"][0]["outcome"] == "duplicate"
        assert len(await _captures(h, intent["id"])) == 1

    async def test_out_of_order_failure_after_success_is_ignored(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="wallet")
        await h.sandbox(intent, "decline", hold=True)
        await h.sandbox(intent, "approve", hold=True)
        result = await h.sandbox(intent, "deliver", reverse=True)  # success first, then the older failure
        assert [d["outcome"] for d in result["deliveries"]] == ["succeeded", "ignored"]
        assert (await h.get(intent["id"], citizen))["status"] == "succeeded"

    async def test_a_second_capture_of_a_paid_intent_is_refunded(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        await h.sandbox(intent, "approve")
        extra = await h.sandbox(intent, "approve")  # the acquirer charged twice
        assert extra["deliveries"][0]["outcome"] == "refunded_extra"
        paid = await h.get(intent["id"], citizen)
        assert (paid["status"], paid["refunded_piastres"]) == ("succeeded", 0)
        [refund] = await _refunds(h, intent["id"])
        assert (refund.automatic, refund.amount_piastres, refund.reason) == (True, 13000, "duplicate charge")


class TestSignatures:
    @pytest.mark.parametrize(
        ("how", "reason"),
        [
            ({"signature": None}, "unsigned"),
            ({"signature": "t=abc,v1=00"}, "unsigned"),
            ({"secret": b"not-the-providers-secret"}, "bad_signature"),
            ({"timestamp": int(time.time()) - 3600}, "stale"),
            ({"timestamp": int(time.time()) + 3600}, "stale"),
        ],
    )
    async def test_refused_and_logged(self, h: Harness, how, reason):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        notice = _notice(intent)
        response = await h.notify("card", notice, **how)
        assert response.status_code == 401
        assert response.headers["content-type"].startswith("application/problem+json")
        assert (await h.get(intent["id"], citizen))["status"] == "processing"
        body = json.dumps(notice).encode()
        async with h.session() as session:
            logged = await session.scalar(
                select(NotificationRefusal).where(NotificationRefusal.body_sha256 == hashlib.sha256(body).hexdigest())
            )
            kept = await session.scalar(select(func.count()).where(ProviderNotification.body.contains(notice["id"])))
        assert (logged.provider, logged.reason, logged.body_bytes) == ("card", reason, len(body))
        assert kept == 0  # the body of a refused notification is not stored
        # a forged copy does not block the genuine notification with the same id
        assert (await h.notify("card", notice)).json()["outcome"] == "succeeded"

    async def test_tampered_body_is_refused(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        from payment.providers import signing

        body = json.dumps(_notice(intent)).encode()
        header = signing.sign(h.settings.notification_secret("card"), body, int(h.clock.now().timestamp()))
        tampered = body.replace(b'"currency": "EGP"', b'"currency": "USD"')
        response = await h.client.post(
            "/v1/provider-notifications/card", content=tampered, headers={signing.HEADER: header}
        )
        assert response.status_code == 401
        assert (await h.get(intent["id"], citizen))["status"] == "processing"

    async def test_a_secret_of_another_provider_is_refused(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="card")
        response = await h.notify("card", _notice(intent), secret=h.settings.notification_secret("wallet"))
        assert response.status_code == 401


class TestRefusalsAreBounded:
    async def test_a_flood_of_forged_notifications_keeps_only_hashes_of_the_newest(self, h: Harness):
        junk = b"x" * 60_000
        for n in range(130):
            async with h.session() as session:
                received = await notifications.receive(
                    session,
                    provider_name="post_office",
                    body=junk + str(n).encode(),
                    signature=None,
                    secret=h.settings.notification_secret("post_office"),
                    window_seconds=300,
                    providers=h.resources.providers,
                    policy=h.resources.policy,
                    now=h.clock.now(),
                    source="198.51.100.7",
                    refusals_kept=100,
                )
            assert received.status == 401
        async with h.session() as session:
            rows = list(
                await session.scalars(select(NotificationRefusal).where(NotificationRefusal.provider == "post_office"))
            )
            stored = await session.scalar(
                select(func.coalesce(func.sum(func.octet_length(ProviderNotification.body)), 0))
            )
        assert len(rows) == 100
        newest = max(rows, key=lambda r: r.id)
        assert newest.body_sha256 == hashlib.sha256(junk + b"129").hexdigest()
        assert (newest.body_bytes, newest.reason, newest.source) == (60_003, "unsigned", "198.51.100.7")
        assert stored < 60_000  # none of the bodies went anywhere

    async def test_the_source_is_the_address_the_gateway_saw(self, h: Harness):
        body = b'{"forged": "' + uuid.uuid4().hex.encode() + b'"}'
        response = await h.client.post(
            "/v1/provider-notifications/card",
            content=body,
            headers={"X-Forwarded-For": "203.0.113.9, 198.51.100.23"},  # the client's claim, then the gateway's
        )
        assert response.status_code == 401
        async with h.session() as session:
            row = await session.scalar(
                select(NotificationRefusal).where(NotificationRefusal.body_sha256 == hashlib.sha256(body).hexdigest())
            )
        assert (row.source, row.body_bytes, row.reason) == ("198.51.100.23", len(body), "unsigned")


class TestAmountMismatch:
    @pytest.mark.parametrize("params", [{"amount_piastres": 12999}, {"currency": "USD"}])
    async def test_never_marks_paid(self, h: Harness, params):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="cash_network")
        result = await h.sandbox(intent, "approve", **params)
        assert result["deliveries"][0]["outcome"] == "amount_mismatch"
        after = await h.get(intent["id"], citizen)
        assert (after["status"], after["receipt_number"]) == ("processing", None)
        assert await _captures(h, intent["id"]) == []


class TestLateSuccess:
    async def test_after_expiry_is_refunded_automatically(self, h: Harness):
        _, citizen = h.citizen()
        intent = await h.started(citizen, method="wallet")
        await h.sandbox(intent, "approve", hold=True)  # approved on the phone, notification delayed
        await h.sweep("expiry", at=h.clock.now() + timedelta(hours=1))
        assert (await h.get(intent["id"], citizen))["status"] == "expired"
        result = await h.sandbox(intent, "deliver")
        assert result["deliveries"][0]["outcome"] == "refunded_late"
        after = await h.get(intent["id"], citizen)
        assert (after["status"], after["refunded_piastres"], after["receipt_number"]) == ("refunded", 13000, None)
        [refund] = await _refunds(h, intent["id"])
        assert refund.automatic
        assert h.resources.sandbox.refunds[-1]["amount"] == 13000

    async def test_after_cancellation_is_refunded_and_the_new_attempt_stands(self, h: Harness):
        _, citizen = h.citizen()
        order = f"order-{uuid.uuid4().hex[:8]}"
        first = await h.started(citizen, method="card", order_id=order)
        await h.client.post(f"/v1/payments/{first['id']}/cancel", headers=citizen)
        second = await h.started(citizen, method="card", order_id=order)
        await h.sandbox(second, "approve")
        result = await h.sandbox(first, "approve")  # the citizen finished the old checkout too
        assert result["deliveries"][0]["outcome"] == "refunded_late"
        assert (await h.get(first["id"], citizen))["status"] == "refunded"
        assert (await h.get(second["id"], citizen))["status"] == "succeeded"


class TestEventsReachNats:
    async def test_every_transition_is_published(self, h: Harness, nats_server):
        _, citizen = h.citizen()
        paid = await h.started(citizen, method="card")
        await h.sandbox(paid, "approve")
        late = await h.started(citizen, method="wallet")
        await h.sandbox(late, "approve", hold=True)
        await h.sweep("expiry", at=h.clock.now() + timedelta(hours=1))
        await h.sandbox(late, "deliver")
        nc = await nats.connect(nats_server.url)
        try:
            wanted = {
                (paid["id"], "payment.intent.created.v1"),
                (paid["id"], "payment.intent.succeeded.v1"),
                (late["id"], "payment.intent.created.v1"),
                (late["id"], "payment.intent.failed.v1"),
                (late["id"], "payment.intent.refunded.v1"),
            }

            async def published() -> bool:
                msgs = await stream_messages(nc.jetstream(), "PAYMENT", "payment.")
                seen = {(e.subject, e.type) for e in map(Envelope.from_bytes, (m.data for m in msgs))}
                return wanted <= seen

            await eventually(published)
        finally:
            await nc.close()


async def test_no_notification_is_lost_or_applied_twice(h: Harness):
    """Every authentic notification is logged once; only refused ones are logged without an id claim."""
    async with h.session() as session:
        dupes = await session.scalar(
            select(func.count()).select_from(
                select(ProviderNotification.provider, ProviderNotification.notification_id)
                .where(ProviderNotification.signature_valid)
                .group_by(ProviderNotification.provider, ProviderNotification.notification_id)
                .having(func.count() > 1)
                .subquery()
            )
        )
    assert dupes == 0


async def test_the_migration_moves_stored_refusals_to_hashes(pg_database):
    """Refused notifications stored with their bodies before become hashed refusals."""
    url = pg_database()
    await upgrade_async(SERVICE_DIR, url, "0004")
    engine = create_async_engine(url)
    forged = "x" * 8000
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "INSERT INTO payment.provider_notifications (provider, signature_valid, outcome, reason, body)"
                " VALUES ('card', false, 'refused', 'unsigned', :body), ('card', true, 'succeeded', null, '{}')"
            ),
            {"body": forged},
        )
    await upgrade_async(SERVICE_DIR, url)
    async with engine.connect() as conn:
        left = (await conn.execute(text("SELECT outcome FROM payment.provider_notifications"))).scalars().all()
        moved = (
            await conn.execute(
                text("SELECT reason, body_sha256, body_bytes FROM payment.provider_notification_refusals")
            )
        ).all()
    await engine.dispose()
    assert left == ["succeeded"]
    assert moved == [("unsigned", hashlib.sha256(forged.encode()).hexdigest(), 8000)]
