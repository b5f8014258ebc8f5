"""Signed events (issue 16): a service signs what it publishes and serves its keys; its consumers
act only on events whose producer's key verifies them, refusing the others to the dead-letter
stream with the reason, and follow a producer's key rotation with no restart."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.responses import JSONResponse
from kit_support import (
    address_event,
    bump,
    civil_consumer,
    create_schema,
    effects_of,
    make_app,
    registry_router,
    service_metadata,
)
from nats.js import JetStreamContext
from sqlalchemy import Table, insert, select

from contracts import Envelope
from contracts.events.civil import AddressChanged
from contracts.signing import BATCH_SIZE, KeyRing, SignatureRejected, SigningKey, event_leaf
from kit import db, metrics
from kit.messaging.bus import connect
from kit.messaging.consumer import DEAD_REFUSAL, Handlers
from kit.messaging.outbox import SESSION_KEY, OutboxBinding
from kit.messaging.relay import OutboxRelay
from kit.messaging.tables import messaging_tables
from kit.messaging.trust import (
    KEYS_PATH,
    LEAF_HEADER,
    PARALLEL_FROM,
    EventSigner,
    TrustList,
    development_key,
    signed_last,
)
from kit.testing import eventually, running, served, signed, stream_messages

SUBJECT = AddressChanged.subject
SIGNING = {"signature", "signaturekid", "signatureproof"}
"""The attributes a signature adds to an event."""
PRODUCER = "traffic-test"  # an integrator: it may publish civil.* (contracts.audience)


@dataclass
class KeysStandIn:
    """A producer's JWKS endpoint: the keys it serves, or a status while it is "down"."""

    keys: list[dict[str, Any]] = field(default_factory=list)
    status: int = 200
    fetches: int = 0

    def fetched(self, times: int) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return self.fetches >= times

        return check

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/keys.json")
        async def keys() -> JSONResponse:
            self.fetches += 1
            if self.status != 200:
                return JSONResponse({"error": "down"}, status_code=self.status)
            return JSONResponse({"keys": self.keys})

        return app


@dataclass
class Service:
    name: str
    url: str
    effects: Table
    js: JetStreamContext
    handled: list[str]

    async def publish(self, body: bytes, msg_id: str | None = None) -> None:
        await self.js.publish(SUBJECT, body, headers={"Nats-Msg-Id": msg_id or str(uuid.uuid4())})

    def saw(self, line: str) -> Callable[[], Awaitable[bool]]:
        async def check() -> bool:
            return line in self.handled

        return check

    async def refused(self) -> dict[str, list[str]]:
        """Event id → the refusal reasons of this service's dead letters of that id."""
        found: dict[str, list[str]] = {}
        for m in await stream_messages(self.js, "DEADLETTER", f"deadletter.{self.name}."):
            if (event := _json(m.data)) is not None:  # other tests' unreadable events are there too
                found.setdefault(event["id"], []).append((m.headers or {}).get(DEAD_REFUSAL, ""))
        return found


@pytest.fixture
async def keys() -> AsyncIterator[tuple[KeysStandIn, str]]:
    stand_in = KeysStandIn()
    async with served(stand_in.app()) as url:
        yield stand_in, f"{url}/keys.json"


@pytest.fixture
async def service(pg_database, nats_server, js, keys) -> AsyncIterator[Service]:
    """A consumer of civil.address.changed.v1 trusting only the keys the stand-in serves."""
    url = pg_database()
    name = f"sig-{uuid.uuid4().hex[:8]}"
    metadata, effects = service_metadata("svc_sig")
    await create_schema(url, metadata)
    handled: list[str] = []
    handlers: Handlers[Any, Any] = Handlers()

    @handlers.on(AddressChanged)
    async def on_address(session, event, ctx):  # type: ignore[no-untyped-def]
        handled.append(event.address_ar)
        await bump(session, effects, event.national_id, event.address_ar)

    app = make_app(
        name,
        url,
        nats_server.url,
        metadata,
        handlers=handlers,
        event_keys_urls=[keys[1]],
        event_trust_development_keys=False,
        event_keys_refresh_seconds=0.2,
    )
    async with running(app):
        yield Service(name, url, effects, js, handled)


def envelope(line: str, *, source: str = PRODUCER, id: uuid.UUID | None = None) -> Envelope:
    return Envelope.wrap(address_event(f"2900101{uuid.uuid4().int % 10**7:07d}", line), source=source, id=id)


def sign(key: SigningKey, env: Envelope | dict[str, Any]) -> bytes:
    event = json.loads(env.to_bytes()) if isinstance(env, Envelope) else env
    return json.dumps(key.sign(event), ensure_ascii=False).encode()


def _json(data: bytes) -> dict[str, Any] | None:
    try:
        found = json.loads(data)
    except ValueError:
        return None
    return found if isinstance(found, dict) else None


def rejected(service: str, reason: str) -> float:
    return metrics.EVENTS_REJECTED.labels(service=service, reason=reason)._value.get()


class TestSigning:
    async def test_an_event_is_prepared_as_it_is_recorded_and_signed_by_the_relay_with_the_key_the_service_serves(
        self, pg_database, nats_server, js
    ):
        """The transaction that states the fact works out the event's leaf and keeps it with the
        row; the relay signs the row's bytes as they are, appending the proof and the signature,
        and keeps its leaf header to itself."""
        url = pg_database()
        name = f"reg-{uuid.uuid4().hex[:8]}"
        metadata, _ = service_metadata("svc_reg")
        await create_schema(url, metadata)
        app = make_app(name, url, nats_server.url, metadata, routers=(registry_router(),))
        nid = f"2900101{uuid.uuid4().int % 10**7:07d}"
        async with running(app) as client:
            jwks = (await client.get(KEYS_PATH)).json()
            assert [key["producer"] for key in jwks["keys"]] == [name]
            assert "d" not in jwks["keys"][0]  # the public half only
            response = await client.post("/v1/addresses", json={"national_id": nid, "address": "شارع النيل"})
            assert response.status_code == 202, response.text

            async def published() -> list[bytes]:
                found = [m.data for m in await stream_messages(js, "CIVIL", SUBJECT)]
                return [data for data in found if (_json(data) or {}).get("data", {}).get("national_id") == nid]

            [data] = await eventually(published)
            [message] = [m for m in await stream_messages(js, "CIVIL", SUBJECT) if m.data == data]
        event = json.loads(data)
        assert event["source"] == name
        assert KeyRing.from_jwks(jwks).verify(event).producer == name
        assert KeyRing.from_jwks(jwks).verify(event).kid == event["signaturekid"]
        assert event["signatureproof"].startswith("0.")  # the first of its batch
        outbox = metadata.tables["svc_reg.outbox"]
        engine = db.create_engine(url)
        async with engine.connect() as conn:
            [stored] = (
                await conn.execute(
                    select(outbox.c.payload, outbox.c.headers).where(outbox.c.id == uuid.UUID(event["id"]))
                )
            ).all()
        await engine.dispose()
        assert not signed_last(stored.payload)
        assert data.startswith(stored.payload[:-1] + b',"signatureproof":"')  # its bytes as recorded, then signed
        kid, leaf = stored.headers[LEAF_HEADER].split(" ")
        assert kid == event["signaturekid"]
        assert leaf == event_leaf(event).hex()
        assert LEAF_HEADER not in (message.headers or {})

    async def test_the_relay_signs_what_set_based_sql_wrote_and_leaves_signed_rows_as_they_are(
        self, pg_database, nats_server, js
    ):
        """A backlog of rows set-based SQL wrote (no leaf), rows `record` prepared, and a row signed
        alone as an earlier version recorded it: the relay signs the first two kinds a batch at a
        time and forwards the third as it is."""
        url = pg_database()
        metadata, _ = service_metadata("svc_set")
        await create_schema(url, metadata)
        tables = messaging_tables(metadata)
        source = f"set-{uuid.uuid4().hex[:8]}"
        key = development_key(source)
        signer = EventSigner([key])
        engine = db.create_engine(url)
        unsigned = [envelope(f"set-based {n}", source=source) for n in range(BATCH_SIZE + 8)]  # two batches
        prepared = [envelope(f"recorded {n}", source=source) for n in range(3)]
        earlier = envelope("signed alone when recorded", source=source)
        earlier_bytes = json.dumps(key.sign(json.loads(earlier.to_bytes())), ensure_ascii=False, separators=(",", ":"))
        rows = [(e, e.to_bytes(), {}) for e in unsigned[:20]]
        rows += [(e, e.to_bytes(), {LEAF_HEADER: signer.leaf(e.to_bytes())}) for e in prepared]
        rows += [(earlier, earlier_bytes.encode(), {})]
        rows += [(e, e.to_bytes(), {}) for e in unsigned[20:]]
        async with engine.begin() as conn:
            await conn.execute(
                insert(tables.outbox),
                [
                    {"id": e.id, "subject": SUBJECT, "aggregate_id": e.subject, "payload": p, "headers": h}
                    for e, p, h in rows
                ],
            )
        binding = OutboxBinding(tables, source=source)
        bus = await connect(nats_server.url, name="relay-set-based")
        relay = OutboxRelay(
            engine=engine, sessions=db.sessionmaker(engine, **{SESSION_KEY: binding}), js=bus.js, binding=binding
        )
        relay.signer = signer
        try:
            assert await relay.drain() == len(rows)
        finally:
            await bus.close()
            await engine.dispose()
        ids = {str(e.id) for e, _, _ in rows}
        found = {
            m.headers["Nats-Msg-Id"]: (m.data, m.headers)
            for m in await stream_messages(js, "CIVIL", SUBJECT)
            if m.headers and m.headers.get("Nats-Msg-Id") in ids
        }
        ring = KeyRing.from_jwks(signer.jwks())
        assert len(found) == len(rows)
        assert all(ring.verify(json.loads(data)).producer == source for data, _ in found.values())
        assert all(LEAF_HEADER not in headers for _, headers in found.values())
        assert found[str(earlier.id)][0] == earlier_bytes.encode()  # signed once, as recorded then
        published = [json.loads(found[str(e.id)][0]) for e, _, _ in rows if e is not earlier]
        first, rest = BATCH_SIZE - 1, len(rows) - BATCH_SIZE  # the first batch's worth holds the signed row
        assert [event["signatureproof"].split(".")[:2] for event in published] == [
            [str(n), str(first)] for n in range(first)
        ] + [[str(n), str(rest)] for n in range(rest)]  # a batch's worth at a time, in order
        assert len({event["signature"] for event in published}) == 2
        for (_e, payload, _), event in zip([r for r in rows if r[0] is not earlier], published, strict=True):
            assert {k: v for k, v in event.items() if k not in SIGNING} == json.loads(payload)


class TestForgedEvents:
    async def test_a_forged_event_never_reaches_a_handler_and_is_dead_lettered_with_its_reason(self, service, keys):
        stand_in, _ = keys
        producer = SigningKey.generate(f"{PRODUCER}-1", PRODUCER)
        ration = SigningKey.generate("ration-1", "ration-svc")  # a service: it may not publish civil.*
        revoked = SigningKey.generate(f"{PRODUCER}-0", PRODUCER)
        stand_in.keys = [producer.public().jwk(), ration.public().jwk(), {**revoked.public().jwk(), "revoked": True}]
        before = {reason: rejected(service.name, reason) for reason in ("bad-signature", "replayed", "unsigned")}

        good = envelope("good")
        await service.publish(sign(producer, good))
        await eventually(service.saw("good"))

        altered = json.loads(sign(producer, envelope("altered")))
        altered["data"]["address_ar"] = "altered after signing"
        impostor = SigningKey.generate(producer.kid, PRODUCER)  # the producer's key id, another key
        changed = envelope("changed content", id=good.id)  # the id already handled, other content
        forged = {
            "bad-signature": json.dumps(altered).encode(),
            "unsigned": envelope("unsigned").to_bytes(),
            "unknown-key": sign(SigningKey.generate("nobody-1", PRODUCER), envelope("unknown")),
            "revoked-key": sign(revoked, envelope("revoked")),
            "wrong-producer": sign(producer, envelope("wrong producer", source="ration-svc")),
            "type-not-allowed": sign(ration, envelope("not ration's to say", source="ration-svc")),
            "replayed": sign(producer, changed),
        }
        wrong_key = envelope("wrong key")
        ids = {reason: json.loads(body)["id"] for reason, body in forged.items()}
        for body in forged.values():
            await service.publish(body)
        await service.publish(sign(impostor, wrong_key))
        await service.publish(sign(producer, good))  # the very event again: a harmless duplicate
        last = envelope("last")
        await service.publish(sign(producer, last))
        await eventually(service.saw("last"))

        # Dead letters are published apart from the handling: "last" handled says nothing of them.
        expected = {*ids.values(), str(wrong_key.id), str(good.id)}

        async def all_refused() -> dict[str, list[str]] | None:
            found = await service.refused()
            return found if expected <= found.keys() else None

        refused = await eventually(all_refused, "every forged event dead-lettered")
        assert {reason: refused.get(event_id) for reason, event_id in ids.items()} == {r: [r] for r in ids}
        assert refused[str(wrong_key.id)] == ["bad-signature"]
        assert refused[str(good.id)] == ["replayed"]  # the identical redelivery is dropped by the inbox
        assert service.handled == ["good", "last"]
        assert (await effects_of(service.url, service.effects))[good.event().national_id] == (1, "good")
        assert rejected(service.name, "bad-signature") == before["bad-signature"] + 2
        assert rejected(service.name, "replayed") == before["replayed"] + 1
        assert rejected(service.name, "unsigned") == before["unsigned"] + 1


class TestRotation:
    async def test_events_signed_by_the_old_and_the_new_key_in_flight_are_both_handled(self, service, keys):
        stand_in, _ = keys
        old = SigningKey.generate(f"{PRODUCER}-2026", PRODUCER)
        new = SigningKey.generate(f"{PRODUCER}-2027", PRODUCER)
        stand_in.keys = [old.public().jwk()]
        await service.publish(sign(old, envelope("before")))
        await eventually(service.saw("before"))

        # the producer rotates: it publishes the new key beside the old, and signs with the new one
        # while events signed with the old are still on their way
        stand_in.keys = [new.public().jwk(), old.public().jwk()]
        await service.publish(sign(new, envelope("new key")))
        await service.publish(sign(old, envelope("old key in flight")))
        await service.publish(sign(new, envelope("new key again")))
        await eventually(service.saw("new key again"))
        assert service.handled == ["before", "new key", "old key in flight", "new key again"]

        # once the old key is revoked, what it signs is refused
        stand_in.keys = [new.public().jwk(), {**old.public().jwk(), "revoked": True}]
        late = SigningKey.generate("another-1", PRODUCER)  # an unknown key makes the service look again
        await service.publish(sign(late, envelope("unknown")))
        stale = envelope("old key after its revocation")
        await service.publish(sign(old, stale))
        await service.publish(sign(new, envelope("after")))
        await eventually(service.saw("after"))
        assert (await eventually(service.refused))[str(stale.id)] == ["revoked-key"]
        assert "old key after its revocation" not in service.handled


class TestKeysOutOfReach:
    async def test_an_event_is_held_not_dead_lettered_while_its_producers_keys_are_out_of_reach(self, service, keys):
        stand_in, _ = keys
        stand_in.status = 503
        key = SigningKey.generate(f"{PRODUCER}-9", PRODUCER)
        waiting = envelope("waits for the keys")
        await service.publish(sign(key, waiting))
        await eventually(stand_in.fetched(3))  # it keeps asking
        assert service.handled == []
        assert str(waiting.id) not in await service.refused()

        stand_in.keys, stand_in.status = [key.public().jwk()], 200
        await eventually(service.saw("waits for the keys"))
        assert str(waiting.id) not in await service.refused()


class TestDevelopmentKeys:
    def test_a_producers_development_key_is_stable_and_named_after_it(self):
        first, again = development_key("ration-svc"), development_key("ration-svc")
        assert first.kid == "dev-ration-svc"
        assert first.public() == again.public()
        assert first.public() != development_key("notary-svc").public()
        assert first.types == ("ration.>", "payment.order.applied.v1", "payment.order.refused.v1")


class TestBatches:
    """A large batch is signed and verified on the crypto threads: each event judged as alone,
    and the answers in the batch's order."""

    async def test_a_large_batch_is_verified_event_by_event_in_order(self):
        producer = SigningKey.generate(f"{PRODUCER}-1", PRODUCER)
        trust = TrustList([], None, extra=[producer.public()])
        events: list[dict[str, Any]] = [
            json.loads(sign(producer, envelope(f"line {n}"))) for n in range(PARALLEL_FROM * 3)
        ]
        for n in range(0, len(events), 7):  # every seventh altered after signing
            events[n]["data"]["address_ar"] = "altered"
        events[5].pop("signature")
        judged = await trust.verify_all(events)
        reasons = [j.reason if isinstance(j, SignatureRejected) else j.key.kid for j in judged]
        expected = [
            "unsigned" if n == 5 else "bad-signature" if n % 7 == 0 else producer.kid for n in range(len(events))
        ]
        assert reasons == expected

    async def test_an_event_altered_in_a_batch_verified_already_is_refused_alone(self):
        """The first event of a batch verifies its root's signature and the ring remembers the
        root; an event of that batch changed afterwards leads to another root and is refused, and
        so is a proof of another place, whatever was verified before."""
        producer = SigningKey.generate(f"{PRODUCER}-1", PRODUCER)
        trust = TrustList([], None, extra=[producer.public()])
        batch = producer.sign_batch(json.loads(envelope(f"line {n}").to_bytes()) for n in range(PARALLEL_FROM * 2))
        batch[9]["data"]["address_ar"] = "altered"
        batch[10]["signatureproof"] = batch[11]["signatureproof"]
        batch[12]["signatureproof"] = "12.64." + batch[12]["signatureproof"].split(".")[2][:-1]  # a path cut short
        judged = await trust.verify_all(batch)
        reasons = [j.reason if isinstance(j, SignatureRejected) else "ok" for j in judged]
        assert reasons == ["bad-signature" if n in (9, 10, 12) else "ok" for n in range(len(batch))]
        digests = [j.digest for j in judged if not isinstance(j, SignatureRejected)]
        assert len(set(digests)) == len(digests)  # each event's own content, not the batch's signature

    def test_a_relays_batches_are_signed_a_batch_at_a_time_in_order(self):
        """`BATCH_SIZE` events under one signature, the last batch short; another producer's event
        as it is; each event exactly what `SigningKey.sign_batch` makes of the same batch, with
        the leaves `record` prepared or without them."""
        key = development_key(PRODUCER)
        signer = EventSigner([key])
        payloads = [envelope(f"line {n}").to_bytes() for n in range(BATCH_SIZE * 2 + 3)]
        payloads.insert(5, envelope("another's", source="ration-svc").to_bytes())  # not this service's: as is
        leaves = [signer.leaf(p) for p in payloads]
        assert leaves[5] is None
        assert all(leaf is not None for n, leaf in enumerate(leaves) if n != 5)
        batches = list(signer.signed_batches(payloads, leaves))
        assert [len(batch) for batch in batches] == [BATCH_SIZE, BATCH_SIZE, 4]
        assert list(signer.signed_batches(payloads, [None] * len(payloads))) == batches  # read here: the same
        ring = KeyRing.from_jwks(signer.jwks())
        for at, batch in enumerate(batches):
            part = payloads[at * BATCH_SIZE : (at + 1) * BATCH_SIZE]
            mine = [json.loads(p) for p in part if json.loads(p)["source"] == PRODUCER]
            expected = iter(key.sign_batch(mine))
            for payload, out in zip(part, batch, strict=True):
                if json.loads(payload)["source"] != PRODUCER:
                    assert out == payload
                    continue
                event = json.loads(out)
                assert event == next(expected)
                assert ring.verify(event).kid == key.kid

    def test_a_signature_appended_last_is_told_without_parsing_and_nothing_else_passes_for_one(self):
        signer = EventSigner([development_key(PRODUCER)])
        plain = envelope("plain").to_bytes()
        [signed_once] = next(signer.signed_batches([plain], [None]))
        assert signed_last(signed_once)
        assert not signed_last(plain)
        assert next(signer.signed_batches([signed_once], [None])) == [signed_once]  # already signed: as it is
        tail = signed_once[-102:]
        event = json.loads(plain)
        event["data"]["address_ar"] = tail.decode()  # the same bytes inside a string are escaped
        look_alike = json.dumps(event, ensure_ascii=False, separators=(",", ":")).encode()
        assert not signed_last(look_alike)
        assert not signed_last(signed_once[:-3] + b'"}')  # a signature too short
        assert not signed_last(signed_once[:-10] + b'\\"xx"}')
        [signed_look_alike] = next(signer.signed_batches([look_alike], [None]))
        assert json.loads(signed_look_alike)["signaturekid"] == signer.key.kid

    def test_an_event_recorded_before_its_key_was_retired_is_signed_again_as_it_is_published(self):
        """An outbox backlog across a rotation: prepared at record for the old key, the event is
        signed with the new one; signed alone at record by the old key (as an earlier version did),
        it stays as it is while the service still publishes that key, and is signed by the new one
        once the old is retired (consumers no longer trust it). The event itself is unchanged."""
        source = f"rot-{uuid.uuid4().hex[:8]}"
        old, new = SigningKey.generate(f"{source}-1", source), SigningKey.generate(f"{source}-2", source)
        plain = envelope("recorded before the rotation", source=source).to_bytes()
        leaf = EventSigner([old]).leaf(plain)
        [prepared] = next(EventSigner([new, old]).signed_batches([plain], [leaf]))
        assert json.loads(prepared)["signaturekid"] == new.kid
        assert KeyRing.from_jwks(EventSigner([new]).jwks()).verify(json.loads(prepared)).kid == new.kid

        recorded = json.dumps(old.sign(json.loads(plain)), ensure_ascii=False, separators=(",", ":")).encode()
        rotating = EventSigner([new, old])
        assert rotating.signed_here(recorded)
        assert next(rotating.signed_batches([recorded], [None])) == [recorded]
        retired = EventSigner([new])
        assert not retired.signed_here(recorded)
        [again] = next(retired.signed_batches([recorded], [None]))
        published = json.loads(again)
        assert KeyRing.from_jwks(retired.jwks()).verify(published).kid == new.kid
        assert {k: v for k, v in published.items() if k not in SIGNING} == {
            k: v for k, v in json.loads(recorded).items() if k not in SIGNING
        }
        assert retired.signed_here(again)  # then forwarded as it is


class TestReadAhead:
    async def test_behind_a_backlog_the_next_batch_is_judged_ahead_and_nothing_changes(
        self, pg_database, nats_server, schema, js
    ):
        """Batches of four behind a backlog of forty: each batch is fetched, read and verified
        while the one before is in the database. Every good event is handled once, in order;
        every forged one is dead-lettered with its reason, wherever in a batch it falls."""
        handled: list[str] = []

        async def handler(session, effects, event, envelope):  # type: ignore[no-untyped-def]
            handled.append(event.address_ar)
            await bump(session, effects, event.national_id, event.address_ar)

        trust = TrustList([], None, development=True)
        consumer, bus, engine, _ = await civil_consumer(
            pg_database(), schema, nats_server.url, handler, batch_size=4, trust=trust
        )
        await consumer.ensure()
        good, forged = [], []
        for n in range(40):
            env = envelope(f"{schema} {n:02d}")
            if n % 7 == 3:  # altered after signing
                body = json.loads(signed(env))
                body["data"]["address_ar"] = "altered"
                await js.publish(SUBJECT, json.dumps(body).encode(), headers={"Nats-Msg-Id": str(uuid.uuid4())})
                forged.append(str(env.id))
            else:
                await js.publish(SUBJECT, signed(env), headers={"Nats-Msg-Id": str(uuid.uuid4())})
                good.append(f"{schema} {n:02d}")
        stop = asyncio.Event()
        task = asyncio.create_task(consumer.run(stop))
        try:

            async def all_handled() -> bool:
                return len([h for h in handled if h.startswith(schema)]) >= len(good)

            await eventually(all_handled, timeout=20)
            await asyncio.sleep(0.5)  # a second handling, were there one, would show now
        finally:
            stop.set()
            await task
            await bus.close()
            await engine.dispose()
        assert [h for h in handled if h.startswith(schema)] == good
        dead: dict[str, list[str]] = {}
        for m in await stream_messages(js, "DEADLETTER", f"deadletter.{schema}."):
            if (event := _json(m.data)) is not None and event.get("source") == PRODUCER:
                dead.setdefault(event["id"], []).append((m.headers or {}).get(DEAD_REFUSAL, ""))
        assert {event_id: reasons for event_id, reasons in dead.items() if event_id in forged} == {
            event_id: ["bad-signature"] for event_id in forged
        }
