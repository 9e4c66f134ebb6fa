"""The process that prepares a version's kept values (lerld.serve.runtime.Preparations): it
runs beside the server, is killed when its version is retired, reaped when it ends, and
leaves when the process that forked it is gone (lerld.core.children.leave_with_parent)."""

from __future__ import annotations

import logging
import os
import signal
import sys
import time
from dataclasses import dataclass

import pytest

from lerld.core.children import PARENT_CHECK_SECONDS, fork_child, leave_with_parent
from lerld.serve import runtime
from tests.support import until, zombie


@dataclass(frozen=True)
class _Store:
    def for_worker(self) -> _Store:
        return self


@dataclass(frozen=True)
class _Snapshot:
    store: _Store
    version: str


@dataclass(frozen=True, eq=False)
class _Served:
    snapshot: _Snapshot


@pytest.fixture
def preparations(tmp_path, monkeypatch):
    monkeypatch.setenv("LERLD_CACHE_DIR", str(tmp_path))
    found = runtime.Preparations()
    yield found
    found.stop_all()


def _pid(preparations: runtime.Preparations, served) -> int:
    return preparations._pids[served]


def test_the_preparation_of_a_retired_version_is_killed(preparations, monkeypatch, tmp_path):
    started = tmp_path / "started"
    monkeypatch.setattr(
        runtime,
        "prepare_kept_values",
        lambda snapshot, base: started.write_text(base) or time.sleep(60) or {},
    )
    served = _Served(_Snapshot(_Store(), "v1"))
    preparations.start(served, "https://w3id.org/ler/")
    pid = _pid(preparations, served)
    preparations.start(served, "https://w3id.org/ler/")  # once per snapshot
    assert _pid(preparations, served) == pid
    assert until(started.exists, 10) and started.read_text() == "https://w3id.org/ler/"
    preparations.stop(served)  # waits for it: killed and reaped
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)
    assert served not in preparations._pids


def test_an_ended_preparation_is_reaped(preparations, monkeypatch, capfd):
    monkeypatch.setattr(runtime, "prepare_kept_values", lambda snapshot, base: {"void": 0.25})
    served = _Served(_Snapshot(_Store(), "v2"))
    preparations.start(served, "https://w3id.org/ler/")
    pid = _pid(preparations, served)
    assert until(lambda: zombie(pid), 10)
    assert until(lambda: (preparations.reap(), _pid(preparations, served) == 0)[1], 10)
    assert zombie(pid)
    assert "lerld: prepared for version v2: void (0.2 s)" in capfd.readouterr().out


def test_a_preparation_that_fails_says_so_and_ends(preparations, monkeypatch, capfd):
    def failing(snapshot, base):
        raise RuntimeError("the store is gone")

    monkeypatch.setattr(runtime, "prepare_kept_values", failing)
    handler = logging.StreamHandler(sys.stderr)  # the child's log, where capfd sees it
    runtime.log.addHandler(handler)
    try:
        served = _Served(_Snapshot(_Store(), "v3"))
        preparations.start(served, "https://w3id.org/ler/")
        _, status = os.waitpid(_pid(preparations, served), 0)
    finally:
        runtime.log.removeHandler(handler)
    assert os.waitstatus_to_exitcode(status) == 0
    output = capfd.readouterr()
    assert "could not prepare the values of version v3: the store is gone" in output.err
    assert "prepared for version" not in output.out


def test_nothing_is_prepared_when_nothing_is_kept(monkeypatch):
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    preparations = runtime.Preparations()
    preparations.start(_Served(_Snapshot(_Store(), "v4")), "https://w3id.org/ler/")
    assert preparations._pids == {}


def test_a_child_leaves_when_its_parent_is_gone(tmp_path):
    record = tmp_path / "grandchild"

    def middle() -> None:
        parent = os.getpid()

        def grandchild() -> None:
            leave_with_parent(parent)
            time.sleep(60)

        record.write_text(str(fork_child(grandchild)))
        time.sleep(60)

    pid = fork_child(middle)
    assert until(lambda: record.exists() and record.read_text() != "", 10)
    grandchild = int(record.read_text())
    assert not zombie(grandchild)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)
    assert until(lambda: zombie(grandchild), timeout=PARENT_CHECK_SECONDS * 5)
