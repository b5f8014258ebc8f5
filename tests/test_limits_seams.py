"""Where limits meet people, across the platform as `make run` starts it: one abuser never blocks
another person, a desk serves many citizens from one address, a forged token kind is refused
everywhere, no credential rests in clear in the gateway, and a resource limit holds under a
burst of concurrent requests.

The gateway takes the client's address from the socket (it believes no X-Forwarded-For), so
each person here connects from an address of their own: any 127.x.y.z reaches the gateway on
127.0.0.1 (Linux routes all of 127.0.0.0/8 to the loopback interface).
"""

from __future__ import annotations

import asyncio
import csv
import io
import itertools
import os
import random
import re
import sys
import time
import uuid
from asyncio.subprocess import PIPE
from datetime import timedelta
from typing import Any

import httpx
from paperless_support import DEMO_PEOPLE, DEMO_SEED, DEMO_TODAY, PASSWORD, mobile_of
from sqlalchemy import text
from sqlalchemy.ext.asyncio import create_async_engine

from identity.registry.generate import write_csv
from identity.sessions.keys import KeyRing
from identity.settings import Settings as IdentitySettings
from kit import db

_addresses = (f"127.{random.randrange(1, 250)}.{b}.{c}" for b, c in itertools.product(range(1, 250), range(2, 250)))
_people: list[dict[str, str]] = []


TAKEN_ELSEWHERE = {"02", "03", "12", "21", "22", "23", "24", "25", "26", "27", "28", "88"}
"""Governorates whose people other tests on the same platform enrol: Port Said (the flows),
Alexandria (the web tests), 12 (the applications), 21-28 (the abuse tests and an appeal)."""


def person() -> dict[str, str]:
    """A living adult of the demo registry nobody else in the test run enrols: a single man born
    before 2000 outside the governorates other tests take from (the observability test enrols
    women, the money and card tests married fathers, and the money test its agents from the
    first adults outside Port Said, so those are left out too). Drawn at random, so a second run
    on the same platform mostly finds people not yet enrolled; drawing from every adult outside
    Port Said took the observability test's woman once (its enrolment: 409 already_enrolled)."""
    if not _people:
        out = io.StringIO()
        write_csv(out, DEMO_PEOPLE, seed=DEMO_SEED, today=DEMO_TODAY)
        rows = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["alive"] == "true"]
        outside = [r for r in rows if r["birth_date"] < "1995-01-01" and r["governorate"] not in ("03", "88")]
        first_outside = {r["national_id"] for r in outside[:10]}
        ours = [
            r
            for r in rows
            if r["birth_date"] < "2000-01-01"
            and r["sex"] == "male"
            and r["marital_status"] == "single"
            and r["governorate"] not in TAKEN_ELSEWHERE
            and r["national_id"] not in first_outside
        ]
        _people.extend(random.sample(ours, 40))
    return _people.pop()


def from_new_address(platform: Any) -> httpx.AsyncClient:
    """A client connecting from an address nobody else in the test run uses."""
    transport = httpx.AsyncHTTPTransport(local_address=next(_addresses))
    return httpx.AsyncClient(base_url=platform.gateway, transport=transport, timeout=30)


async def sms_code(client: httpx.AsyncClient, mobile: str) -> str:
    sms = (await client.get("/v1/dev/sms", params={"mobile": mobile})).json()
    found = re.search(r"\b(\d{6})\b", sms[0]["body"])  # newest first
    assert found
    return found.group(1)


async def enrol(client: httpx.AsyncClient, someone: dict[str, str]) -> dict[str, Any]:
    """An enrolled citizen's tokens (the access and refresh token)."""
    body = {
        "national_id": someone["national_id"],
        "first_name": someone["first_name_ar"],
        "mother_first_name": someone["mother_first_name_ar"],
        "mobile": mobile_of(someone),
    }
    started = await client.post("/v1/enrolments", json=body)
    assert started.status_code == 202, started.text
    code = await sms_code(client, mobile_of(someone))
    verified = await client.post(f"/v1/enrolments/{started.json()['id']}/verification", json={"code": code})
    assert verified.status_code == 201, verified.text
    tokens: dict[str, Any] = verified.json()["tokens"]
    return tokens


async def create_staff(platform: Any, role: str, *extra: str) -> str:
    """A staff account, created with identity's staff command (as ops would); its username."""
    username = f"{role[:5]}-{uuid.uuid4().hex[:6]}"
    server = platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    env = {**os.environ, "IDENTITY_DATABASE_URL": f"{server}/identity", "IDENTITY_STAFF_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "identity.staff", "create", "--username", username, "--name", "Staff",
               "--role", role, *extra]  # fmt: skip
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=PIPE, stderr=PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return username


def database(platform: Any, name: str) -> str:
    server = platform.postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    return f"{server}/{name}"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}", "Accept-Language": "en"}


async def test_one_abuser_never_blocks_another_person(platform):
    async with from_new_address(platform) as alice_phone, from_new_address(platform) as bob_phone:
        alice = await enrol(alice_phone, person())

        # Bogus refreshes and sign-outs from many addresses: each is its own address's (and its
        # own session's) business. Before, they shared one bucket for the whole platform.
        for _ in range(15):
            async with from_new_address(platform) as abuser:
                for path in ("/v1/sessions/refresh", "/v1/sessions/logout"):
                    for token in ("garbage", f"{uuid.uuid4()}.{uuid.uuid4()}.guess"):
                        answer = await abuser.post(path, json={"refresh_token": token})
                        assert answer.status_code in (204, 401), answer.text
        refreshed = await alice_phone.post("/v1/sessions/refresh", json={"refresh_token": alice["refresh_token"]})
        assert refreshed.status_code == 200, refreshed.text

        # One address hammering sign-in starts is stopped; a citizen elsewhere is not.
        async with from_new_address(platform) as hammer:
            statuses = set()
            for n in range(70):
                nid = f"2900101030{n:04d}"
                statuses.add((await hammer.post("/v1/sessions", json={"national_id": nid})).status_code)
            assert 429 in statuses
        bob = person()
        await enrol(bob_phone, bob)
        signing_in = await bob_phone.post("/v1/sessions", json={"national_id": bob["national_id"]})
        assert signing_in.status_code == 202, signing_in.text


async def test_a_stranger_guessing_a_clerks_password_never_keeps_the_clerk_out(platform):
    username = await create_staff(platform, "office_clerk", "--office", "PS-01", "--governorate", "03")
    async with from_new_address(platform) as office:
        mine = {"username": username, "password": PASSWORD}
        assert (await office.post("/v1/staff/sessions", json=mine)).status_code == 201
        for _ in range(12):  # guesses from twelve addresses, three each
            async with from_new_address(platform) as stranger:
                for _ in range(3):
                    guess = {"username": username, "password": "password123456"}
                    assert (await stranger.post("/v1/staff/sessions", json=guess)).status_code in (401, 429)
        again = await office.post("/v1/staff/sessions", json=mine)
        assert again.status_code == 201, again.text  # the right password, at the clerk's own office


async def test_a_call_centre_signs_its_shift_in_from_one_address(platform):
    username = await create_staff(platform, "call_centre_agent")
    async with from_new_address(platform) as centre:
        body = {"username": username, "password": PASSWORD}
        statuses = [(await centre.post("/v1/staff/sessions", json=body)).status_code for _ in range(65)]
    assert set(statuses) == {201}  # more than the address's 60 sensitive requests: successes do not count


async def test_a_post_office_enrols_many_citizens_from_one_address(platform):
    username = await create_staff(platform, "office_clerk", "--office", "PS-02", "--governorate", "03")
    async with from_new_address(platform) as post_office, from_new_address(platform) as walk_in:
        login = await post_office.post("/v1/staff/sessions", json={"username": username, "password": PASSWORD})
        clerk = bearer(login.json()["access_token"])
        desk, alone = [], []
        for n in range(35):  # details that do not match the registry: checked and counted, no SMS
            body = {"national_id": f"2850101030{n:04d}", "first_name": "x", "mother_first_name": "y",
                    "mobile": f"0122{n:07d}"}  # fmt: skip
            desk.append((await post_office.post("/v1/enrolments", json=body, headers=clerk)).status_code)
            other = {**body, "national_id": f"2860101030{n:04d}", "mobile": f"0155{n:07d}"}
            alone.append((await walk_in.post("/v1/enrolments", json=other)).status_code)
    assert set(desk) == {422}  # the clerk's own allowance, not the address's
    assert 429 in alone  # one address without a staff token is limited as before


async def test_a_token_kind_its_issuer_does_not_issue_is_401_everywhere(platform):
    """identity's key signing `typ=integrator` is a forgery: 401 at the gateway and every service
    (it passed as an integrator at the gateway and identity: 403 there, 401 elsewhere)."""
    engine = create_async_engine(database(platform, "identity"))
    try:
        ring = KeyRing(
            db.sessionmaker(engine),
            secret=IdentitySettings().key_encryption_secret.get_secret_value(),  # the development default
            publish_after_retire=timedelta(hours=9),
        )
        now = int(time.time())
        forged = await ring.sign(
            {"iss": "shubbak-identity", "aud": "shubbak", "sub": "bank-1", "typ": "integrator",
             "scope": "ration.import", "iat": now, "exp": now + 300, "jti": uuid.uuid4().hex}
        )  # fmt: skip
    finally:
        await engine.dispose()
    checks = [
        ("gateway", "POST", "/v1/ration-imports/vehicles?governorate=03&filename=v.csv"),
        ("identity", "GET", "/v1/me"),
        ("notary", "GET", "/v1/powers-of-attorney"),
        ("payment", "GET", "/v1/payments"),
        ("ration", "POST", "/v1/ration-imports/vehicles?governorate=03&filename=v.csv"),
        ("office_routing", "GET", "/v1/appointments"),
    ]
    async with httpx.AsyncClient(timeout=30) as client:
        for service, method, path in checks:
            base = platform.gateway if service == "gateway" else platform.services[service]
            answer = await client.request(method, base + path, headers={**bearer(forged), "Content-Type": "text/csv"})
            assert (answer.status_code, answer.json()["code"]) == (401, "invalid_token"), (service, answer.text)


async def test_a_replayed_sign_in_leaves_no_token_in_clear_in_the_gateway(platform):
    someone = person()
    async with from_new_address(platform) as phone:
        await enrol(phone, someone)
        started = await phone.post("/v1/sessions", json={"national_id": someone["national_id"]})
        assert started.status_code == 202, started.text
        code = await sms_code(phone, mobile_of(someone))
        key = {"Idempotency-Key": str(uuid.uuid4())}
        path = f"/v1/sessions/{started.json()['id']}/verification"
        first = await phone.post(path, json={"code": code}, headers=key)
        again = await phone.post(path, json={"code": code}, headers=key)  # the connection dropped: retry
    assert first.status_code == 201, first.text
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    tokens = first.json()
    engine = create_async_engine(database(platform, "gateway"))
    try:
        async with engine.connect() as conn:
            rows = (
                await conn.execute(
                    text("SELECT * FROM gateway.idempotent_requests WHERE key = :key"), {"key": key["Idempotency-Key"]}
                )
            ).all()
            everything = (
                await conn.execute(text("SELECT string_agg(t::text, '') FROM gateway.idempotent_requests t"))
            ).scalar()
    finally:
        await engine.dispose()
    assert len(rows) == 1
    row = rows[0]._mapping
    at_rest = repr(dict(row)).encode() + bytes(row["body"]) + (everything or "").encode()
    for secret in (tokens["access_token"], tokens["refresh_token"], tokens["refresh_token"].rsplit(".", 1)[-1]):
        assert secret.encode() not in at_rest


async def test_the_open_request_limit_holds_under_a_burst(platform):
    principal, agent = person(), person()
    async with from_new_address(platform) as phone:
        citizen = bearer((await enrol(phone, principal))["access_token"])
        draft = {"kind": "general", "scopes": ["general_management"], "agents": [agent["national_id"]]}
        answers = await asyncio.gather(
            *(phone.post("/v1/powers-of-attorney", json=draft, headers=citizen) for _ in range(50))
        )
        statuses = [a.status_code for a in answers]
        listed = (await phone.get("/v1/powers-of-attorney", params={"limit": 100}, headers=citizen)).json()["items"]
    # 20 created, the rest refused by the limit (409) or shed by the gateway (503: more than a
    # service's share in flight at once); never more than the limit
    assert statuses.count(201) == 20, statuses
    assert set(statuses) <= {201, 409, 503}, statuses
    assert len(listed) == 20
