"""A real webhook receiver for the tests, and an independent Standard Webhooks verifier."""

# No `from __future__ import annotations`: FastAPI must resolve the route's types.

import base64
import hashlib
import hmac
from dataclasses import dataclass, field

from fastapi import FastAPI, Request
from starlette.responses import Response


def reference_verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    """Written from the Standard Webhooks spec, not from the gateway's code:
    signature = base64(HMAC-SHA256(base64decode(secret without "whsec_"), f"{id}.{timestamp}.{body}")),
    sent as space-separated "v1,<signature>" entries in webhook-signature."""
    key = base64.b64decode(secret.split("_", 1)[1])
    content = headers["webhook-id"] + "." + headers["webhook-timestamp"] + "." + body.decode("utf-8")
    expected = base64.b64encode(hmac.new(key, content.encode("utf-8"), hashlib.sha256).digest()).decode()
    for entry in headers["webhook-signature"].split(" "):
        version, _, value = entry.partition(",")
        if version == "v1" and hmac.compare_digest(value, expected):
            return True
    return False


@dataclass
class Receiver:
    """Answers `fail_first` requests with 500 (or always, while `down`), then 204."""

    fail_first: int = 0
    down: bool = False
    answer: bytes = b""  # the body of a failing answer
    received: list[tuple[dict[str, str], bytes, int]] = field(default_factory=list)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.post("/hook")
        async def hook(request: Request) -> Response:
            body = await request.body()
            failing = self.down or self.fail_first > 0
            if self.fail_first > 0:
                self.fail_first -= 1
            status = 500 if failing else 204
            self.received.append((dict(request.headers), body, status))
            return Response(status_code=status, content=self.answer if failing else b"")

        return app

    def accepted_ids(self) -> list[str]:
        return [headers["webhook-id"] for headers, _, status in self.received if status == 204]

    def ids(self) -> set[str]:
        return {headers["webhook-id"] for headers, _, _ in self.received}
