"""identity's own limits, keyed on who asks: OTP attempts per challenge across resends, a locked
identifier answering 429 with Retry-After, a desk's staff token instead of its address, refresh
tokens that name their session, consents per agent, mobile changes per account."""

from __future__ import annotations

import uuid
from datetime import timedelta

from identity_support import add_person, bearer, client_ip, enrol, last_code, new_mobile, resources, staff, start, wrong

from identity.callcentre import service as callcentre
from identity.mobilechange import service as mobile_change
from kit import db
from kit.errors import ProblemError


async def lock_enrolment(app, client, person: dict, mobile: str, settings) -> str:
    enrolment = (await start(client, person, mobile)).json()["id"]
    code = last_code(app, mobile)
    for _ in range(settings.otp_max_attempts):
        answer = await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": wrong(code)})
    assert (answer.status_code, answer.json()["code"]) == (429, "otp_locked")
    return enrolment


class TestOtpAttempts:
    async def test_a_resend_gives_a_new_code_but_no_new_attempts(self, app, client, engine, settings, clock):
        """Before: each resend reset the counter (13 wrong guesses on one challenge)."""
        person, mobile = await add_person(engine), new_mobile()
        enrolment = (await start(client, person, mobile)).json()["id"]
        guesses = []
        for _ in range(settings.otp_max_sends):
            code = last_code(app, mobile)
            guesses.append(await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": wrong(code)}))
            clock.advance(timedelta(seconds=settings.otp_resend_cooldown_seconds))  # the cool-down is over
            resent = await client.post(f"/v1/enrolments/{enrolment}/code")
            if resent.status_code != 202:
                break
        assert [g.json().get("attempts_left") for g in guesses] == [4, 3, 2, 1]
        last = await client.post(
            f"/v1/enrolments/{enrolment}/verification", json={"code": wrong(last_code(app, mobile))}
        )
        assert (last.status_code, last.json()["code"]) == (429, "otp_locked")
        right = await client.post(f"/v1/enrolments/{enrolment}/verification", json={"code": last_code(app, mobile)})
        assert (right.status_code, right.json()["code"]) == (429, "otp_locked")


class TestLockedIdentifier:
    async def test_starting_again_gets_no_fresh_attempts_while_the_lock_lasts(
        self, app, client, engine, settings, clock
    ):
        person, mobile = await add_person(engine), new_mobile()
        await lock_enrolment(app, client, person, mobile, settings)
        again = await start(client, person, new_mobile())
        assert (again.status_code, again.json()["code"]) == (429, "otp_locked")
        assert again.headers["content-type"] == "application/problem+json"
        assert 1 <= int(again.headers["retry-after"]) <= settings.otp_lock_seconds
        assert str(int(again.headers["retry-after"])) in again.json()["detail"]  # English, as asked
        arabic = await client.post(
            "/v1/enrolments",
            json={"national_id": person["national_id"], "first_name": person["first_name_ar"],
                  "mother_first_name": person["mother_first_name_ar"], "mobile": new_mobile()},
            headers=client_ip(),
        )  # fmt: skip
        assert (arabic.status_code, arabic.json()["title"]) == (429, "تم إيقاف الرمز")
        same_mobile = await start(client, await add_person(engine), mobile)
        assert same_mobile.status_code == 429  # the mobile is an identifier of the enrolment too

        clock.advance(timedelta(seconds=settings.otp_lock_seconds))
        assert (await start(client, person, new_mobile())).status_code == 202  # the lock is over

    async def test_a_locked_sign_in_locks_that_national_id_for_sign_in(self, app, client, engine, settings):
        enrolled = await enrol(app, client, await add_person(engine))
        nid = enrolled["citizen"]["national_id"]
        started = await client.post("/v1/sessions", json={"national_id": nid}, headers=client_ip())
        guess = wrong(last_code(app, enrolled["mobile"]))
        for _ in range(settings.otp_max_attempts):
            answer = await client.post(f"/v1/sessions/{started.json()['id']}/verification", json={"code": guess})
        assert (answer.status_code, answer.json()["code"]) == (429, "otp_locked")
        assert int(answer.headers["retry-after"]) == settings.otp_lock_seconds
        again = await client.post("/v1/sessions", json={"national_id": nid}, headers=client_ip())
        assert (again.status_code, again.json()["code"]) == (429, "otp_locked")
        assert int(again.headers["retry-after"]) >= 1


class TestStaffAssistedChannels:
    async def test_a_clerks_token_moves_the_address_limit_to_the_clerk(self, app, client, engine, settings):
        _, clerk = await staff(client, engine, "office_clerk", office_id="PS-01", governorate="03")
        post_office = client_ip()
        for _ in range(settings.limit_per_client):  # the address's allowance, used up by walk-ins
            person = await add_person(engine)
            body = {"national_id": person["national_id"], "first_name": "x", "mother_first_name": "y",
                    "mobile": new_mobile()}  # fmt: skip
            assert (await client.post("/v1/enrolments", json=body, headers=post_office)).status_code == 422
        person = await add_person(engine)
        body = {"national_id": person["national_id"], "first_name": person["first_name_ar"],
                "mother_first_name": person["mother_first_name_ar"], "mobile": new_mobile()}  # fmt: skip
        walk_in = await client.post("/v1/enrolments", json=body, headers=post_office)
        assert walk_in.status_code == 429
        at_desk = await client.post("/v1/enrolments", json=body, headers={**post_office, **bearer(clerk)})
        assert at_desk.status_code == 202, at_desk.text
        forged = await client.post("/v1/enrolments", json=body, headers={**post_office, **bearer("not-a-token")})
        assert forged.status_code == 429  # a bad token is just the address

    async def test_per_national_id_limits_stay_at_a_desk(self, app, client, engine, settings):
        _, clerk = await staff(client, engine, "office_clerk", office_id="PS-01", governorate="03")
        person = await add_person(engine)
        headers = {**client_ip(), **bearer(clerk)}
        body = {"national_id": person["national_id"], "first_name": "x", "mother_first_name": "y", "mobile": ""}
        answers = []
        for _ in range(settings.limit_per_national_id + 1):
            answers.append(await client.post("/v1/enrolments", json={**body, "mobile": new_mobile()}, headers=headers))
        assert [a.status_code for a in answers][-1] == 429


class TestRefreshTokensNameTheirSession:
    async def test_the_family_leads_and_must_be_true(self, app, client, engine):
        enrolled = await enrol(app, client, await add_person(engine))
        family, token_id, secret = enrolled["tokens"]["refresh_token"].split(".")
        uuid.UUID(family), uuid.UUID(token_id)
        forged = f"{uuid.uuid4()}.{token_id}.{secret}"
        refused = await client.post("/v1/sessions/refresh", json={"refresh_token": forged})
        assert (refused.status_code, refused.json()["code"]) == (401, "invalid_refresh_token")
        rotated = await client.post("/v1/sessions/refresh", json={"refresh_token": f"{family}.{token_id}.{secret}"})
        assert rotated.status_code == 200
        assert rotated.json()["refresh_token"].split(".")[0] == family  # the same session

    async def test_tokens_issued_before_still_work(self, app, client, engine):
        enrolled = await enrol(app, client, await add_person(engine))
        _, token_id, secret = enrolled["tokens"]["refresh_token"].split(".")
        legacy = await client.post("/v1/sessions/refresh", json={"refresh_token": f"{token_id}.{secret}"})
        assert legacy.status_code == 200


class TestConsentsPerAgent:
    async def test_one_agent_has_its_own_allowance(self, app, client, engine, settings, clock):
        agent_id, _ = await staff(client, engine, "call_centre_agent")
        other_id, _ = await staff(client, engine, "call_centre_agent")
        citizens = [await enrol(app, client, await add_person(engine)) for _ in range(3)]
        tight = settings.model_copy(update={"limit_per_staff": 2})
        sessions = db.sessionmaker(engine)
        outcomes = []
        for citizen in citizens:
            try:
                async with db.transaction(sessions) as session:
                    await callcentre.request_consent(
                        session, settings=tight, sender=resources(app).sms, agent_id=uuid.UUID(agent_id),
                        citizen_id=uuid.UUID(citizen["citizen"]["citizen_id"]), now=clock.now(),
                    )  # fmt: skip
                outcomes.append("sent")
            except ProblemError as exc:
                outcomes.append(f"{exc.status} {exc.code}")
        assert outcomes == ["sent", "sent", "429 too_many_requests"]
        async with db.transaction(sessions) as session:  # another agent, the same citizen: not refused
            await callcentre.request_consent(
                session, settings=tight, sender=resources(app).sms, agent_id=uuid.UUID(other_id),
                citizen_id=uuid.UUID(citizens[-1]["citizen"]["citizen_id"]), now=clock.now(),
            )  # fmt: skip


class TestMobileChangesPerAccount:
    async def test_citizens_behind_one_address_do_not_share_a_bucket(self, app, client, engine, settings, clock):
        tight = settings.model_copy(update={"limit_per_client": 1})
        sessions = db.sessionmaker(engine)
        for _ in range(3):
            citizen = await enrol(app, client, await add_person(engine))
            async with db.transaction(sessions) as session:
                started = await mobile_change.start_self(
                    session, settings=tight, sender=resources(app).sms,
                    citizen_id=uuid.UUID(citizen["citizen"]["citizen_id"]), new_mobile=new_mobile(),
                    client="100.64.0.1", now=clock.now(),  # one carrier-grade NAT
                )  # fmt: skip
            assert started.change.status == "pending"
