"""The web layer: a Flask application factory over a snapshot. Only this package imports Flask.

HTTP invariants (Vary, CORS, security headers) are set in one after_request; errors from
the library are translated to statuses in one place.
"""

from __future__ import annotations

import threading
from urllib.parse import urlsplit

from flask import Flask, g

from lerld.settings import Settings
from lerld.snapshot import Snapshot, build_snapshot


class SnapshotHolder:
    """The snapshot being served; replaced whole, read once per request."""

    def __init__(self, snapshot: Snapshot) -> None:
        self._snapshot = snapshot
        self._lock = threading.Lock()

    @property
    def current(self) -> Snapshot:
        return self._snapshot

    def swap(self, snapshot: Snapshot) -> Snapshot:
        with self._lock:
            old, self._snapshot = self._snapshot, snapshot
        return old


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
    app.wsgi_app = BasePathMiddleware(app.wsgi_app, urlsplit(settings.base_uri).path)

    from lerld.web import http, linkeddata, pages

    http.install(app)
    app.register_blueprint(linkeddata.blueprint)
    app.register_blueprint(pages.blueprint)

    @app.before_request
    def hold_snapshot() -> None:
        g.snapshot = app.extensions["lerld"].current

    return app
