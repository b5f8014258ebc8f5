"""Changing the mobile: codes to both numbers (signed in) or an office visit recorded by a clerk."""

from __future__ import annotations

import asyncio
import json
from datetime import date, timedelta

import nats
from identity_support import add_person, bearer, e164, enrol, last_code, new_mobile, resources, staff, token_of, wrong
from sqlalchemy import text

from contracts import Envelope
from kit.testing import eventually

SUBJECT = "identity.citizen.mobile_changed.v1"


async def start(client, citizen: dict, mobile: str):
    return await client.post(
        "/v1/me/mobile-changes",
        json={"mobile": mobile},
        headers={**bearer(token_of(citizen)), "Accept-Language": "en"},
    )


async def codes(app, client, citizen: dict, mobile: str) -> tuple[str, str, str]:
    started = await start(client, citizen, mobile)
    assert started.status_code == 202, started.text
    return started.json()["id"], last_code(app, citizen["mobile"]), last_code(app, mobile)


async def verify(client, citizen: dict, change_id: str, old: str, new: str):
    return await client.post(
        f"/v1/me/mobile-changes/{change_id}/verification",
        json={"old_code": old, "new_code": new},
        headers={**bearer(token_of(citizen)), "Accept-Language": "en"},
    )


async def mobile_of(engine, citizen: dict) -> str:
    async with engine.connect() as conn:
        query = text("SELECT mobile FROM identity.citizens WHERE id = :id")
        return (await conn.execute(query, {"id": citizen["citizen"]["citizen_id"]})).scalar_one()


async def published(nats_url: str, citizen_id: str) -> dict | None:
    """The mobile_changed event of this citizen as JetStream delivers it (None if not there yet)."""
    nc = await nats.connect(nats_url)
    try:
        sub = await nc.jetstream().subscribe(SUBJECT, ordered_consumer=True)
        try:
            while True:
                msg = await sub.next_msg(timeout=1)
                data = json.loads(msg.data)["data"]
                if data["citizen_id"] == citizen_id:
                    Envelope.from_bytes(msg.data).event()  # a valid event of its contract
                    return {"raw": msg.data.decode(), "data": data}
        except (TimeoutError, nats.errors.TimeoutError):
            return None
    finally:
        await nc.close()


class TestCitizenChange:
    async def test_both_codes_change_the_mobile_and_everything_follows(self, app, client, engine, nats_server):
        citizen = await enrol(app, client, await add_person(engine))
        old, new = citizen["mobile"], new_mobile()
        change_id, old_code, new_code = await codes(app, client, citizen, new)
        assert last_code(app, old) != last_code(app, new)

        missing = await client.post(
            f"/v1/me/mobile-changes/{change_id}/verification",
            json={"new_code": new_code},
            headers=bearer(token_of(citizen)),
        )
        assert missing.status_code == 422
        wrong_old = await verify(client, citizen, change_id, wrong(old_code), new_code)
        assert (wrong_old.status_code, wrong_old.json()["code"], wrong_old.json()["field"]) == (
            422,
            "otp_wrong",
            "body.old_code",
        )
        wrong_new = await verify(client, citizen, change_id, old_code, wrong(new_code))
        assert (wrong_new.status_code, wrong_new.json()["field"]) == (422, "body.new_code")
        assert await mobile_of(engine, citizen) == e164(old)

        done = await verify(client, citizen, change_id, old_code, new_code)
        assert done.status_code == 200, done.text
        assert done.json()["change"]["status"] == "applied"
        assert done.json()["change"]["new_mobile_masked"].endswith(new[-2:])
        assert await mobile_of(engine, citizen) == e164(new)
        me = await client.get("/v1/me", headers=bearer(done.json()["tokens"]["access_token"]))
        assert me.json()["mobile"] == e164(new)

        # every earlier session is signed out; the device that made the change got a fresh pair
        stale = await client.post("/v1/sessions/refresh", json={"refresh_token": citizen["tokens"]["refresh_token"]})
        assert (stale.status_code, stale.json()["code"]) == (401, "invalid_refresh_token")
        fresh = await client.post(
            "/v1/sessions/refresh", json={"refresh_token": done.json()["tokens"]["refresh_token"]}
        )
        assert fresh.status_code == 200

        # the old number is told, the new one signs in
        async def notice():
            sent = resources(app).sms_outbox.for_mobile(e164(old))
            return [m for m in sent if "changed" in m.body or "تغيير" in m.body]

        told = await eventually(notice)
        assert told
        assert told[-1].body.count(new[-2:]) >= 1
        assert new[3:] not in told[-1].body
        login = await client.post("/v1/sessions", json={"national_id": citizen["citizen"]["national_id"]})
        assert login.status_code == 202
        assert resources(app).sms_outbox.latest(e164(new)).body != told[-1].body

        event = await eventually(lambda: published(nats_server.url, citizen["citizen"]["citizen_id"]))
        assert event is not None
        assert event["data"]["method"] == "two_codes"
        assert event["data"]["mobile_last_digits"] == new[-2:]
        for number in (new, old):
            assert number[1:] not in event["raw"]
            assert number[3:] not in event["raw"]

        again = await verify(client, citizen, change_id, old_code, new_code)
        assert (again.status_code, again.json()["code"]) == (409, "mobile_change_closed")
        history = await client.get("/v1/me/mobile-changes", headers=bearer(done.json()["tokens"]["access_token"]))
        assert [c["status"] for c in history.json()["items"]] == ["applied"]

    async def test_wrong_old_code_five_times_locks(self, app, client, engine, settings):
        citizen = await enrol(app, client, await add_person(engine))
        change_id, old_code, new_code = await codes(app, client, citizen, new_mobile())
        answers = [await verify(client, citizen, change_id, wrong(old_code), new_code) for _ in range(5)]
        assert [a.status_code for a in answers] == [422] * 4 + [429]
        assert answers[-1].json()["code"] == "otp_locked"
        right = await verify(client, citizen, change_id, old_code, new_code)
        assert (right.status_code, right.json()["code"]) == (409, "mobile_change_closed")
        assert right.json()["change_status"] == "locked"  # "status" is the HTTP status
        assert await mobile_of(engine, citizen) == e164(citizen["mobile"])

    async def test_expired_codes_are_refused(self, app, client, engine, settings, clock):
        citizen = await enrol(app, client, await add_person(engine))
        change_id, old_code, new_code = await codes(app, client, citizen, new_mobile())
        clock.advance(timedelta(seconds=settings.otp_ttl_seconds))
        answer = await verify(client, citizen, change_id, old_code, new_code)
        assert (answer.status_code, answer.json()["code"]) == (410, "otp_expired")
        assert await mobile_of(engine, citizen) == e164(citizen["mobile"])

    async def test_taken_same_and_malformed_numbers_are_refused(self, app, client, engine):
        citizen = await enrol(app, client, await add_person(engine))
        other = await enrol(app, client, await add_person(engine))
        taken = await start(client, citizen, other["mobile"])
        assert (taken.status_code, taken.json()["code"]) == (409, "mobile_in_use")
        assert taken.json()["title"] == "Mobile number in use"
        same = await start(client, citizen, "+2" + citizen["mobile"])
        assert (same.status_code, same.json()["code"]) == (422, "mobile_change_same")
        arabic = await client.post(
            "/v1/me/mobile-changes", json={"mobile": "٠١٣١٢٣٤٥٦٧٨"}, headers=bearer(token_of(citizen))
        )
        assert arabic.status_code == 422
        assert arabic.json()["errors"][0]["field"] == "body.mobile"
        assert arabic.json()["title"] == "الطلب غير صالح"

    async def test_another_citizen_cannot_finish_my_change(self, app, client, engine):
        citizen = await enrol(app, client, await add_person(engine))
        intruder = await enrol(app, client, await add_person(engine))
        change_id, old_code, new_code = await codes(app, client, citizen, new_mobile())
        answer = await verify(client, intruder, change_id, old_code, new_code)
        assert (answer.status_code, answer.json()["code"]) == (404, "mobile_change_not_found")

    async def test_a_new_request_supersedes_the_open_one(self, app, client, engine):
        citizen = await enrol(app, client, await add_person(engine))
        first_id, old_code, new_code = await codes(app, client, citizen, new_mobile())
        await codes(app, client, citizen, new_mobile())
        answer = await verify(client, citizen, first_id, old_code, new_code)
        assert (answer.status_code, answer.json()["change_status"]) == (409, "superseded")

    async def test_concurrent_changes_to_one_new_mobile_exactly_one_wins(self, app, client, engine):
        first = await enrol(app, client, await add_person(engine))
        second = await enrol(app, client, await add_person(engine))
        target = new_mobile()
        a = await codes(app, client, first, target)
        b = await codes(app, client, second, target)
        answers = await asyncio.gather(verify(client, first, *a), verify(client, second, *b))
        assert sorted(r.status_code for r in answers) == [200, 409]
        assert [r.json()["code"] for r in answers if r.status_code == 409] == ["mobile_in_use"]
        async with engine.connect() as conn:
            holders = (
                await conn.execute(
                    text("SELECT count(*) FROM identity.citizens WHERE mobile = :m"), {"m": e164(target)}
                )
            ).scalar_one()
        assert holders == 1


def office_body(citizen: dict, mobile: str, **changes) -> dict:
    return {
        "national_id": citizen["citizen"]["national_id"],
        "mobile": mobile,
        "document": {
            "kind": "national_id_card",
            "number": "AB1234567",
            "expires_on": str(date.today() + timedelta(days=400)),
        },
        "reason": "old SIM card lost",
        **changes,
    }


class TestOfficeChange:
    async def test_a_clerk_records_the_visit_and_the_citizen_sees_it(self, app, client, engine, nats_server):
        citizen = await enrol(app, client, await add_person(engine))
        old, new = citizen["mobile"], new_mobile()
        clerk_id, clerk = await staff(client, engine, "office_clerk", office_id="PS-07", governorate="03")
        sent_to_old = len(resources(app).sms_outbox.for_mobile(e164(old)))

        started = await client.post("/v1/staff/mobile-changes", json=office_body(citizen, new), headers=bearer(clerk))
        assert started.status_code == 202, started.text
        assert len(resources(app).sms_outbox.for_mobile(e164(old))) == sent_to_old  # the old SIM is lost
        change_id = started.json()["id"]
        code = last_code(app, new)

        _, other_clerk = await staff(client, engine, "office_clerk", office_id="PS-08", governorate="03")
        elsewhere = await client.post(
            f"/v1/staff/mobile-changes/{change_id}/verification", json={"code": code}, headers=bearer(other_clerk)
        )
        assert elsewhere.status_code == 404
        done = await client.post(
            f"/v1/staff/mobile-changes/{change_id}/verification", json={"code": code}, headers=bearer(clerk)
        )
        assert done.status_code == 200, done.text
        assert (done.json()["status"], done.json()["office_id"]) == ("applied", "PS-07")
        assert await mobile_of(engine, citizen) == e164(new)

        stale = await client.post("/v1/sessions/refresh", json={"refresh_token": citizen["tokens"]["refresh_token"]})
        assert stale.status_code == 401

        # the citizen signs in with the new number and sees who did it, where and why
        login = await client.post("/v1/sessions", json={"national_id": citizen["citizen"]["national_id"]})
        tokens = await client.post(
            f"/v1/sessions/{login.json()['id']}/verification", json={"code": last_code(app, new)}
        )
        access = bearer(tokens.json()["access_token"])
        log = (await client.get("/v1/me/access-log", headers=access)).json()["items"]
        assert [(e["action"], e["staff_id"], e["office_id"], e["reason"]) for e in log] == [
            ("mobile_change_started", clerk_id, "PS-07", "old SIM card lost"),
            ("mobile_changed", clerk_id, "PS-07", "old SIM card lost"),
        ]
        _, auditor = await staff(client, engine, "auditor")
        chain = (await client.get("/v1/staff/access-log/verification", headers=bearer(auditor))).json()
        assert chain["valid"]

        event = await eventually(lambda: published(nats_server.url, citizen["citizen"]["citizen_id"]))
        assert event is not None
        assert (event["data"]["method"], event["data"]["office_id"]) == ("office_visit", "PS-07")
        assert new[1:] not in event["raw"]
        assert old[1:] not in event["raw"]

    async def test_only_office_clerks_may_do_it(self, app, client, engine):
        citizen = await enrol(app, client, await add_person(engine))
        _, agent = await staff(client, engine, "call_centre_agent")
        body = office_body(citizen, new_mobile())
        by_agent = await client.post("/v1/staff/mobile-changes", json=body, headers=bearer(agent))
        assert (by_agent.status_code, by_agent.json()["code"]) == (403, "forbidden")
        by_citizen = await client.post("/v1/staff/mobile-changes", json=body, headers=bearer(token_of(citizen)))
        assert by_citizen.status_code in (401, 403)
        assert await mobile_of(engine, citizen) == e164(citizen["mobile"])

    async def test_expired_documents_and_unknown_citizens_are_refused(self, app, client, engine):
        citizen = await enrol(app, client, await add_person(engine))
        _, clerk = await staff(client, engine, "office_clerk", office_id="PS-09", governorate="03")
        expired = office_body(citizen, new_mobile())
        expired["document"]["expires_on"] = str(date.today() - timedelta(days=1))
        answer = await client.post("/v1/staff/mobile-changes", json=expired, headers=bearer(clerk))
        assert answer.status_code == 422
        assert answer.json()["errors"][0]["code"] == "document_expired"
        stranger = await add_person(engine)
        unknown = office_body(citizen, new_mobile(), national_id=stranger["national_id"])
        answer = await client.post("/v1/staff/mobile-changes", json=unknown, headers=bearer(clerk))
        assert (answer.status_code, answer.json()["code"]) == (404, "citizen_not_found")
