"""The commands that write something besides the project's sources: synth (a synthetic
project), build (the static site), ingest (credentials into the data), w3id (redirects)."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from lerld.cli.commands import Command, not_valid
from lerld.cli.exits import EXIT_INVALID, EXIT_OK
from lerld.cli.options import SettingArgument, argument, checked, settings_from
from lerld.core.errors import InvalidData
from lerld.core.settings import check_public_url
from lerld.tools.ingest import DEFAULT_OUTPUT, document_paths, ingest


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

    settings = settings_from(args)
    try:
        snapshot = build_snapshot(settings)
    except InvalidData as e:
        return not_valid(e, "lerld build: nothing written: the data does not validate")
    site = build(create_app(settings, snapshot), args.out)
    for path, status in site.broken.items():
        print(f"lerld build: warning: the site links to {path}, which answers {status}")
    print(f"lerld build: {len(site.files)} files of version {snapshot.version} in {args.out}")
    return EXIT_OK


def cmd_ingest(args: argparse.Namespace) -> int:
    try:
        result = ingest(settings_from(args), document_paths(args.documents), args.output, args.date)
    except InvalidData as e:
        return not_valid(e, "lerld ingest: nothing written: the project would not validate")
    for outcome in result.rejected:
        print(f"{outcome.path}: rejected ({outcome.reason}): {outcome.message}")
    reasons = ", ".join(f"{n} {reason}" for reason, n in result.reasons().items())
    print(
        f"lerld ingest: {result.ingested} of {len(result.outcomes)} documents ingested "
        f"({result.records} distinct credentials) into {result.output}; "
        f"{len(result.rejected)} rejected" + (f" ({reasons})" if reasons else "")
    )
    return EXIT_OK if not result.rejected else EXIT_INVALID


def cmd_w3id(args: argparse.Namespace) -> int:
    from lerld.tools.build import w3id_rules

    rules = w3id_rules(args.host, args.path)
    if args.out is None:
        print(rules, end="")
    else:
        args.out.write_text(rules, encoding="utf-8")
        print(f"lerld w3id: {args.out} written")
    return EXIT_OK


SYNTH = Command(
    "synth",
    "write a synthetic project (the map plus generated entities) for benchmarks",
    (
        argument("--triples", type=int, required=True, help="about how many triples in all"),
        argument(
            "--out",
            type=Path,
            required=True,
            help="directory of the new project (never data/)",
        ),
        argument(
            "--seed",
            type=int,
            default=0,
            help="the same seed gives the same bytes (default: 0)",
        ),
    ),
    cmd_synth,
)

BUILD = Command(
    "build",
    "write the whole site as static files, with nginx and Apache rules",
    (
        argument("out", type=Path, help="output directory (new, or an earlier build)"),
        SettingArgument("edit_url"),
        SettingArgument("public_url", publisher="the site"),
        SettingArgument("base_uri", publisher="the site"),
    ),
    cmd_build,
)

INGEST = Command(
    "ingest",
    "add what Open Badges 3.0 / Verifiable Credential documents say to the data",
    (
        argument(
            "documents",
            type=Path,
            nargs="+",
            help="JSON-LD files, or directories of *.json(ld)",
        ),
        argument(
            "--output",
            default=DEFAULT_OUTPUT,
            help=f"the Turtle file under data/ to merge into (default: {DEFAULT_OUTPUT})",
        ),
        argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="dcterms:modified of what changes, YYYY-MM-DD (default: today)",
        ),
    ),
    cmd_ingest,
)

W3ID = Command(
    "w3id",
    "write the .htaccess that the perma-id/w3id.org repository needs to redirect "
    "the base URI's paths to the deployed host",
    (
        argument(
            "host",
            type=checked(check_public_url),
            help="the deployed site's URL, ending with '/'",
        ),
        argument(
            "--path",
            default="/ler/",
            help="the base URI's path on w3id.org (default: /ler/)",
        ),
        argument(
            "--out",
            type=Path,
            default=None,
            help="write it to this file (default: print it)",
        ),
    ),
    cmd_w3id,
)
