"""Live reload: a new version of the sources goes live only when it is good, and then every
process of the server switches to it together.

`lerld serve` runs a Reloader thread in its first process, the master, which answers no
request itself: the web workers and the query processes are forked from it. With --reload
the thread polls the sources (the paths, sizes and modification times of the files under
ontology/, shapes/ and data/ and of the JSON-LD context; on a remote store, the version in
its manifest); SIGHUP asks it to look at once. The master reads, validates and loads the new
version into a new store while the workers go on answering with the old one. If it does not
parse or does not validate, the report is logged and nothing else happens: the last good
version stays. If it is good, ReloadingServer.switch publishes it:

1. it becomes the app's current snapshot, and its query processes are forked;
2. a new set of web workers is forked, holding it; they hold their requests until it is
   published (lerld.web.PublishedGate);
3. once every new worker listens, the old ones are told to stop (SIGTERM): they take no new
   connection and finish the requests they have, with the old snapshot (if the new ones do
   not come up, they are stopped instead, and the old snapshot stays);
4. once no old worker listens, the new generation is published: the new workers answer;
5. once the old workers have exited, the old snapshot's query processes and store are freed.

A request is answered by one process from one snapshot: it sees the old version or the new
one, never a mix; and no answer of the new version is given while an old worker still takes
requests.

The workers listen on the port each with its own socket (SO_REUSEPORT): a connection that
the kernel queued at an old worker in the instant its socket closes is reset, unless
`net.ipv4.tcp_migrate_req` is 1, which moves it to a new worker.

The master also keeps the server whole: Granian replaces a web worker that dies, and a
watchdog thread forks the query processes' supervisor again if it dies (a query process
that dies is replaced by the supervisor itself).
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable, Hashable
from pathlib import Path

from granian import Granian

from lerld import web
from lerld.core.errors import InvalidData, LerldError
from lerld.core.settings import Settings
from lerld.project.published import RECORD
from lerld.project.snapshot import Snapshot, build_snapshot, published_snapshot
from lerld.project.sources import CONTEXT_FILE, ROLES
from lerld.stores.backends import open_store

# How often --reload looks at the sources, and how long they must stay unchanged before
# they are read (an editor or `git checkout` writing several files).
POLL_SECONDS = 1.0
SETTLE_SECONDS = 0.3
# How long a switch waits for the new workers to listen, and for the old ones to stop.
LISTEN_TIMEOUT = 60.0
STOP_TIMEOUT = 10.0
# How often the watchdog looks at the query processes' supervisor.
WATCHDOG_SECONDS = 1.0


def load_snapshot(settings: Settings) -> Snapshot:
    """The version to serve: the sources read, validated and loaded into a new store, or
    what a remote store publishes. Raises SourceError, InvalidData or StoreUnavailable."""
    if settings.endpoint:
        return published_snapshot(settings, open_store(settings))
    return build_snapshot(settings)


def fingerprint(settings: Settings) -> Hashable:
    """A value that changes when the version to serve may have: the version a remote store
    publishes (None while it cannot be read), or the stat of every source file and of the
    record of published IRIs."""
    if settings.endpoint:
        try:
            return open_store(settings).manifest().version
        except LerldError:
            return None
    entries = []
    for name in (*ROLES, CONTEXT_FILE, RECORD):
        top = settings.root / name
        try:
            paths = [top, *sorted(top.rglob("*"))] if top.is_dir() else [top]
        except OSError:  # a directory that cannot be read: reading the sources will say
            paths = [top]
        for path in paths:
            try:
                stat = path.stat()
            except OSError:
                continue
            entries.append((str(path), stat.st_size, stat.st_mtime_ns, stat.st_ino))
    return tuple(entries)


class Reloader:
    """The thread that looks for new versions and has the good ones published."""

    def __init__(
        self,
        settings: Settings,
        current: Snapshot,
        switch: Callable[[Snapshot], bool],
        report: Callable[[str], None],
        poll: bool,
    ) -> None:
        """switch(snapshot) publishes a snapshot (False: it could not); report(text) tells
        the operator."""
        self.settings = settings
        self.current = current
        self.switch = switch
        self.report = report
        self.poll = poll
        self._wake = threading.Event()
        self._thread = threading.Thread(target=self._run, name="lerld-reload", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def request(self) -> None:
        """Look for a new version now (SIGHUP)."""
        self._wake.set()

    def _run(self) -> None:
        seen = fingerprint(self.settings)
        while True:
            asked = self._wake.wait(POLL_SECONDS if self.poll else None)
            self._wake.clear()
            now = fingerprint(self.settings)
            if not asked:
                if now == seen:
                    continue
                while True:  # until the files stop changing
                    time.sleep(SETTLE_SECONDS)
                    now, before = fingerprint(self.settings), now
                    if now == before:
                        break
            seen = now
            self.attempt()

    def attempt(self) -> bool:
        """Read, validate and load the sources; publish them if they are good and new.
        Whatever goes wrong is reported, and the current version stays."""
        still = f"still serving version {self.current.version}"
        try:
            snapshot = load_snapshot(self.settings)
        except InvalidData as e:
            self.report(
                f"{e.report.to_text()}\nlerld: reload: the new version does not validate "
                f"and is not published; {still}"
            )
            return False
        except LerldError as e:
            self.report(f"{e}\nlerld: reload: the new version cannot be read; {still}")
            return False
        except Exception:  # a bug must not publish anything either
            self.report(f"{traceback.format_exc()}lerld: reload: failed; {still}")
            return False
        if snapshot.version == self.current.version:
            snapshot.store.close()
            self.report(f"lerld: reload: version {snapshot.version} is unchanged")
            return False
        if not self.switch(snapshot):
            self.report(f"lerld: reload: the new workers did not start; {still}")
            return False
        self.current = snapshot
        self.report(
            f"lerld: reloaded: serving version {snapshot.version} "
            f"({snapshot.report.triples} triples)"
        )
        return True


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
    """Granian, whose SIGHUP (and --reload) publishes a new snapshot of the app as the module
    docstring says, where Granian's own would only fork the workers again."""

    def __init__(
        self, app: Callable, reloader: Callable[[Callable[[Snapshot], bool]], Reloader], **options
    ) -> None:
        """app is the WSGI application create_app made; reloader(switch) makes the Reloader
        that calls switch(snapshot)."""
        super().__init__("lerld", **options)
        self.app = app
        self.reloader = reloader(self.switch)
        self._previous: Snapshot | None = None
        self._published = False
        self._switched = threading.Event()

    def startup(self, spawn_target, target_loader) -> None:
        super().startup(spawn_target, target_loader)
        self.reloader.start()
        threading.Thread(target=self._watchdog, name="lerld-watchdog", daemon=True).start()

    def _watchdog(self) -> None:
        while True:
            time.sleep(WATCHDOG_SECONDS)
            if web.revive(self.app):
                self.reloader.report("lerld: the query processes had stopped: started again")

    def signal_handler_reload(self, *args, **kwargs) -> None:
        self.reloader.request()

    def switch(self, snapshot: Snapshot) -> bool:
        """Publish a snapshot (from the reloader's thread): step 1 here, 2-5 in Granian's
        main loop, which owns the workers. Returns when it is done: whether the new workers
        came up (if not, the old ones go on, with the old snapshot)."""
        self._previous = web.stage(self.app, snapshot)
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
            web.retire(web.stage(self.app, self._previous))
            web.publish(self.app)
            return False
        self.wrks[:] = new
        for worker in old:
            worker.terminate()
        _wait_for(lambda: not any(listening(w.inner.pid, port) for w in old), STOP_TIMEOUT)
        web.publish(self.app)
        self._stop(old)
        web.retire(self._previous)
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
