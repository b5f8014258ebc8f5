"""kit.logs: one JSON line per record on stderr; a request sent is not a line of its own."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI

from kit import logs


@pytest.fixture
def configured() -> Iterator[None]:
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    levels = {name: logging.getLogger(name).level for name in ("httpx", "uvicorn.access")}
    try:
        yield
    finally:
        root.handlers = handlers
        root.setLevel(level)
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


async def test_requests_sent_are_not_logged_but_warnings_are(configured, capsys) -> None:
    app = FastAPI()

    @app.get("/ping")
    async def ping() -> dict[str, str]:
        return {"pong": "yes"}

    logs.configure("kit-test")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc") as client:
        assert (await client.get("/ping")).status_code == 200
    logging.getLogger("kit.upstream").warning("GET %s answered %s", "http://svc/ping", 503)

    lines = [json.loads(line) for line in capsys.readouterr().err.splitlines()]
    assert [(line["logger"], line["level"], line["message"]) for line in lines] == [
        ("kit.upstream", "WARNING", "GET http://svc/ping answered 503")
    ]
    assert lines[0]["service"] == "kit-test"
    assert not logging.getLogger("httpx").isEnabledFor(logging.INFO)
    assert logging.getLogger("httpx").isEnabledFor(logging.WARNING)
