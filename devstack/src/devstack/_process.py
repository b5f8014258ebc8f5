"""Shared plumbing for the server processes: spawning, stopping, log tails, sync-over-async."""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import ctypes
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self, TypeVar

T = TypeVar("T")

_PR_SET_PDEATHSIG = 1


class DevstackError(RuntimeError):
    """A server could not be started or stopped."""


def _die_with_parent() -> Callable[[], None] | None:
    """A preexec_fn that asks the kernel to SIGKILL the child when the spawning thread dies.

    Linux only (``PR_SET_PDEATHSIG``); None elsewhere. Note the signal follows the *thread*
    that spawned the child: start servers from a long-lived thread (normally the main one).
    """
    if not sys.platform.startswith("linux"):
        return None
    libc = ctypes.CDLL(None, use_errno=True)  # loaded in the parent, not after fork
    parent = os.getpid()

    def preexec() -> None:  # pragma: no cover - runs in the forked child
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:  # the parent died before prctl: nobody would kill us
            os._exit(1)

    return preexec


def child_env() -> dict[str, str]:
    """The environment for server children: ours, minus PG* variables that steer libpq/initdb."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


def spawn(
    cmd: Sequence[str | os.PathLike[str]],
    *,
    log: IO[bytes],
    cwd: Path,
    user: str | None = None,
    group: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.Popen[bytes]:
    """Start a long-running server child (with `env`, default: ours minus PG* variables).

    The child gets its own session (a Ctrl-C in the terminal reaches only the runner), its
    output goes to ``log``, and on Linux it is SIGKILLed by the kernel if the spawning thread
    dies (``PR_SET_PDEATHSIG``). CPython runs preexec_fn after the uid switch, so the setting
    is not cleared by it (the orphan test proves it for the postgres user too).
    """
    return subprocess.Popen(
        [os.fspath(c) for c in cmd],
        stdin=subprocess.DEVNULL,
        stdout=log,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env=child_env() if env is None else env,
        start_new_session=True,
        preexec_fn=_die_with_parent(),
        user=user,
        group=group,
        extra_groups=[] if user is not None else None,
    )


def stop_process(proc: subprocess.Popen[bytes], sig: signal.Signals, timeout: float) -> None:
    """Ask the child to stop with ``sig``; SIGKILL its group if it is not gone after ``timeout``."""
    if proc.poll() is None:
        try:
            proc.send_signal(sig)
            proc.wait(timeout)
            return
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            kill_process(proc)
    proc.wait()


def kill_process(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the child's whole process group at once (crash simulation) and reap it."""
    if proc.returncode is None:  # not reaped yet, so the pid (= pgid) cannot have been reused
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()


def log_tail(path: Path, offset: int = 0, lines: int = 40) -> str:
    """The last ``lines`` lines of ``path`` written after byte ``offset``."""
    try:
        with path.open("rb") as f:
            f.seek(offset)
            data = f.read()
    except OSError:
        return "<no log>"
    text = data.decode("utf-8", errors="replace").rstrip()
    return "\n".join(text.splitlines()[-lines:]) or "<empty log>"


def run_sync(factory: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion on a fresh event loop in a helper thread.

    Safe to call from synchronous code running inside an event loop (pytest-asyncio tests).
    """
    result: list[T] = []
    error: list[BaseException] = []

    def target() -> None:
        try:
            result.append(asyncio.run(factory()))
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            error.append(exc)

    thread = threading.Thread(target=target, name="devstack-sync", daemon=True)
    thread.start()
    thread.join()
    if error:
        raise error[0]
    return result[0]


def pid_gone(pid: int | None, within: float = 5.0) -> bool:
    """True once process ``pid`` no longer exists (a zombie counts as gone), polling ``within``."""
    import psutil

    if pid is None:
        return True
    deadline = time.monotonic() + within
    while True:
        try:
            if psutil.Process(pid).status() == psutil.STATUS_ZOMBIE:
                return True
        except psutil.NoSuchProcess:
            return True
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.05)


class ServerProcess:
    """What every devstack server shares: the child process, its log, stop and kill, and use
    as a context manager. Subclasses write `start()` and choose their stop signal."""

    stop_signal: signal.Signals = signal.SIGTERM
    stop_timeout: float = 10.0

    def __init__(self, data_dir: Path, *, port: int, log_file: Path | None = None) -> None:
        self.data_dir = Path(data_dir).absolute()
        self.port = port
        self.log_file = (
            Path(log_file).absolute() if log_file is not None else self.data_dir.parent / f"{self.data_dir.name}.log"
        )
        self._proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    def __repr__(self) -> str:
        state = f"pid={self.pid}" if self.running else "stopped"
        return f"{type(self).__name__}({str(self.data_dir)!r}, port={self.port}, {state})"

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        """The server's pid while started (also after it died, until stop/kill)."""
        return self._proc.pid if self._proc is not None else None

    @property
    def returncode(self) -> int | None:
        """The exit code of a server that died on its own (None while it runs, or once stopped)."""
        return self._proc.poll() if self._proc is not None else None

    def stop(self, timeout: float | None = None) -> None:
        """Clean shutdown with `stop_signal`; SIGKILL after `timeout`. Idempotent."""
        if self._proc is not None:
            stop_process(self._proc, self.stop_signal, self.stop_timeout if timeout is None else timeout)
        self._cleanup()

    def kill(self) -> None:
        """SIGKILL at once (crash simulation)."""
        if self._proc is not None:
            kill_process(self._proc)
        self._cleanup()

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def start(self, timeout: float = 15) -> None:
        raise NotImplementedError

    def _cleanup(self) -> None:
        atexit.unregister(self.stop)
        self._proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
