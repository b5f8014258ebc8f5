"""Tokens: EdDSA access tokens verified by kit.auth over the JWKS, rotating refresh tokens, login, logout."""

from __future__ import annotations

import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from identity_support import add_person, bearer, client_ip, enrol, last_code, resources, token_of

from kit.auth import Issuer, JWKSCache, TokenVerifier
from kit.errors import ProblemError


def kit_verifier(app) -> TokenVerifier:
    """What every other service builds from IDENTITY's JWKS URL."""
    http = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://identity")
    cache = JWKSCache("http://identity/.well-known/jwks.json", http, min_refresh_seconds=0)
    return TokenVerifier(cache, issuer="shubbak-identity", audience="shubbak", issued_by=Issuer.IDENTITY)


class TestAccessTokens:
    async def test_other_services_accept_them_through_the_jwks(self, app, client, engine):
        enrolled = await enrol(app, client, await add_person(engine))
        caller = await kit_verifier(app).verify(token_of(enrolled))
        assert (caller.kind, caller.subject) == ("citizen", enrolled["citizen"]["citizen_id"])
        assert caller.national_id == enrolled["citizen"]["national_id"]  # services key facts by it
        header = jwt.get_unverified_header(token_of(enrolled))
        assert header["alg"] == "EdDSA"
        assert header["kid"]
        jwks = (await client.get("/.well-known/jwks.json")).json()
        assert all(set(k) == {"kty", "crv", "x", "kid", "alg", "use"} for k in jwks["keys"])

    async def test_rotation_keeps_old_tokens_valid_and_signs_with_the_new_key(self, app, client, engine):
        before = await enrol(app, client, await add_person(engine))
        old_kid = jwt.get_unverified_header(token_of(before))["kid"]
        verifier = kit_verifier(app)
        await verifier.verify(token_of(before))
        new_kid = await resources(app).keys.rotate()
        after = await enrol(app, client, await add_person(engine))
        assert jwt.get_unverified_header(token_of(after))["kid"] == new_kid != old_kid
        assert (await verifier.verify(token_of(after))).subject == after["citizen"]["citizen_id"]
        assert (await verifier.verify(token_of(before))).subject == before["citizen"]["citizen_id"]
        kids = {k["kid"] for k in (await client.get("/.well-known/jwks.json")).json()["keys"]}
        assert {old_kid, new_kid} <= kids

    async def test_private_keys_are_stored_encrypted(self, app, client, engine):
        from sqlalchemy import text

        async with engine.connect() as conn:
            rows = (await conn.execute(text("SELECT kid, private_key_enc FROM identity.signing_keys"))).all()
        key = resources(app).keys._current[1].private_bytes_raw()
        assert rows
        assert all(key not in bytes(r.private_key_enc) for r in rows)


class TestRefresh:
    async def test_rotates_and_a_reused_token_revokes_the_family(self, app, client, engine):
        enrolled = await enrol(app, client, await add_person(engine))
        first = enrolled["tokens"]["refresh_token"]
        second = (await client.post("/v1/sessions/refresh", json={"refresh_token": first})).json()
        assert second["refresh_token"] != first
        assert second["access_token"]
        reused = await client.post("/v1/sessions/refresh", json={"refresh_token": first})
        assert (reused.status_code, reused.json()["code"]) == (401, "refresh_token_reused")
        after = await client.post("/v1/sessions/refresh", json={"refresh_token": second["refresh_token"]})
        assert (after.status_code, after.json()["code"]) == (401, "invalid_refresh_token")

    async def test_logout_ends_the_session(self, app, client, engine):
        enrolled = await enrol(app, client, await add_person(engine))
        refresh = enrolled["tokens"]["refresh_token"]
        assert (await client.post("/v1/sessions/logout", json={"refresh_token": refresh})).status_code == 204
        answer = await client.post("/v1/sessions/refresh", json={"refresh_token": refresh})
        assert answer.status_code == 401

    @pytest.mark.parametrize("token", ["garbage", "6f1c7f0e-3b1a-4c56-9d1e-2a9b8c7d6e51.secret"])
    async def test_unknown_tokens_are_refused(self, client, token):
        answer = await client.post("/v1/sessions/refresh", json={"refresh_token": token})
        assert (answer.status_code, answer.json()["code"]) == (401, "invalid_refresh_token")


class TestLogin:
    async def test_national_id_and_code_to_the_registered_mobile(self, app, client, engine):
        enrolled = await enrol(app, client, await add_person(engine))
        started = await client.post("/v1/sessions", json={"national_id": enrolled["citizen"]["national_id"]},
                                    headers=client_ip())  # fmt: skip
        assert started.status_code == 202
        assert started.json()["mobile_masked"] is None
        code = last_code(app, enrolled["mobile"])
        tokens = await client.post(f"/v1/sessions/{started.json()['id']}/verification", json={"code": code})
        assert tokens.status_code == 201
        me = await client.get("/v1/me", headers=bearer(tokens.json()["access_token"]))
        assert me.json()["citizen_id"] == enrolled["citizen"]["citizen_id"]

        # the same token fields after enrolment and after sign-in (enrolment adds the citizen's record,
        # and keeps `tokens` for older clients)
        token_fields = {"access_token", "token_type", "expires_in", "refresh_token", "refresh_expires_at"}
        assert set(tokens.json()) == token_fields
        assert set(enrolled) - {"mobile"} == token_fields | {"citizen", "tokens"}
        assert enrolled["access_token"] == enrolled["tokens"]["access_token"]
        assert enrolled["token_type"] == tokens.json()["token_type"] == "Bearer"
        me = await client.get("/v1/me", headers=bearer(enrolled["access_token"]))
        assert me.status_code == 200

    async def test_a_body_that_is_not_json_is_415(self, client):
        response = await client.post(
            "/v1/sessions", content=b'{"national_id": "29001011234567"}', headers={"Content-Type": "text/plain"}
        )
        assert response.status_code == 415
        assert response.headers["content-type"].startswith("application/problem+json")
        assert response.json()["detail"] == "أرسل نص الطلب بصيغة JSON مع الترويسة Content-Type: application/json."

    async def test_an_unenrolled_id_gets_the_same_answer_and_no_sms(self, app, client, engine):
        person = await add_person(engine)
        sent_before = len(resources(app).sms_outbox.messages)
        started = await client.post("/v1/sessions", json={"national_id": person["national_id"]}, headers=client_ip())
        assert started.status_code == 202
        assert set(started.json()) == {
            "id",
            "expires_at",
            "resend_after",
            "mobile_masked",
        }
        assert len(resources(app).sms_outbox.messages) == sent_before
        answer = await client.post(f"/v1/sessions/{started.json()['id']}/verification", json={"code": "123456"})
        assert answer.status_code == 422


class TestIsolation:
    async def test_a_citizen_cannot_read_another_citizens_data(self, app, client, engine):
        a = await enrol(app, client, await add_person(engine))
        b = await enrol(app, client, await add_person(engine))
        me = await client.get("/v1/me", headers=bearer(token_of(a)))
        assert me.json()["national_id"] == a["citizen"]["national_id"] != b["citizen"]["national_id"]
        for path in (f"/v1/call-centre/citizens/{b['citizen']['citizen_id']}", "/v1/staff/access-log/verification"):
            assert (await client.get(path, headers=bearer(token_of(a)))).status_code == 403
        forged = jwt.encode(
            {"iss": "shubbak-identity", "aud": "shubbak", "sub": b["citizen"]["citizen_id"], "typ": "citizen",
             "iat": int(time.time()), "exp": int(time.time()) + 60},
            Ed25519PrivateKey.generate(), algorithm="EdDSA",
            headers={"kid": jwt.get_unverified_header(token_of(a))["kid"]},
        )  # fmt: skip
        assert (await client.get("/v1/me", headers=bearer(forged))).status_code == 401
        with pytest.raises(ProblemError):
            await kit_verifier(app).verify(forged)
