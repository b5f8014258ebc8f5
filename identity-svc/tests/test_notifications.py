"""SMS for events that concern a citizen, sent once per event even when the event comes twice."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from identity_support import add_person, e164, enrol, eventually, publish

from contracts.events.payment import PaymentSucceeded
from contracts.events.ration import EligibilityChanged

NOW = datetime(2025, 6, 1, 9, 0, tzinfo=UTC)


class TestNotifications:
    async def test_payment_received_once_even_if_delivered_twice(self, app, client, engine, settings):
        citizen = await enrol(app, client, await add_person(engine))
        mobile = e164(citizen["mobile"])
        event = PaymentSucceeded(
            payment_id=uuid.uuid4(), citizen_id=citizen["citizen"]["citizen_id"], service_code="notary.poa.general",
            order_ref="poa-1", amount_piastres=15050, method="card", provider_reference="TX-1", paid_at=NOW,
        )  # fmt: skip
        first = await publish(settings.nats_url, event)
        await publish(settings.nats_url, event, envelope_id=first.id)
        other = await publish(settings.nats_url, event)  # a new event id: a second, distinct notification

        async def payment_sms():
            found = [m for m in app.state.sms_outbox.for_mobile(mobile) if "150.50" in m.body]
            return found if len(found) >= 2 else None

        sent = await eventually(payment_sms)
        assert sent
        assert len(sent) == 2
        assert other.id != first.id
        assert sent[0].body.startswith("We received EGP 150.50")  # the language the citizen enrolled in

    async def test_eligibility_change_by_national_id(self, app, client, engine, settings):
        person = await add_person(engine)
        citizen = await enrol(app, client, person)
        await publish(
            settings.nats_url,
            EligibilityChanged(card_id=uuid.uuid4(), holder_national_id=person["national_id"], eligible=True,
                               appealable=False, rules_version="2025.1", effective_from=NOW.date(), decided_at=NOW),
        )  # fmt: skip

        async def sms():
            return [m for m in app.state.sms_outbox.for_mobile(e164(citizen["mobile"])) if "Ration card" in m.body]

        assert await eventually(sms)
