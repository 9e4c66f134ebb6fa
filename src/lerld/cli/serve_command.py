"""`lerld serve`: validate, load and publish the graph over HTTP."""

from __future__ import annotations

import argparse

from lerld.cli.commands import Command, not_valid
from lerld.cli.exits import EXIT_OK
from lerld.cli.options import (
    SPARQL_LIMITS,
    STORE_DETAILS,
    SettingArgument,
    argument,
    settings_from,
)
from lerld.core.errors import InvalidData


def cmd_serve(args: argparse.Namespace) -> int:
    from lerld.serve.reload import Reloader, load_snapshot
    from lerld.serve.runtime import (
        return_large_buffers_to_the_system,
        run_server,
        serve_options,
        start_serving,
    )
    from lerld.web import create_app

    settings = settings_from(args)
    return_large_buffers_to_the_system()
    try:
        snapshot = load_snapshot(settings)
    except InvalidData as e:
        return not_valid(e, "lerld serve: not starting: the data does not validate")
    app = create_app(settings, snapshot)
    start_serving(app)  # before the server starts threads: they are forked from here
    print(
        f"lerld: serving version {snapshot.version} ({snapshot.report.triples} triples) "
        f"on http://{settings.host}:{settings.port}/ for {settings.base_uri}",
        flush=True,
    )

    def reloader(switch) -> Reloader:  # SIGHUP, and with --reload changed sources
        return Reloader(
            settings,
            snapshot,
            switch,
            lambda text: print(text, flush=True),
            args.reload,
        )

    run_server(app, serve_options(settings, args.access_log), reloader)
    return EXIT_OK


SERVE = Command(
    "serve",
    "validate, load and publish the graph over HTTP (production WSGI server)",
    (
        SettingArgument("inference"),
        SettingArgument("host"),
        SettingArgument("port"),
        SettingArgument("public_url"),
        SettingArgument("base_uri"),
        SettingArgument("store_path"),
        SettingArgument("workers"),
        SettingArgument("threads"),
        argument("--access-log", action="store_true", help="log every request to stdout"),
        argument(
            "--reload",
            action="store_true",
            help="watch the sources (or a remote store's manifest) and publish each new version "
            "that validates; SIGHUP does it once, with or without this flag",
        ),
        SettingArgument("edit_url"),
        SettingArgument(
            "endpoint", more=" (serve what it publishes instead of the embedded store)"
        ),
        *STORE_DETAILS,
        *SPARQL_LIMITS,
    ),
    cmd_serve,
)
