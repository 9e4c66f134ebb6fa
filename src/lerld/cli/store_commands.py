"""The commands that talk to a store: load (publish in a remote store), query (ask the
project or an endpoint)."""

from __future__ import annotations

import argparse
import sys

from lerld.cli.commands import Command, not_valid
from lerld.cli.exits import EXIT_OK
from lerld.cli.options import STORE_DETAILS, SettingArgument, argument, settings_from
from lerld.core.errors import InvalidData, LerldError


def cmd_load(args: argparse.Namespace) -> int:
    from lerld.project.snapshot import build_snapshot
    from lerld.stores.backends import open_store

    settings = settings_from(args)
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
    """--param NAME=VALUE pairs as a mapping (a leading '?' of the name is dropped)."""
    values = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals:
            raise argparse.ArgumentTypeError(f"--param takes NAME=VALUE, not {pair!r}")
        values[name.strip().lstrip("?")] = value
    return values


def cmd_query(args: argparse.Namespace) -> int:
    from lerld.core.formats import (
        RDF_FORMATS,
        RESULTS_FORMATS,
        SPARQL_JSON,
        TURTLE,
        by_name,
    )
    from lerld.project.snapshot import build_snapshot
    from lerld.sparql import queries
    from lerld.stores import QueryDataset
    from lerld.stores.backends import open_endpoint
    from lerld.stores.results import GRAPH, Formats, read_json, table

    settings = settings_from(args)
    named = queries.find_query(args.query, settings.root / "sparql")
    text = queries.bind(named, query_parameters(args.param))
    shape = queries.check(text, allow_service=True, public_services_only=False)
    wanted = args.format or ("turtle" if shape.form == GRAPH else "table")
    if wanted == "table":
        formats = Formats(SPARQL_JSON, TURTLE)
    else:
        formats = Formats(by_name(wanted, RESULTS_FORMATS), by_name(wanted, RDF_FORMATS))
    store = open_endpoint(settings) if settings.endpoint else build_snapshot(settings).store
    answer = store.query(text, formats, QueryDataset(in_query=shape.dataset))
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

LOAD = Command(
    "load",
    "validate the sources and publish them in a remote SPARQL store, in one step",
    (
        SettingArgument("inference"),
        SettingArgument("endpoint", required=True),
        *STORE_DETAILS,
    ),
    cmd_load,
)

QUERY = Command(
    "query",
    "run a named query (sparql/NAME.rq) or a .rq file, and print its answer",
    (
        argument("query", help="a named query's name, or the path of a .rq file"),
        argument(
            "--format",
            choices=QUERY_OUTPUT_FORMATS,
            default=None,
            help="table (default for SELECT and ASK), json, xml, csv, tsv; for CONSTRUCT and "
            "DESCRIBE turtle (default), jsonld, ntriples, rdfxml",
        ),
        argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="bind a parameter of the query (see its header); repeatable",
        ),
        # any SPARQL endpoint, not only a store lerld loaded: the help says so
        SettingArgument(
            "endpoint",
            help="ask this SPARQL endpoint (e.g. a lerld server's /sparql) instead of "
            "validating and loading the project here",
        ),
        SettingArgument("store_credentials"),
        SettingArgument("inference"),
    ),
    cmd_query,
)
