"""The archive: signed events that crossed an authority boundary are kept as they travelled,
chained and sealed; an auditor's or a service's bundle verifies offline; tampering is found."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from conftest import INTERNAL, Archive
from sqlalchemy import text

from contracts import Envelope, Event
from contracts.events.identity import CitizenEnrolled
from contracts.events.ration import EligibilityChanged
from contracts.events.traffic import VehicleRegistered
from contracts.evidence import verify_bundle
from contracts.signing import KeyRing, SigningKey
from evidence.manifest import retain, seal
from evidence.resources import build_resources
from kit.db import transaction
from kit.internal import bearer
from kit.service import Context
from kit.testing import TokenIssuer, eventually, runtime_of, stream_messages

URL = "/v1/evidence/bundles"


def vehicle(owner: str = "29001011234567", year: int = 2025) -> VehicleRegistered:
    return VehicleRegistered(
        vehicle_id=uuid.uuid4(), plate_number="أ ب ج ١٢٣", owner_national_id=owner, vehicle_type="private_car",
        make="Toyota", model="Corolla", model_year=year, governorate="03", registered_at=datetime.now(UTC),
    )  # fmt: skip


def eligibility(card_id: uuid.UUID) -> EligibilityChanged:
    return EligibilityChanged(
        card_id=card_id, holder_national_id="29001011234567", eligible=False, appealable=True,
        rules_version="2026.1", effective_from=date(2026, 10, 2), decided_at=datetime.now(UTC),
    )  # fmt: skip


async def publish(js: Any, key: SigningKey, event: Event) -> dict[str, Any]:
    """Publish `event` signed by its producer, as the relay (or the gateway) does; the signed JSON."""
    signed = key.sign(json.loads(Envelope.wrap(event, source=key.producer).to_bytes()))
    await js.publish(
        event.subject, json.dumps(signed, ensure_ascii=False).encode(), headers={"Nats-Msg-Id": signed["id"]}
    )
    return signed


async def archived(archive: Archive, event_id: str) -> bool:
    async with runtime_of(archive.app).sessions() as session:
        found = await session.scalar(
            text("SELECT count(*) FROM evidence.archived_events WHERE event_id = :id"), {"id": uuid.UUID(event_id)}
        )
    return bool(found)


async def sweep(archive: Archive, job: Any) -> None:
    """Run one of the service's sweeps now, with the service's settings and the tests' clock."""
    runtime = runtime_of(archive.app)
    ctx = Context(settings=runtime.settings, resources=await build_resources(runtime), clock=archive.clock)
    async with transaction(runtime.sessions) as session:
        await job(session, ctx)


async def bundle(archive: Archive, auditor: dict[str, str], **params: Any) -> bytes:
    answer = await archive.http.get(URL, params=params, headers=auditor)
    assert answer.status_code == 200, answer.text
    return answer.content


@pytest.fixture(scope="module")
def auditor(identity: TokenIssuer) -> dict[str, str]:
    return {**identity.staff("auditor"), "Accept-Language": "en"}


class TestArchiving:
    async def test_events_crossing_a_boundary_are_kept_as_signed_and_the_rest_are_not(
        self, archive: Archive, js: Any, auditor: dict[str, str]
    ) -> None:
        card = uuid.uuid4()
        fact = await publish(js, archive.producers["traffic"], vehicle())
        decision = await publish(js, archive.producers["ration"], eligibility(card))
        internal = await publish(
            js, archive.producers["identity"],
            CitizenEnrolled(citizen_id=uuid.uuid4(), national_id="29001011234567", channel="web",
                            enrolled_at=datetime.now(UTC)),
        )  # fmt: skip
        await eventually(lambda: archived(archive, fact["id"]), "the traffic fact archived")
        await eventually(lambda: archived(archive, decision["id"]), "the decision archived")
        assert not await archived(archive, internal["id"])  # consumed by no other authority
        exported = json.loads(await bundle(archive, auditor, event_id=[fact["id"], decision["id"]]))
        kept = {entry["event"]["id"]: entry["event"] for entry in exported["events"]}
        assert kept == {fact["id"]: fact, decision["id"]: decision}  # as they travelled (two streams: any order)

    async def test_a_household_bundle_verifies_offline(
        self, archive: Archive, js: Any, auditor: dict[str, str]
    ) -> None:
        card = uuid.uuid4()
        decisions = [await publish(js, archive.producers["ration"], eligibility(card)) for _ in range(3)]
        await eventually(lambda: archived(archive, decisions[-1]["id"]), "the decisions archived")
        raw = await bundle(archive, auditor, household=str(card))
        published = (await archive.http.get("/.well-known/timestamping-keys.json")).json()
        report = verify_bundle(raw, trusted_timestamping=KeyRing.from_jwks(published).keys.values())
        assert report.failures == []
        assert report.events == 3
        assert report.producers == {"ration-svc"}
        assert json.loads(raw)["query"] == {"household": str(card)}

    async def test_pages_each_verify_and_together_hold_every_event(
        self, archive: Archive, js: Any, auditor: dict[str, str]
    ) -> None:
        owner = "29103150123456"
        facts = [await publish(js, archive.producers["traffic"], vehicle(owner, 2000 + n)) for n in range(5)]
        await eventually(lambda: archived(archive, facts[-1]["id"]), "the facts archived")
        seen, cursor = [], None
        while True:
            params = {"national_id": owner, "limit": 2, **({"cursor": cursor} if cursor else {})}
            page = await bundle(archive, auditor, **params)
            assert verify_bundle(page).failures == []
            document = json.loads(page)
            seen += [entry["event"]["id"] for entry in document["events"]]
            if not (cursor := document["next_cursor"]):
                break
        assert seen == [fact["id"] for fact in facts]

    async def test_a_forged_event_is_never_archived(self, archive: Archive, js: Any) -> None:
        """Kit's consumer refuses it before the archive's handler runs (a key nobody published)."""
        impostor = SigningKey.generate("traffic-authority-2026b", "traffic-authority", ["traffic.>"])
        forged = await publish(js, impostor, vehicle())
        genuine = await publish(js, archive.producers["traffic"], vehicle())
        await eventually(lambda: archived(archive, genuine["id"]), "the genuine fact archived")

        async def dead_lettered() -> bool:
            letters = await stream_messages(js, "DEADLETTER", "deadletter.evidence-svc.traffic.")
            return any(json.loads(letter.data)["id"] == forged["id"] for letter in letters)

        await eventually(dead_lettered, "the forged fact in the dead letters")
        assert not await archived(archive, forged["id"])

    async def test_a_redelivered_event_is_kept_once(self, archive: Archive, js: Any) -> None:
        signed = await publish(js, archive.producers["traffic"], vehicle())
        await js.publish(signed["type"], json.dumps(signed).encode(), headers={"Nats-Msg-Id": str(uuid.uuid4())})
        await eventually(lambda: archived(archive, signed["id"]), "the fact archived")
        async with runtime_of(archive.app).sessions() as session:
            count = await session.scalar(
                text("SELECT count(*) FROM evidence.archived_events WHERE event_id = :id"),
                {"id": uuid.UUID(signed["id"])},
            )
        assert count == 1

    async def test_a_producers_key_is_kept_once_while_the_trust_list_holds_it_as_it_is(
        self, archive: Archive, js: Any
    ) -> None:
        """Every batch names its keys; the row of a key kept since the list's last fetch, unchanged,
        is not written again (its row version, `xmin`, stays)."""
        key = archive.producers["traffic"]
        row = text("SELECT xmin::text AS version, fetched_at FROM evidence.producer_keys WHERE kid = :kid")
        first = await publish(js, key, vehicle())
        await eventually(lambda: archived(archive, first["id"]), "the first fact archived")
        async with runtime_of(archive.app).sessions() as session:
            before = (await session.execute(row, {"kid": key.kid})).one()
        second = await publish(js, key, vehicle())
        await eventually(lambda: archived(archive, second["id"]), "the second fact archived")
        async with runtime_of(archive.app).sessions() as session:
            after = (await session.execute(row, {"kid": key.kid})).one()
        assert (after.version, after.fetched_at) == (before.version, before.fetched_at)


class TestExport:
    async def test_only_auditors(self, archive: Archive, identity: TokenIssuer) -> None:
        assert (await archive.http.get(URL, params={"subject": "x"})).status_code == 401
        clerk = identity.staff("notary_clerk")
        assert (await archive.http.get(URL, params={"subject": "x"}, headers=clerk)).status_code == 403
        assert (await archive.http.get(URL, params={"subject": "x"}, headers=identity.citizen())).status_code == 403

    async def test_a_query_naming_nothing_is_refused_in_the_callers_language(
        self, archive: Archive, auditor: dict[str, str]
    ) -> None:
        refused = await archive.http.get(URL, headers=auditor)
        assert refused.status_code == 422
        assert refused.json()["code"] == "evidence_query_empty"
        arabic = await archive.http.get(URL, headers={**auditor, "Accept-Language": "ar"})
        assert arabic.json()["title"] == "لم يُحدَّد ما يُصدَّر"
        inverted = {"from": "2026-10-02T00:00:00Z", "to": "2026-10-01T00:00:00Z"}
        refused_range = await archive.http.get(URL, params=inverted, headers=auditor)
        assert refused_range.json()["code"] == "evidence_range_inverted"
        naive = await archive.http.get(URL, params={"from": "2026-10-02T00:00:00"}, headers=auditor)
        assert naive.status_code == 422
        assert naive.json()["errors"][0]["field"] == "query.from"

    async def test_services_export_by_event_ids_with_the_internal_token(self, archive: Archive, js: Any) -> None:
        card = uuid.uuid4()
        decision = await publish(js, archive.producers["ration"], eligibility(card))
        await eventually(lambda: archived(archive, decision["id"]), "the decision archived")
        body = {"event_ids": [decision["id"]]}
        assert (await archive.http.post("/internal/evidence/bundles", json=body)).status_code == 401
        answer = await archive.http.post("/internal/evidence/bundles", json=body, headers=bearer(INTERNAL))
        assert answer.status_code == 200
        assert verify_bundle(answer.content).failures == []
        assert [entry["event"]["id"] for entry in json.loads(answer.content)["events"]] == [decision["id"]]

    async def test_a_date_range(self, archive: Archive, js: Any, auditor: dict[str, str]) -> None:
        fact = await publish(js, archive.producers["traffic"], vehicle())
        await eventually(lambda: archived(archive, fact["id"]), "the fact archived")
        moment = datetime.fromisoformat(fact["time"])
        window = {
            "from": (moment - timedelta(seconds=1)).isoformat(),
            "to": (moment + timedelta(seconds=1)).isoformat(),
        }
        ids = [entry["event"]["id"] for entry in json.loads(await bundle(archive, auditor, **window))["events"]]
        assert fact["id"] in ids

    async def test_changed_bytes_of_an_exported_bundle_fail(
        self, archive: Archive, js: Any, auditor: dict[str, str]
    ) -> None:
        """A systematic sample: every 3rd byte of a one-event bundle, each changed two ways."""
        fact = await publish(js, archive.producers["traffic"], vehicle())
        await eventually(lambda: archived(archive, fact["id"]), "the fact archived")
        raw = await bundle(archive, auditor, event_id=[fact["id"]])
        assert verify_bundle(raw).ok
        survivors = []
        for position in range(0, len(raw), 3):
            for flip in (0x01, 0x40):
                changed = bytearray(raw)
                changed[position] ^= flip
                if verify_bundle(bytes(changed)).ok:
                    survivors.append(position)
        assert survivors == []


class TestTampering:
    async def test_the_archive_refuses_updates_and_deletes(self, archive: Archive) -> None:
        for statement in (
            "UPDATE evidence.archived_events SET type = 'x'",
            "DELETE FROM evidence.archived_events",
            "UPDATE evidence.seals SET hash = 'x'",
        ):
            with pytest.raises(Exception, match="append-only"):
                async with transaction(runtime_of(archive.app).sessions) as session:
                    await session.execute(text(statement))

    async def test_the_chain_check_finds_a_row_changed_behind_the_triggers(
        self, archive: Archive, js: Any, auditor: dict[str, str]
    ) -> None:
        fact = await publish(js, archive.producers["traffic"], vehicle())
        await eventually(lambda: archived(archive, fact["id"]), "the fact archived")
        await sweep(archive, seal)
        before = (await archive.http.get("/v1/evidence/chain", headers=auditor)).json()
        assert before["valid"] is True
        assert before["seals"] >= 1
        forged = json.dumps({**fact, "data": {**fact["data"], "model_year": 1999}})
        async with transaction(runtime_of(archive.app).sessions) as session:  # a superuser, triggers off
            await session.execute(text("SET LOCAL session_replication_role = replica"))
            sequence = await session.scalar(
                text(
                    "UPDATE evidence.archived_events SET event_json = :forged WHERE event_id = :id RETURNING sequence"
                ),
                {"forged": forged, "id": uuid.UUID(fact["id"])},
            )
        try:
            after = (await archive.http.get("/v1/evidence/chain", headers=auditor)).json()
            assert after["valid"] is False
            assert after["first_broken_sequence"] == sequence
            assert after["problem"] == "content_changed"
            exported = await bundle(archive, auditor, event_id=[fact["id"]])
            failures = verify_bundle(exported).failures
            assert any(f.startswith(f"event {fact['id']}") and "bad-signature" in f for f in failures)
            assert any("Merkle proof" in f for f in failures)
        finally:
            async with transaction(runtime_of(archive.app).sessions) as session:
                await session.execute(text("SET LOCAL session_replication_role = replica"))
                await session.execute(
                    text("UPDATE evidence.archived_events SET event_json = :json WHERE event_id = :id"),
                    {"json": json.dumps(fact, ensure_ascii=False, separators=(",", ":")), "id": uuid.UUID(fact["id"])},
                )
        assert (await archive.http.get("/v1/evidence/chain", headers=auditor)).json()["valid"] is True


class TestRetention:
    async def test_expired_content_is_emptied_the_chain_still_holds_and_the_rest_still_exports(
        self, archive: Archive, js: Any, auditor: dict[str, str]
    ) -> None:
        """Traffic facts are kept 30 days here (`retention_by_type`), decisions ten years."""
        card = uuid.uuid4()
        fact = await publish(js, archive.producers["traffic"], vehicle())
        decision = await publish(js, archive.producers["ration"], eligibility(card))
        await eventually(lambda: archived(archive, decision["id"]), "the decision archived")
        await eventually(lambda: archived(archive, fact["id"]), "the fact archived")
        await sweep(archive, seal)
        archive.clock.advance(timedelta(days=29))
        await sweep(archive, retain)
        assert json.loads(await bundle(archive, auditor, event_id=[fact["id"]]))["events"] != []
        archive.clock.advance(timedelta(days=2))
        await sweep(archive, retain)
        assert json.loads(await bundle(archive, auditor, event_id=[fact["id"]]))["events"] == []
        kept = await bundle(archive, auditor, household=str(card))
        assert verify_bundle(kept).failures == []
        assert (await archive.http.get("/v1/evidence/chain", headers=auditor)).json()["valid"] is True
        async with runtime_of(archive.app).sessions() as session:
            purged = await session.scalar(
                text(
                    "SELECT purged_at IS NOT NULL AND event_json IS NULL"
                    " FROM evidence.archived_events WHERE event_id = :id"
                ),
                {"id": uuid.UUID(fact["id"])},
            )
        assert purged is True


async def test_the_timestamping_keys_are_published(archive: Archive) -> None:
    answer = await archive.http.get("/.well-known/timestamping-keys.json")
    assert answer.status_code == 200
    (key,) = answer.json()["keys"]
    assert key["kid"] == "evidence-ts-dev"
    assert key["types"] == []  # signs seals, never an event
