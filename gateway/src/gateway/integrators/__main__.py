"""`python -m gateway.integrators create --name "Bank Misr" --scope events:notary.poa.revoked.v1`

Prints the client id and secret once (the secret is stored only as a scrypt hash).
Also: `disable --client-id ...`, `enable --client-id ...`, `rotate-key` (a new token-signing key).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from datetime import UTC, datetime

from sqlalchemy import update

from gateway.integrators import service
from gateway.integrators.keys import add_key
from gateway.integrators.models import SigningKey
from gateway.settings import load_settings
from kit import db


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m gateway.integrators")
    commands = parser.add_subparsers(dest="command", required=True)
    create = commands.add_parser("create", help="a new integrator; prints its secret once")
    create.add_argument("--name", required=True)
    create.add_argument("--scope", action="append", default=[], help="repeat: events:<type>, publish:<type>, ...")
    for name in ("disable", "enable"):
        commands.add_parser(name).add_argument("--client-id", required=True)
    commands.add_parser("rotate-key", help="sign new tokens with a new key (old ones verify until they expire)")
    args = parser.parse_args(argv)
    try:
        out = asyncio.run(_run(args))
    except (ValueError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(json.dumps(out, ensure_ascii=False, indent=2))
    return 0


async def _run(args: argparse.Namespace) -> dict[str, object]:
    settings = load_settings()
    engine = db.create_engine(settings.database_url, pool_size=1, application_name="gateway-integrators")
    try:
        async with db.transaction(db.sessionmaker(engine)) as session:
            if args.command == "create":
                created = await service.create(session, name=args.name, scopes=args.scope)
                return {
                    "id": str(created.integrator.id),
                    "name": created.integrator.name,
                    "client_id": created.integrator.client_id,
                    "client_secret": created.client_secret,
                    "scopes": created.integrator.scopes,
                    "note": "the secret is shown only now; keep it in a vault",
                }
            if args.command == "rotate-key":
                now = datetime.now(UTC)
                await session.execute(update(SigningKey).where(SigningKey.retired_at.is_(None)).values(retired_at=now))
                return {"kid": await add_key(session)}
            status = "disabled" if args.command == "disable" else "active"
            integrator = await service.set_status(session, client_id=args.client_id, status=status)
            return {"client_id": integrator.client_id, "status": integrator.status}
    finally:
        await engine.dispose()


if __name__ == "__main__":
    sys.exit(main())
