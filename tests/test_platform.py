"""The whole platform as `make run` starts it: real processes, real PostgreSQL and NATS.

Runs `python -m devstack.run` on free ports with its own data folder, checks every service
and the gateway through HTTP, kills a service under it and sees it restarted, then sends
Ctrl-C (SIGINT) and checks nothing it started lives on.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import psutil

from devstack.background import start
from kit.serve import KEEP_ALIVE_SECONDS

ROOT = Path(__file__).resolve().parents[1]


def _get(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()
    except OSError as error:  # refused: nothing listens (yet)
        return 0, {}, repr(error).encode()


class TestPlatform:
    def test_every_service_and_the_gateway_are_ready(self, platform):
        assert set(platform.services) >= {
            "identity",
            "catalog",
            "notary",
            "ration",
            "payment",
            "office_routing",
            "applications",
            "gateway",
        }
        for name, url in platform.services.items():
            status, _, body = _get(f"{url}/readyz")
            assert status == 200, (name, body)

    def test_an_idle_connection_outlives_uvicorns_default_keep_alive(self, platform):
        """Services and the gateway keep an idle connection longer than their clients' pools do
        (kit.serve), so a client never sends a POST on a connection the server is closing; with
        uvicorn's 5 s default the gateway's pool (30 s) met closed connections and answered 503."""
        assert KEEP_ALIVE_SECONDS > 60  # the gateway's upstream pool: 30 s; an ingress: 60 s
        connections = {}
        for name in ("identity", "gateway"):
            address = urlsplit(platform.services[name])
            connections[name] = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
        try:
            sockets = {}
            for name, connection in connections.items():
                connection.request("GET", "/healthz")
                assert connection.getresponse().read() is not None
                sockets[name] = connection.sock
            time.sleep(6)  # longer than uvicorn's default keep-alive
            for name, connection in connections.items():
                connection.request("GET", "/healthz")  # on the same socket: the server kept it open
                assert connection.getresponse().status == 200, name
                assert connection.sock is sockets[name], name
        finally:
            for connection in connections.values():
                connection.close()

    def test_gateway_serves_one_merged_openapi_and_docs(self, platform):
        status, _, body = _get(f"{platform.gateway}/openapi.json")
        assert status == 200
        document = json.loads(body)
        assert document["openapi"].startswith("3.")
        assert not document.get("x-unavailable-services")
        status, _, body = _get(f"{platform.gateway}/docs")
        assert status == 200
        assert b"swagger" in body.lower()

    def test_unknown_public_route_is_a_problem_in_the_callers_language(self, platform):
        status, headers, body = _get(f"{platform.gateway}/v1/nothing-here", {"Accept-Language": "en"})
        assert status == 404
        assert headers["content-type"].startswith("application/problem+json")
        assert json.loads(body)["title"] == "Not found"
        status, _, body = _get(f"{platform.gateway}/v1/nothing-here")
        assert json.loads(body)["title"] == "غير موجود"

    def test_gateway_routes_to_the_owning_service(self, platform):
        gateway = platform.gateway
        status, headers, body = _get(f"{gateway}/v1/services", {"X-Request-ID": "trace-me-1", "Accept-Language": "en"})
        assert status == 200, body
        assert headers.get("x-request-id") == "trace-me-1"
        codes = {item["code"] for item in json.loads(body)["items"]}
        assert "notary.poa.general" in codes  # catalog-svc answered, through the gateway
        status, headers, body = _get(f"{gateway}/v1/services/no.such.service", {"Accept-Language": "en"})
        assert status == 404
        assert headers["content-type"].startswith("application/problem+json")
        assert json.loads(body)["instance"] == "/v1/services/no.such.service"


def test_a_killed_service_is_restarted_with_a_line_on_the_console(platform):
    """`make run` supervises what it starts, as Kubernetes would: kill -9 catalog-svc under the
    launcher; it says so, starts it again on the same port, and the gateway routes to it again."""
    runner = psutil.Process(platform.proc.pid)
    victim = next(c for c in runner.children() if c.cmdline()[-2:] == ["-m", "catalog"])
    said = platform.log.stat().st_size
    os.kill(victim.pid, signal.SIGKILL)
    deadline = time.monotonic() + 60
    while True:
        log = platform.log.read_bytes()[said:].decode("utf-8", errors="replace")
        if "restarted  catalog (restart 1)" in log:
            break
        assert time.monotonic() < deadline, log[-2000:]
        time.sleep(0.2)
    assert "catalog exited (-9); restarting it in 1s" in log
    while _get(f"{platform.services['catalog']}/readyz")[0] != 200 or _get(f"{platform.gateway}/v1/services")[0] != 200:
        assert time.monotonic() < deadline, "catalog did not come back"
        time.sleep(0.2)
    again = next(c for c in runner.children() if c.cmdline()[-2:] == ["-m", "catalog"])
    assert again.pid != victim.pid
    assert runner.is_running()  # the platform did not stop


def test_ctrl_c_stops_every_process_it_started():
    """On a platform of its own: the session's is shared by the other cross-service tests. Started
    with SIGINT ignored, as a shell's background job (a CI script's `... &`) starts it: it inherits
    that, and must still stop on Ctrl-C."""
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        platform = start()
    finally:
        signal.signal(signal.SIGINT, previous)
    try:
        proc = platform.proc
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError(
                "not stopped 60 s after Ctrl-C:\n" + platform.log.read_text(encoding="utf-8")[-2000:]
            ) from None
        said = platform.log.read_text(encoding="utf-8")
        assert proc.returncode == 0, said[-2000:]
        assert "Stopped; every process this run started has exited." in said
        time.sleep(0.5)
        assert [c.cmdline() for c in platform.children if _alive(c)] == []
    finally:
        platform.stop()


def test_a_killed_runner_takes_every_process_with_it():
    """Even SIGKILL (no chance to clean up): the kernel ends the services, NATS and PostgreSQL."""
    found = start()
    try:
        children = found.children
        assert len(children) >= 9  # postgres, nats, six services, the gateway
        found.proc.send_signal(signal.SIGKILL)
        found.proc.wait()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and any(_alive(c) for c in children):
            time.sleep(0.2)
        assert [c.cmdline() for c in children if _alive(c)] == []
    finally:
        found.stop()


def _alive(process: psutil.Process) -> bool:
    try:
        return process.is_running() and process.status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False
