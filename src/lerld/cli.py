"""The `lerld` command line: the only place that prints and chooses exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lerld.errors import InvalidData, LerldError, SourceError
from lerld.settings import INFERENCE_MODES, Settings
from lerld.sources import load_sources
from lerld.terms import DEFAULT_BASE_URI
from lerld.validation import SEVERITIES, validate

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_SOURCE_ERROR = 2


def cmd_validate(args: argparse.Namespace) -> int:
    settings = Settings(root=args.root, inference=args.inference)
    report = validate(load_sources(settings), inference=settings.inference)
    if args.format == "json":
        print(report.to_json())
    else:
        print(report.to_text(min_severity=args.min_severity.capitalize()))
    return EXIT_OK if report.conforms else EXIT_INVALID


def serve_options(settings: Settings, access_log: bool) -> dict:
    """The production server's configuration (gunicorn, threaded workers)."""
    return {
        "bind": f"{settings.host}:{settings.port}",
        "workers": settings.workers,
        "worker_class": "gthread",
        "threads": 4,
        "preload_app": True,
        "accesslog": "-" if access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "timeout": 60,
        "graceful_timeout": 10,
        "proc_name": "lerld",
    }


def run_server(app, options: dict) -> None:
    from gunicorn.app.base import BaseApplication

    class Server(BaseApplication):
        def load_config(self) -> None:
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()


def cmd_serve(args: argparse.Namespace) -> int:
    from lerld.snapshot import build_snapshot
    from lerld.web import create_app

    settings = Settings(
        root=args.root,
        inference=args.inference,
        base_uri=args.base_uri,
        store_path=args.store_path,
        host=args.host,
        port=args.port,
        workers=args.workers,
    )
    try:
        snapshot = build_snapshot(settings)
    except InvalidData as e:
        print(e.report.to_text(), file=sys.stderr)
        print("lerld serve: not starting: the data does not validate", file=sys.stderr)
        return EXIT_INVALID
    app = create_app(settings, snapshot)
    print(
        f"lerld: serving version {snapshot.version} ({snapshot.report.triples} triples) "
        f"on http://{settings.host}:{settings.port}/ for {settings.base_uri}",
        flush=True,
    )
    run_server(app, serve_options(settings, args.access_log))
    return EXIT_OK


def add_source_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--inference",
        choices=INFERENCE_MODES,
        default="none",
        help="inference before SHACL: none, rdfs, or owlrl (OWL 2 RL)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="lerld", description="The Linked Data platform for the LER ecosystem."
    )
    parser.add_argument(
        "--root",
        type=Path,
        default=Path("."),
        help="project directory holding ontology/, shapes/ and data/ (default: .)",
    )
    commands = parser.add_subparsers(dest="command", required=True)

    validate_cmd = commands.add_parser(
        "validate", help="parse and validate ontology, shapes and data (changes nothing on disk)"
    )
    validate_cmd.add_argument(
        "--inference",
        choices=INFERENCE_MODES,
        default="none",
        help="inference before SHACL: none, rdfs, or owlrl (OWL 2 RL)",
    )
    validate_cmd.add_argument(
        "--format",
        choices=("text", "json"),
        default="text",
        help="text for people (default) or json for machines",
    )
    validate_cmd.add_argument(
        "--min-severity",
        choices=[s.lower() for s in SEVERITIES],
        default="warning",
        help="least severe finding shown in text output",
    )
    validate_cmd.set_defaults(handler=cmd_validate)

    serve_cmd = commands.add_parser(
        "serve", help="validate, load and publish the graph over HTTP (production WSGI server)"
    )
    add_source_options(serve_cmd)
    serve_cmd.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)"
    )
    serve_cmd.add_argument(
        "--port", type=int, default=8080, help="port to listen on (default: 8080)"
    )
    serve_cmd.add_argument(
        "--base-uri",
        default=DEFAULT_BASE_URI,
        help=f"the IRIs this server answers for (default: {DEFAULT_BASE_URI})",
    )
    serve_cmd.add_argument(
        "--store-path",
        default=None,
        help="keep the embedded store on disk in this directory (default: in memory)",
    )
    serve_cmd.add_argument("--workers", type=int, default=2, help="worker processes (default: 2)")
    serve_cmd.add_argument("--access-log", action="store_true", help="log every request to stdout")
    serve_cmd.set_defaults(handler=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.handler(args)
    except SourceError as e:
        print(str(e), file=sys.stderr)
        return EXIT_SOURCE_ERROR
    except LerldError as e:
        print(f"lerld: {e}", file=sys.stderr)
        return EXIT_SOURCE_ERROR


if __name__ == "__main__":
    sys.exit(main())
