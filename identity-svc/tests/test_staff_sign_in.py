"""Staff sign-in: wrong passwords slow the guesser down, never lock the owner out; alerts; an
administrator clears a username's record (audited)."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta
from typing import Any

import pytest
from identity_support import STAFF_PASSWORD as PASSWORD
from identity_support import bearer, create_staff, identity_settings
from prometheus_client import REGISTRY

from identity.settings import Settings
from kit.clock import ManualClock

SIGN_IN = "/v1/staff/sessions"


@pytest.fixture(scope="module")
def settings(migrated_url: str, nats_server: Any) -> Settings:
    """Delays of a minute and up: long enough that no test depends on how fast the machine is."""
    return identity_settings(
        migrated_url,
        nats_server.url,
        staff_sign_in_first_delay_seconds=60,
        staff_sign_in_max_delay_seconds=3000,
        staff_sign_in_window_seconds=86_400,
    )


@pytest.fixture(scope="module")
def clock() -> ManualClock:
    """Time stands still but where a test moves it: the delays asserted are exact, however long a
    password check takes on a busy machine."""
    return ManualClock()


async def new_staff(engine, *roles: str) -> str:
    return (await create_staff(engine, *(roles or ("auditor",))))[1]


def at(address: str) -> dict[str, str]:
    return {"X-Forwarded-For": address, "Accept-Language": "en"}


def random_address() -> str:
    return f"10.{secrets.randbelow(256)}.{secrets.randbelow(256)}.{secrets.randbelow(254) + 1}"


async def sign_in(client, username: str, password: str, address: str):
    return await client.post(SIGN_IN, json={"username": username, "password": password}, headers=at(address))


def slowed(by: str) -> float:
    return REGISTRY.get_sample_value("identity_staff_sign_in_slowed_total", {"by": by}) or 0.0


class TestSlowingDown:
    async def test_the_guesser_waits_longer_and_longer_and_then_the_right_password_works(
        self, client, engine, settings, clock
    ):
        username, here = await new_staff(engine), random_address()
        for _ in range(settings.staff_sign_in_free_failures):
            assert (await sign_in(client, username, "wrong password", here)).status_code == 401
        waits = []
        for _ in range(3):
            refused = await sign_in(client, username, PASSWORD, here)  # not even checked while a delay runs
            assert (refused.status_code, refused.json()["code"]) == (429, "staff_sign_in_slowed")
            assert refused.headers["content-type"] == "application/problem+json"
            assert refused.json()["detail"].startswith("Too many wrong passwords")
            waits.append(int(refused.headers["retry-after"]))
            clock.advance(timedelta(seconds=waits[-1]))
            assert (await sign_in(client, username, "wrong again", here)).status_code == 401
        assert waits == [60, 120, 240]  # doubling
        clock.advance(timedelta(seconds=480))
        assert (await sign_in(client, username, PASSWORD, here)).status_code == 201

    async def test_arabic_by_default(self, client, engine, settings):
        username, here = await new_staff(engine), random_address()
        for _ in range(settings.staff_sign_in_free_failures):
            await sign_in(client, username, "wrong password", here)
        refused = await client.post(
            SIGN_IN, json={"username": username, "password": PASSWORD}, headers={"X-Forwarded-For": here}
        )
        assert refused.json()["title"] == "محاولات دخول خاطئة كثيرة"

    async def test_strangers_guessing_from_many_addresses_never_slow_the_owner_at_a_usual_address(
        self, client, engine, settings, clock
    ):
        username, office = await new_staff(engine), random_address()
        assert (await sign_in(client, username, PASSWORD, office)).status_code == 201  # a usual address now
        for _ in range(settings.staff_sign_in_free_failures_username):  # strangers, each at another address
            assert (await sign_in(client, username, "guess", random_address())).status_code == 401
        for _ in range(4):
            refused = await sign_in(client, username, "guess", random_address())
            assert refused.status_code == 429  # now guessers wait, from wherever they guess
            assert (await sign_in(client, username, "guess", random_address())).status_code == 429
            clock.advance(timedelta(seconds=int(refused.headers["retry-after"])))
            assert (await sign_in(client, username, "guess", random_address())).status_code == 401
        for _ in range(3):
            assert (await sign_in(client, username, PASSWORD, office)).status_code == 201
        travelling = await sign_in(client, username, PASSWORD, random_address())
        assert travelling.status_code == 429  # from a new address, the owner waits the delay too ...
        assert 1 <= int(travelling.headers["retry-after"]) <= settings.staff_sign_in_max_delay_seconds
        clock.advance(timedelta(seconds=int(travelling.headers["retry-after"])))
        assert (await sign_in(client, username, PASSWORD, random_address())).status_code == 201  # ... no longer

    async def test_one_address_spraying_usernames_is_slowed_and_no_other_address(self, client, engine, settings):
        sprayer = random_address()
        for _ in range(settings.staff_sign_in_free_failures_address):
            assert (await sign_in(client, f"nobody{secrets.token_hex(3)}", "guess", sprayer)).status_code == 401
        someone = await new_staff(engine)
        refused = await sign_in(client, someone, "guess", sprayer)
        assert refused.status_code == 429
        assert (await sign_in(client, someone, PASSWORD, random_address())).status_code == 201

    async def test_unknown_usernames_answer_like_real_ones(self, client, engine, settings):
        real, here = await new_staff(engine), random_address()
        ghost = f"ghost{secrets.token_hex(3)}"
        for name in (real, ghost):
            answers = [
                (await sign_in(client, name, "guess", here)).status_code
                for _ in range(settings.staff_sign_in_free_failures + 1)
            ]
            assert answers == [401] * settings.staff_sign_in_free_failures + [429]

    async def test_a_delay_is_logged_and_counted_for_alerting(self, client, engine, settings, caplog):
        username, here = await new_staff(engine), random_address()
        for _ in range(settings.staff_sign_in_free_failures):
            await sign_in(client, username, "wrong password", here)
        before = slowed("username_at_address")
        with caplog.at_level(logging.WARNING, logger="identity.staff.sign_in"):
            assert (await sign_in(client, username, PASSWORD, here)).status_code == 429
        assert slowed("username_at_address") == before + 1
        assert any("staff_sign_in_slowed" in r.getMessage() and username in r.getMessage() for r in caplog.records)


class TestAdministrators:
    async def test_an_admin_clears_a_usernames_record_with_a_reason_and_it_is_audited(self, client, engine, settings):
        username = await new_staff(engine)
        admin = await new_staff(engine, "admin")
        auditor = await new_staff(engine, "auditor")
        tokens = {}
        for name in (admin, auditor):
            tokens[name] = (await sign_in(client, name, PASSWORD, random_address())).json()["access_token"]
        for _ in range(settings.staff_sign_in_free_failures_username + 3):
            await sign_in(client, username, "guess", random_address())
        standing = await client.get(f"/v1/staff/accounts/{username}/sign-in", headers=bearer(tokens[auditor]))
        assert standing.status_code == 200
        assert standing.json()["failures"] == settings.staff_sign_in_free_failures_username
        assert standing.json()["wait_seconds"] >= 1
        assert (await sign_in(client, username, PASSWORD, random_address())).status_code == 429

        path = f"/v1/staff/accounts/{username}/sign-in/unlock"
        body = {"reason": "the clerk called the help desk; guesses came from abroad"}
        refused = await client.post(path, json=body, headers=bearer(tokens[auditor]))
        assert refused.status_code == 403  # auditors see, administrators act
        unlocked = await client.post(path, json=body, headers=bearer(tokens[admin]))
        assert unlocked.status_code == 200, unlocked.text
        assert unlocked.json()["details"] == {"failures_cleared": settings.staff_sign_in_free_failures_username}
        assert (await sign_in(client, username, PASSWORD, random_address())).status_code == 201

        audit = (await client.get("/v1/staff/audit", headers=bearer(tokens[auditor]))).json()["items"]
        entry = next(e for e in audit if e["target_username"] == username)
        assert (entry["action"], entry["actor_username"], entry["reason"]) == (
            "sign_in_unlocked",
            admin,
            body["reason"],
        )

    @pytest.mark.parametrize("path", ["/v1/staff/accounts/nobody-here/sign-in/unlock"])
    async def test_unknown_usernames_are_404(self, client, engine, path):
        admin = await new_staff(engine, "admin")
        token = (await sign_in(client, admin, PASSWORD, random_address())).json()["access_token"]
        answer = await client.post(path, json={"reason": "typo check"}, headers=bearer(token))
        assert (answer.status_code, answer.json()["code"]) == (404, "staff_not_found")
