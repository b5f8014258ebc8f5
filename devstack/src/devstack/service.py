"""One service of the platform as its own process, for another service's tests.

`ServiceProcess("catalog", pg=..., nats_url=..., data_dir=...)` gives the service a database of
its own on `pg`, migrates it with the service's own Alembic history, runs `python -m <package>`
on a free port as `make run` does, and waits until it is ready. The test talks to it over HTTP
as production does, and imports none of its code (a service's tests need only that service).
"""

from __future__ import annotations

import atexit
import secrets
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from pathlib import Path

from devstack._process import DevstackError, ServerProcess, child_env, log_tail, spawn
from devstack.paths import repo_root
from devstack.ports import free_port
from devstack.postgres import PostgresProcess
from devstack.run import load_platform


class ServiceProcess(ServerProcess):
    """Service `name` (a key of platform.toml's `services`) on `127.0.0.1:port`. `settings` are
    its settings by name without the prefix (`{"INTERNAL_TOKEN": "..."}`); it runs with
    `ENVIRONMENT=test`, plain-text logs in `data_dir`'s log file, and the given NATS."""

    host = "127.0.0.1"

    def __init__(
        self,
        name: str,
        *,
        pg: PostgresProcess,
        nats_url: str,
        data_dir: Path,
        settings: Mapping[str, str] | None = None,
        port: int | None = None,
    ) -> None:
        super().__init__(data_dir, port=port or free_port())
        services, _, _ = load_platform(repo_root(Path(__file__).resolve().parent))
        found = [s for s in services if s.name == name]
        if not found:
            raise DevstackError(f"no service {name!r} in platform.toml")
        self.service = found[0]
        self.pg, self.nats_url = pg, nats_url
        self.database = f"{self.service.package}_{secrets.token_hex(6)}"
        self.settings = dict(settings or {})

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def env(self) -> dict[str, str]:
        prefix = self.service.env_prefix
        env = child_env()
        env.update(
            {
                "ENVIRONMENT": "test",
                "NATS_URL": self.nats_url,
                f"{prefix}DATABASE_URL": self.pg.dsn(self.database, driver="postgresql+asyncpg"),
                f"{prefix}HOST": self.host,
                f"{prefix}PORT": str(self.port),
                f"{prefix}LOG_JSON": "false",
                **{f"{prefix}{key}": value for key, value in self.settings.items()},
            }
        )
        return env

    def start(self, timeout: float = 60) -> None:
        """Create and migrate the database, start the service, wait until `/readyz` answers 200."""
        if self.running:
            return
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.pg.create_database(self.database)
        migrated = subprocess.run(
            [sys.executable, "-m", "alembic", "-c", str(self.service.folder / "alembic.ini"), "upgrade", "head"],
            cwd=self.service.folder,
            env=self.env(),
            capture_output=True,
            text=True,
        )
        if migrated.returncode != 0:
            raise DevstackError(f"migrations of {self.service.name} failed:\n{migrated.stderr[-3000:]}")
        offset = self.log_file.stat().st_size if self.log_file.exists() else 0
        self._log = self.log_file.open("ab")
        command = [sys.executable, "-m", self.service.package]
        self._proc = spawn(command, log=self._log, cwd=self.service.folder, env=self.env())
        atexit.register(self.stop)
        deadline = time.monotonic() + timeout
        while not self._ready():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                tail = log_tail(self.log_file, offset)
                self.stop()
                raise DevstackError(f"{self.service.name} did not start:\n{tail}")
            time.sleep(0.2)

    def _ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/readyz", timeout=2) as response:
                return bool(response.status == 200)
        except (urllib.error.URLError, OSError):
            return False

    def stop(self, timeout: float | None = None) -> None:
        """Stop the service (SIGTERM, then SIGKILL after `timeout`) and drop its database."""
        super().stop(timeout)
        if self.pg.running:
            self.pg.drop_database(self.database)
