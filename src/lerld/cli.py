"""The `lerld` command line: the only place that prints and chooses exit codes."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from lerld.errors import LerldError, SourceError
from lerld.settings import INFERENCE_MODES, Settings
from lerld.sources import load_sources
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
