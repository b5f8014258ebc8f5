"""JWT verification against a JWKS endpoint, with caching and key rotation."""

from __future__ import annotations

import asyncio
import time

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from fastapi import Depends, FastAPI
from kit_support import AUDIENCE, ISSUER, KeyRing

from kit import errors
from kit.app import verifiers
from kit.auth import ISSUES, CurrentCitizen, Issuer, JWKSCache, Role, TokenVerifier, staff_of
from kit.settings import ServiceSettings


class TestVerify:
    async def test_valid_citizen_token(self, ring, verifier):
        caller = await verifier.verify(ring.token("k1", typ="citizen"))
        assert caller.kind == "citizen"
        assert caller.subject == "citizen-1"

    async def test_keys_are_cached(self, ring, verifier):
        for _ in range(5):
            await verifier.verify(ring.token("k1"))
        assert ring.fetches == 1

    async def test_rotation_to_a_new_key_without_restart(self, ring, verifier):
        await verifier.verify(ring.token("k1"))
        ring.rotate("k2")
        caller = await verifier.verify(ring.token("k2", typ="staff", roles=["notary_clerk"], office="NO-03-001"))
        assert caller.has_role(Role.NOTARY_CLERK)
        assert caller.office_id == "NO-03-001"
        assert ring.fetches == 2

    @pytest.mark.parametrize(
        "claims",
        [
            {"exp": int(time.time()) - 3600},
            {"aud": "someone-else"},
            {"iss": "evil"},
            {"typ": "superuser"},
        ],
    )
    async def test_bad_claims_are_refused(self, ring, verifier, claims):
        with pytest.raises(errors.ProblemError) as caught:
            await verifier.verify(ring.token("k1", **claims))
        assert caught.value.status == 401

    async def test_unknown_kid_and_garbage_are_refused(self, ring, verifier):
        stranger = Ed25519PrivateKey.generate()
        forged = jwt.encode({"sub": "x"}, stranger, algorithm="EdDSA", headers={"kid": "k9"})
        for token in (forged, "not-a-jwt", ring.token("k1")[:-4] + "AAAA"):
            with pytest.raises(errors.ProblemError):
                await verifier.verify(token)

    async def test_a_verified_token_is_remembered_until_it_expires(self, ring, verifier, monkeypatch):
        quick = TokenVerifier(
            verifier.jwks, issuer=ISSUER, audience=AUDIENCE, issued_by=Issuer.IDENTITY, leeway_seconds=0
        )
        token = ring.token("k1", exp=int(time.time()) + 2)
        decoded = []
        decode = jwt.decode
        monkeypatch.setattr(jwt, "decode", lambda *a, **k: decoded.append(1) or decode(*a, **k))
        assert (await quick.verify(token)).subject == "citizen-1"
        assert (await quick.verify(token)).subject == "citizen-1"
        assert len(decoded) == 1  # the second time from memory
        altered = token[:-6] + ("AAAAAA" if not token.endswith("AAAAAA") else "BBBBBB")
        with pytest.raises(errors.ProblemError):
            await quick.verify(altered)  # another string: checked in full, and refused
        await asyncio.sleep(2.5)  # past `exp` by the real clock, which PyJWT reads too
        with pytest.raises(errors.ProblemError) as caught:
            await quick.verify(token)
        assert caught.value.status == 401

    async def test_a_remembered_token_is_refused_once_its_key_is_withdrawn(self, ring, verifier):
        token = ring.token("k1")
        assert (await verifier.verify(token)).kind == "citizen"
        del ring.keys["k1"]  # the issuer withdraws k1 (compromised) and signs with k2
        ring.rotate("k2")
        assert (await verifier.verify(ring.token("k2"))).kind == "citizen"  # an unknown kid: the key set is read again
        with pytest.raises(errors.ProblemError) as caught:
            await verifier.verify(token)
        assert caught.value.status == 401

    async def test_hs256_confusion_is_refused(self, ring, verifier):
        forged = jwt.encode(
            {"sub": "x", "iss": ISSUER, "aud": AUDIENCE}, "secret", algorithm="HS256", headers={"kid": "k1"}
        )
        with pytest.raises(errors.ProblemError):
            await verifier.verify(forged)


class TestDependencies:
    async def test_routes_admit_only_the_right_callers(self, ring, verifier):
        app = FastAPI()
        errors.install(app)
        app.state.verifier = verifier

        @app.get("/me")
        async def me(caller: CurrentCitizen) -> dict[str, str]:
            return {"sub": caller.subject}

        @app.get("/clerk")
        async def clerk(caller=Depends(staff_of(Role.NOTARY_CLERK))) -> dict[str, str]:
            return {"sub": caller.subject}

        citizen = ring.token("k1", typ="citizen")
        staff = ring.token("k1", typ="staff", roles=["ration_officer"])
        admin = ring.token("k1", typ="staff", roles=["admin"])
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
            assert (await c.get("/me")).status_code == 401
            assert (await c.get("/me", headers={"Authorization": f"Bearer {citizen}"})).status_code == 200
            assert (await c.get("/me", headers={"Authorization": f"Bearer {staff}"})).status_code == 403
            assert (await c.get("/clerk", headers={"Authorization": f"Bearer {staff}"})).status_code == 403
            assert (await c.get("/clerk", headers={"Authorization": f"Bearer {admin}"})).status_code == 200
            refused = await c.get("/me", headers={"Authorization": "Bearer nope"})
            assert refused.headers["content-type"].startswith("application/problem+json")


class TestTwoIssuers:
    """identity-svc signs citizens' and staff's tokens, the gateway integrators'; a service trusts
    each only for its own kinds (kit.app.verifiers builds exactly this from settings)."""

    @pytest.fixture
    def gateway_ring(self) -> KeyRing:
        ring = KeyRing()
        ring.rotate("g1")
        return ring

    @pytest.fixture
    def both(self, ring, gateway_ring):
        jwks_app = FastAPI()
        jwks_app.get("/.well-known/jwks.json")(ring.jwks)
        jwks_app.get("/.well-known/integrator-jwks.json")(gateway_ring.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://keys")
        settings = ServiceSettings(
            jwks_url="http://keys/.well-known/jwks.json",
            integrator_jwks_url="http://keys/.well-known/integrator-jwks.json",
        )
        return verifiers(settings, http)

    def integrator(self, ring: KeyRing, kid: str, issuer: str) -> str:
        return ring.token(kid, iss=issuer, sub="bank-misr", typ="integrator", scope="events:notary.poa.revoked.v1")

    async def test_each_issuer_for_its_own_kinds(self, ring, gateway_ring, both):
        assert (await both.verify(ring.token("k1", typ="citizen"))).kind == "citizen"
        caller = await both.verify(self.integrator(gateway_ring, "g1", "shubbak-gateway"))
        assert caller.kind == "integrator"
        assert caller.scopes == {"events:notary.poa.revoked.v1"}

    @pytest.mark.parametrize(
        "forged",
        [
            "identity signs an integrator",
            "gateway signs a citizen",
            "gateway's key, identity's name",
            "unknown issuer",
        ],
    )
    async def test_a_token_passes_only_as_its_issuer_issues_it(self, ring, gateway_ring, both, forged):
        token = {
            "identity signs an integrator": lambda: self.integrator(ring, "k1", "shubbak-identity"),
            "gateway signs a citizen": lambda: gateway_ring.token("g1", iss="shubbak-gateway", typ="citizen"),
            "gateway's key, identity's name": lambda: gateway_ring.token("g1", typ="citizen"),
            "unknown issuer": lambda: ring.token("k1", iss="someone-else", typ="citizen"),
        }[forged]()
        with pytest.raises(errors.ProblemError) as caught:
            await both.verify(token)
        assert caught.value.status == 401

    async def test_without_the_gateway_configured_integrators_are_refused(self, ring, gateway_ring):
        jwks_app = FastAPI()
        jwks_app.get("/.well-known/jwks.json")(ring.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://keys")
        only_identity = verifiers(ServiceSettings(jwks_url="http://keys/.well-known/jwks.json"), http)
        with pytest.raises(errors.ProblemError):
            await only_identity.verify(self.integrator(gateway_ring, "g1", "shubbak-gateway"))


class TestKindBoundToIssuer:
    """kit.auth.ISSUES is the one place that says which kinds an issuer issues."""

    def test_the_binding(self):
        assert ISSUES[Issuer.IDENTITY] == {"citizen", "staff"}
        assert ISSUES[Issuer.GATEWAY] == {"integrator"}

    async def test_a_verifier_admits_only_its_issuers_kinds(self, ring):
        jwks_app = FastAPI()
        jwks_app.get("/.well-known/jwks.json")(ring.jwks)
        http = httpx.AsyncClient(transport=httpx.ASGITransport(app=jwks_app), base_url="http://keys")
        cache = JWKSCache("http://keys/.well-known/jwks.json", http, min_refresh_seconds=0)
        identity = TokenVerifier(cache, issuer=ISSUER, audience=AUDIENCE, issued_by=Issuer.IDENTITY)
        gateway = TokenVerifier(cache, issuer=ISSUER, audience=AUDIENCE, issued_by=Issuer.GATEWAY)
        assert (await identity.verify(ring.token("k1", typ="staff"))).kind == "staff"
        assert (await gateway.verify(ring.token("k1", typ="integrator"))).kind == "integrator"
        for verifier, kind in ((identity, "integrator"), (gateway, "citizen"), (gateway, "staff")):
            with pytest.raises(errors.ProblemError) as caught:
                await verifier.verify(ring.token("k1", typ=kind))
            assert (caught.value.status, caught.value.code) == (401, "invalid_token")
