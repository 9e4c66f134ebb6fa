"""The web layer: a Flask application factory over a snapshot. Only this package imports Flask.

HTTP invariants (Vary, CORS, security headers) are set in one after_request; errors from
the library are translated to statuses in one place.
"""

from __future__ import annotations

import dataclasses
import gc
import mmap
import struct
import threading
import time
from urllib.parse import urlsplit

from flask import Flask, g

from lerld.core.settings import Settings
from lerld.project.snapshot import Snapshot, build_snapshot
from lerld.web.replay import ReplayCache

_GENERATION = struct.Struct("Q")
# The longest a worker forked with a new snapshot holds a request until it is published.
PUBLISH_WAIT = 10.0


class SnapshotHolder:
    """The snapshot being served; replaced whole, read once per request.

    `lerld serve` forks its worker processes from the process that holds this, and never
    swaps the snapshot of a worker: a new version is served by new workers (lerld.serve.reload).
    Versions are numbered (`generation`); `published`, in memory that every process forked
    from here shares, is the generation the server answers with. A worker whose snapshot is
    newer holds its requests until it is published, so that no answer of the new version is
    given while old workers still take requests.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._lock = threading.Lock()
        self.generation = 1
        self._published = mmap.mmap(-1, _GENERATION.size)
        self.publish()

    @property
    def current(self) -> Snapshot:
        return self._snapshot

    @property
    def published(self) -> int:
        return _GENERATION.unpack_from(self._published)[0]

    def swap(self, snapshot: Snapshot) -> Snapshot:
        """Make `snapshot` current, as a new generation not yet published; the old one."""
        with self._lock:
            old, self._snapshot = self._snapshot, snapshot
            self.generation += 1
        return old

    def for_worker(self) -> None:
        """In a worker process just forked from this one: the snapshot's store as the worker
        may use it (a store on disk opened again, read-only: a database handle opened before
        the fork is not safe to use after it)."""
        store = self._snapshot.store
        own = store.for_worker()
        if own is not store:
            self._snapshot = dataclasses.replace(self._snapshot, store=own)

    def publish(self) -> None:
        """Every process answers with the current generation from now on."""
        _GENERATION.pack_into(self._published, 0, self.generation)

    def wait_until_published(self, timeout: float = PUBLISH_WAIT) -> None:
        deadline = time.monotonic() + timeout
        while self.published < self.generation and time.monotonic() < deadline:
            time.sleep(0.005)


class PublishedGate:
    """WSGI middleware, outermost: a request waits while this process's snapshot is newer
    than the published one (a worker forked for a version being switched to)."""

    def __init__(self, app, holder: SnapshotHolder) -> None:
        self.app = app
        self.holder = holder

    def __call__(self, environ, start_response):
        if self.holder.published < self.holder.generation:
            self.holder.wait_until_published()
        return self.app(environ, start_response)


class BasePathMiddleware:
    """Serve requests that keep the base URI's path (e.g. /ler/id/...) like local ones (/id/...)."""

    def __init__(self, app, prefix: str) -> None:
        self.app = app
        self.prefix = prefix.rstrip("/")

    def __call__(self, environ, start_response):
        path = environ.get("PATH_INFO", "")
        if self.prefix and (path == self.prefix or path.startswith(self.prefix + "/")):
            environ["PATH_INFO"] = path[len(self.prefix) :] or "/"
        return self.app(environ, start_response)


def create_app(settings: Settings | None = None, snapshot: Snapshot | None = None) -> Flask:
    """The lerld web application. Without a snapshot, one is built from the settings."""
    settings = settings or Settings()
    app = Flask(__name__)
    app.config["LERLD_SETTINGS"] = settings
    app.extensions["lerld"] = SnapshotHolder(snapshot or build_snapshot(settings))
    holder = app.extensions["lerld"]

    from lerld.web import dataset, http, linkeddata, pages, sparql
    from lerld.web.map import blueprint as map_blueprint

    app.wsgi_app = PublishedGate(
        BasePathMiddleware(
            ReplayCache(
                sparql.SparqlFastPath(app.wsgi_app, lambda: holder.current, settings),
                lambda: holder.current.cache,
            ),
            urlsplit(settings.base_uri).path,
        ),
        holder,
    )

    http.install(app)
    app.register_blueprint(linkeddata.blueprint)
    app.register_blueprint(pages.blueprint)
    app.register_blueprint(sparql.blueprint)
    app.register_blueprint(map_blueprint)
    app.register_blueprint(dataset.blueprint)

    @app.before_request
    def hold_snapshot() -> None:
        g.snapshot = app.extensions["lerld"].current

    return app


# --- switching to a new snapshot (lerld.serve.reload drives these, in the serving process) -------


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
    kept shared, and the snapshot's query processes are started."""
    from lerld.web.sparql import start_query_workers

    share_with_forks()
    start_query_workers(app)


def in_worker(app: Flask) -> Flask:
    """The app, in a web worker process just forked from the one that made it."""
    app.extensions["lerld"].for_worker()
    return app


def stage(app: Flask, snapshot: Snapshot) -> Snapshot:
    """Make `snapshot` the one that processes forked from now on serve (not yet published),
    and start its query processes; returns the snapshot it replaces."""
    old = app.extensions["lerld"].swap(snapshot)
    start_serving(app)
    return old


def publish(app: Flask) -> None:
    """Let the processes forked with the staged snapshot answer."""
    app.extensions["lerld"].publish()


def revive(app: Flask) -> bool:
    """Start the query processes again if they died; whether they had."""
    from lerld.web.sparql import revive_query_workers

    return revive_query_workers(app)


def retire(snapshot: Snapshot) -> None:
    """Free what a snapshot no process serves any more: its query processes and its store."""
    from lerld.web.sparql import stop_query_workers

    stop_query_workers(snapshot)
    snapshot.store.close()
    # Let the collector find the cycles among what is no longer served (share_with_forks
    # kept them from it), then keep what is served from it again.
    gc.unfreeze()
    gc.collect()
    share_with_forks()
