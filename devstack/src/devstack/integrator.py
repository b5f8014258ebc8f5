"""A demo integrator for development: the traffic authority, which signs the facts it publishes
with a key pair of its own and posts them to the gateway's `POST /v1/events`, as a ministry would.

`make run` sets it up (development only; production creates no integrator and no key): the
account by the operators' command (`python -m gateway.integrators create`), then, as the ministry,
a key pair kept under `.data/integrators/traffic-authority.json` (readable by its owner only),
whose public half it registers with `POST /v1/event-keys`. The platform never sees the private
key. Then, while the platform runs:

    .venv/bin/python -m devstack.integrator publish traffic.vehicle.registered.v1 \\
        --set owner_national_id=29001010300017 --set model_year=2025

builds the event (the type's example, with your fields), signs it (`contracts.signing`: Ed25519
over the RFC 8785 canonical CloudEvent, as the `signaturekid` and `signature` attributes) and
publishes it; it prints the signed event and the gateway's answer. `show` prints the account.
"""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from devstack.paths import data_root

NAME = "Traffic authority (development)"
SOURCE = "traffic-authority"
SCOPES = ("publish:traffic.vehicle.registered.v1", "publish:traffic.vehicle.transferred.v1")
FILE = "integrators/traffic-authority.json"
TIMEOUT_SECONDS = 30


@dataclass
class Demo:
    """What the ministry keeps: its client credentials and its private signing key (as a seed)."""

    gateway: str
    client_id: str
    client_secret: str
    source: str
    kid: str
    seed: str

    @classmethod
    def load(cls, data: Path) -> Demo | None:
        path = data / FILE
        return cls(**json.loads(path.read_text("utf-8"))) if path.is_file() else None

    def save(self, data: Path) -> Path:
        path = data / FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(mode=0o600, exist_ok=True)
        path.chmod(0o600)
        path.write_text(json.dumps(asdict(self), indent=2) + "\n", "utf-8")
        return path

    def key(self) -> Any:
        from contracts.signing import SigningKey

        return SigningKey.from_seed(self.kid, self.source, base64.urlsafe_b64decode(self.seed + "=" * 3))


def _call(
    method: str, url: str, *, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, Any]:
    request = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as failed:
        return failed.code, json.loads(failed.read() or b"null")


def token(demo: Demo) -> str | None:
    form = urllib.parse.urlencode(
        {"grant_type": "client_credentials", "client_id": demo.client_id, "client_secret": demo.client_secret}
    ).encode()
    status, answer = _call(
        "POST",
        f"{demo.gateway}/v1/oauth/token",
        body=form,
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    return str(answer["access_token"]) if status == 200 else None


def _create_account(source: str) -> dict[str, Any]:
    """The operators' command, with the gateway's environment (its database)."""
    command = [sys.executable, "-m", "gateway.integrators", "--actor", "devstack", "create", "--name", NAME]
    command += ["--source", source, *(arg for scope in SCOPES for arg in ("--scope", scope))]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(done.stderr.strip())
    found: dict[str, Any] = json.loads(done.stdout)
    return found


def setup(data: Path, gateway: str) -> Demo:
    """The demo integrator, its key registered: the one kept under `data` if the gateway still
    knows it, else a new account and key pair."""
    demo = Demo.load(data)
    if demo is not None:
        demo.gateway = gateway
        bearer = token(demo)
        if bearer is not None and _registered(demo, bearer):
            demo.save(data)
            return demo
    try:
        account = _create_account(SOURCE)
    except RuntimeError:  # the gateway's database keeps an account of this source whose secret is lost
        account = _create_account(f"{SOURCE}-{secrets.token_hex(3)}")
    from contracts.signing import SigningKey

    key = SigningKey.generate(f"{account['source']}-{secrets.token_hex(4)}", account["source"])
    seed = base64.urlsafe_b64encode(key.seed()).rstrip(b"=").decode()
    demo = Demo(gateway, account["client_id"], account["client_secret"], account["source"], key.kid, seed)
    bearer = token(demo)
    if bearer is None:
        raise RuntimeError("the new demo integrator could not get a token")
    jwk = {name: value for name, value in key.public().jwk().items() if name not in ("producer", "types", "revoked")}
    status, answer = _call(
        "POST",
        f"{gateway}/v1/event-keys",
        body=json.dumps({"jwk": jwk}).encode(),
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/json"},
    )
    if status != 201:
        raise RuntimeError(f"registering the demo integrator's key failed: {status} {answer}")
    demo.save(data)
    return demo


def _registered(demo: Demo, bearer: str) -> bool:
    status, answer = _call(
        "GET", f"{demo.gateway}/v1/event-keys/{demo.kid}", headers={"Authorization": f"Bearer {bearer}"}
    )
    return status == 200 and answer.get("status") == "active"


def build(event_type: str, fields: dict[str, Any], *, source: str, gateway: str) -> dict[str, Any]:
    """The CloudEvent of `event_type` (its example, with `fields`; a fresh id for what it is about)."""
    from contracts import Envelope, registry
    from contracts.examples import example

    cls = registry.event_class(event_type)
    base = example(event_type).model_dump(mode="json")
    if cls.aggregate not in fields and _is_uuid(base.get(cls.aggregate)):
        base[cls.aggregate] = str(uuid.uuid4())
    event = cls.model_validate({**base, **fields})
    found: dict[str, Any] = json.loads(Envelope.wrap(event, source=source, public_url=gateway).to_bytes())
    return found


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def publish(data: Path, event_type: str, fields: dict[str, Any]) -> tuple[int, Any, dict[str, Any]]:
    """Sign and publish one event as the demo integrator: (status, the gateway's answer, the event)."""
    demo = Demo.load(data)
    if demo is None:
        raise RuntimeError(f"no demo integrator under {data / FILE}: start the platform with `make run` first")
    bearer = token(demo)
    if bearer is None:
        raise RuntimeError("the demo integrator could not get a token (is the platform running?)")
    event = demo.key().sign(build(event_type, fields, source=demo.source, gateway=demo.gateway))
    status, answer = _call(
        "POST",
        f"{demo.gateway}/v1/events",
        body=json.dumps(event, ensure_ascii=False).encode(),
        headers={"Authorization": f"Bearer {bearer}", "Content-Type": "application/cloudevents+json"},
    )
    return status, answer, event


def usage(data: Path) -> str:
    """How to publish as the demo integrator (printed by `make run`)."""
    demo = Demo.load(data)
    if demo is None:
        return ""
    return (
        f"\nThe traffic authority (a demo integrator, development only; client {demo.client_id}, source "
        f"{demo.source})\nsigns its events with its own key (kid {demo.kid}, kept in {data / FILE}). Publish one:"
        "\n  .venv/bin/python -m devstack.integrator publish traffic.vehicle.registered.v1 \\"
        "\n      --set owner_national_id=<a national id> --set model_year=2025"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m devstack.integrator", description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=None, help="the platform's data folder (default .data)")
    commands = parser.add_subparsers(dest="command", required=True)
    setting = commands.add_parser("setup", help="create the demo integrator and register its key (make run does)")
    setting.add_argument("--gateway", required=True)
    sending = commands.add_parser("publish", help="sign and publish one event")
    sending.add_argument("type", help="e.g. traffic.vehicle.registered.v1")
    sending.add_argument("--set", action="append", default=[], metavar="FIELD=VALUE", help="a field of the data")
    commands.add_parser("show", help="the demo integrator's account (never its secret or key)")
    args = parser.parse_args(argv)
    data = args.data or data_root()
    try:
        if args.command == "setup":
            demo = setup(data, args.gateway.rstrip("/"))
            print(json.dumps({"client_id": demo.client_id, "source": demo.source, "kid": demo.kid}))
            return 0
        if args.command == "show":
            kept = Demo.load(data)
            shown = {"client_id": kept.client_id, "source": kept.source, "kid": kept.kid} if kept else None
            print(json.dumps(shown, indent=2))
            return 0 if kept else 1
        fields = dict(item.split("=", 1) for item in args.set)  # text: the event's model reads numbers from it
        status, answer, event = publish(data, args.type, fields)
    except (RuntimeError, ValueError, KeyError, OSError) as failed:
        print(f"error: {failed}", file=sys.stderr)
        return 2
    print(json.dumps({"event": event, "status": status, "answer": answer}, ensure_ascii=False, indent=2))
    return 0 if status in (200, 202) else 1


if __name__ == "__main__":
    sys.exit(main())
