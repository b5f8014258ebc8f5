"""Enrolment against real PostgreSQL and NATS: registry match, OTP rules, one mobile per citizen."""

from __future__ import annotations

from datetime import date, timedelta

from identity_support import (
    add_person,
    bearer,
    client_ip,
    e164,
    enrol,
    last_code,
    new_mobile,
    resources,
    start,
    token_of,
    wrong,
)
from sqlalchemy import text

ARABIC_DIGITS = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


class TestStart:
    async def test_accepts_what_people_type_and_prefills_the_record(self, app, client, engine):
        person = await add_person(engine, first_name_ar="فاطِمة", mother_first_name_ar="إيمان", sex="female")
        nid = person["national_id"]
        typed_nid = f"{nid[:1]} {nid[1:7]}-{nid[7:]}".translate(ARABIC_DIGITS)
        mobile = new_mobile()
        typed_mobile = ("+20 " + mobile[1:4] + " " + mobile[4:8] + "-" + mobile[8:]).translate(ARABIC_DIGITS)
        started = await start(client, person, typed_mobile, national_id=typed_nid, first_name="فاطمه",
                              mother_first_name="ايمان")  # fmt: skip
        assert started.status_code == 202, started.text
        assert started.json()["mobile_masked"].endswith(mobile[-2:])
        code = last_code(app, mobile).translate(ARABIC_DIGITS)
        verified = await client.post(f"/v1/enrolments/{started.json()['id']}/verification", json={"code": code})
        assert verified.status_code == 201, verified.text
        me = await client.get("/v1/me", headers=bearer(verified.json()["tokens"]["access_token"]))
        assert me.status_code == 200
        body = me.json()
        assert body["national_id"] == nid
        assert body["mobile"] == e164(mobile)
        assert body["full_name_ar"] == person["full_name_ar"]
        assert body["address_ar"] == person["address_ar"]
        assert body["governorate"]["name_en"] == "Port Said"
        assert body["birth_date"] == "1990-05-17"
        async with engine.connect() as conn:
            subjects = (await conn.execute(text("SELECT subject, aggregate_id FROM identity.outbox"))).all()
        assert ("identity.citizen.enrolled.v1", body["citizen_id"]) in [tuple(r) for r in subjects]

    async def test_latin_transliteration_matches(self, app, client, engine):
        person = await add_person(engine, first_name_ar="محمد", mother_first_name_ar="منى")
        assert (
            await start(client, person, new_mobile(), first_name="Mohamed", mother_first_name="Mona")
        ).status_code == 202

    async def test_unknown_id_and_wrong_names_get_the_same_answer(self, client, engine):
        person = await add_person(engine)
        ghost = {**person, "national_id": person["national_id"][:-1] + str((int(person["national_id"][-1]) + 1) % 10)}
        answers = [
            await start(client, ghost, new_mobile()),
            await start(client, person, new_mobile(), mother_first_name="سعاد"),
            await start(client, person, new_mobile(), first_name="محمود"),
        ]
        bodies = [{k: v for k, v in a.json().items() if k not in ("request_id", "trace_id")} for a in answers]
        assert {a.status_code for a in answers} == {422}
        assert bodies[0] == bodies[1] == bodies[2]
        assert bodies[0]["code"] == "enrolment_not_matched"
        assert "فاطمة" not in str(bodies)
        assert "أحمد" not in str(bodies)

    async def test_a_deceased_person_cannot_enrol(self, client, engine):
        person = await add_person(engine, alive=False, date_of_death=date(2024, 1, 2))
        answer = await start(client, person, new_mobile())
        assert (answer.status_code, answer.json()["code"]) == (422, "enrolment_deceased")

    async def test_a_child_cannot_enrol(self, client, engine):
        person = await add_person(engine, birth_date=date(2015, 3, 3))
        answer = await start(client, person, new_mobile())
        assert (answer.status_code, answer.json()["code"]) == (422, "enrolment_not_adult")

    async def test_the_same_mobile_cannot_enrol_two_ids(self, app, client, engine):
        first, second = await add_person(engine), await add_person(engine)
        mobile = new_mobile()
        await enrol(app, client, first, mobile)
        answer = await start(client, second, "0020" + mobile[1:])
        assert (answer.status_code, answer.json()["code"]) == (409, "mobile_in_use")
        again = await start(client, first, new_mobile())
        assert (again.status_code, again.json()["code"]) == (409, "already_enrolled")

    async def test_two_pending_enrolments_on_one_mobile_only_one_wins(self, app, client, engine):
        first, second = await add_person(engine), await add_person(engine)
        mobile = new_mobile()
        a = (await start(client, first, mobile)).json()["id"]
        code_a = last_code(app, mobile)
        b = (await start(client, second, mobile)).json()["id"]
        code_b = last_code(app, mobile)
        assert (await client.post(f"/v1/enrolments/{a}/verification", json={"code": code_a})).status_code == 201
        lost = await client.post(f"/v1/enrolments/{b}/verification", json={"code": code_b})
        assert (lost.status_code, lost.json()["code"]) == (409, "mobile_in_use")

    async def test_structure_errors_are_bilingual_field_errors(self, client, engine):
        person = await add_person(engine)
        answer = await start(client, person, "01312345678", national_id="29013451234567")
        assert answer.status_code == 422
        codes = {e["field"]: e["code"] for e in answer.json()["errors"]}
        assert codes == {"body.national_id": "nid_birth_date", "body.mobile": "mobile_not_egyptian_mobile"}
        arabic = await client.post(
            "/v1/enrolments",
            json={"national_id": "123", "first_name": "أ", "mother_first_name": "ب", "mobile": "0101234567"},
        )
        assert arabic.json()["title"] == "الطلب غير صالح"
        assert arabic.json()["errors"][0]["reason"] == "الرقم القومي 14 رقمًا."


class TestOtp:
    async def test_wrong_code_five_times_locks(self, app, client, engine):
        person, mobile = await add_person(engine), new_mobile()
        enrolment = (await start(client, person, mobile)).json()["id"]
        code = last_code(app, mobile)
        for remaining in (4, 3, 2, 1):
            answer = await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": wrong(code)})
            assert (answer.status_code, answer.json()["attempts_left"]) == (422, remaining)
        fifth = await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": wrong(code)})
        assert (fifth.status_code, fifth.json()["code"]) == (429, "otp_locked")
        right = await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": code})
        assert (right.status_code, right.json()["code"]) == (429, "otp_locked")

    async def test_expired_code_is_refused(self, app, client, engine, settings, clock):
        person, mobile = await add_person(engine), new_mobile()
        enrolment = (await start(client, person, mobile)).json()["id"]
        clock.advance(timedelta(seconds=settings.otp_ttl_seconds))
        answer = await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": last_code(app, mobile)})
        assert (answer.status_code, answer.json()["code"]) == (410, "otp_expired")

    async def test_code_is_stored_only_as_a_keyed_hash(self, app, client, engine):
        person, mobile = await add_person(engine), new_mobile()
        enrolment = (await start(client, person, mobile)).json()["id"]
        code = last_code(app, mobile)
        async with engine.connect() as conn:
            row = (
                await conn.execute(text("SELECT * FROM identity.otp_challenges WHERE id = :id"), {"id": enrolment})
            ).one()
        assert code.encode() not in bytes(row.code_hash)
        assert code not in str(row)

    async def test_a_code_works_once(self, app, client, engine):
        person, mobile = await add_person(engine), new_mobile()
        enrolment = (await start(client, person, mobile)).json()["id"]
        code = last_code(app, mobile)
        assert (await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": code})).status_code == 201
        again = await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": code})
        assert (again.status_code, again.json()["code"]) == (409, "otp_already_used")

    async def test_resend_has_a_cool_down(self, client, engine):
        person = await add_person(engine)
        enrolment = (await start(client, person, new_mobile())).json()["id"]
        answer = await client.post(f"/v1/enrolments/{enrolment}/code")
        assert (answer.status_code, answer.json()["code"]) == (429, "otp_resend_too_soon")
        wait = int(answer.headers["retry-after"])
        assert wait > 0
        arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in str(wait))
        assert answer.json()["detail"] == f"يمكنك طلب رمز جديد بعد {arabic} ثانية."  # CLDR's form for 11-99

    async def test_starts_are_limited_per_national_id_even_when_refused(self, client, engine):
        person = await add_person(engine)
        for _ in range(5):
            assert (await start(client, person, new_mobile(), first_name="سمير")).status_code == 422
        answer = await start(client, person, new_mobile())
        assert (answer.status_code, answer.json()["code"]) == (429, "too_many_requests")

    async def test_starts_are_limited_per_client_address(self, client, engine, settings):
        headers = client_ip()
        for _ in range(settings.limit_per_client):
            person = await add_person(engine)
            body = {"national_id": person["national_id"], "first_name": "x", "mother_first_name": "y",
                    "mobile": new_mobile()}  # fmt: skip
            assert (await client.post("/v1/enrolments", json=body, headers=headers)).status_code == 422
        answer = await client.post("/v1/enrolments", json=body, headers=headers)
        assert answer.status_code == 429


class TestSmsFailover:
    async def test_a_failing_provider_is_skipped(self, app, client, engine):
        alpha, _beta = resources(app).sms.providers
        alpha.failing = True
        try:
            enrolled = await enrol(app, client, await add_person(engine))
        finally:
            alpha.failing = False
            resources(app).sms._paused_until.clear()
        assert resources(app).sms_outbox.latest(e164(enrolled["mobile"])).provider == "dev-beta"
        assert token_of(enrolled)

    async def test_a_hanging_provider_times_out_into_the_other(self, app, client, engine, monkeypatch):
        alpha, _ = resources(app).sms.providers
        monkeypatch.setattr(resources(app).sms, "timeout", 0.2)
        alpha.hanging = True
        try:
            enrolled = await enrol(app, client, await add_person(engine))
        finally:
            alpha.hanging = False
            resources(app).sms._paused_until.clear()
        assert resources(app).sms_outbox.latest(e164(enrolled["mobile"])).provider == "dev-beta"

    async def test_no_provider_is_a_503_and_nothing_is_pending(self, app, client, engine):
        for provider in resources(app).sms.providers:
            provider.failing = True
        try:
            answer = await start(client, await add_person(engine), new_mobile())
        finally:
            for provider in resources(app).sms.providers:
                provider.failing = False
            resources(app).sms._paused_until.clear()
        assert (answer.status_code, answer.json()["code"]) == (503, "sms_unavailable")


class TestDevOutbox:
    async def test_shows_sent_codes_in_development(self, app, client, engine):
        enrolled = await enrol(app, client, await add_person(engine))
        shown = await client.get("/v1/dev/sms", params={"mobile": enrolled["mobile"]})
        assert shown.status_code == 200
        assert shown.json()[0]["to"] == e164(enrolled["mobile"])
