"""The commands that read and change the project itself: validate, guide, new, release,
record-published."""

from __future__ import annotations

import argparse
from datetime import date
from pathlib import Path

from lerld.cli.commands import Command, not_valid
from lerld.cli.exits import EXIT_INVALID, EXIT_OK
from lerld.cli.options import SettingArgument, argument, settings_from
from lerld.core.errors import InvalidData
from lerld.core.settings import Settings
from lerld.project.sources import Sources, load_sources
from lerld.project.validation import validate
from lerld.project.validation.report import SEVERITIES
from lerld.stores import Store


def cmd_validate(args: argparse.Namespace) -> int:
    settings = settings_from(args)
    report = validate(load_sources(settings), inference=settings.inference)
    if args.format == "json":
        print(report.to_json())
    else:
        print(report.to_text(min_severity=args.min_severity.capitalize()))
    return EXIT_OK if report.conforms else EXIT_INVALID


def loaded_store(settings: Settings) -> tuple[Sources, Store]:
    """The sources, and an embedded store that holds them (without validating)."""
    from lerld.project.sources import load_into
    from lerld.stores.backends import embedded_store

    sources = load_sources(settings)
    store = embedded_store()
    load_into(store, sources)
    return sources, store


def cmd_guide(args: argparse.Namespace) -> int:
    from lerld.publish import editing

    _, store = loaded_store(settings_from(args))
    current = editing.guide(store)
    if args.out is None:
        print(editing.to_markdown(current))
    else:
        changed = editing.write_docs(current, args.out)
        print(f"lerld guide: {args.out} " + ("written" if changed else "is up to date"))
    return EXIT_OK


def cmd_new(args: argparse.Namespace) -> int:
    from lerld.publish import editing

    sources, store = loaded_store(settings_from(args))
    written = editing.new_entity(store, sources, args.kind, args.slug)
    print(
        f"{written.path}:{written.line}: lerld new: wrote {written.iri}; replace the example "
        "values, then run `lerld validate`"
    )
    return EXIT_OK


def cmd_release(args: argparse.Namespace) -> int:
    from lerld.project import published, releases

    day = args.date or date.today()
    prepared = releases.prepare(load_sources(settings_from(args)), args.version, day)
    report = validate(prepared)
    if not report.conforms:
        return not_valid(InvalidData(report), f"lerld release: {args.version} not released")
    target = releases.freeze(prepared, args.version)
    print(f"lerld release: {target.relative_to(prepared.root)} written (version {args.version})")
    # a release is a publication: the entity IRIs it goes out with are recorded too
    changes = published.record_published(prepared, day)
    print(f"lerld release: {published.RECORD}: {changes.total} IRIs, {len(changes.added)} new")
    return EXIT_OK


def cmd_record_published(args: argparse.Namespace) -> int:
    from lerld.project import published

    settings = settings_from(args)
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


VALIDATE = Command(
    "validate",
    "parse and validate ontology, shapes and data (changes nothing on disk)",
    (
        SettingArgument("inference"),
        argument(
            "--format",
            choices=("text", "json"),
            default="text",
            help="text for people (default) or json for machines",
        ),
        argument(
            "--min-severity",
            choices=[s.lower() for s in SEVERITIES],
            default="warning",
            help="least severe finding shown in text output",
        ),
    ),
    cmd_validate,
)

GUIDE = Command(
    "guide",
    "write the editor's guide (every kind, its properties and a minimal example), "
    "generated from the shapes and the ontology",
    (
        argument(
            "--out",
            type=Path,
            default=None,
            help="write it to this Markdown file, such as docs/editing.md (default: print it)",
        ),
    ),
    cmd_guide,
)

NEW = Command(
    "new",
    "add a skeleton entity that validates (today's date, the prefixes it needs) "
    "to the file where its kind lives",
    (
        argument("kind", help="the kind: organization, initiative, resource, topic..."),
        argument("slug", help="the last part of its IRI: words-joined-by-hyphens"),
    ),
    cmd_new,
)

RELEASE = Command(
    "release",
    "freeze the vocabulary, its alignment, shapes and JSON-LD context as a release "
    "in ontology/releases/VERSION/ (never overwrites one)",
    (
        argument("version", help="the release's number, MAJOR.MINOR.PATCH"),
        argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="its dcterms:issued date, YYYY-MM-DD (default: today)",
        ),
    ),
    cmd_release,
)

RECORD_PUBLISHED = Command(
    "record-published",
    "validate, then record every entity IRI the data describes as published "
    "(published.tsv: validate then refuses an IRI that vanishes without a tombstone)",
    (
        argument(
            "--date",
            type=date.fromisoformat,
            default=None,
            help="the day new IRIs are recorded as first published, YYYY-MM-DD (default: today)",
        ),
    ),
    cmd_record_published,
)
