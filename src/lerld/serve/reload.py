"""Live reload: a new version of the sources goes live only when it is good, and then every
process of the server switches to it together.

`lerld serve` runs a Reloader thread in its first process, the master, which answers no
request itself: the web workers and the query processes are forked from it. With --reload
the thread polls the sources (the paths, sizes and modification times of the files under
ontology/, shapes/ and data/ and of the JSON-LD context; on a remote store, the version in
its manifest); SIGHUP asks it to look at once. The master reads, validates and loads the new
version into a new store while the workers go on answering with the old one. If it does not
parse or does not validate, the report is logged and nothing else happens: the last good
version stays. If it is good, lerld.serve.runtime.ReloadingServer.switch publishes it:

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
        store = open_store(settings)
        try:
            return store.manifest().version
        except LerldError:
            return None
        finally:
            store.close()
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
