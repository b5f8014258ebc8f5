"""Direct NATS access for integrators, on a real nats-server started with the accounts file the
CLI generates from a real database: a bank receives exactly its scoped public events, anything
else is a permissions violation, nothing private is exported, credentials rotate with a reload,
and the example subscriber in contracts/ replays and resumes through its own JetStream stream."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import sys
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import bcrypt
import nats
import pytest
from sqlalchemy import select, update

from contracts import Envelope
from contracts.examples import example
from devstack.nats import NatsProcess
from devstack.ports import free_port
from devstack.postgres import PostgresProcess
from gateway.integrators import nats_access
from gateway.integrators.models import AuditEntry, Integrator, NatsUser
from kit import db
from kit.migrations import upgrade_async
from kit.testing import eventually

ONE_UPSTREAM_CLIENT = True  # the integrators' machinery: no upstream on its path (conftest)
GATEWAY_DIR = Path(__file__).resolve().parents[1]
SUBSCRIBER = GATEWAY_DIR.parent / "contracts" / "examples" / "nats_subscriber.py"
REVOKED, DRAFTED, ISSUED = "notary.poa.revoked.v1", "notary.poa.drafted.v1", "notary.poa.issued.v1"
ENROLLED, TRANSFERRED = "identity.citizen.enrolled.v1", "traffic.vehicle.transferred.v1"


async def cli(database_url: str, *args: str, stdin: str | None = None, **env: str) -> dict[str, Any]:
    """The operators' CLI, in its own process, as ops would run it."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "gateway.integrators", *args,
        env={**os.environ, "GATEWAY_DATABASE_URL": database_url, **env},
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await process.communicate(stdin.encode() if stdin else None)
    assert process.returncode == 0, err.decode()
    return json.loads(out)


async def create(database_url: str, name: str, *scopes: str) -> dict[str, Any]:
    return await cli(database_url, "create", "--name", name, *[a for s in scopes for a in ("--scope", s)])


@dataclass
class World:
    database_url: str
    server: NatsProcess
    conf: Path
    platform_password: str
    bank: dict[str, Any]
    bank_nats: dict[str, Any]
    registry: dict[str, Any]
    gone: dict[str, Any]
    gone_nats: dict[str, Any]
    police: dict[str, Any]
    police_nats: dict[str, Any]
    written: dict[str, Any]
    errors: list[str] = field(default_factory=list)

    @property
    def url(self) -> str:
        return self.server.url

    async def platform(self) -> nats.NATS:
        return await nats.connect(self.url, user="shubbak", password=self.platform_password)

    async def connect(self, user: str, password: str) -> nats.NATS:
        async def collect(exc: Exception) -> None:
            self.errors.append(str(exc))

        return await nats.connect(self.url, user=user, password=password, error_cb=collect, allow_reconnect=False)

    async def write_config(self) -> dict[str, Any]:
        hash_file = self.conf.parent / "platform.bcrypt"
        return await cli(
            self.database_url, "nats-config", "--out", str(self.conf), "--platform-password-hash-file", str(hash_file)
        )


@pytest.fixture(scope="module")
async def world(pg_server: PostgresProcess, tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[World]:
    name = f"gateway_{secrets.token_hex(6)}"
    pg_server.create_database(name)
    url = pg_server.dsn(name, driver="postgresql+asyncpg")
    await upgrade_async(GATEWAY_DIR, url)
    bank, registry, gone, police = await asyncio.gather(
        create(url, "Bank Misr", f"events:{REVOKED}", "publish:traffic.vehicle.registered.v1"),
        create(url, "Real-estate registry", f"events:{ISSUED}"),  # webhooks only: no NATS user
        create(url, "Closed bank", f"events:{REVOKED}"),
        create(url, "Traffic police", f"events:{TRANSFERRED}", f"events:{ISSUED}"),
    )
    bank["scopes"] = [*bank["scopes"], f"events:{ENROLLED}"]
    await grant_from_before(url, bank["client_id"], bank["scopes"])
    bank_nats, gone_nats, police_nats = await asyncio.gather(
        *(cli(url, "nats-credentials", "--client-id", i["client_id"]) for i in (bank, gone, police))
    )
    await cli(url, "disable", "--client-id", gone["client_id"])
    platform_password = secrets.token_urlsafe(24)
    root = tmp_path_factory.mktemp("nats-access")
    (root / "platform.bcrypt").write_text((await cli(url, "nats-hash", stdin=platform_password + "\n"))["bcrypt"])
    conf = root / "accounts.conf"
    server = NatsProcess(
        root / "nats", port=free_port(), include=conf, probe_user="shubbak", probe_password=platform_password
    )
    world = World(
        url, server, conf, platform_password, bank, bank_nats, registry, gone, gone_nats, police, police_nats, {}
    )
    world.written = await world.write_config()
    server.start()
    platform = await world.platform()
    for stream, subjects in (("NOTARY", ["notary.>"]), ("IDENTITY", ["identity.>"]), ("TRAFFIC", ["traffic.>"])):
        await platform.jetstream().add_stream(name=stream, subjects=subjects)
    await platform.close()
    try:
        yield world
    finally:
        server.stop()
        pg_server.drop_database(name)


async def grant_from_before(url: str, client_id: str, scopes: list[str]) -> None:
    """A scope granted before its event type was classed internal (the CLI refuses it now):
    the accounts file must still withhold it."""
    engine = db.create_engine(url, pool_size=1)
    try:
        async with engine.begin() as conn:
            await conn.execute(update(Integrator).where(Integrator.client_id == client_id).values(scopes=scopes))
    finally:
        await engine.dispose()


async def publish(nc: nats.NATS, subject: str, *, envelope: Envelope | None = None, msg_id: bool = True) -> Envelope:
    """As a service's relay would (Nats-Msg-Id = the event id), unless `msg_id` is False."""
    envelope = envelope or Envelope.wrap(example(subject), source="test")
    headers = {"Nats-Msg-Id": str(envelope.id)} if msg_id else None
    await nc.publish(subject, envelope.to_bytes(), headers=headers)
    await nc.flush()
    return envelope


class TestAccountsFile:
    async def test_only_scoped_public_subjects_are_exported_and_no_password_is_written(self, world: World) -> None:
        text = world.conf.read_text()
        accounts = {a["user"]: (a["account"], a["subjects"]) for a in world.written["accounts"]}
        assert accounts == {
            world.bank["client_id"]: (nats_access.account_name(world.bank["client_id"]), [REVOKED]),
            world.police["client_id"]: (nats_access.account_name(world.police["client_id"]), [ISSUED, TRANSFERRED]),
        }
        assert world.written["withheld_private_subjects"] == {world.bank["client_id"]: [ENROLLED]}
        assert ENROLLED not in text
        assert "identity." not in text
        assert DRAFTED not in text
        assert world.gone["client_id"] not in text  # disabled
        assert world.registry["client_id"] not in text  # no NATS credentials
        for password in (world.bank_nats["password"], world.police_nats["password"], world.platform_password):
            assert password not in text
        assert "no_auth_user" not in text

    async def test_the_database_keeps_a_bcrypt_hash_and_an_audit_trail(self, world: World) -> None:
        engine = db.create_engine(world.database_url, pool_size=1)
        try:
            async with db.sessionmaker(engine)() as session:
                user = await session.get(NatsUser, uuid.UUID(world.bank["id"]))
                actions = list(await session.scalars(select(AuditEntry.action).order_by(AuditEntry.at)))
                details = list(await session.scalars(select(AuditEntry.detail)))
        finally:
            await engine.dispose()
        assert user is not None
        assert user.username == world.bank["client_id"]
        assert user.password_hash.startswith("$2b$")
        assert bcrypt.checkpw(world.bank_nats["password"].encode(), user.password_hash.encode())
        assert world.bank_nats["password"] not in json.dumps(details)
        for action in ("integrator.created", "nats.credentials_issued", "integrator.disabled", "nats.config_written"):
            assert action in actions

    def test_private_events_are_never_public_and_new_ones_are_private_by_default(self) -> None:
        assert nats_access.is_public(REVOKED)
        assert nats_access.is_public("civil.death.registered.v1")
        for subject in (ENROLLED, "identity.citizen.mobile_changed.v1", DRAFTED, "payment.intent.succeeded.v1"):
            assert not nats_access.is_public(subject)
        assert not nats_access.is_public("notary.poa.teleported.v1")

    def test_development_mode_lets_anonymous_clients_be_the_platform(self) -> None:
        text = nats_access.render(nats_access.Plan(), platform_user="shubbak", platform_password_hash=None,
                                  anonymous_platform=True)  # fmt: skip
        assert 'no_auth_user: "shubbak"' in text
        with pytest.raises(ValueError, match="bcrypt"):
            nats_access.render(nats_access.Plan(), platform_user="shubbak", platform_password_hash="plaintext")
        with pytest.raises(ValueError, match="bcrypt hash, or"):
            nats_access.render(nats_access.Plan(), platform_user="shubbak", platform_password_hash=None)


class TestPermissions:
    async def test_the_bank_receives_revoked_and_cannot_subscribe_outside_its_scopes(self, world: World) -> None:
        bank = await world.connect(world.bank["client_id"], world.bank_nats["password"])
        platform = await world.platform()
        try:
            revoked = await bank.subscribe(REVOKED)
            drafted = await bank.subscribe(DRAFTED)
            private = await bank.subscribe("identity.>")
            everything = await bank.subscribe(">")
            await bank.flush()
            refused = "permissions violation for subscription"
            await eventually(lambda: _async(sum(refused in e for e in world.errors) >= 3), "three refusals")
            # From one connection, in order: had the refused subscriptions been accepted, the
            # drafted and identity events would arrive before the revoked one.
            await publish(platform, DRAFTED)
            await publish(platform, ENROLLED)
            sent = await publish(platform, REVOKED)
            got = Envelope.from_bytes((await revoked.next_msg(timeout=10)).data)
            assert got.id == sent.id
            assert type(got.event()).__name__ == "PoaRevoked"
            await bank.flush()
            assert drafted.pending_msgs == private.pending_msgs == everything.pending_msgs == 0
            for subject in (DRAFTED, "identity.>", ">"):
                assert any(f'subscription to "{subject}"' in e for e in world.errors), world.errors
        finally:
            await bank.close()
            await platform.close()

    async def test_publishing_on_a_platform_subject_is_refused(self, world: World) -> None:
        bank = await world.connect(world.bank["client_id"], world.bank_nats["password"])
        platform = await world.platform()
        try:
            before = (await platform.jetstream().stream_info("NOTARY")).state.messages
            await publish(bank, REVOKED)
            await eventually(lambda: _async(any('publish to "notary.poa.revoked.v1"' in e for e in world.errors)),
                             "a publish violation")  # fmt: skip
            assert (await platform.jetstream().stream_info("NOTARY")).state.messages == before
        finally:
            await bank.close()
            await platform.close()

    async def test_wrong_password_disabled_integrator_and_anonymous_are_refused(self, world: World) -> None:
        for user, password in (
            (world.bank["client_id"], "not-the-password"),
            (world.gone["client_id"], world.gone_nats["password"]),  # disabled: not in the file
            (world.registry["client_id"], "anything"),  # never issued NATS credentials
            (None, None),  # no anonymous client in production mode
        ):
            with pytest.raises(nats.errors.Error, match="Authorization Violation"):
                await nats.connect(world.url, user=user, password=password, allow_reconnect=False,
                                   max_reconnect_attempts=0, error_cb=_quiet)  # fmt: skip


class TestExampleSubscriber:
    async def test_replays_dedups_and_resumes_through_its_own_stream(self, world: World) -> None:
        platform = await world.platform()
        env = {**os.environ, "SHUBBAK_NATS_PASSWORD": world.bank_nats["password"]}
        args = ["--url", world.url, "--user", world.bank["client_id"], "--event-type", REVOKED]
        try:
            first = await _subscriber(env, *args, "--max-events", "2")
            await _listening(first)
            a = await publish(platform, REVOKED, msg_id=False)
            await publish(platform, REVOKED, envelope=a, msg_id=False)  # redelivered: same event id
            b = await publish(platform, REVOKED)
            out, err = await asyncio.wait_for(first.communicate(), 30)
            assert first.returncode == 0, err.decode()
            lines = [json.loads(line) for line in out.decode().splitlines()]
            assert [line["id"] for line in lines] == [str(a.id), str(b.id)]
            assert {line["model"] for line in lines} == {"PoaRevoked"}
            assert "duplicate" in err.decode()
            # While it is down, the bank's own stream keeps what arrives; a restart resumes there.
            c = await publish(platform, REVOKED)
            second = await _subscriber(env, *args, "--max-events", "1")
            out, err = await asyncio.wait_for(second.communicate(), 30)
            assert second.returncode == 0, err.decode()
            assert [json.loads(line)["id"] for line in out.decode().splitlines()] == [str(c.id)]
        finally:
            await platform.close()


class TestRotation:
    async def test_a_rotated_password_works_after_a_reload_and_the_old_one_does_not(self, world: World) -> None:
        client_id, old = world.police["client_id"], world.police_nats["password"]
        before = await world.connect(client_id, old)  # works before the rotation, and stays open
        rotated = await cli(world.database_url, "nats-credentials", "--client-id", client_id)
        assert rotated["password"] != old
        assert rotated["subjects"] == [ISSUED, TRANSFERRED]
        await world.write_config()
        world.server.reload()

        async def new_works() -> bool:
            try:
                nc = await world.connect(client_id, rotated["password"])
            except (nats.errors.Error, OSError, TimeoutError):  # mid-reload the server may reset a connect
                return False
            await nc.close()
            return True

        await eventually(new_works, "the rotated password to be accepted")
        await eventually(lambda: _async(before.is_closed), "the server to drop the old password's connection")
        with pytest.raises(nats.errors.Error, match="Authorization Violation"):
            await nats.connect(world.url, user=client_id, password=old, allow_reconnect=False,
                               max_reconnect_attempts=0, error_cb=_quiet)  # fmt: skip


async def _quiet(exc: Exception) -> None:
    return None


async def _async(value: bool) -> bool:
    return value


async def _subscriber(env: dict[str, str], *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, str(SUBSCRIBER), *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip


async def _listening(process: asyncio.subprocess.Process) -> None:
    """Wait until the subscriber has its stream and consumer (what is published after is kept)."""
    assert process.stderr is not None
    while True:
        line = await asyncio.wait_for(process.stderr.readline(), 30)
        assert line, "the subscriber exited before listening"
        if line.startswith(b"listening on"):
            return
