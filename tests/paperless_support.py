"""What the cross-service tests do as citizens and staff, through the gateway: enrol, draft and pay,
and the staff accounts ops would create. Used by the paperless flow, the BOLA probe and the
fault-injection suite (`faults/`), which runs the same steps with `patience`: a request that
gets no answer, or 502/503/504, is tried again until the patience runs out (a POST with the
same `Idempotency-Key`), as a well-behaved client does while a service restarts."""

from __future__ import annotations

import asyncio
import csv
import hashlib
import io
import os
import re
import sys
import uuid
from asyncio.subprocess import PIPE
from collections import Counter
from collections.abc import Iterable
from typing import Any

import httpx

from identity.demo import PEOPLE as DEMO_PEOPLE
from identity.demo import SEED as DEMO_SEED
from identity.demo import TODAY as DEMO_TODAY
from identity.registry.generate import write_csv  # the same synthetic registry the demo data loads

PASSWORD = "a long clerk password 2026"
DEMO_AUDITOR = ("auditor", "dev-only-password")  # identity/demo.py
RETRIED: Counter[str] = Counter()
"""What patient requests were retried on, by answer ("500", "503", "no answer", ...)."""


def registry_people(governorates: Iterable[str] = ("03",), born_before: str = "1995-01-01") -> list[dict[str, str]]:
    """Living adults of the demo registry in these governorates, in that order (default: Port
    Said, the pilot governorate, where every service is live), one per family: no two are
    spouses, parent and child or siblings (who share a ration card and may see each other's),
    so the flows' citizens are strangers to one another."""
    out = io.StringIO()
    write_csv(out, DEMO_PEOPLE, seed=DEMO_SEED, today=DEMO_TODAY)
    rows = [r for r in csv.DictReader(io.StringIO(out.getvalue())) if r["alive"] == "true"]
    adults = [r for r in rows if r["birth_date"] < born_before and r["mother_first_name_ar"]]
    strangers, families = [], set()
    for person in (r for g in governorates for r in adults if r["governorate"] == g):
        family = {person[k] for k in ("national_id", "spouse_national_id", "father_national_id", "mother_national_id")}
        if not (family - {""}) & families:
            strangers.append(person)
            families |= family - {""}
    return strangers


class Unanswered(AssertionError):
    """The platform gave no usable answer within the caller's patience."""


async def send(
    client: httpx.AsyncClient,
    method: str,
    path: str,
    *,
    expect: Iterable[int],
    patience: float = 0.0,
    **kwargs: Any,
) -> httpx.Response:
    """One request whose status must be in `expect`. With `patience` (seconds), no answer at
    all, a 5xx, 429 and 409 `idempotency_in_progress` are retried until it runs out (counted in
    `RETRIED`); a POST carries one `Idempotency-Key` across the tries: the gateway keeps no
    answer >= 500 for a key, so the same request may be sent again, and answers a repeat of a
    request it did answer with that first answer."""
    expected = frozenset(expect)
    if patience and method == "POST":
        kwargs["headers"] = {"Idempotency-Key": str(uuid.uuid4()), **(kwargs.get("headers") or {})}
    loop = asyncio.get_running_loop()
    deadline = loop.time() + patience
    pause = 0.2
    while True:
        try:
            response = await client.request(method, path, **kwargs)
        except httpx.TransportError as exc:
            if not patience or loop.time() > deadline:
                raise Unanswered(f"{method} {path}: no answer ({exc!r})") from exc
            RETRIED["no answer"] += 1
        else:
            if not patience or not _transient(response):
                assert response.status_code in expected, f"{method} {path}: {response.status_code} {response.text}"
                return response
            if loop.time() > deadline:
                raise Unanswered(f"{method} {path}: still {response.status_code} {response.text[:300]}")
            RETRIED[str(response.status_code)] += 1
        await asyncio.sleep(pause)
        pause = min(pause * 1.5, 1.0)


def _transient(response: httpx.Response) -> bool:
    if response.status_code >= 500 or response.status_code == 429:
        return True
    if response.status_code == 409 and "json" in response.headers.get("content-type", ""):
        return bool(response.json().get("code") == "idempotency_in_progress")
    return False


def mobile_of(someone: dict[str, str], operator: str = "010") -> str:
    """A mobile of the person's own, from the whole national ID. Its last eight digits alone are
    shared by people born on the same day of the month in the same governorate with the same serial
    and check digit, and an enrolment naming a number another citizen enrolled with is refused (409
    mobile_in_use): two tests drawing such a pair failed CI."""
    digest = int(hashlib.sha256(someone["national_id"].encode()).hexdigest(), 16)
    return operator + f"{digest % 10**8:08d}"


class Citizen:
    def __init__(
        self, client: httpx.AsyncClient, person: dict[str, str], *, mobile: str | None = None, patience: float = 0.0
    ) -> None:
        self.client = client
        self.person = person
        self.mobile = mobile or mobile_of(person)
        self.patience = patience
        self.token = ""

    @property
    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}", "Accept-Language": "en"}

    async def send(self, method: str, path: str, *, expect: Iterable[int], **kwargs: Any) -> httpx.Response:
        """As this citizen (signed in, in English), with the citizen's patience."""
        headers = {**self.auth, **(kwargs.pop("headers", None) or {})}
        return await self.public(method, path, expect=expect, headers=headers, **kwargs)

    async def public(self, method: str, path: str, *, expect: Iterable[int], **kwargs: Any) -> httpx.Response:
        """Without a token (enrolment, sign-in, the development SMS outbox and sandbox)."""
        return await send(self.client, method, path, expect=expect, patience=self.patience, **kwargs)

    async def sms_sent(self) -> list[dict[str, Any]]:
        """What the development SMS provider 'sent' to this mobile, newest first."""
        sms: list[dict[str, Any]] = (
            await self.public("GET", "/v1/dev/sms", expect=(200,), params={"mobile": self.mobile})
        ).json()
        return sms

    async def sms_code(self, after: int = 0) -> str | None:
        """The newest code the development SMS provider 'sent' to this mobile, if more than
        `after` messages were sent (a restarted identity-svc has forgotten what it sent)."""
        sms = await self.sms_sent()
        if len(sms) <= after:
            return None
        found = re.search(r"\b(\d{6})\b", sms[0]["body"])  # newest first
        return found.group(1) if found else None

    async def enrol(self) -> None:
        body = {
            "national_id": self.person["national_id"],
            "first_name": self.person["first_name_ar"],
            "mother_first_name": self.person["mother_first_name_ar"],
            "mobile": self.mobile,
        }
        started = await self.public("POST", "/v1/enrolments", expect=(201, 202), json=body)
        code = await self.sms_code()
        assert code is not None, f"no code in the development SMS to {self.mobile}"
        path = f"/v1/enrolments/{started.json()['id']}/verification"
        verified = await self.public("POST", path, expect=(200, 201), json={"code": code})
        self.token = verified.json()["tokens"]["access_token"]

    async def sign_in(self) -> None:
        """Sign in with the national ID and the code sent to the enrolled mobile."""
        before = len(await self.sms_sent())
        who = {"national_id": self.person["national_id"]}
        started = await self.public("POST", "/v1/sessions", expect=(202,), json=who)
        code = await self.sms_code(after=before)
        assert code is not None, f"no sign-in code in the development SMS to {self.mobile} ({started.text})"
        path = f"/v1/sessions/{started.json()['id']}/verification"
        verified = await self.public("POST", path, expect=(201,), json={"code": code})
        self.token = verified.json()["access_token"]

    async def pay(self, payment: dict[str, Any], key: str) -> dict[str, Any]:
        created = await self.send("POST", "/v1/payments", expect=(201,), json=payment, headers={"Idempotency-Key": key})
        intent = created.json()
        confirmed = await self.send(
            "POST", f"/v1/payments/{intent['id']}/confirm", expect=(200,), json={"wallet_mobile": self.mobile}
        )
        reference = confirmed.json()["provider_reference"]
        await self.public("POST", f"/v1/payment-sandbox/wallet/{reference}/approve", expect=(200,))
        return intent

    async def draft_and_quote(self, agent: dict[str, str]) -> tuple[str, dict[str, Any]]:
        drafted = await self.send(
            "POST",
            "/v1/powers-of-attorney",
            expect=(201,),
            json={
                "kind": "general",
                "scopes": ["general_management"],
                "agents": [agent["national_id"]],
                "special_conditions": ["لا يجوز للوكيل البيع لنفسه"],
                "valid_until": None,
            },
        )
        poa_id = drafted.json()["id"]
        wallet = {"method": "wallet", "channel": "web"}
        quoted = await self.send("POST", f"/v1/powers-of-attorney/{poa_id}/quote", expect=(200, 201), json=wallet)
        return poa_id, quoted.json()["payment"]

    async def poa(self, poa_id: str) -> dict[str, Any]:
        return (await self.send("GET", f"/v1/powers-of-attorney/{poa_id}", expect=(200,))).json()


async def create_staff(
    postgres: str,
    *,
    role: str,
    more_roles: Iterable[str] = (),
    office_id: str | None = None,
    governorate: str = "03",
    prefix: str = "staff",
) -> str:
    """A staff account made with identity's staff command (as ops would), straight on identity's
    database at the PostgreSQL server `postgres` (`postgresql://...`); returns its username."""
    username = f"{prefix}-{uuid.uuid4().hex[:8]}"
    server = postgres.replace("postgresql://", "postgresql+asyncpg://").rsplit("/", 1)[0]
    env = {**os.environ, "IDENTITY_DATABASE_URL": f"{server}/identity", "IDENTITY_STAFF_PASSWORD": PASSWORD}
    command = [sys.executable, "-m", "identity.staff", "create", "--username", username, "--name", "Staff",
               "--role", role, *(part for more in more_roles for part in ("--role", more)),
               "--governorate", governorate]  # fmt: skip
    if office_id is not None:
        command += ["--office", office_id]
    process = await asyncio.create_subprocess_exec(*command, env=env, stdout=PIPE, stderr=PIPE)
    _, err = await process.communicate()
    assert process.returncode == 0, err.decode()
    return username


async def staff_sign_in(
    client: httpx.AsyncClient, username: str, password: str = PASSWORD, *, patience: float = 0.0
) -> dict[str, str]:
    login = await send(
        client,
        "POST",
        "/v1/staff/sessions",
        expect=(201,),
        patience=patience,
        json={"username": username, "password": password},
    )
    return {"Authorization": f"Bearer {login.json()['access_token']}", "Accept-Language": "en"}


async def clerk_token(client: httpx.AsyncClient, platform: Any, office_id: str) -> dict[str, str]:
    """A notary clerk of that office."""
    username = await create_staff(platform.postgres, role="notary_clerk", office_id=office_id, prefix="clerk")
    return await staff_sign_in(client, username)


async def staff_token(
    client: httpx.AsyncClient,
    platform: Any,
    role: str,
    *more_roles: str,
    office_id: str | None = None,
    governorate: str = "03",
) -> dict[str, str]:
    """A staff member with these roles, created as ops would, signed in."""
    username = await create_staff(
        platform.postgres, role=role, more_roles=more_roles, office_id=office_id, governorate=governorate
    )
    return await staff_sign_in(client, username)
