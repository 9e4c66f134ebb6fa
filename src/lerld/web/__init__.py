"""The web layer: a Flask application factory over a snapshot. Only this package imports Flask.

HTTP invariants (Vary, CORS, security headers) are set in one after_request; errors from
the library are translated to statuses in one place (lerld.web.http). Serving the app with
processes (Granian, forks, switching snapshots) is lerld.serve.runtime's.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, g

from lerld.core.settings import Settings
from lerld.core.waits import may_take_long
from lerld.profile import PROFILE
from lerld.project.snapshot import Snapshot, build_snapshot
from lerld.web.replay import ReplayCache
from lerld.web.state import SnapshotHolder


class PublishedGate:
    """WSGI middleware, outermost: a request waits while this process's snapshot is newer
    than the published one (a worker forked for a version being switched to)."""

    def __init__(self, app, holder: SnapshotHolder) -> None:
        self.app = app
        self.holder = holder

    def __call__(self, environ, start_response):
        if self.holder.published < self.holder.generation:
            with may_take_long():
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
    holder = app.extensions["lerld"] = SnapshotHolder(snapshot or build_snapshot(settings))

    from lerld.web import harvest, http, linkeddata, pages, sparql
    from lerld.web.map import blueprint as map_blueprint

    app.wsgi_app = PublishedGate(
        BasePathMiddleware(
            ReplayCache(
                sparql.SparqlFastPath(app.wsgi_app, lambda: holder.state, settings),
                lambda: holder.state.replay,
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
    app.register_blueprint(harvest.blueprint)
    # the site's name, as the profile gives it, in every template (title, brand, errors)
    app.jinja_env.globals["site_title"] = PROFILE.site_title

    @app.before_request
    def hold_snapshot() -> None:
        g.state = holder.state  # once: a swap during the request changes neither
        g.snapshot = g.state.snapshot

    return app
