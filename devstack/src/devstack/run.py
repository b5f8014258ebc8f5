"""`make run`: the whole platform on one machine, from nothing but pip.

Starts PostgreSQL (.data/pg) and NATS with JetStream (.data/nats), creates each service's
database and runs its migrations, starts every service and the gateway, loads demo data,
prints where to look, and on Ctrl-C (or SIGTERM) stops everything it started.
A second run reuses the data.

It supervises what it starts, as Kubernetes would: a service, PostgreSQL or NATS that exits
is started again after a pause that doubles with each crash in a row (1 s up to 30 s; back to
1 s once it has run for a minute), and the console says so. The platform stops only on Ctrl-C.
`--nats-nodes 3` runs NATS as a three-node cluster (streams with three replicas, every write
fsynced), as production does.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import threading
import time
import tomllib
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

from devstack import integrator
from devstack._process import kill_process, spawn
from devstack.nats import NatsCluster, NatsProcess
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


def load_frontends(root: Path) -> list[Service]:
    """The frontends (`[frontends.*]`): started after the gateway, whose /v1 is all they call."""
    spec = tomllib.loads((root / "platform.toml").read_text(encoding="utf-8"))
    return [
        Service(
            name=name,
            folder=root / entry["folder"],
            package=entry["package"],
            env_prefix=entry["env_prefix"],
            port=int(entry["port"]),
            routes=(),
            env=tuple(entry.get("env", {}).items()),
        )
        for name, entry in spec.get("frontends", {}).items()
    ]


RESTART_BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0)
"""Seconds before restarting a process that exited, by how many times in a row it did."""
STABLE_SECONDS = 60.0
"""A process that has run this long is no longer crash-looping: its next pause is 1 s again."""


@dataclass
class Unit:
    """One supervised process: a service, PostgreSQL, or a NATS server."""

    name: str
    alive: Callable[[], bool]
    exit_code: Callable[[], int | None]
    restart: Callable[[], None]
    restarts: int = 0
    in_a_row: int = 0
    started_at: float = field(default_factory=time.monotonic)
    next_try: float | None = None


@dataclass
class Child:
    proc: subprocess.Popen[bytes]
    log: IO[bytes]


class Platform:
    """The platform on one machine. `settings` sets `<PREFIX><KEY>` for every service and the
    gateway (e.g. ``{"BUS_MAX_DELIVER": "3"}``); `overrides` sets variables for one service by
    name, last (e.g. its DATABASE_URL through a fault proxy)."""

    def __init__(
        self,
        root: Path,
        *,
        data: Path | None = None,
        free_ports: bool = False,
        quiet: bool = False,
        nats_nodes: int = 1,
        settings: Mapping[str, str] | None = None,
        overrides: Mapping[str, Mapping[str, str]] | None = None,
        say: Callable[[str], None] | None = None,
    ) -> None:
        self.root = root
        self.data = data or root / ".data"
        self.logs = self.data / "logs"
        self.services, self.gateway, infra = load_platform(root)
        self.frontends = load_frontends(root)
        if free_ports:  # tests: never collide with a platform already running here
            self.services = [replace(s, port=free_port()) for s in self.services]
            self.gateway = replace(self.gateway, port=free_port())
            self.frontends = [replace(s, port=free_port()) for s in self.frontends]
            infra = {key: free_port() for key in infra}
        self.pg = PostgresProcess(
            self.data / "pg", port=int(infra["postgres_port"]), log_file=self.logs / "postgres.log"
        )
        self.nats: NatsProcess | NatsCluster
        if nats_nodes == 1:
            self.nats = NatsProcess(
                self.data / "nats",
                port=int(infra["nats_port"]),
                monitor_port=int(infra["nats_monitor_port"]),
                log_file=self.logs / "nats.log",
            )
        else:
            self.nats = NatsCluster(
                self.data / "nats",
                ports=[int(infra["nats_port"]), *(free_port() for _ in range(nats_nodes - 1))],
                route_ports=[free_port() for _ in range(nats_nodes)],
                monitor_ports=[int(infra["nats_monitor_port"]), *(free_port() for _ in range(nats_nodes - 1))],
                log_dir=self.logs,
            )
        self.nats_nodes = nats_nodes
        self.settings = dict(settings or {})
        self.overrides = {name: dict(env) for name, env in (overrides or {}).items()}
        self.children: dict[str, Child] = {}
        self.envs: dict[str, dict[str, str]] = {}
        self.units: dict[str, Unit] = {}
        self.held: set[str] = set()
        self.stopping = False
        self._lock = threading.Lock()
        self.quiet = quiet
        self._say = say

    def say(self, message: str) -> None:
        if self._say is not None:
            self._say(message)
        elif not self.quiet:
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
        if service is self.gateway and env.get("ENVIRONMENT") == "development":
            # web calls the gateway from 127.0.0.1 for the people it serves, with their address in
            # X-Forwarded-For: believed from there, so the gateway's and identity's limits count them.
            env.setdefault(f"{service.env_prefix}TRUSTED_PROXIES", '["127.0.0.1"]')
        if service.name == "web" and env.get("ENVIRONMENT") == "development":
            env[f"{service.env_prefix}COOKIE_SECURE"] = env.get(f"{service.env_prefix}COOKIE_SECURE", "false")  # http
        if service is not self.gateway:  # integrators' tokens come from the gateway
            env[f"{service.env_prefix}INTEGRATOR_JWKS_URL"] = f"{self.gateway.url}/.well-known/integrator-jwks.json"
        env[f"{service.env_prefix}EVENT_KEYS_URLS"] = json.dumps(self.event_keys_urls())
        if self.nats_nodes > 1:
            env[f"{service.env_prefix}NATS_STREAM_REPLICAS"] = str(min(self.nats_nodes, 3))
        urls = {s.name: s.url for s in [*self.services, self.gateway]}
        for key, template in service.env:
            env[f"{service.env_prefix}{key}"] = template.format(**urls)
        for key, value in self.settings.items():
            env[f"{service.env_prefix}{key}"] = value
        env.update(self.overrides.get(service.name, {}))
        return env

    def event_keys_urls(self) -> list[str]:
        """The JWKS of every producer of events: each service's signing keys, and the integrators'
        keys the gateway registers (issue 16)."""
        urls = [f"{s.url}/.well-known/event-keys.json" for s in self.services]
        return [*urls, f"{self.gateway.url}/.well-known/integrator-event-keys.json"]

    def by_name(self, name: str) -> Service:
        return next(s for s in [*self.services, *self.frontends] if s.name == name)

    def start(self) -> None:
        """Everything `make run` starts, in order: servers, migrations, services, demo data."""
        self.start_infra()
        self.migrate()
        self.start_services()
        self.start_frontends()
        self.load_demo_data()
        self.load_demo_integrator()
        self.wait_frontends()

    def start_infra(self) -> None:
        self.data.mkdir(exist_ok=True)
        self.logs.mkdir(parents=True, exist_ok=True)
        t = time.perf_counter()
        self.pg.start()
        self._supervise_server("postgres", self.pg)
        self.say(f"  postgres   {self.pg.dsn()}  ({time.perf_counter() - t:.1f}s)")
        t = time.perf_counter()
        self.nats.start()
        if isinstance(self.nats, NatsCluster):
            for i, node in enumerate(self.nats.nodes):
                self._supervise_server(f"nats-{i + 1}", node)
        else:
            self._supervise_server("nats", self.nats)
        self.say(f"  nats       {self.nats.url}  monitor {self.nats.monitor_url}  ({time.perf_counter() - t:.1f}s)")

    def migrate(self) -> None:
        for service in [*self.services, self.gateway, *self.frontends]:
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

    def start_frontends(self) -> None:
        """The portal and the console: they call the gateway only, so they start with it."""
        for frontend in self.frontends:
            self._spawn(frontend, self.env_for(frontend))

    def wait_frontends(self) -> None:
        for frontend in self.frontends:
            self._wait_ready(frontend)
            self.say(f"  ready      {frontend.name:<15} {frontend.url}")

    def _spawn(self, service: Service, env: dict[str, str]) -> None:
        """Start a service and supervise it; it dies with the thread that started it (the
        runner's main thread, or the thread that supervises) even if the runner is SIGKILLed."""
        log = (self.logs / f"{service.name}.log").open("ab")
        proc = spawn([sys.executable, "-m", service.package], log=log, cwd=service.folder, env=env)
        old = self.children.get(service.name)
        if old is not None:
            old.log.close()
        self.children[service.name] = Child(proc, log)
        self.envs[service.name] = env
        if service.name not in self.units:
            self.units[service.name] = Unit(
                service.name,
                alive=lambda: self.children[service.name].proc.poll() is None,
                exit_code=lambda: self.children[service.name].proc.returncode,
                restart=lambda: self._spawn(service, self.envs[service.name]),
            )

    def _supervise_server(self, name: str, server: PostgresProcess | NatsProcess) -> None:
        self.units[name] = Unit(
            name,
            alive=lambda: server.running,
            exit_code=lambda: server.returncode,
            restart=lambda: server.start(timeout=60),
        )

    def _wait_ready(self, service: Service, timeout: float = 90.0) -> None:
        """Until the service answers /readyz; one that exits meanwhile is restarted like any other
        (a NATS cluster still electing its leaders can time a service's start-up out)."""
        deadline = time.monotonic() + timeout
        unit = self.units[service.name]
        while time.monotonic() < deadline:
            if not unit.alive():
                if unit.in_a_row >= 3:
                    raise SystemExit(f"{service.name} keeps exiting; see {self.logs / service.name}.log")
                self.supervise()
            else:
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

    def load_demo_integrator(self) -> None:
        """The traffic authority as a demo integrator with its own signing key (devstack.integrator);
        in development only."""
        env = self.env_for(self.gateway)
        if env["ENVIRONMENT"] != "development":
            return
        command = [sys.executable, "-m", "devstack.integrator", "--data", str(self.data), "setup"]
        done = subprocess.run(
            [*command, "--gateway", self.gateway.url], cwd=self.root, env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise SystemExit(f"the demo integrator could not be set up:\n{done.stderr[-3000:]}")
        self.say("  demo data  integrator: the traffic authority, signing with its own key")

    def watch(self, stop: threading.Event | None = None) -> None:
        """Until a signal arrives (or `stop` is set): restart what exited, and echo what services
        log to `console` (development messages such as the SMS the development providers "send")."""
        offsets = {name: (self.logs / f"{name}.log").stat().st_size for name in self.children}
        stop = stop or threading.Event()
        while not stop.is_set():
            self.supervise()
            for name in list(self.children):
                offsets[name] = self._echo_console(name, offsets.get(name, 0))
            stop.wait(0.5)

    def supervise(self) -> None:
        """One round of supervision: notice what exited, restart what is due (not held)."""
        for unit in list(self.units.values()):
            now = time.monotonic()
            if self.stopping:
                return
            if unit.alive():
                if unit.in_a_row and now - unit.started_at > STABLE_SECONDS:
                    unit.in_a_row = 0
                continue
            if unit.next_try is None:
                pause = RESTART_BACKOFF[min(unit.in_a_row, len(RESTART_BACKOFF) - 1)]
                unit.next_try = now + pause
                code = unit.exit_code()
                how = f"exited ({code})" if code is not None else "was killed"
                self.say(f"  {unit.name} {how}; restarting it in {pause:.0f}s (log: {self.logs / unit.name}.log)")
                continue
            with self._lock:
                if unit.name in self.held or now < unit.next_try:
                    continue
            unit.in_a_row += 1
            unit.restarts += 1
            unit.next_try = None
            try:
                unit.restart()
            except Exception as exc:  # noqa: BLE001 - try again after the next, longer pause
                self.say(f"  {unit.name} did not start again: {exc}")
                continue
            unit.started_at = time.monotonic()
            self.say(f"  restarted  {unit.name} (restart {unit.restarts})")

    def hold(self, name: str) -> None:
        """Do not restart `name` until `release(name)` (a test keeping a server down)."""
        with self._lock:
            self.held.add(name)

    def release(self, name: str) -> None:
        with self._lock:
            self.held.discard(name)

    def kill(self, name: str) -> None:
        """SIGKILL a service (its whole process group); the supervisor notices and restarts it."""
        kill_process(self.children[name].proc)

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
        self.stopping = True  # no restarts from here on
        children = list(reversed(self.children.items()))
        for _, child in children:
            if child.proc.poll() is None:
                child.proc.send_signal(signal.SIGTERM)
        asked = time.monotonic()
        deadline = asked + STOP_SECONDS  # one deadline for all: they stop side by side, not in turn
        for name, child in children:
            try:
                child.proc.wait(timeout=max(0.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                self.say(f"  {name} did not stop within {STOP_SECONDS:.0f}s; killing it")
                child.proc.kill()
                child.proc.wait()
            else:
                if (took := time.monotonic() - asked) > SLOW_STOP_SECONDS:
                    self.say(f"  {name} took {took:.1f}s to stop")
            child.log.close()
        self.children.clear()
        self.nats.stop()
        self.pg.stop()


STOP_SECONDS = 15.0
"""How long the services and the gateway get, together, to stop after SIGTERM before SIGKILL."""
SLOW_STOP_SECONDS = 5.0
"""A child slower than this to stop is named in the output (a shutdown that waits on something)."""


def banner(platform: Platform) -> str:
    gw = platform.gateway.url
    frontends = "".join(f"\n  {f.name + ' (portal, staff console)':<31}{f.url}" for f in platform.frontends)
    staff = ""
    if platform.frontends:
        web = platform.frontends[0].url
        staff = (
            f"\nThe portal: {web}  (enrol at {web}/enrol)"
            f"\nThe staff console: {web}/staff/sign-in  (development accounts: identity's demo line above)"
        )
    return f"""
Shubbak is running.{frontends}
  gateway (the one citizen API)  {gw}
  API docs                       {gw}/docs
  merged OpenAPI                 {gw}/openapi.json
  services                       {", ".join(f"{s.name} :{s.port}" for s in platform.services)}
  logs                           .data/logs/
Try:
  curl -s {gw}/readyz
  curl -s -H 'Accept-Language: en' {gw}/v1/services{staff}{integrator.usage(platform.data)}
Ctrl-C stops everything.
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-wait", action="store_true", help="start, print, and stop (a smoke check)")
    parser.add_argument("--data", type=Path, default=None, help="data folder (default .data; keep it under .data)")
    parser.add_argument("--free-ports", action="store_true", help="pick free ports instead of platform.toml's")
    parser.add_argument(
        "--nats-nodes", type=int, default=1, choices=(1, 3, 5), help="NATS servers (3 or 5: a cluster, as production)"
    )
    args = parser.parse_args(argv)
    platform = Platform(repo_root(), data=args.data, free_ports=args.free_ports, nats_nodes=args.nats_nodes)

    def on_signal(signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    # Ctrl-C stops everything even when whatever started us ignored SIGINT (a shell's background
    # job does, and Python then keeps it ignored): the runner is what must stop its children.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    print("Starting Shubbak (data in .data/) ...", flush=True)
    try:
        platform.start()
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
