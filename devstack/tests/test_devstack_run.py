"""The supervision of `make run` (devstack.run.Platform.supervise) on a fake clock: a process
that exits is restarted after a pause that doubles while it keeps crashing, back to 1 s once
it has run for a minute, and not while a test holds it down."""

from __future__ import annotations

import pytest

from devstack import run
from devstack.paths import repo_root
from devstack.run import Platform, Unit


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Crashy:
    """A process that is up until `crash()`; `restart()` brings it up again."""

    def __init__(self) -> None:
        self.up = True
        self.starts = 0

    def crash(self) -> None:
        self.up = False

    def restart(self) -> None:
        self.starts += 1
        self.up = True


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fake = Clock()
    monkeypatch.setattr(run.time, "monotonic", fake)
    return fake


@pytest.fixture
def platform(tmp_path, clock: Clock) -> tuple[Platform, Crashy, list[str]]:
    said: list[str] = []
    platform = Platform(repo_root(), data=tmp_path, free_ports=True, say=said.append)
    crashy = Crashy()
    platform.units = {"notary": Unit("notary", alive=lambda: crashy.up, exit_code=lambda: -9, restart=crashy.restart)}
    return platform, crashy, said


def test_a_crash_is_restarted_after_a_pause_that_doubles_while_it_keeps_crashing(platform, clock):
    p, crashy, said = platform
    pauses = []
    for _ in range(4):
        crashy.crash()
        p.supervise()
        assert said[-1].startswith("  notary exited (-9); restarting it in ")
        pauses.append(said[-1].split(" in ")[1].split("s ")[0])
        started = crashy.starts
        clock.now += float(pauses[-1]) - 0.1
        p.supervise()
        assert crashy.starts == started  # not before its pause
        clock.now += 0.2
        p.supervise()
        assert crashy.starts == started + 1
        assert said[-1] == f"  restarted  notary (restart {crashy.starts})"
    assert pauses == ["1", "2", "4", "8"]


def test_a_minute_of_running_resets_the_pause(platform, clock):
    p, crashy, said = platform
    for _ in range(3):
        crashy.crash()
        p.supervise()
        clock.now += 10
        p.supervise()
    clock.now += run.STABLE_SECONDS + 1
    p.supervise()  # it has been up long enough
    crashy.crash()
    p.supervise()
    assert "restarting it in 1s" in said[-1]


def test_a_held_process_stays_down_until_released(platform, clock):
    p, crashy, _ = platform
    p.hold("notary")
    crashy.crash()
    p.supervise()
    clock.now += 100
    p.supervise()
    assert not crashy.up
    p.release("notary")
    p.supervise()
    assert crashy.up


def test_nothing_is_restarted_once_the_platform_stops(platform, clock):
    p, crashy, _ = platform
    crashy.crash()
    p.supervise()
    p.stopping = True
    clock.now += 100
    p.supervise()
    assert not crashy.up
