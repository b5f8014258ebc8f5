"""The image definition: multi-stage, non-root, health-checked; its build step lays out each
service and writes commands that work. (No Docker engine here: the Dockerfile's structure is
checked, and the build step runs for real without the pip install.)"""

import os
import re
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

DEPLOY = Path(__file__).resolve().parent.parent
ROOT = DEPLOY.parent
DOCKERFILE = (DEPLOY / "Dockerfile").read_text()
PLATFORM = tomllib.loads((ROOT / "platform.toml").read_text())
SERVICES = [*PLATFORM["services"], "gateway", *PLATFORM.get("frontends", {})]

sys.path.insert(0, str(DEPLOY / "image"))
import prepare  # noqa: E402


def instructions(text: str) -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n", " ", text)
    lines = [line.strip() for line in joined.splitlines() if line.strip() and not line.strip().startswith("#")]
    return [(line.split(None, 1)[0].upper(), line.split(None, 1)[1] if " " in line else "") for line in lines]


def final_stage() -> list[tuple[str, str]]:
    steps = instructions(DOCKERFILE)
    last_from = max(i for i, (op, _) in enumerate(steps) if op == "FROM")
    return steps[last_from:]


class TestDockerfile:
    def test_multi_stage_with_a_service_argument(self) -> None:
        steps = instructions(DOCKERFILE)
        assert sum(op == "FROM" for op, _ in steps) >= 2
        assert ("ARG", "SERVICE") in steps
        assert any(op == "COPY" and "--from=build" in args for op, args in final_stage())

    def test_final_stage_runs_as_an_unprivileged_user(self) -> None:
        users = [args for op, args in final_stage() if op == "USER"]
        assert users, "no USER in the final stage"
        uid = users[-1].split(":")[0]
        assert uid.isdigit()
        assert int(uid) >= 1000

    def test_health_check_and_command(self) -> None:
        stage = dict(final_stage())
        assert "shubbak-healthcheck" in stage["HEALTHCHECK"]
        assert "shubbak-service" in stage["CMD"]
        assert stage["STOPSIGNAL"] == "SIGTERM"

    def test_final_stage_holds_no_source_tree_or_build_tools(self) -> None:
        copies = [args for op, args in final_stage() if op == "COPY"]
        assert all("--from=build" in c for c in copies)
        assert not any(op == "RUN" and "pip" in args for op, args in final_stage())

    def test_build_context_leaves_out_local_state(self) -> None:
        ignored = (DEPLOY / "Dockerfile.dockerignore").read_text().split()
        for entry in (".git", ".venv", ".data"):
            assert entry in ignored

    def test_user_matches_the_manifests(self) -> None:
        from shubbak_deploy.generate import UID

        assert any(op == "USER" and args.startswith(f"{UID}:") for op, args in final_stage())


@pytest.mark.parametrize("service", SERVICES)
def test_build_step_lays_out_every_service(service: str, tmp_path: Path) -> None:
    venv, app = tmp_path / "venv", tmp_path / "app"
    assert (
        prepare.main(
            ["--service", service, "--root", str(ROOT), "--venv", str(venv), "--app", str(app), "--no-install"]
        )
        == 0
    )
    assert os.access(venv / "bin" / "shubbak-service", os.X_OK)
    assert os.access(venv / "bin" / "shubbak-healthcheck", os.X_OK)
    if service == "gateway":
        assert (app / "platform.toml").is_file()
    else:
        assert (app / "alembic.ini").is_file()
        assert (app / "migrations" / "env.py").is_file()
        assert not list(app.rglob("__pycache__"))


def test_unknown_service_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SystemExit, match="unknown SERVICE"):
        prepare.resolve(ROOT, "traffic")


def test_launcher_runs_the_package_on_all_interfaces(tmp_path: Path) -> None:
    """The launcher runs `python -m <package>` with <PREFIX>HOST defaulting to 0.0.0.0."""
    target = prepare.Target(folder="x", package="stubsvc", env_prefix="STUB_", port=9)
    (launcher, _) = prepare.write_commands(target, tmp_path / "venv")
    (tmp_path / "stubsvc").mkdir()
    (tmp_path / "stubsvc" / "__init__.py").write_text("")
    (tmp_path / "stubsvc" / "__main__.py").write_text("import os\nprint('host', os.environ['STUB_HOST'], __name__)\n")
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    env.pop("STUB_HOST", None)
    out = subprocess.run([sys.executable, str(launcher)], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "host 0.0.0.0 __main__"
    env["STUB_HOST"] = "127.0.0.1"
    out = subprocess.run([sys.executable, str(launcher)], env=env, capture_output=True, text=True, check=True).stdout
    assert out.strip() == "host 127.0.0.1 __main__"


@pytest.fixture
def health_server() -> Iterator[tuple[int, list[int]]]:
    """A server answering /healthz with the status at the end of the list."""
    statuses = [200]

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(statuses[-1] if self.path == "/healthz" else 404)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], statuses
    finally:
        server.shutdown()
        server.server_close()


def test_healthcheck_follows_healthz(tmp_path: Path, health_server: tuple[int, list[int]]) -> None:
    port, statuses = health_server
    target = prepare.Target(folder="x", package="stubsvc", env_prefix="STUB_", port=port)
    (_, check) = prepare.write_commands(target, tmp_path / "venv")

    def run(**env: str) -> int:
        return subprocess.run([sys.executable, str(check)], env={**os.environ, **env}, timeout=30).returncode

    assert run() == 0
    statuses.append(503)
    assert run() == 1
    statuses.append(200)
    with ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler) as closed:
        free = closed.server_address[1]
    assert run(STUB_PORT=str(free)) == 1  # nothing listening there
