"""Staff sign-in, the call centre's masked view, consent codes, scoped access and the access log."""

from __future__ import annotations

import re

import jwt
import pytest
from identity_support import STAFF_PASSWORD as PASSWORD
from identity_support import add_person, bearer, enrol, resources, staff, token_of, wrong
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from identity.models import load_all
from identity.staff import service as staff_service
from identity.staff.passwords import hash_password, verify_password
from kit import db
from kit.clock import utcnow


def consent_code(app, mobile: str) -> str:
    body = resources(app).sms_outbox.latest("+20" + mobile[1:]).body
    return re.search(r"\b(\d{6})\b", body).group(1)


async def consent(app, client, agent_token: str, citizen: dict) -> str:
    asked = await client.post(
        "/v1/call-centre/consents", json={"citizen_id": citizen["citizen"]["citizen_id"]}, headers=bearer(agent_token)
    )
    assert asked.status_code == 202, asked.text
    return asked.json()["id"]


class TestStaff:
    def test_passwords_use_scrypt_with_salt(self):
        first, second = hash_password(PASSWORD), hash_password(PASSWORD)
        assert first.startswith("scrypt$32768$8$1$")
        assert first != second
        assert verify_password(PASSWORD, first)
        assert not verify_password("wrong password!", first)

    async def test_staff_tokens_carry_roles_office_and_governorate(self, app, client, engine):
        _, token = await staff(client, engine, "office_clerk", office_id="PS-01", governorate="03")
        claims = jwt.decode(token, options={"verify_signature": False})
        assert (claims["typ"], claims["roles"], claims["office"], claims["gov"]) == (
            "staff",
            ["office_clerk"],
            "PS-01",
            "03",
        )

    async def test_office_roles_need_an_office(self, engine):
        load_all()
        async with db.transaction(db.sessionmaker(engine)) as session:
            with pytest.raises(Exception, match="staff_invalid"):
                await staff_service.create(
                    session, username="x1", full_name="x", password=PASSWORD, roles=["notary_clerk"], now=utcnow()
                )


class TestCallCentre:
    async def test_the_governorate_is_named_in_the_agents_language(self, app, client, engine):
        person = await add_person(engine)
        await enrol(app, client, person)
        _, agent = await staff(client, engine, "call_centre_agent")
        english = await client.post(
            "/v1/call-centre/lookups",
            headers={**bearer(agent), "Accept-Language": "en"},
            json={"national_id": person["national_id"], "reason": "caller asks about fees"},
        )
        assert english.status_code == 200, english.text
        assert english.json()["governorate"] == "Port Said"  # it was the Arabic name under Accept-Language: en
        assert english.json()["governorate_code"] == "03"

    async def test_masked_view_consent_scoped_access_and_the_citizens_log(self, app, client, engine):
        person = await add_person(engine, full_name_ar="منى أحمد محمود علي")
        citizen = await enrol(app, client, person)
        other = await enrol(app, client, await add_person(engine))
        agent_id, agent = await staff(client, engine, "call_centre_agent")

        masked = await client.post(
            "/v1/call-centre/lookups",
            headers=bearer(agent),
            json={"national_id": person["national_id"], "reason": "caller asks about fees"},
        )
        assert masked.status_code == 200
        assert masked.json() == {
            "citizen_id": citizen["citizen"]["citizen_id"],
            "initials": "م. أ. م. ع.",
            "governorate": "بورسعيد",
            "mobile_last_digits": citizen["mobile"][-2:],
            "governorate_code": "03",
        }
        cid = citizen["citizen"]["citizen_id"]
        before = await client.get(f"/v1/call-centre/citizens/{cid}", headers=bearer(agent))
        assert (before.status_code, before.json()["code"]) == (403, "no_access_grant")

        consent_id = await consent(app, client, agent, citizen)
        code = consent_code(app, citizen["mobile"])
        refused = await client.post(
            f"/v1/call-centre/consents/{consent_id}/grant",
            headers=bearer(agent),
            json={"code": wrong(code), "reason": "renew ration card"},
        )
        assert refused.status_code == 422
        granted = await client.post(
            f"/v1/call-centre/consents/{consent_id}/grant",
            headers=bearer(agent),
            json={"code": code, "reason": "renew ration card"},
        )
        assert granted.status_code == 201
        full = await client.get(f"/v1/call-centre/citizens/{cid}", headers=bearer(agent))
        assert full.status_code == 200
        assert full.json()["national_id"] == person["national_id"]
        elsewhere = await client.get(
            f"/v1/call-centre/citizens/{other['citizen']['citizen_id']}", headers=bearer(agent)
        )
        assert elsewhere.status_code == 403

        log = (await client.get("/v1/me/access-log", headers=bearer(token_of(citizen)))).json()["items"]
        assert [e["action"] for e in log] == ["masked_lookup", "consent_requested", "access_granted", "profile_viewed"]
        assert log[-1]["reason"] == "renew ration card"
        assert log[-1]["staff_id"] == agent_id
        assert (await client.get("/v1/me/access-log", headers=bearer(token_of(other)))).json()["items"] == []

    async def test_another_agent_cannot_use_the_consent(self, app, client, engine):
        citizen = await enrol(app, client, await add_person(engine))
        _, agent = await staff(client, engine, "call_centre_agent")
        _, intruder = await staff(client, engine, "call_centre_agent")
        consent_id = await consent(app, client, agent, citizen)
        answer = await client.post(
            f"/v1/call-centre/consents/{consent_id}/grant",
            headers=bearer(intruder),
            json={"code": consent_code(app, citizen["mobile"]), "reason": "curious"},
        )
        assert answer.status_code == 404

    async def test_other_roles_cannot_use_the_call_centre(self, app, client, engine):
        _, clerk = await staff(client, engine, "office_clerk", office_id="PS-02", governorate="03")
        answer = await client.post(
            "/v1/call-centre/lookups",
            headers=bearer(clerk),
            json={"national_id": "29001011234567", "reason": "just looking"},
        )
        assert answer.status_code == 403


class TestAccessLogChain:
    async def test_auditors_verify_the_chain_and_see_tampering(self, app, client, engine):
        citizen = await enrol(app, client, await add_person(engine))
        _, agent = await staff(client, engine, "call_centre_agent")
        for reason in ("first call", "second call"):
            await client.post(
                "/v1/call-centre/lookups",
                headers=bearer(agent),
                json={"national_id": citizen["citizen"]["national_id"], "reason": reason},
            )
        _, auditor = await staff(client, engine, "auditor")
        ok = (await client.get("/v1/staff/access-log/verification", headers=bearer(auditor))).json()
        assert ok["valid"]
        assert ok["entries"] >= 2
        assert (await client.get("/v1/staff/access-log/verification", headers=bearer(agent))).status_code == 403

        async with engine.begin() as conn:
            with pytest.raises(DBAPIError, match="append-only"):
                async with conn.begin_nested():
                    await conn.execute(text("UPDATE identity.access_log SET reason = 'nothing to see'"))
            seq = (await conn.execute(text("SELECT max(seq) FROM identity.access_log"))).scalar()
            await conn.execute(text("ALTER TABLE identity.access_log DISABLE TRIGGER access_log_append_only"))
            await conn.execute(text("UPDATE identity.access_log SET reason = 'edited' WHERE seq = :s"), {"s": seq})
            await conn.execute(text("ALTER TABLE identity.access_log ENABLE TRIGGER access_log_append_only"))
        broken = (await client.get("/v1/staff/access-log/verification", headers=bearer(auditor))).json()
        assert (broken["valid"], broken["first_broken_seq"]) == (False, seq)
