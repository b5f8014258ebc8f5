"""The whole platform as `make run` starts it: real processes, real PostgreSQL and NATS.

Runs `python -m devstack.run` on free ports with its own data folder, checks every service
and the gateway through HTTP, then sends Ctrl-C (SIGINT) and checks nothing it started lives on.
"""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def platform() -> Iterator[dict]:
    data = ROOT / ".data" / "test" / f"platform-{uuid.uuid4().hex[:8]}"
    data.parent.mkdir(parents=True, exist_ok=True)
    proc = subprocess.Popen(
        [sys.executable, "-m", "devstack.run", "--data", str(data), "--free-ports"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 180
    assert proc.stdout is not None
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line)
        if "Ctrl-C stops everything" in line:
            break
    output = "".join(lines)
    if "Shubbak is running" not in output:
        proc.kill()
        pytest.fail(f"the platform did not start:\n{output}")
    gateway = re.search(r"gateway \(the one citizen API\)\s+(\S+)", output).group(1)
    services = dict(re.findall(r"ready\s+(\S+)\s+(http://\S+)", output))
    children = psutil.Process(proc.pid).children(recursive=True)
    yield {"proc": proc, "gateway": gateway, "services": services, "children": children, "output": output}
    if proc.poll() is None:
        proc.kill()
    import shutil

    shutil.rmtree(data, ignore_errors=True)


class TestPlatform:
    def test_every_service_and_the_gateway_are_ready(self, platform):
        assert set(platform["services"]) >= {
            "identity",
            "catalog",
            "notary",
            "ration",
            "payment",
            "office_routing",
            "gateway",
        }
        for name, url in platform["services"].items():
            status, _, body = _get(f"{url}/readyz")
            assert status == 200, (name, body)

    def test_gateway_serves_one_merged_openapi_and_docs(self, platform):
        status, _, body = _get(f"{platform['gateway']}/openapi.json")
        assert status == 200
        document = json.loads(body)
        assert document["openapi"].startswith("3.")
        assert not document.get("x-unavailable-services")
        status, _, body = _get(f"{platform['gateway']}/docs")
        assert status == 200
        assert b"swagger" in body.lower()

    def test_unknown_public_route_is_a_problem_in_the_callers_language(self, platform):
        status, headers, body = _get(f"{platform['gateway']}/v1/nothing-here", {"Accept-Language": "en"})
        assert status == 404
        assert headers["content-type"].startswith("application/problem+json")
        assert json.loads(body)["title"] == "Not found"
        status, _, body = _get(f"{platform['gateway']}/v1/nothing-here")
        assert json.loads(body)["title"] == "غير موجود"

    def test_gateway_routes_to_the_owning_service(self, platform):
        gateway = platform["gateway"]
        status, headers, body = _get(f"{gateway}/v1/services", {"X-Request-ID": "trace-me-1", "Accept-Language": "en"})
        assert status == 200, body
        assert headers.get("x-request-id") == "trace-me-1"
        codes = {item["code"] for item in json.loads(body)["items"]}
        assert "notary.poa.general" in codes  # catalog-svc answered, through the gateway
        status, headers, body = _get(f"{gateway}/v1/services/no.such.service", {"Accept-Language": "en"})
        assert status == 404
        assert headers["content-type"].startswith("application/problem+json")
        assert json.loads(body)["instance"] == "/v1/services/no.such.service"

    def test_ctrl_c_stops_every_process_it_started(self, platform):
        proc = platform["proc"]
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=60)
        assert proc.returncode == 0, rest
        assert "Stopped" in rest
        time.sleep(0.5)
        alive = [c for c in platform["children"] if c.is_running() and c.status() != psutil.STATUS_ZOMBIE]
        assert alive == [], [c.cmdline() for c in alive]
