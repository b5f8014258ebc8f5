"""Direct NATS access for integrators: one NATS account per integrator, importing exactly the
public event subjects its `events:` scopes name, and the nats-server accounts file built from
the database.

Config-file accounts (not operator/JWT mode): nats-server reads them from a file we generate,
`nats-server --signal reload` applies a change without a restart, and a test can run it as is.
Passwords are random, shown once, and kept only as bcrypt hashes, which nats-server checks
itself. See gateway/README.md ("Direct NATS access for integrators").
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import bcrypt
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from contracts import registry
from contracts.audience import shared_with_integrators
from contracts.errors import UnknownEvent
from gateway.integrators.models import Integrator, NatsUser
from gateway.integrators.repository import IntegratorRepository
from gateway.integrators.service import RECEIVE

PLATFORM_ACCOUNT = "SHUBBAK"
BCRYPT_COST = 11  # nats-server's own `passwd` tool uses 11; ~0.1 s per connect


def is_public(subject: str) -> bool:
    """Shared with integrators at all (`contracts.audience`): only such subjects are exported."""
    return shared_with_integrators(subject)


def account_name(client_id: str) -> str:
    """`int_0a1b...` → `INT_0A1B...` (one NATS account per integrator)."""
    return client_id.upper()


# -- credentials -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Issued:
    integrator: Integrator
    username: str
    password: str  # shown once, never stored
    rotated: bool


async def issue_credentials(session: AsyncSession, *, client_id: str, now: datetime) -> Issued:
    """A new NATS password for the integrator (the old one stops working at the next reload)."""
    integrator = await _integrator(session, client_id)
    if integrator.status != "active":
        raise ValueError(f"{client_id} is disabled")
    exported, _ = split_scopes(integrator.scopes)
    if not exported:
        raise ValueError(f"{client_id} has no events:<type> scope for a public event: nothing to receive over NATS")
    password = secrets.token_urlsafe(32)
    digest = await asyncio.to_thread(_bcrypt, password)
    user = await session.get(NatsUser, integrator.id)
    if user is None:
        user = NatsUser(integrator_id=integrator.id, username=client_id, created_at=now)
        session.add(user)
    user.password_hash, user.rotated_at = digest, now
    await session.flush()
    return Issued(integrator, user.username, password, rotated=user.created_at != now)


async def revoke_credentials(session: AsyncSession, *, client_id: str) -> Integrator:
    """No more NATS access (the account leaves the file at the next `nats-config`)."""
    integrator = await _integrator(session, client_id)
    user = await session.get(NatsUser, integrator.id)
    if user is None:
        raise LookupError(f"{client_id} has no NATS credentials")
    await session.delete(user)
    await session.flush()
    return integrator


def _bcrypt(password: str) -> str:
    return bcrypt.hashpw(password.encode(), bcrypt.gensalt(BCRYPT_COST)).decode()


def hash_password(password: str) -> str:
    """A bcrypt hash for nats-server (e.g. the platform user's, kept in the deployment's secrets)."""
    if len(password) < 16:
        raise ValueError("use a random password of at least 16 characters")
    return _bcrypt(password)


async def _integrator(session: AsyncSession, client_id: str) -> Integrator:
    integrator = await IntegratorRepository(session).by_client_id(client_id)
    if integrator is None:
        raise LookupError(client_id)
    return integrator


def split_scopes(scopes: list[str]) -> tuple[list[str], list[str]]:
    """(public event subjects to import, scoped subjects that are private or unknown: never exported)."""
    public: list[str] = []
    refused: list[str] = []
    for scope in scopes:
        if not scope.startswith(RECEIVE):
            continue
        subject = scope.removeprefix(RECEIVE)
        try:
            registry.event_class(subject)
        except UnknownEvent:
            refused.append(subject)
            continue
        (public if is_public(subject) else refused).append(subject)
    return sorted(set(public)), sorted(set(refused))


# -- the accounts file -------------------------------------------------------------------------


@dataclass(frozen=True)
class Account:
    name: str
    client_id: str
    username: str
    password_hash: str
    subjects: tuple[str, ...]


@dataclass
class Plan:
    accounts: list[Account] = field(default_factory=list)
    withheld: dict[str, list[str]] = field(default_factory=dict)  # client id → private subjects scoped

    def summary(self) -> dict[str, object]:
        return {
            "accounts": [{"account": a.name, "user": a.username, "subjects": list(a.subjects)} for a in self.accounts],
            "withheld_private_subjects": self.withheld,
        }


async def plan(session: AsyncSession) -> Plan:
    """Every active integrator with NATS credentials and at least one public subject in scope."""
    rows = await session.execute(
        select(Integrator, NatsUser)
        .join(NatsUser, NatsUser.integrator_id == Integrator.id)
        .where(Integrator.status == "active")
        .order_by(Integrator.client_id)
    )
    result = Plan()
    for integrator, user in rows.tuples():
        public, refused = split_scopes(integrator.scopes)
        if refused:
            result.withheld[integrator.client_id] = refused
        if public:
            name = account_name(integrator.client_id)
            account = Account(name, integrator.client_id, user.username, user.password_hash, tuple(public))
            result.accounts.append(account)
    return result


@dataclass(frozen=True)
class Limits:
    """JetStream in each integrator's account, so it can keep a stream over its subjects."""

    max_file_bytes: int = 1 << 30
    max_streams: int = 2
    max_consumers: int = 16


def render(
    plan: Plan,
    *,
    platform_user: str,
    platform_password_hash: str | None,
    anonymous_platform: bool = False,
    limits: Limits = Limits(),
) -> str:
    """The nats-server config fragment (`accounts` and, in development, `no_auth_user`).

    The platform account keeps JetStream and its services' user, and exports each public subject
    that some integrator imports, to exactly those integrators' accounts. An integrator's user may
    subscribe to its imported subjects and its inbox, and publish only JetStream API calls and
    acks in its own account (its own stream and consumers).
    """
    if anonymous_platform == (platform_password_hash is not None):
        raise ValueError("give the platform user's bcrypt hash, or choose anonymous_platform (development only)")
    if platform_password_hash is not None and not platform_password_hash.startswith(("$2a$", "$2b$", "$2y$")):
        raise ValueError("the platform password must be a bcrypt hash (python -m gateway.integrators nats-hash)")
    importers: dict[str, list[str]] = {}
    for account in plan.accounts:
        for subject in account.subjects:
            importers.setdefault(subject, []).append(account.name)
    platform: dict[str, object] = {
        "jetstream": "enabled",
        "users": [
            {"user": platform_user}
            if platform_password_hash is None
            else {"user": platform_user, "password": platform_password_hash}
        ],
        "exports": [{"stream": subject, "accounts": names} for subject, names in sorted(importers.items())],
    }
    accounts: dict[str, object] = {PLATFORM_ACCOUNT: platform}
    for account in plan.accounts:
        accounts[account.name] = {
            "jetstream": {
                "max_mem": 0,
                "max_file": limits.max_file_bytes,
                "max_streams": limits.max_streams,
                "max_consumers": limits.max_consumers,
            },
            "users": [
                {
                    "user": account.username,
                    "password": account.password_hash,
                    "permissions": {
                        "publish": {"allow": ["$JS.API.>", "$JS.ACK.>", "$JS.FC.>"]},
                        "subscribe": {"allow": [*account.subjects, "_INBOX.>"]},
                    },
                }
            ],
            "imports": [{"stream": {"account": PLATFORM_ACCOUNT, "subject": subject}} for subject in account.subjects],
        }
    lines = [
        "# Generated by `python -m gateway.integrators nats-config` from the gateway's database.",
        "# Do not edit: regenerate, then `nats-server --signal reload` (SIGHUP) applies it.",
        f"# {len(plan.accounts)} integrator account(s).",
        f"accounts: {json.dumps(accounts, indent=2)}",
    ]
    if anonymous_platform:
        lines.append("# Development only: a client without credentials is the platform's services' user.")
        lines.append(f"no_auth_user: {json.dumps(platform_user)}")
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` in one step, so a reload never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        os.chmod(tmp, 0o640)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
