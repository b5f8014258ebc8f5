"""`make run`: the whole platform on one machine, from nothing but pip.

Starts PostgreSQL (.data/pg) and NATS with JetStream (.data/nats), creates each service's
database and runs its migrations, starts every service and the gateway, loads demo data,
prints where to look, and on Ctrl-C (or SIGTERM) stops everything it started.
A second run reuses the data.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import urllib.error
import urllib.request
from dataclasses import dataclass, replace
from pathlib import Path
from typing import IO, Any

from devstack._process import spawn
from devstack.nats import NatsProcess
from devstack.paths import repo_root
from devstack.ports import free_port
from devstack.postgres import PostgresProcess


@dataclass(frozen=True)
class Service:
    name: str
    folder: Path
    package: str
    env_prefix: str
    port: int
    routes: tuple[str, ...]
    env: tuple[tuple[str, str], ...] = ()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


def load_platform(root: Path) -> tuple[list[Service], Service, dict[str, Any]]:
    spec = tomllib.loads((root / "platform.toml").read_text(encoding="utf-8"))

    def make(name: str, entry: dict[str, Any]) -> Service:
        return Service(
            name=name,
            folder=root / entry["folder"],
            package=entry["package"],
            env_prefix=entry["env_prefix"],
            port=int(entry["port"]),
            routes=tuple(entry.get("routes", ())),
            env=tuple(entry.get("env", {}).items()),
        )

    services = [make(name, entry) for name, entry in spec["services"].items()]
    return services, make("gateway", spec["gateway"]), spec["infra"]


class Platform:
    def __init__(self, root: Path, *, data: Path | None = None, free_ports: bool = False, quiet: bool = False) -> None:
        self.root = root
        self.data = data or root / ".data"
        self.logs = self.data / "logs"
        self.services, self.gateway, infra = load_platform(root)
        if free_ports:  # tests: never collide with a platform already running here
            self.services = [replace(s, port=free_port()) for s in self.services]
            self.gateway = replace(self.gateway, port=free_port())
            infra = {key: free_port() for key in infra}
        self.pg = PostgresProcess(
            self.data / "pg", port=int(infra["postgres_port"]), log_file=self.logs / "postgres.log"
        )
        self.nats = NatsProcess(
            self.data / "nats",
            port=int(infra["nats_port"]),
            monitor_port=int(infra["nats_monitor_port"]),
            log_file=self.logs / "nats.log",
        )
        self.children: list[tuple[str, subprocess.Popen[bytes], IO[bytes]]] = []
        self.quiet = quiet

    def say(self, message: str) -> None:
        if not self.quiet:
            print(message, flush=True)

    def env_for(self, service: Service) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env.update(
            {
                "ENVIRONMENT": env.get("ENVIRONMENT", "development"),
                "NATS_URL": self.nats.url,
                "PUBLIC_URL": env.get("PUBLIC_URL", self.gateway.url),  # events' dataschema, the AsyncAPI servers
                f"{service.env_prefix}DATABASE_URL": self.pg.dsn(service.package, driver="postgresql+asyncpg"),
                f"{service.env_prefix}PORT": str(service.port),
                f"{service.env_prefix}LOG_JSON": env.get("LOG_JSON", "true"),
                f"{service.env_prefix}JWKS_URL": f"{self.by_name('identity').url}/.well-known/jwks.json",
            }
        )
        if service is not self.gateway:  # integrators' tokens come from the gateway
            env[f"{service.env_prefix}INTEGRATOR_JWKS_URL"] = f"{self.gateway.url}/.well-known/integrator-jwks.json"
        urls = {s.name: s.url for s in [*self.services, self.gateway]}
        for key, template in service.env:
            env[f"{service.env_prefix}{key}"] = template.format(**urls)
        return env

    def by_name(self, name: str) -> Service:
        return next(s for s in self.services if s.name == name)

    def start_infra(self) -> None:
        self.data.mkdir(exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        self.pg.start()
        self.say(f"  postgres   {self.pg.dsn()}  ({time.perf_counter() - t:.1f}s)")
        t = time.perf_counter()
        self.nats.start()
        self.say(f"  nats       {self.nats.url}  monitor {self.nats.monitor_url}  ({time.perf_counter() - t:.1f}s)")

    def migrate(self) -> None:
        for service in [*self.services, self.gateway]:
            created = self.pg.create_database(service.package)
            result = subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "alembic",
                    "-c",
                    str(service.folder / "alembic.ini"),
                    "upgrade",
                    "head",
                ],
                cwd=service.folder,
                env=self.env_for(service),
                capture_output=True,
                text=True,
            )
            if result.returncode != 0:
                raise SystemExit(f"migrations of {service.name} failed:\n{result.stderr[-3000:]}")
            self.say(f"  migrated   {service.name} ({'new database' if created else 'existing data'})")

    def start_services(self) -> None:
        for service in self.services:
            self._spawn(service, self.env_for(service))
        gateway_env = {
            **self.env_for(self.gateway),
            "GATEWAY_UPSTREAMS": json.dumps({s.name: s.url for s in self.services}),
            "GATEWAY_ROUTES": json.dumps({route: s.name for s in self.services for route in s.routes}),
        }
        self._spawn(self.gateway, gateway_env)
        for service in [*self.services, self.gateway]:
            self._wait_ready(service)
            self.say(f"  ready      {service.name:<15} {service.url}")

    def _spawn(self, service: Service, env: dict[str, str]) -> None:
        """Start a service; it dies with this runner even if the runner is SIGKILLed."""
        log = (self.logs / f"{service.name}.log").open("ab")
        proc = spawn([sys.executable, "-m", service.package], log=log, cwd=service.folder, env=env)
        self.children.append((service.name, proc, log))

    def _wait_ready(self, service: Service, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        proc = next(p for name, p, _ in self.children if name == service.name)
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise SystemExit(f"{service.name} exited ({proc.returncode}); see {self.logs / service.name}.log")
            with contextlib.suppress(urllib.error.URLError, OSError):
                with urllib.request.urlopen(f"{service.url}/readyz", timeout=2) as response:
                    if response.status == 200:
                        return
            time.sleep(0.3)
        raise SystemExit(f"{service.name} not ready after {timeout:.0f}s; see {self.logs / service.name}.log")

    def load_demo_data(self) -> None:
        for service in self.services:
            if not (service.folder / "src" / service.package / "demo.py").exists():
                continue
            subprocess.run(
                [sys.executable, "-m", f"{service.package}.demo"],
                cwd=service.folder,
                env=self.env_for(service),
                check=True,
            )
            self.say(f"  demo data  {service.name}")

    def watch(self) -> None:
        """Block until a signal arrives or a child dies; echo what services log to `console`
        (development messages such as the SMS the development providers "send")."""
        offsets = {name: (self.logs / f"{name}.log").stat().st_size for name, _, _ in self.children}
        while True:
            for name, proc, _ in self.children:
                if proc.poll() is not None:
                    self.say(f"\n{name} exited ({proc.returncode}); stopping the platform (log: .data/logs/{name}.log)")
                    return
                offsets[name] = self._echo_console(name, offsets[name])
            time.sleep(0.5)

    def _echo_console(self, name: str, offset: int) -> int:
        with (self.logs / f"{name}.log").open("rb") as log:
            log.seek(offset)
            chunk = log.read()
        complete = chunk[: chunk.rfind(b"\n") + 1]
        for line in complete.splitlines():
            with contextlib.suppress(ValueError):
                entry = json.loads(line)
                if isinstance(entry, dict) and entry.get("logger") == "console":
                    self.say(f"  [{name}] {entry.get('message', '')}")
        return offset + len(complete)

    def stop(self) -> None:
        for _, proc, _ in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for name, proc, log in reversed(self.children):
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.say(f"  {name} did not stop in time; killing it")
                proc.kill()
                proc.wait()
            log.close()
        self.children.clear()
        self.nats.stop()
        self.pg.stop()


def banner(platform: Platform) -> str:
    gw = platform.gateway.url
    return f"""
Shubbak is running.
  gateway (the one citizen API)  {gw}
  API docs                       {gw}/docs
  merged OpenAPI                 {gw}/openapi.json
  services                       {", ".join(f"{s.name} :{s.port}" for s in platform.services)}
  logs                           .data/logs/
Try:
  curl -s {gw}/readyz
  curl -s -H 'Accept-Language: en' {gw}/v1/services
Ctrl-C stops everything.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-wait", action="store_true", help="start, print, and stop (a smoke check)")
    parser.add_argument("--data", type=Path, default=None, help="data folder (default .data; keep it under .data)")
    parser.add_argument("--free-ports", action="store_true", help="pick free ports instead of platform.toml's")
    args = parser.parse_args(argv)
    platform = Platform(repo_root(), data=args.data, free_ports=args.free_ports)

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    print("Starting Shubbak (data in .data/) ...", flush=True)
    try:
        platform.start_infra()
        platform.migrate()
        platform.start_services()
        platform.load_demo_data()
        print(banner(platform), flush=True)
        if not args.no_wait:
            platform.watch()
    except KeyboardInterrupt:
        print("\nStopping ...", flush=True)
    finally:
        platform.stop()
        print("Stopped; every process this run started has exited.", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
