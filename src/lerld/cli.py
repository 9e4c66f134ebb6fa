"""The `lerld` command line: the only place that prints and chooses exit codes."""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import logging
import math
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path

from lerld.core.errors import (
    InvalidData,
    LerldError,
    SourceError,
    StoreError,
    StoreFailed,
    StoreRefused,
    StoreUnavailable,
)
from lerld.core.settings import (
    INFERENCE_MODES,
    Settings,
    check_edit_url,
    check_public_url,
)
from lerld.core.terms import DEFAULT_BASE_URI
from lerld.project.sources import load_sources
from lerld.project.validation import SEVERITIES, validate

EXIT_OK = 0
EXIT_INVALID = 1
EXIT_SOURCE_ERROR = 2
EXIT_UNAVAILABLE = 3
EXIT_REFUSED = 4  # the store asks for credentials, or refuses the ones given
EXIT_STORE_FAILED = 5  # the store is reachable but rejected or failed lerld's request
SERVE_THREADS = 2


def cmd_validate(args: argparse.Namespace) -> int:
    settings = Settings(root=args.root, inference=args.inference)
    report = validate(load_sources(settings), inference=settings.inference)
    if args.format == "json":
        print(report.to_json())
    else:
        print(report.to_text(min_severity=args.min_severity.capitalize()))
    return EXIT_OK if report.conforms else EXIT_INVALID


def not_valid(error: InvalidData, message: str) -> int:
    """Print the validation report and why nothing happened; the exit status."""
    print(error.report.to_text(), file=sys.stderr)
    print(message, file=sys.stderr)
    return EXIT_INVALID


def serve_options(settings: Settings, access_log: bool) -> dict:
    """The production server's configuration: Granian (HTTP in Rust, the WSGI app in
    forked worker processes that share the loaded snapshot), a few threads per worker so
    that a slow request (a SPARQL query) does not hold up the others. A worker that dies
    is replaced. HTTP limits, on purpose: a request line and headers of at most 64 KiB
    together (more: 431; a URL over 64 KiB: 414), at most 100 headers (431), sent within
    10 s (then the connection is closed)."""
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    return {
        "address": settings.host,
        "port": settings.port,
        "workers": settings.workers,
        "blocking_threads": SERVE_THREADS,
        "log_access": access_log,
        "log_level": LogLevels.warning,
        # a worker told to stop finishes its requests, a SPARQL query to its time limit
        "workers_kill_timeout": math.ceil(settings.sparql_timeout) + 5,
        "respawn_failed_workers": True,
        "http1_settings": HTTP1Settings(header_read_timeout=10_000, max_buffer_size=64 * 1024),
    }


# glibc's mallopt parameter for the size from which allocations are mmapped.
M_MMAP_THRESHOLD = -3


def return_large_buffers_to_the_system() -> None:
    """Make glibc mmap every allocation from 128 KiB up, and so give it back when it is
    freed. By default glibc raises that threshold to the largest buffer freed so far (up to
    32 MiB), after which a server that has read a few large requests (SPARQL queries of up
    to --sparql-max-body) keeps their memory in its heaps for good: each worker grows with
    every new largest request. Forked workers and query processes inherit the setting."""
    with contextlib.suppress(OSError, AttributeError):  # not glibc: nothing to do
        ctypes.CDLL("libc.so.6").mallopt(M_MMAP_THRESHOLD, 128 * 1024)


def run_server(app, options: dict, reloader) -> None:
    from granian.constants import Interfaces

    from lerld.serve.reload import ReloadingServer
    from lerld.web import in_worker

    server = ReloadingServer(app, reloader, interface=Interfaces.WSGI, **options)
    # The workers are forked from this process: they serve the app already built here.
    server.serve(target_loader=lambda _target: in_worker(app))


def cmd_serve(args: argparse.Namespace) -> int:
    from lerld.serve.reload import Reloader, load_snapshot
    from lerld.web import create_app, start_serving

    settings = Settings(
        root=args.root,
        inference=args.inference,
        base_uri=args.base_uri,
        public_url=args.public_url,
        store_path=args.store_path,
        host=args.host,
        port=args.port,
        workers=args.workers,
        edit_url=edit_url_of(args),
        **endpoint_settings(args),
        sparql_timeout=args.sparql_timeout,
        sparql_max_rows=args.sparql_max_rows,
        sparql_max_body=args.sparql_max_body,
        sparql_processes=args.sparql_processes,
        sparql_cache_mb=args.sparql_cache_mb,
        sparql_max_memory=args.sparql_max_memory,
        allow_service=args.allow_service,
    )
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
            settings, snapshot, switch, lambda text: print(text, flush=True), args.reload
        )

    run_server(app, serve_options(settings, args.access_log), reloader)
    return EXIT_OK


def endpoint_settings(args: argparse.Namespace) -> dict:
    return {
        "endpoint": args.endpoint,
        "update_endpoint": getattr(args, "update_endpoint", None),
        "graph_store": getattr(args, "graph_store", None),
        "store_credentials": store_credentials(args),
    }


def store_credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """The store's user and password: $LERLD_STORE_USER with $LERLD_STORE_PASSWORD, or the
    first line of --store-password-file (systemd credentials, container secrets). Never
    from the command line, where every user of the machine reads it."""
    user = os.environ.get("LERLD_STORE_USER")
    path = getattr(args, "store_password_file", None)
    if path is not None:
        try:
            password = next(iter(path.read_text(encoding="utf-8").splitlines()), "")
        except OSError as e:
            raise LerldError(f"{path}: cannot read the store password: {e.strerror}") from e
    else:
        password = os.environ.get("LERLD_STORE_PASSWORD")
    if not user:
        if password is not None:
            raise LerldError("a store password without a user: set LERLD_STORE_USER too")
        return None
    if password is None:
        raise LerldError(
            "LERLD_STORE_USER without a password: set LERLD_STORE_PASSWORD or --store-password-file"
        )
    return user, password


def cmd_load(args: argparse.Namespace) -> int:
    from lerld.project.snapshot import build_snapshot
    from lerld.stores.backends import open_store

    settings = Settings(root=args.root, inference=args.inference, **endpoint_settings(args))
    store = open_store(settings)
    try:
        snapshot = build_snapshot(settings, store)
    except InvalidData as e:
        return not_valid(e, "lerld load: nothing loaded: the data does not validate")
    print(
        f"lerld load: published version {store.manifest().version} ({len(snapshot.graphs)} graphs, "
        f"{snapshot.report.triples} triples) at {settings.endpoint}"
    )
    return EXIT_OK


def query_parameters(pairs: list[str]) -> dict[str, str]:
    values = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise argparse.ArgumentTypeError(f"--param takes NAME=VALUE, not {pair!r}")
        values[name.strip().lstrip("?")] = value
    return values


def cmd_query(args: argparse.Namespace) -> int:
    from lerld.core.formats import RDF_FORMATS, RESULTS_FORMATS, SPARQL_JSON, TURTLE, by_name
    from lerld.project.snapshot import build_snapshot
    from lerld.sparql import queries
    from lerld.stores import Dataset
    from lerld.stores.remote import RemoteStore
    from lerld.stores.results import GRAPH, Formats, read_json, table

    settings = Settings(root=args.root, inference=args.inference)
    named = queries.find_query(args.query, settings.root / "sparql")
    text = queries.bind(named, query_parameters(args.param))
    shape = queries.check(text, allow_service=True, public_services_only=False)
    wanted = args.format or ("turtle" if shape.form == GRAPH else "table")
    if wanted == "table":
        formats = Formats(SPARQL_JSON, TURTLE)
    else:
        formats = Formats(by_name(wanted, RESULTS_FORMATS), by_name(wanted, RDF_FORMATS))
    if args.endpoint:
        credentials = store_credentials(args)
        store = RemoteStore(args.endpoint, credentials=credentials)
        try:
            store.manifest()  # a store `lerld load` filled: query what it publishes
        except StoreError:
            raise
        except LerldError:  # any other endpoint: query it as it is
            store = RemoteStore(args.endpoint, managed=False, credentials=credentials)
    else:
        store = build_snapshot(settings).store
    answer = store.query(text, formats, Dataset(in_query=shape.dataset))
    if answer.body is None:
        form = "a graph" if answer.form == GRAPH else "solutions"
        raise LerldError(f"{named.name} answers with {form}: --format {wanted} does not fit")
    if wanted == "table" and answer.form != GRAPH:
        result = read_json(answer.body)
        print(("yes" if result else "no") if isinstance(result, bool) else table(*result))
    else:
        sys.stdout.write(answer.body.decode("utf-8"))
        sys.stdout.flush()
    return EXIT_OK


def cmd_synth(args: argparse.Namespace) -> int:
    from lerld.tools.synth import synth

    result = synth(args.root, args.out, args.triples, seed=args.seed)
    print(
        f"lerld synth: {result.triples} triples ({result.real_triples} from the map, the rest "
        f"synthetic, seed {args.seed}) in {result.files} files under {result.out}/data/synthetic"
    )
    return EXIT_OK


def cmd_build(args: argparse.Namespace) -> int:
    from lerld.project.snapshot import build_snapshot
    from lerld.tools.build import build
    from lerld.web import create_app

    settings = Settings(
        root=args.root,
        base_uri=args.base_uri,
        public_url=args.public_url,
        edit_url=edit_url_of(args),
    )
    try:
        snapshot = build_snapshot(settings)
    except InvalidData as e:
        print(e.report.to_text(), file=sys.stderr)
        print("lerld build: nothing written: the data does not validate", file=sys.stderr)
        return EXIT_INVALID
    site = build(create_app(settings, snapshot), args.out)
    for path, status in site.broken.items():
        print(f"lerld build: warning: the site links to {path}, which answers {status}")
    print(f"lerld build: {len(site.files)} files of version {snapshot.version} in {args.out}")
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    from lerld.tools.ingest import document_paths, ingest

    try:
        result = ingest(
            Settings(root=args.root), document_paths(args.documents), args.output, args.date
        )
    except InvalidData as e:
        print(e.report.to_text(), file=sys.stderr)
        print("lerld ingest: nothing written: the project would not validate", file=sys.stderr)
        return EXIT_INVALID
    for outcome in result.rejected:
        print(f"{outcome.path}: rejected ({outcome.reason}): {outcome.message}")
    reasons = ", ".join(f"{n} {reason}" for reason, n in result.reasons().items())
    print(
        f"lerld ingest: {result.ingested} of {len(result.outcomes)} documents ingested "
        f"({result.records} distinct credentials) into {result.output}; "
        f"{len(result.rejected)} rejected" + (f" ({reasons})" if reasons else "")
    )
    return EXIT_OK if not result.rejected else EXIT_INVALID


def loaded_store(settings: Settings):
    """The sources, and an embedded store that holds them (without validating)."""
    from lerld.project.sources import load_into
    from lerld.stores.backends import embedded_store

    sources = load_sources(settings)
    store = embedded_store()
    load_into(store, sources)
    return sources, store


def cmd_guide(args: argparse.Namespace) -> int:
    from lerld.publish import editing

    _, store = loaded_store(Settings(root=args.root))
    current = editing.guide(store)
    if args.out is None:
        print(editing.to_markdown(current))
    else:
        changed = editing.write_docs(current, args.out)
        print(f"lerld guide: {args.out} " + ("written" if changed else "is up to date"))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from lerld.publish import editing

    sources, store = loaded_store(Settings(root=args.root))
    written = editing.new_entity(store, sources, args.kind, args.slug)
    print(
        f"{written.path}:{written.line}: lerld new: wrote {written.iri}; replace the example "
        "values, then run `lerld validate`"
    )
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from lerld.project import published, releases

    settings = Settings(root=args.root)
    prepared = releases.prepare(load_sources(settings), args.version, args.date)
    report = validate(prepared)
    if not report.conforms:
        return not_valid(InvalidData(report), f"lerld release: {args.version} not released")
    target = releases.freeze(prepared, args.version)
    print(f"lerld release: {target.relative_to(prepared.root)} written (version {args.version})")
    # a release is a publication: the entity IRIs it goes out with are recorded too
    changes = published.record_published(prepared, args.date)
    print(f"lerld release: {published.RECORD}: {changes.total} IRIs, {len(changes.added)} new")
    return EXIT_OK


def cmd_record_published(args: argparse.Namespace) -> int:
    from lerld.project import published

    settings = Settings(root=args.root)
    sources = load_sources(settings)
    report = validate(sources, inference=settings.inference)
    if not report.conforms:
        return not_valid(InvalidData(report), "lerld record-published: nothing recorded")
    changes = published.record_published(sources, args.date)
    print(
        f"lerld record-published: {published.RECORD}: {changes.total} IRIs, "
        f"{len(changes.added)} new, {len(changes.changed)} changed"
    )
    return EXIT_OK


def cmd_w3id(args: argparse.Namespace) -> int:
    from lerld.tools.build import w3id_rules

    rules = w3id_rules(args.host, args.path)
    if args.out is None:
        print(rules, end="")
    else:
        args.out.write_text(rules, encoding="utf-8")
        print(f"lerld w3id: {args.out} written")
    return EXIT_OK


def checked(check: Callable[[str], str]) -> Callable[[str], str]:
    """An argparse type from one of the settings' checks: its ValueError is the flag's error."""

    def convert(value: str) -> str:
        try:
            return check(value)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from e

    return convert


edit_url_template = checked(check_edit_url)
public_url = checked(check_public_url)


def add_edit_url_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--edit-url",
        type=edit_url_template,
        default=None,
        help="where pages' 'suggest an edit' links go: {path} is the entity's source file, "
        "{start} and {end} its lines (default: from the checkout's git remote when it is on "
        "GitHub, GitLab or Codeberg; otherwise no link)",
    )


def edit_url_of(args: argparse.Namespace) -> str | None:
    from lerld.project import history

    return args.edit_url or history.edit_url(args.root)


def add_source_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--inference",
        choices=INFERENCE_MODES,
        default="none",
        help="inference before SHACL: none, rdfs, or owlrl (OWL 2 RL)",
    )


QUERY_OUTPUT_FORMATS = (
    "table",
    "json",
    "xml",
    "csv",
    "tsv",
    "turtle",
    "jsonld",
    "ntriples",
    "rdfxml",
)


def add_endpoint_options(
    command: argparse.ArgumentParser, required: bool = False, serving: bool = False
) -> None:
    command.add_argument(
        "--endpoint",
        required=required,
        default=None,
        help="a remote SPARQL store's query endpoint, e.g. http://127.0.0.1:7878/query"
        + (" (serve what it publishes instead of the embedded store)" if serving else ""),
    )
    command.add_argument(
        "--update-endpoint",
        default=None,
        help="its SPARQL Update endpoint (default: .../update next to a .../query endpoint, "
        "else the endpoint itself)",
    )
    command.add_argument(
        "--graph-store",
        default=None,
        help="its Graph Store Protocol endpoint (default: .../store next to a .../query "
        "endpoint, else the endpoint itself)",
    )
    add_password_file_option(command)


def add_password_file_option(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--store-password-file",
        type=Path,
        default=None,
        metavar="FILE",
        help="read the store's password from the first line of FILE instead of "
        "$LERLD_STORE_PASSWORD (the user is $LERLD_STORE_USER)",
    )


def add_sparql_options(command: argparse.ArgumentParser) -> None:
    defaults = Settings()
    command.add_argument(
        "--sparql-timeout",
        type=float,
        default=defaults.sparql_timeout,
        help=f"seconds a /sparql query may run before it is stopped (default: "
        f"{defaults.sparql_timeout:g})",
    )
    command.add_argument(
        "--sparql-max-rows",
        type=int,
        default=defaults.sparql_max_rows,
        help=f"most solutions or triples in one answer (default: {defaults.sparql_max_rows})",
    )
    command.add_argument(
        "--sparql-max-body",
        type=int,
        default=defaults.sparql_max_body,
        help=f"most bytes in one /sparql request (default: {defaults.sparql_max_body})",
    )
    command.add_argument(
        "--sparql-processes",
        type=int,
        default=defaults.sparql_processes,
        help=f"processes that evaluate /sparql queries on the embedded store (default: "
        f"{defaults.sparql_processes})",
    )
    command.add_argument(
        "--sparql-cache-mb",
        type=int,
        default=defaults.sparql_cache_mb,
        help="memory (MiB, per worker) for answers kept for repeated /sparql queries on the "
        f"embedded store; 0 turns it off (default: {defaults.sparql_cache_mb})",
    )
    command.add_argument(
        "--sparql-max-memory",
        type=int,
        default=defaults.sparql_max_memory,
        help="memory (MiB) a query process may take for one query on the embedded store; a "
        f"query that needs more is stopped (default: {defaults.sparql_max_memory})",
    )
    command.add_argument(
        "--allow-service",
        action="store_true",
        help="let /sparql queries use SERVICE (federated query: the server fetches URLs)",
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
        "--public-url",
        type=public_url,
        default=None,
        help="the URL this server is reached at when it is not the base URI (a mirror, staging, "
        "localhost): JSON-LD names its context under it (default: the base URI)",
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
    serve_cmd.add_argument(
        "--reload",
        action="store_true",
        help="watch the sources (or a remote store's manifest) and publish each new version "
        "that validates; SIGHUP does it once, with or without this flag",
    )
    add_edit_url_option(serve_cmd)
    add_endpoint_options(serve_cmd, serving=True)
    add_sparql_options(serve_cmd)
    serve_cmd.set_defaults(handler=cmd_serve)

    load_cmd = commands.add_parser(
        "load",
        help="validate the sources and publish them in a remote SPARQL store, in one step",
    )
    add_source_options(load_cmd)
    add_endpoint_options(load_cmd, required=True)
    load_cmd.set_defaults(handler=cmd_load)

    query_cmd = commands.add_parser(
        "query", help="run a named query (sparql/NAME.rq) or a .rq file, and print its answer"
    )
    query_cmd.add_argument("query", help="a named query's name, or the path of a .rq file")
    query_cmd.add_argument(
        "--format",
        choices=QUERY_OUTPUT_FORMATS,
        default=None,
        help="table (default for SELECT and ASK), json, xml, csv, tsv; for CONSTRUCT and "
        "DESCRIBE turtle (default), jsonld, ntriples, rdfxml",
    )
    query_cmd.add_argument(
        "--param",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="bind a parameter of the query (see its header); repeatable",
    )
    query_cmd.add_argument(
        "--endpoint",
        default=None,
        help="ask this SPARQL endpoint (e.g. a lerld server's /sparql) instead of "
        "validating and loading the project here",
    )
    add_password_file_option(query_cmd)
    add_source_options(query_cmd)
    query_cmd.set_defaults(handler=cmd_query)

    synth_cmd = commands.add_parser(
        "synth",
        help="write a synthetic project (the map plus generated entities) for benchmarks",
    )
    synth_cmd.add_argument(
        "--triples", type=int, required=True, help="about how many triples in all"
    )
    synth_cmd.add_argument(
        "--out", type=Path, required=True, help="directory of the new project (never data/)"
    )
    synth_cmd.add_argument(
        "--seed", type=int, default=0, help="the same seed gives the same bytes (default: 0)"
    )
    synth_cmd.set_defaults(handler=cmd_synth)

    build_cmd = commands.add_parser(
        "build", help="write the whole site as static files, with nginx and Apache rules"
    )
    build_cmd.add_argument("out", type=Path, help="output directory (new, or an earlier build)")
    add_edit_url_option(build_cmd)
    build_cmd.add_argument(
        "--public-url",
        type=public_url,
        default=None,
        help="the URL the site is reached at when it is not the base URI (a mirror, staging, "
        "localhost): JSON-LD names its context under it (default: the base URI)",
    )
    build_cmd.add_argument(
        "--base-uri",
        default=DEFAULT_BASE_URI,
        help=f"the IRIs the site answers for (default: {DEFAULT_BASE_URI})",
    )
    build_cmd.set_defaults(handler=cmd_build)

    ingest_cmd = commands.add_parser(
        "ingest",
        help="add what Open Badges 3.0 / Verifiable Credential documents say to the data",
    )
    ingest_cmd.add_argument(
        "documents", type=Path, nargs="+", help="JSON-LD files, or directories of *.json(ld)"
    )
    ingest_cmd.add_argument(
        "--output",
        default="data/ingested/credentials.ttl",
        help="the Turtle file under data/ to merge into (default: data/ingested/credentials.ttl)",
    )
    ingest_cmd.add_argument(
        "--date",
        type=date.fromisoformat,
        default=None,
        help="dcterms:modified of what changes, YYYY-MM-DD (default: today)",
    )
    ingest_cmd.set_defaults(handler=cmd_ingest)

    guide_cmd = commands.add_parser(
        "guide",
        help="write the editor's guide (every kind, its properties and a minimal example), "
        "generated from the shapes and the ontology",
    )
    guide_cmd.add_argument(
        "--out",
        type=Path,
        default=None,
        help="write it to this Markdown file, such as docs/editing.md (default: print it)",
    )
    guide_cmd.set_defaults(handler=cmd_guide)

    new_cmd = commands.add_parser(
        "new",
        help="add a skeleton entity that validates (today's date, the prefixes it needs) "
        "to the file where its kind lives",
    )
    new_cmd.add_argument("kind", help="the kind: organization, initiative, resource, topic...")
    new_cmd.add_argument("slug", help="the last part of its IRI: words-joined-by-hyphens")
    new_cmd.set_defaults(handler=cmd_new)

    release_cmd = commands.add_parser(
        "release",
        help="freeze the vocabulary, its alignment, shapes and JSON-LD context as a release "
        "in ontology/releases/VERSION/ (never overwrites one)",
    )
    release_cmd.add_argument("version", help="the release's number, MAJOR.MINOR.PATCH")
    release_cmd.add_argument(
        "--date",
        type=date.fromisoformat,
        default=date.today(),
        help="its dcterms:issued date, YYYY-MM-DD (default: today)",
    )
    release_cmd.set_defaults(handler=cmd_release)

    record_cmd = commands.add_parser(
        "record-published",
        help="validate, then record every entity IRI the data describes as published "
        "(published.tsv: validate then refuses an IRI that vanishes without a tombstone)",
    )
    record_cmd.add_argument(
        "--date",
        type=date.fromisoformat,
        default=None,
        help="the day new IRIs are recorded as first published, YYYY-MM-DD (default: today)",
    )
    record_cmd.set_defaults(handler=cmd_record_published)

    w3id_cmd = commands.add_parser(
        "w3id",
        help="write the .htaccess that the perma-id/w3id.org repository needs to redirect "
        "the base URI's paths to the deployed host",
    )
    w3id_cmd.add_argument("host", type=public_url, help="the deployed site's URL, ending with '/'")
    w3id_cmd.add_argument(
        "--path",
        default="/ler/",
        help="the base URI's path on w3id.org (default: /ler/)",
    )
    w3id_cmd.add_argument(
        "--out", type=Path, default=None, help="write it to this file (default: print it)"
    )
    w3id_cmd.set_defaults(handler=cmd_w3id)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    # rdflib logs a traceback for each ill-typed literal ("2024/03/10"^^xsd:date) it reads;
    # validation reports each one as a finding with the form to write, at its line.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    try:
        return args.handler(args)
    except SourceError as e:
        print(str(e), file=sys.stderr)
        return EXIT_SOURCE_ERROR
    except StoreUnavailable as e:
        print(f"lerld: {e.full()}", file=sys.stderr)
        return EXIT_UNAVAILABLE
    except StoreRefused as e:
        print(f"lerld: {e.full()}", file=sys.stderr)
        return EXIT_REFUSED
    except StoreFailed as e:
        print(f"lerld: {e.full()}", file=sys.stderr)
        return EXIT_STORE_FAILED
    except LerldError as e:
        print(f"lerld: {e}", file=sys.stderr)
        return EXIT_SOURCE_ERROR


if __name__ == "__main__":
    sys.exit(main())
