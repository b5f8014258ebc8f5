"""Receive Shubbak events as webhooks: a runnable example that verifies every delivery.

    pip install ./contracts standardwebhooks
    export SHUBBAK_WEBHOOK_SECRET=whsec_...   # from POST /v1/webhooks, shown once
    python contracts/examples/webhook_receiver.py --port 8080
    # then subscribe https://<your host>/hook to the event types in your scopes

Each delivery is a CloudEvent in structured mode (`application/cloudevents+json`) signed per
Standard Webhooks (`webhook-id`, `webhook-timestamp`, `webhook-signature`). It is verified with
the `standardwebhooks` library against the raw body before anything else (a tampered body, a
wrong signature or a timestamp more than five minutes off is answered 401 and never parsed),
then parsed into the pydantic model `contracts` registers for its type, printed as one JSON
line, and answered 204. While you rotate the secret (`POST /v1/webhooks/{id}/secret-rotations`)
each delivery carries both signatures; set SHUBBAK_WEBHOOK_SECRET to the new secret, or to both,
space-separated, for the switch. Delivery is at least once: a repeated `webhook-id` (the event
id) is answered 204 again and skipped (in a real integration, record it in the same transaction
as what you do with the event).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import threading
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from contracts import Envelope
from contracts.errors import InvalidEnvelope, UnknownEvent

MAX_BODY = 1_048_576


class Receiver:
    """Verifies, dedupes and parses deliveries (no HTTP here, so it can be used in any server)."""

    def __init__(self, secrets: list[str], seen: int = 100_000) -> None:
        if not secrets:
            raise ValueError("no webhook secret")
        self.verifiers = [Webhook(secret) for secret in secrets]
        self.size = seen
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def receive(self, headers: dict[str, str], body: bytes) -> tuple[int, dict[str, Any] | None]:
        """(HTTP status to answer, the line to print or None)."""
        if not any(self._verifies(verifier, headers, body) for verifier in self.verifiers):
            return 401, None
        delivery = {k.lower(): v for k, v in headers.items()}["webhook-id"]
        with self._lock:
            if delivery in self._seen:
                return 204, None
        try:
            envelope = Envelope.from_bytes(body)
            event = envelope.event()
        except (InvalidEnvelope, UnknownEvent) as exc:
            # Signed by the platform but not understood: a newer contracts package knows it.
            print(json.dumps({"id": delivery, "unreadable": str(exc)[:300]}), file=sys.stderr, flush=True)
            return 204, None
        with self._lock:
            self._seen[delivery] = None
            if len(self._seen) > self.size:
                self._seen.popitem(last=False)
        return 204, {
            "id": str(envelope.id),
            "type": envelope.type,
            "model": type(event).__name__,
            "subject": envelope.subject,
            "time": envelope.time.isoformat(),
            "data": event.model_dump(mode="json"),
        }

    @staticmethod
    def _verifies(verifier: Webhook, headers: dict[str, str], body: bytes) -> bool:
        try:
            verifier.verify(body, headers, json_parse=False)
        except (WebhookVerificationError, ValueError):
            return False
        return True


def handler(receiver: Receiver, path: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            if self.path != path or length > MAX_BODY:
                self._answer(404 if self.path != path else 413)
                return
            status, line = receiver.receive(dict(self.headers.items()), self.rfile.read(length))
            if line is not None:
                print(json.dumps(line, ensure_ascii=False), flush=True)
            self._answer(status)

        def _answer(self, status: int) -> None:
            self.send_response(status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            return

    return Handler


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    parser.add_argument("--path", default="/hook")
    args = parser.parse_args(argv)
    secrets = os.environ.get("SHUBBAK_WEBHOOK_SECRET", "").split()
    if not secrets:
        parser.error("set SHUBBAK_WEBHOOK_SECRET (the whsec_... secret of your subscription)")
    server = ThreadingHTTPServer((args.host, args.port), handler(Receiver(secrets), args.path))
    print(json.dumps({"listening": f"http://{args.host}:{server.server_address[1]}{args.path}"}), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
