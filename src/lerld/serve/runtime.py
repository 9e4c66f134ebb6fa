"""The production server's runtime: Granian and the processes forked to serve the app.

`lerld serve` builds the app in its first process, the master, starts the snapshot's query
processes there while it has one thread, and runs ReloadingServer, which forks the web
workers from it (they share what it holds, copy-on-write). Switching to a new snapshot is
done here too, in the steps lerld.serve.reload's docstring lists: stage (the app's current
snapshot, with its query processes), publish (the new workers answer), retire (the old
snapshot's processes and store freed). Everything in lerld that imports Granian or forks
web workers is in this module; the web layer is the Flask app only.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import dataclasses
import functools
import gc
import logging
import math
import os
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import granian.server.mp as granian_workers
from granian import Granian
from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels

from lerld.core import waits
from lerld.core.children import fork_child, leave_with_parent
from lerld.core.settings import Settings
from lerld.project.snapshot import Snapshot
from lerld.publish.kept import KeptValues
from lerld.serve.reload import Reloader
from lerld.serve.turns import TakeTurns
from lerld.web.sparql import in_process, query_workers
from lerld.web.state import WebState, holder_of, prepare_kept_values

if TYPE_CHECKING:  # the application is the web layer's; only its type is named here
    from flask import Flask

# How long a switch waits for the new workers to listen, and for the old ones to stop.
LISTEN_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# How often the watchdog looks at the query processes' supervisor.
WATCHDOG_SECONDS = 1.0
# glibc's mallopt parameter for the size from which allocations are mmapped.
M_MMAP_THRESHOLD = -3
# Seconds an idle thread of a worker's pool is kept: the longest Granian allows (its
# default is 30 s); fewer threads come and go (lerld.serve.turns).
KEEP_THREADS = 600
log = logging.getLogger(__name__)


def serve_options(settings: Settings, access_log: bool) -> dict:
    """The production server's configuration: Granian (HTTP in Rust, the WSGI app in
    forked worker processes that share the loaded snapshot), a few threads per worker that
    take turns (take_turns), so that a slow request (a SPARQL query) does not hold up the
    others. A worker that dies is replaced. HTTP limits, on purpose: a request line and
    headers of at most 64 KiB together (more: 431; a URL over 64 KiB: 414), at most 100
    headers (431), sent within 10 s (then the connection is closed)."""
    return {
        "address": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        # threads that take turns (lerld.serve.turns): a slow request (a SPARQL query)
        # does not hold up the others
        "blocking_threads": settings.threads,
        "blocking_threads_idle_timeout": KEEP_THREADS,
        "log_access": access_log,
        "log_level": LogLevels.warning,
        # a worker told to stop finishes its requests, a SPARQL query to its time limit
        "workers_kill_timeout": math.ceil(settings.sparql_timeout) + 5,
        "respawn_failed_workers": True,
        "http1_settings": HTTP1Settings(header_read_timeout=10_000, max_buffer_size=64 * 1024),
    }


def return_large_buffers_to_the_system() -> None:
    """Make glibc mmap every allocation from 128 KiB up, and so give it back when it is
    freed. By default glibc raises that threshold to the largest buffer freed so far (up to
    32 MiB), after which a server that has read a few large requests (SPARQL queries of up
    to --sparql-max-body) keeps their memory in its heaps for good: each worker grows with
    every new largest request. Forked workers and query processes inherit the setting."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, 128 * 1024)


def run_server(
    app: Flask, options: dict, reloader: Callable[[Callable[[Snapshot], bool]], Reloader]
) -> None:
    """Serve the app with Granian until it is stopped; reloader(switch) makes the Reloader."""
    if options["blocking_threads"] > 1:
        take_turns()
    server = ReloadingServer(app, reloader, interface=Interfaces.WSGI, **options)
    # The workers are forked from this process: they serve the app already built here.
    server.serve(target_loader=lambda _target: in_worker(app))


def take_turns() -> None:
    """Make the request threads of the web workers forked from here on take turns
    (lerld.serve.turns). Granian has no hook around a request's whole handling (after its
    answer is handed over, when a thread may park): its WSGI wrapper, which every worker
    applies to the app, is wrapped. tests/unit/test_turns.py fails if that wrapper changes
    shape; tests/system/test_sparql_limits.py holds a real server to what it is for."""
    wrap = granian_workers._wsgi_call_wrap
    if getattr(wrap, "takes_turns", False):
        return

    @functools.wraps(wrap)
    def wrap_taking_turns(callback: Callable, *args, **kwargs) -> Callable:
        run_request = wrap(callback, *args, **kwargs)  # in the worker, once
        turns = TakeTurns()
        waits.listen(turns)

        def run(proto, scope):
            turns.request_started()
            try:
                return run_request(proto, scope)
            finally:
                turns.request_ended()

        return run

    wrap_taking_turns.takes_turns = True  # type: ignore[attr-defined]
    granian_workers._wsgi_call_wrap = wrap_taking_turns


# --- the processes forked from the master ------------------------------------------------


def share_with_forks() -> None:
    """Keep what this process holds now (the snapshot, its store, the app) out of the
    cyclic garbage collector, for the processes forked from here on: web workers and query
    processes share it copy-on-write, and a full collection in any of them would write to
    every page holding a tracked object (its gc header), copying them all. Measured over
    rounds of tests/system/test_hostile_sparql.py's corpus: without it, a round now and then made
    the server ~30 MiB larger at once, ~300 MiB in all against ~210 MiB with it."""
    gc.freeze()


def start_serving(app: Flask) -> None:
    """Before processes are forked to serve the app's current snapshot (lerld serve: while
    this process has one thread, before the web server starts): what they will share is
    kept shared, the snapshot's query processes are started (otherwise they start on the
    first query), and so is the process that prepares its kept values."""
    share_with_forks()
    served = holder_of(app).state
    settings = app.config["LERLD_SETTINGS"]
    if in_process(served):
        query_workers(served, settings).start()
    _preparations.start(served, settings.base_uri)


class Preparations:
    """The processes that compute what the workers of a version read from the kept values
    (lerld.web.state.PREPARED: VoID, the entity index), forked from the master as the
    version is staged, so that its first visitors do not wait for them (at ten million
    triples VoID took ~25 s in it and the index ~64 s; a request that comes meanwhile waits
    for the preparing process instead of computing the value again: lerld.publish.kept). It
    runs at the workers' CPU priority, since a worker may be waiting for it. It holds none
    of the values when it is done, and is killed when its snapshot is retired or the master
    exits (or, should the master be killed, leaves within a second)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pids: dict[WebState, int] = {}  # 0 once it has ended and been reaped
        self._stopped_at_exit = False

    def start(self, served: WebState, base: str) -> None:
        """Fork the process that prepares `served`'s values (once per snapshot; never
        when nothing is kept: LERLD_CACHE_DIR=off)."""
        if KeptValues.from_environment().directory is None:
            return
        with self._lock:
            if served in self._pids:
                return
            if not self._stopped_at_exit:
                atexit.register(self.stop_all)
                self._stopped_at_exit = True
            owner = os.getpid()
            self._pids[served] = fork_child(lambda: _prepare(served.snapshot, base, owner))

    def reap(self) -> None:
        """Collect the processes that have ended (from the master's watchdog)."""
        with self._lock:
            for served, pid in self._pids.items():
                with contextlib.suppress(ChildProcessError):
                    if pid and not os.waitpid(pid, os.WNOHANG)[0]:
                        continue
                self._pids[served] = 0

    def stop(self, served: WebState) -> None:
        """Stop the process of a snapshot being retired, if it still runs, and forget it."""
        with self._lock:
            pid = self._pids.pop(served, 0)
        _stop_child(pid)

    def stop_all(self) -> None:
        with self._lock:
            pids, self._pids = list(self._pids.values()), {}
        for pid in pids:
            _stop_child(pid)


def _stop_child(pid: int) -> None:
    if not pid:
        return
    # killed: what it computes is for a version no longer served (or a server stopping), and
    # a value is written whole or not at all (lerld.core.files.write_whole)
    with contextlib.suppress(ProcessLookupError):
        os.kill(pid, signal.SIGKILL)
    with contextlib.suppress(ChildProcessError):
        os.waitpid(pid, 0)


def _prepare(snapshot: Snapshot, base: str, owner: int) -> None:
    """The preparing process: compute the kept values of a snapshot that are not kept yet."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the master, then us
    # forked from a master whose server may have its own handlers (on a reload): not ours
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGHUP, signal.SIG_DFL)
    leave_with_parent(owner)
    try:
        snapshot = dataclasses.replace(snapshot, store=snapshot.store.for_worker())
        prepared = prepare_kept_values(snapshot, base)
    except Exception as error:  # the workers compute what is missing when asked
        log.warning(
            "lerld: could not prepare the values of version %s: %s", snapshot.version, error
        )
        return
    if prepared:
        took = ", ".join(f"{name} ({seconds:.1f} s)" for name, seconds in prepared.items())
        print(f"lerld: prepared for version {snapshot.version}: {took}", flush=True)


_preparations = Preparations()


def in_worker(app: Flask) -> Flask:
    """The app, in a web worker process just forked from the one that made it."""
    holder_of(app).for_worker()
    return app


# --- switching to a new snapshot (in the master) -------------------------------------------


def stage(app: Flask, served: WebState) -> WebState:
    """Make `served` the snapshot (and state) that processes forked from now on serve (not
    yet published), and start its query processes; returns the state it replaces."""
    old = holder_of(app).swap(served)
    start_serving(app)
    return old


def publish(app: Flask) -> None:
    """Let the processes forked with the staged snapshot answer."""
    holder_of(app).publish()


def revive(app: Flask) -> bool:
    """Start the current snapshot's query processes again if their supervisor died (in the
    process that started them); whether it had."""
    workers = holder_of(app).state.query_workers.computed
    return workers is not None and workers.revive()


def retire(served: WebState) -> None:
    """Free what a snapshot no process serves any more: its query processes and its store
    (its state goes with the last reference to it)."""
    _preparations.stop(served)
    workers = served.query_workers.computed
    if workers is not None:
        workers.close()
    served.snapshot.store.close()
    # Let the collector find the cycles among what is no longer served (share_with_forks
    # kept them from it), then keep what is served from it again.
    gc.unfreeze()
    gc.collect()
    share_with_forks()


# --- the server ------------------------------------------------------------------------


def listening(pid: int, port: int) -> bool:
    """Whether process pid holds a socket listening on this TCP port (Linux /proc)."""
    inodes = set()
    for table in ("tcp", "tcp6"):
        try:
            lines = Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    try:
        descriptors = list(Path(f"/proc/{pid}/fd").iterdir())
    except OSError:
        return False
    for fd in descriptors:
        try:
            target = fd.readlink().name
        except OSError:
            continue
        if target.startswith("socket:[") and target[8:-1] in inodes:
            return True
    return False


def _wait_for(condition: Callable[[], bool], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.01)
    return True


class ReloadingServer(Granian):
    """Granian, whose SIGHUP (and --reload) publishes a new snapshot of the app as
    lerld.serve.reload's docstring says, where Granian's own would only fork the workers
    again."""

    def __init__(
        self, app: Flask, reloader: Callable[[Callable[[Snapshot], bool]], Reloader], **options
    ) -> None:
        """app is the application create_app made; reloader(switch) makes the Reloader
        that calls switch(snapshot)."""
        super().__init__("lerld", **options)
        self.app = app
        self.reloader = reloader(self.switch)
        self._previous: WebState | None = None
        self._published = False
        self._switched = threading.Event()

    def startup(self, spawn_target, target_loader) -> None:
        super().startup(spawn_target, target_loader)
        self.reloader.start()
        threading.Thread(target=self._watchdog, name="lerld-watchdog", daemon=True).start()

    def _watchdog(self) -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            _preparations.reap()
            if revive(self.app):
                self.reloader.report("lerld: the query processes had stopped: started again")

    def signal_handler_reload(self, *args, **kwargs) -> None:
        self.reloader.request()

    def switch(self, snapshot: Snapshot) -> bool:
        """Publish a snapshot (from the reloader's thread): step 1 here, 2-5 in Granian's
        main loop, which owns the workers. Returns when it is done: whether the new workers
        came up (if not, the old ones go on, with the old snapshot)."""
        self._previous = stage(self.app, WebState(snapshot))
        self._switched.clear()
        self.reload_signal = True
        self.main_loop_interrupt.set()
        self._switched.wait()
        return self._published

    def _reload(self, spawn_target, target_loader) -> None:
        self.reload_signal = False
        self.main_loop_interrupt.clear()
        self._published = False
        try:
            self._published = self._replace_workers(spawn_target, target_loader)
        finally:
            self._switched.set()

    def _replace_workers(self, spawn_target, target_loader) -> bool:
        assert self._previous is not None
        old = list(self.wrks)
        new = [
            self._spawn_worker(idx=idx, target=spawn_target, callback_loader=target_loader)
            for idx in range(self.workers)
        ]
        for worker in new:
            worker.start()
        port = self.bind_port
        if not _wait_for(lambda: all(listening(w.inner.pid, port) for w in new), LISTEN_TIMEOUT):
            self._stop(new)
            retire(stage(self.app, self._previous))
            publish(self.app)
            return False
        self.wrks[:] = new
        for worker in old:
            worker.terminate()
        _wait_for(lambda: not any(listening(w.inner.pid, port) for w in old), STOP_TIMEOUT)
        publish(self.app)
        self._stop(old)
        retire(self._previous)
        self._previous = None  # nothing of the old snapshot stays held
        return True

    def _stop(self, workers: list) -> None:
        """Stop workers gracefully (they finish their requests), or kill them in the end."""
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.join(self.workers_kill_timeout)
            if worker.is_alive():
                worker.kill()
                worker.join()
