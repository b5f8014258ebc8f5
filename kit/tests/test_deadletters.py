"""Dead letters replayed by an operator: per event and per consumer, once only, audited, counted."""

from __future__ import annotations

import asyncio
import uuid

import pytest
from kit_support import address_event, bump, create_schema, effects_of, make_app, service_metadata
from sqlalchemy import select
from sqlalchemy.ext.asyncio import create_async_engine

from contracts import Envelope
from contracts.events.civil import AddressChanged
from kit.messaging.consumer import Handlers
from kit.testing import running, signed


@pytest.fixture
async def service(pg_database, nats_server, verifier, js):
    """A service whose handler fails on the addresses in `broken` (a bug, fixed later)."""
    url = pg_database()
    name = f"dl-{uuid.uuid4().hex[:8]}"
    metadata, effects = service_metadata("svc_dl")
    await create_schema(url, metadata)
    broken: set[str] = set()
    handlers = Handlers()

    @handlers.on(AddressChanged)
    async def on_address(session, event, envelope):
        if event.address_ar in broken:
            raise LookupError(f"no district table for {event.address_ar}")
        await bump(session, effects, event.national_id, event.address_ar)

    app = make_app(name, url, nats_server.url, metadata, handlers=handlers, bus_max_deliver=2)
    async with running(app) as client:
        app.state.verifier = verifier
        yield Service(name=name, url=url, effects=effects, broken=broken, client=client, js=js, app=app)


class Service:
    def __init__(self, **fields) -> None:
        self.__dict__.update(fields)

    async def publish(self, nid: str, address: str) -> Envelope:
        envelope = Envelope.wrap(address_event(nid, address), source="test")
        await self.js.publish(AddressChanged.subject, signed(envelope), headers={"Nats-Msg-Id": str(envelope.id)})
        return envelope

    async def dead_letters(self, admin: dict[str, str]) -> list[dict]:
        response = await self.client.get("/ops/dead-letters", headers=admin)
        assert response.status_code == 200, response.text
        return response.json()["items"]


def _staff(ring, *roles: str, subject: str = "admin-7") -> dict[str, str]:
    return {"Authorization": "Bearer " + ring.token("k1", typ="staff", sub=subject, roles=list(roles))}


async def _eventually(condition, timeout: float = 20.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not (found := await condition()):
        if asyncio.get_running_loop().time() > deadline:
            pytest.fail("condition not reached in time")
        await asyncio.sleep(0.1)
    return found


class TestReplay:
    async def test_an_operator_replays_dead_letters_once_per_event_and_every_replay_is_audited(self, service, ring):
        admin = _staff(ring, "admin")
        one = f"حي {uuid.uuid4().hex[:6]}"
        two = f"حي {uuid.uuid4().hex[:6]}"
        service.broken.update({one, two})
        first = await service.publish("29001011239001", one)
        second = await service.publish("29001011239002", two)

        async def both_dead():
            mine = [d for d in await service.dead_letters(admin) if d["event_id"] in (str(first.id), str(second.id))]
            return mine if len(mine) == 2 else None

        letters = await _eventually(both_dead)
        assert {(d["kind"], d["deliveries"], d["subject"]) for d in letters} == {("failed", 2, AddressChanged.subject)}
        assert letters[0]["reason"].startswith("LookupError: no district table")
        assert letters[0]["consumer"] == service.name
        by_event = {d["event_id"]: d["seq"] for d in letters}

        # Still broken: the replay fails again, is audited, and nothing is applied.
        failed = await service.client.post(f"/ops/dead-letters/{by_event[str(first.id)]}/replay", headers=admin)
        assert failed.status_code == 200
        assert failed.json()["outcome"] == "failed"
        assert "no district table" in failed.json()["error"]

        service.broken.clear()  # the bug is fixed
        replayed = await service.client.post(f"/ops/dead-letters/{by_event[str(first.id)]}/replay", headers=admin)
        assert replayed.json()["outcome"] == "applied"
        assert replayed.json()["replayed_by"] == "staff:admin-7"
        again = await service.client.post(f"/ops/dead-letters/{by_event[str(first.id)]}/replay", headers=admin)
        assert again.json()["outcome"] == "duplicate"  # the inbox has it: no second effect
        assert (await effects_of(service.url, service.effects))["29001011239001"] == (1, one)

        # All of the consumer's dead letters: the one already applied is skipped.
        everything = await service.client.post("/ops/dead-letters/replay", json={}, headers=admin)
        assert everything.status_code == 200
        outcome = everything.json()
        assert [r["event_id"] for r in outcome["replayed"] if r["outcome"] == "applied"] == [str(second.id)]
        assert str(first.id) not in [r["event_id"] for r in outcome["replayed"]]
        assert (await effects_of(service.url, service.effects))["29001011239002"] == (1, two)

        detail = await service.client.get(f"/ops/dead-letters/{by_event[str(first.id)]}", headers=admin)
        assert [r["outcome"] for r in detail.json()["replays"]] == ["duplicate", "applied", "failed"]
        engine = create_async_engine(service.url)
        async with engine.connect() as conn:
            replays = service.app.state.runtime.tables.replays
            rows = (await conn.execute(select(replays).where(replays.c.event_id == first.id))).mappings().all()
        await engine.dispose()
        assert {(r["outcome"], r["replayed_by"], r["consumer"]) for r in rows} == {
            (outcome, "staff:admin-7", service.name) for outcome in ("failed", "applied", "duplicate")
        }
        assert all(r["replayed_at"] is not None and r["request_id"] for r in rows)

        metrics = (await service.client.get("/metrics")).text
        assert f'events_dead_lettered_total{{consumer="{service.name}",reason="failed"}} 2.0' in metrics
        assert f'dead_letters_replayed_total{{consumer="{service.name}",outcome="applied"}} 2.0' in metrics

    async def test_only_admins_may_see_or_replay_dead_letters(self, service, ring):
        clerk = _staff(ring, "notary_clerk", subject="clerk-1")
        citizen = {"Authorization": "Bearer " + ring.token("k1", typ="citizen")}
        for headers, status in (({}, 401), (clerk, 403), (citizen, 403)):
            assert (await service.client.get("/ops/dead-letters", headers=headers)).status_code == status
            assert (await service.client.post("/ops/dead-letters/1/replay", headers=headers)).status_code == status

    async def test_a_dead_letter_of_another_consumer_is_not_found(self, service, ring, js):
        other = Envelope.wrap(address_event("29001011239003", "x"), source="test")
        ack = await js.publish(
            f"deadletter.someone-else.{AddressChanged.subject}",
            other.to_bytes(),
            headers={"Shubbak-Dead-Consumer": "someone-else", "Nats-Msg-Id": str(uuid.uuid4())},
        )
        response = await service.client.post(
            f"/ops/dead-letters/{ack.seq}/replay", headers={**_staff(ring, "admin"), "Accept-Language": "en"}
        )
        assert response.status_code == 404
        assert response.json()["code"] == "dead_letter_not_found"
        unknown = await service.client.get("/ops/dead-letters?consumer=someone-else", headers=_staff(ring, "admin"))
        assert unknown.status_code == 404
