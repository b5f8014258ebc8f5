"""`python -m gateway.integrators create --name "Bank Misr" --scope events:notary.poa.revoked.v1`
(`--source traffic-authority`: the CloudEvent source of the events it publishes; its client id by default)

Prints the client id and secret once (the secret is stored only as a scrypt hash).
Also: `disable --client-id ...`, `enable --client-id ...`, `rotate-key` (a new token-signing key);
NATS: `nats-credentials --client-id ...` (issue or rotate; the password is shown once),
`nats-revoke --client-id ...`, `nats-config --out FILE` (the nats-server accounts file), and
`nats-hash` (bcrypt of a password read from stdin, for the platform user). Every command but
`nats-hash` is written to the audit trail (`integrator_audit`), with `--actor` or the OS user.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import json
import os
import sys
from datetime import datetime
from pathlib import Path

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from gateway.integrators import audit, nats_access, service
from gateway.integrators.keys import add_key
from gateway.integrators.models import SigningKey
from gateway.settings import load_settings
from kit import db
from kit.clock import utcnow
from kit.sealing import Sealer

PLATFORM_HASH_ENV = "GATEWAY_NATS_PLATFORM_PASSWORD_HASH"
RELOAD_NOTE = "apply with: nats-server --signal reload[=<pid>] (or SIGHUP); nothing restarts"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.integrators")
    parser.add_argument("--actor", default=None, help="who runs this, for the audit trail (default: cli:<os user>)")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="a new integrator; prints its secret once")
    create.add_argument("--name", required=True)
    create.add_argument("--source", default=None, help="the CloudEvent source of its events (default: its client id)")
    create.add_argument("--scope", action="append", default=[], help="repeat: events:<type>, publish:<type>, ...")
    for name in ("disable", "enable", "nats-revoke"):
        commands.add_parser(name).add_argument("--client-id", required=True)
    commands.add_parser("rotate-key", help="sign new tokens with a new key (old ones verify until they expire)")
    creds = commands.add_parser("nats-credentials", help="issue or rotate an integrator's NATS password (shown once)")
    creds.add_argument("--client-id", required=True)
    config = commands.add_parser("nats-config", help="write the nats-server accounts file from the database")
    config.add_argument("--out", required=True, type=Path)
    config.add_argument("--platform-user", default="shubbak", help="the services' NATS user (account SHUBBAK)")
    config.add_argument("--platform-password-hash-file", type=Path, help=f"bcrypt hash; else ${PLATFORM_HASH_ENV}")
    config.add_argument(
        "--dev-anonymous-platform",
        action="store_true",
        help="development only: clients without credentials are the platform user (no_auth_user)",
    )
    commands.add_parser("nats-hash", help="bcrypt hash of a password read from stdin (for the platform user)")
    args = parser.parse_args(argv)
    try:
        if args.command == "nats-hash":
            out: dict[str, object] = {"bcrypt": nats_access.hash_password(sys.stdin.readline().strip())}
        else:
            out = asyncio.run(_run(args, args.actor or audit.cli_actor()))
    except (ValueError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


async def _run(args: argparse.Namespace, actor: str) -> dict[str, object]:
    settings = load_settings()
    engine = db.create_engine(settings.database_url, pool_size=1, application_name="gateway-integrators")
    try:
        async with db.transaction(db.sessionmaker(engine)) as session:
            now = utcnow()  # a command-line tool: the system's clock
            if args.command == "create":
                created = await service.create(session, name=args.name, scopes=args.scope, source=args.source, now=now)
                integrator = created.integrator
                await audit.record(
                    session,
                    actor=actor,
                    at=now,
                    action="integrator.created",
                    integrator_id=integrator.id,
                    detail={
                        "client_id": integrator.client_id,
                        "name": integrator.name,
                        "source": integrator.source,
                        "scopes": integrator.scopes,
                    },
                )
                return {
                    "id": str(integrator.id),
                    "name": integrator.name,
                    "client_id": integrator.client_id,
                    "client_secret": created.client_secret,
                    "source": integrator.source,
                    "scopes": integrator.scopes,
                    "note": "the secret is shown only now; keep it in a vault",
                }
            if args.command == "rotate-key":
                await session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now))
                kid = await add_key(session, Sealer(settings.secrets_key.get_secret_value()), now=now)
                await audit.record(session, actor=actor, at=now, action="signing_key.rotated", detail={"kid": kid})
                return {"kid": kid}
            if args.command.startswith("nats-"):
                return await _nats(session, args, actor, now)
            status = "disabled" if args.command == "disable" else "active"
            integrator = await service.set_status(session, client_id=args.client_id, status=status, now=now)
            await audit.record(
                session,
                actor=actor,
                at=now,
                action="integrator.disabled" if status == "disabled" else "integrator.enabled",
                integrator_id=integrator.id,
                detail={"client_id": integrator.client_id},
            )
            return {"client_id": integrator.client_id, "status": integrator.status}
    finally:
        await engine.dispose()


async def _nats(session: AsyncSession, args: argparse.Namespace, actor: str, now: datetime) -> dict[str, object]:
    if args.command == "nats-credentials":
        issued = await nats_access.issue_credentials(session, client_id=args.client_id, now=now)
        subjects, withheld = nats_access.split_scopes(issued.integrator.scopes)
        action = "nats.credentials_rotated" if issued.rotated else "nats.credentials_issued"
        detail = {"client_id": issued.integrator.client_id, "user": issued.username, "subjects": subjects}
        await audit.record(
            session, actor=actor, at=now, action=action, integrator_id=issued.integrator.id, detail=detail
        )
        return {
            "account": nats_access.account_name(issued.integrator.client_id),
            "user": issued.username,
            "password": issued.password,
            "subjects": subjects,
            "withheld_private_subjects": withheld,
            "note": "the password is shown only now; regenerate the accounts file (nats-config) and reload",
        }
    if args.command == "nats-revoke":
        integrator = await nats_access.revoke_credentials(session, client_id=args.client_id)
        await audit.record(
            session,
            actor=actor,
            at=now,
            action="nats.credentials_revoked",
            integrator_id=integrator.id,
            detail={"client_id": integrator.client_id},
        )
        return {"client_id": integrator.client_id, "note": "regenerate the accounts file (nats-config) and reload"}
    platform_hash = None
    if args.platform_password_hash_file is not None:
        platform_hash = args.platform_password_hash_file.read_text("utf-8").strip()
    elif not args.dev_anonymous_platform:
        platform_hash = os.environ.get(PLATFORM_HASH_ENV) or None
    if platform_hash is None and not args.dev_anonymous_platform:
        raise ValueError(f"give --platform-password-hash-file or ${PLATFORM_HASH_ENV} (or --dev-anonymous-platform)")
    plan = await nats_access.plan(session)
    text = nats_access.render(
        plan,
        platform_user=args.platform_user,
        platform_password_hash=platform_hash,
        anonymous_platform=args.dev_anonymous_platform,
    )
    nats_access.write_atomically(args.out, text)
    summary = plan.summary()
    digest = hashlib.sha256(text.encode()).hexdigest()
    written: dict[str, object] = {"file": str(args.out.resolve()), "sha256": digest, **summary}
    await audit.record(session, actor=actor, at=now, action="nats.config_written", detail=written)
    return {"out": str(args.out), **summary, "note": RELOAD_NOTE}


if __name__ == "__main__":
    sys.exit(main())
