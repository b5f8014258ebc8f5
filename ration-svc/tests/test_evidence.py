"""Decisions cite their evidence (issue 16): the signed facts a decision rests on are recorded
with it, the citizen's explanation names the authority and the date of each, the officer's
appeal view lists them with their verification status, and a decision's evidence is the bundle
evidence-svc exports (stood in here, over real HTTP; tests/ use the real one)."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime

import pytest
from ration_support import INTERNAL, RULES_2025, new_card, now, settings, started
from sqlalchemy import select

from contracts import Envelope, Event
from contracts.events.electricity import ConsumptionReported
from contracts.events.traffic import VehicleRegistered
from kit import i18n
from kit.evidence import FactRef
from kit.testing import EvidenceStandIn, eventually, evidence_stand_in, signed
from ration.audit.models import AuditEntry
from ration.eligibility import service as eligibility
from ration.eligibility.citations import cite
from ration.eligibility.models import Decision
from ration.facts import repository as facts
from ration.rules import service as rules
from ration.rules.schemas import RuleSetIn

EN = {"Accept-Language": "en"}
STATED = datetime(2026, 10, 2, 9, 30, tzinfo=UTC)
TRAFFIC = "traffic-authority"


@pytest.fixture(scope="module")
async def archive():
    async with evidence_stand_in(token=INTERNAL) as stand_in:
        yield stand_in


@pytest.fixture(scope="module")
async def client(ration_url, nats_server, tokens, sessions, archive):
    async with sessions() as session, session.begin():
        draft = await rules.create_draft(session, data=RuleSetIn.model_validate(RULES_2025), actor="test")
        await rules.schedule(session, rule_set_id=draft.id, effective_from=now(), actor="test", now=now())
    config = settings(
        ration_url, nats_server.url, evidence_url=archive.url, evidence_attempts=2, evidence_timeout_seconds=1
    )
    async with started(config, tokens) as (_, http):
        yield http


async def publish(js, event: Event, *, source: str = TRAFFIC, time: datetime = STATED) -> Envelope:
    """The event signed with its producer's development key (which ration trusts in tests); the
    envelope, and the signed CloudEvent as it travelled."""
    envelope = Envelope.wrap(event, source=source, time=time)
    await js.publish(event.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
    return envelope


def toyota(owner: str) -> VehicleRegistered:
    return VehicleRegistered(
        vehicle_id=uuid.uuid4(),
        plate_number="ط ر ق 2025",
        owner_national_id=owner,
        vehicle_type="private_car",
        make="Toyota",
        model="Corolla",
        model_year=2025,
        engine_cc=1600,
        governorate="03",
        registered_at=STATED,
    )


async def excluded(client, tokens, holder: str) -> dict:
    async def decided():
        response = await client.get("/v1/ration-card", headers={**tokens.citizen(holder), **EN})
        decision = response.json()["decision"]
        return decision if decision and not decision["eligible"] else None

    return await eventually(decided)


def auditor(tokens) -> dict[str, str]:
    return tokens.identity.headers("auditor-1", typ="staff", roles=["auditor"])


class TestTheExplanationCitesTheFact:
    async def test_an_exclusion_names_the_authority_and_the_date_in_both_languages(self, client, js, tokens, sessions):
        _, holder = await new_card(sessions)
        envelope = await publish(js, toyota(holder))
        decision = await excluded(client, tokens, holder)

        [reason] = decision["reasons"]
        assert reason["explanation"].endswith(
            "The traffic authority registered a 2025 Toyota Corolla to this household on 2 October 2026."
        )
        [fact] = reason["evidence"]
        assert fact["event_id"] == str(envelope.id)
        assert fact["type"] == "traffic.vehicle.registered.v1"
        assert fact["source"] == TRAFFIC
        assert fact["authority"] == "The traffic authority"
        assert datetime.fromisoformat(fact["stated_at"]) == STATED
        assert fact["verification"] == "verified"  # ration's consumer checked the signature before the handler
        assert fact["verification_text"] == "signature verified on receipt"

        arabic = (await client.get("/v1/ration-card", headers=tokens.citizen(holder))).json()
        statement = arabic["decision"]["reasons"][0]["evidence"][0]["statement"]
        assert (
            statement
            == "سجّلت الإدارة العامة للمرور سيارة Toyota Corolla موديل ٢٠٢٥ باسم هذه الأسرة بتاريخ ٢ أكتوبر ٢٠٢٦."
        )
        assert statement in arabic["decision"]["reasons"][0]["explanation"]

        async with sessions() as session:
            stored = await session.get(Decision, uuid.UUID(decision["id"]))
            assert stored is not None
            assert stored.evidence_event_ids == [envelope.id]

    async def test_an_electricity_reading_names_the_company_the_meter_and_the_period(
        self, client, js, tokens, sessions
    ):
        _, holder = await new_card(sessions)
        reading = ConsumptionReported(
            meter_id="03-118-2291",
            subscriber_national_id=holder,
            governorate="03",
            period_start=date(2026, 11, 1),
            period_end=date(2026, 11, 30),
            consumption_kwh=900,
            reported_at=datetime(2026, 12, 1, 8, tzinfo=UTC),
        )
        envelope = await publish(js, reading, source="canal-electricity", time=datetime(2026, 12, 1, 8, tzinfo=UTC))
        decision = await excluded(client, tokens, holder)

        [fact] = decision["reasons"][0]["evidence"]
        assert fact["event_id"] == str(envelope.id)
        assert fact["statement"] == (
            "The electricity distribution company reported a use of 900 kWh a month on meter 03-118-2291"
            " from 1 November 2026 to 30 November 2026, on 1 December 2026."
        )


class TestCitations:
    def test_an_event_received_before_signing_reads_unsigned_and_an_unknown_domain_names_its_producer(self):
        ref = {"event_id": str(uuid.uuid4()), "type": "customs.goods.cleared.v1", "source": "customs-gate-4",
               "time": "2026-10-02T09:30:00+00:00", "kid": None}  # fmt: skip
        i18n.set_language("en")
        cited = cite(ref, {})
        assert (cited.verification, cited.authority) == ("unsigned", "customs-gate-4")
        assert cited.statement == "customs-gate-4 stated this fact on 2 October 2026."
        i18n.set_language("ar")
        assert cite({**ref, "kid": "k1"}, {}).statement == "أثبتت customs-gate-4 هذه الواقعة بتاريخ ٢ أكتوبر ٢٠٢٦."


class TestWhatTheDecisionRestsOn:
    async def test_a_fact_from_a_bulk_file_is_cited_as_such_and_no_signature_is_claimed(self, sessions):
        card, holder = await new_card(sessions)
        await _register(sessions, holder, evidence=None)
        async with sessions() as session:
            decision = await eligibility.decision(session, (await _current(sessions, card.id)).id)
            assert decision is not None
            [reason] = decision.reasons
            assert [e["kind"] for e in reason["evidence"]] == ["import"]
            assert decision.evidence_event_ids == []

    async def test_the_same_fact_stated_again_is_no_new_decision(self, sessions):
        """The decision keeps citing the event it was made on; only a change of the fact is news."""
        card, holder = await new_card(sessions)
        first = FactRef(event_id=uuid.uuid4(), type=VehicleRegistered.subject, source=TRAFFIC, time=STATED)
        vehicle = await _register(sessions, holder, evidence=first)
        before = await _current(sessions, card.id)
        again = FactRef(event_id=uuid.uuid4(), type=VehicleRegistered.subject, source=TRAFFIC, time=now())
        await _register(sessions, holder, evidence=again, vehicle_id=vehicle)
        after = await _current(sessions, card.id)
        assert after.id == before.id
        assert after.evidence_event_ids == [first.event_id]


async def _register(sessions, owner: str, *, evidence, vehicle_id: uuid.UUID | None = None) -> uuid.UUID:
    vehicle_id = vehicle_id or uuid.uuid4()
    async with sessions() as session, session.begin():
        await facts.vehicle_registered(
            session, vehicle_id=vehicle_id, plate="ب ج د 1234", owner=owner, vehicle_type="private_car",
            make="Toyota", model="Corolla", model_year=2025, engine_cc=1600, governorate="03", at=STATED,
            evidence=evidence,
        )  # fmt: skip
        await eligibility.reevaluate_persons(session, national_ids=[owner], trigger="test", now=now())
    return vehicle_id


async def _current(sessions, card_id) -> Decision:
    async with sessions() as session:
        query = select(Decision).where(Decision.household_id == card_id).order_by(Decision.decided_at.desc())
        return (await session.scalars(query.limit(1))).one()


class TestTheAppealView:
    async def test_the_officer_sees_the_facts_with_their_verification_status(self, client, js, tokens, sessions):
        card, holder = await new_card(sessions)
        envelope = await publish(js, toyota(holder))
        await excluded(client, tokens, holder)
        filed = await client.post(
            f"/v1/ration-card/{card.id}/appeals", json={"grounds": "the car was sold"}, headers=tokens.citizen(holder)
        )
        assert filed.status_code == 201, filed.text
        assert filed.json()["facts"] is None  # the list and the filing do not carry them; the appeal read does

        view = await client.get(f"/v1/appeals/{filed.json()['id']}", headers={**tokens.officer("03"), **EN})
        assert view.status_code == 200, view.text
        [fact] = view.json()["facts"]
        assert fact["event_id"] == str(envelope.id)
        assert fact["verification"] == "verified"
        assert fact["verification_text"] == "signature verified on receipt"
        assert fact["statement"].startswith("The traffic authority registered a 2025 Toyota Corolla")


class TestTheEvidenceBundle:
    async def test_each_caller_gets_what_evidence_svc_exports_unchanged(
        self, client, js, tokens, sessions, archive: EvidenceStandIn
    ):
        card, holder = await new_card(sessions)
        envelope = await publish(js, toyota(holder))
        decision = await excluded(client, tokens, holder)
        archive.archive(json.loads(signed(envelope)))
        path = f"/v1/ration-card/{card.id}/decisions/{decision['id']}/evidence"

        for headers in (tokens.citizen(holder), tokens.officer("03"), auditor(tokens)):
            response = await client.get(path, headers=headers)
            assert response.status_code == 200, response.text
            assert [e["event"]["id"] for e in response.json()["events"]] == [str(envelope.id)]
            assert archive.asked[-1] == [str(envelope.id)]
        assert "attachment" in response.headers["content-disposition"]

        async with sessions() as session:
            reads = await session.scalars(select(AuditEntry).where(AuditEntry.target_id == decision["id"]))
            assert sorted(r.actor for r in reads if r.action == "decision.evidence_read") == ["auditor-1", "officer-03"]

    async def test_another_card_another_governorate_or_decision_is_not_found(self, client, js, tokens, sessions):
        card, holder = await new_card(sessions)
        await publish(js, toyota(holder))
        decision = await excluded(client, tokens, holder)
        _, stranger = await new_card(sessions)
        path = f"/v1/ration-card/{card.id}/decisions/{decision['id']}/evidence"
        for headers in (tokens.citizen(stranger), tokens.officer("01")):
            response = await client.get(path, headers=headers)
            assert response.status_code == 404, response.text
            assert response.json()["code"] == "ration_card_not_found"
        unknown = await client.get(
            f"/v1/ration-card/{card.id}/decisions/{uuid.uuid4()}/evidence", headers={**tokens.citizen(holder), **EN}
        )
        assert unknown.status_code == 404
        assert unknown.json()["code"] == "decision_not_found"
        agent = tokens.identity.headers("agent-1", typ="staff", roles=["call_centre_agent"])
        assert (await client.get(path, headers=agent)).status_code == 403

    async def test_an_archive_that_does_not_answer_is_a_clear_503(self, client, js, tokens, sessions, archive):
        card, holder = await new_card(sessions)
        await publish(js, toyota(holder))
        decision = await excluded(client, tokens, holder)
        path = f"/v1/ration-card/{card.id}/decisions/{decision['id']}/evidence"
        archive.down = True
        try:
            response = await client.get(path, headers={**tokens.citizen(holder), **EN})
        finally:
            archive.down = False
        assert response.status_code == 503
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["code"] == "evidence_unavailable"
        assert "not answering" in response.json()["detail"]

    async def test_facts_the_archive_does_not_hold_yet_are_a_404_to_try_later(self, client, js, tokens, sessions):
        card, holder = await new_card(sessions)
        await publish(js, toyota(holder))  # never archived by the stand-in
        decision = await excluded(client, tokens, holder)
        response = await client.get(
            f"/v1/ration-card/{card.id}/decisions/{decision['id']}/evidence", headers={**tokens.citizen(holder), **EN}
        )
        assert (response.status_code, response.json()["code"]) == (404, "evidence_not_archived")

    async def test_a_decision_on_no_signed_fact_has_no_bundle(self, client, tokens, sessions):
        card, holder = await new_card(sessions)
        decision = (await client.get("/v1/ration-card", headers=tokens.citizen(holder))).json()["decision"]
        response = await client.get(
            f"/v1/ration-card/{card.id}/decisions/{decision['id']}/evidence", headers={**tokens.citizen(holder), **EN}
        )
        assert response.status_code == 404
        assert response.json()["code"] == "no_evidence"
