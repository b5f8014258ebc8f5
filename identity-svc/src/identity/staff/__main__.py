"""Staff accounts from the command line.

    python -m identity.staff create --username amal --name "أمل حسن" --role office_clerk \
        --office PS-01 --governorate 03          # asks for the password (or IDENTITY_STAFF_PASSWORD)
    python -m identity.staff rotate-signing-key
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from datetime import timedelta

from identity.models import load_all
from identity.sessions.keys import KeyRing
from identity.settings import Settings
from identity.staff import service
from kit import db
from kit.clock import utcnow
from kit.errors import ProblemError


async def _create(args: argparse.Namespace, settings: Settings) -> None:
    password = os.environ.get("IDENTITY_STAFF_PASSWORD") or getpass.getpass("password: ")
    engine = db.create_engine(settings.database_url, pool_size=1)
    try:
        async with db.transaction(db.sessionmaker(engine)) as session:
            member = await service.create(
                session, username=args.username, full_name=args.name, password=password, roles=args.role,
                office_id=args.office, governorate=args.governorate, now=utcnow(),
            )  # fmt: skip
            print(f"created staff {member.username} ({', '.join(member.roles)}) id={member.id}")
    finally:
        await engine.dispose()


async def _rotate(settings: Settings) -> None:
    engine = db.create_engine(settings.database_url, pool_size=1)
    try:
        ring = KeyRing(
            db.sessionmaker(engine),
            secret=settings.key_encryption_secret.get_secret_value(),
            publish_after_retire=timedelta(seconds=settings.staff_token_seconds + 60),
        )
        print(f"new signing key {await ring.rotate()}")
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    load_all()
    parser = argparse.ArgumentParser(prog="python -m identity.staff")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="create a staff account")
    create.add_argument("--username", required=True)
    create.add_argument("--name", required=True, help="full name")
    create.add_argument("--role", action="append", required=True, help="repeatable")
    create.add_argument("--office")
    create.add_argument("--governorate")
    commands.add_parser("rotate-signing-key", help="start signing with a new key")
    args = parser.parse_args(argv)
    settings = Settings()
    try:
        asyncio.run(_create(args, settings) if args.command == "create" else _rotate(settings))
    except ProblemError as exc:
        sys.exit(f"refused: {exc.code} {exc.params or ''}")


if __name__ == "__main__":
    main()
