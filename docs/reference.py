"""The reference sections of docs/, generated from the code by cog.

Each docs page holds its generated sections between `<!-- [[[cog ... ]]] -->` and
`<!-- [[[end]]] -->` markers, which call one function of this module. Regenerate them with

    cog -r -I docs README.md docs/*.md

and `cog --check -I docs README.md docs/*.md` (run by tests/unit/test_docs.py) fails when one is
stale. Anything the code declares without a description (a setting without help, an exit
status without meaning) is printed as UNDOCUMENTED, which the tests refuse."""

from __future__ import annotations

import argparse
import ast
import dataclasses
import functools
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
UNDOCUMENTED = "UNDOCUMENTED"
HELP_WIDTH = 100  # argparse wraps help to the terminal: the docs use one fixed width


def cell(text: str) -> str:
    """Text as one cell of a Markdown table."""
    return " ".join(text.split()).replace("|", "\\|")


# --- the command line ----------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    from lerld.cli import build_parser

    return build_parser()


def subcommands(top: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    """The parser's commands by name, in the order they are declared."""
    found: dict[str, argparse.ArgumentParser] = {}
    for action in top._actions:
        if isinstance(action, argparse._SubParsersAction):
            found.update(action.choices)
    return found


def options(command: argparse.ArgumentParser) -> list[str]:
    """The long options of one parser (its own, not its commands'), --help left out."""
    return [
        flag
        for action in command._actions
        for flag in action.option_strings
        if flag.startswith("--") and flag != "--help"
    ]


def help_text(command: argparse.ArgumentParser) -> str:
    """A parser's --help at a fixed width, whatever the terminal's."""
    formatter_class = command.formatter_class
    command.formatter_class = functools.partial(formatter_class, width=HELP_WIDTH)
    try:
        return command.format_help()
    finally:
        command.formatter_class = formatter_class


def cli_help() -> str:
    top = parser()
    parts = ["### `lerld`\n", "```text", help_text(top).rstrip(), "```\n"]
    for name, command in subcommands(top).items():
        parts += [f"### `lerld {name}`\n", "```text", help_text(command).rstrip(), "```\n"]
    return "\n".join(parts)


def exit_statuses_of_cli() -> dict[int, list[str]]:
    """The values of lerld.cli's EXIT_* constants, with their names."""
    import lerld.cli

    statuses: dict[int, list[str]] = {}
    for name, value in vars(lerld.cli).items():
        if name.startswith("EXIT_") and isinstance(value, int):
            statuses.setdefault(int(value), []).append(name)
    return dict(sorted(statuses.items()))


def exit_statuses() -> str:
    """The table of lerld.cli.EXIT_STATUSES, and any EXIT_* constant it leaves out."""
    import lerld.cli

    declared = {status.code: status for status in lerld.cli.EXIT_STATUSES}
    rows = ["| exit status | name | meaning |", "|---|---|---|"]
    for code in sorted(set(declared) | set(exit_statuses_of_cli())):
        status = declared.get(code)
        name = f"`{status.name}`" if status else ", ".join(exit_statuses_of_cli()[code])
        meaning = cell(status.meaning) if status and status.meaning else UNDOCUMENTED
        rows.append(f"| {code} | {name} | {meaning} |")
    return "\n".join(rows) + "\n"


# --- settings ------------------------------------------------------------------------


def option_actions() -> Iterator[argparse.Action]:
    """Every option of the command line: the global ones and every command's."""
    top = parser()
    for command in (top, *subcommands(top).values()):
        for action in command._actions:
            if action.option_strings and action.dest != "help":
                yield action


def settings_fields() -> list[dataclasses.Field]:
    from lerld.core.settings import Settings

    return list(dataclasses.fields(Settings))


def default_of(field: dataclasses.Field) -> str:
    if field.default is not dataclasses.MISSING:
        value = field.default
    elif field.default_factory is not dataclasses.MISSING:
        value = field.default_factory()
    else:
        return "(required)"
    return "—" if value is None else f"`{value}`"


def setting_help(field: dataclasses.Field) -> str:
    """What a setting is: the help its field declares (lerld.core.settings.help_text)."""
    from lerld.core.settings import help_text

    return " ".join(help_text(field.name).split()) if field.metadata.get("help") else UNDOCUMENTED


def settings_table() -> str:
    rows = [
        "| setting | type | default | option | environment | what it is |",
        "|---|---|---|---|---|---|",
    ]
    actions = list(option_actions())
    for field in settings_fields():
        setting_actions = [a for a in actions if a.dest == field.name]
        flags = {flag for a in setting_actions for flag in a.option_strings}
        if field.metadata.get("flag"):
            flags.add(field.metadata["flag"])
        option = ", ".join(f"`{flag}`" for flag in sorted(flags) if flag.startswith("--"))
        env = ", ".join(f"`${name}`" for name in field.metadata.get("env", ()))
        kind = str(field.type).replace("|", "or")
        rows.append(
            f"| `{field.name}` | {kind} | {default_of(field)} | {option or '—'} | "
            f"{env or '—'} | {cell(setting_help(field))} |"
        )
    return "\n".join(rows) + "\n"


# --- URLs and formats ----------------------------------------------------------------


@functools.cache
def flask_app():
    from lerld.core.settings import Settings
    from lerld.web import create_app

    return create_app(Settings(root=REPO))


def routes() -> list[tuple[str, list[str], str, str]]:
    """(rule, methods, endpoint, module of the view) of every route of the application."""
    app = flask_app()
    found = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        methods = sorted((rule.methods or set()) - {"HEAD", "OPTIONS"})
        found.append((rule.rule, methods, rule.endpoint, view.__module__))
    return sorted(found)


def url_table() -> str:
    rows = ["| URL rule | methods | view | module |", "|---|---|---|---|"]
    for rule, methods, endpoint, module in routes():
        rows.append(f"| `{rule}` | {', '.join(methods)} | `{endpoint}` | `{module}` |")
    return "\n".join(rows) + "\n"


def formats() -> list:
    from lerld.core import formats as module

    return [value for value in vars(module).values() if isinstance(value, module.Format)]


def format_tables() -> dict[str, tuple]:
    """The named tuples of formats in lerld.core.formats (DOCUMENT_FORMATS, ...)."""
    from lerld.core import formats as module

    return {
        name: value
        for name, value in vars(module).items()
        if name.endswith("_FORMATS") and isinstance(value, tuple)
    }


def format_table() -> str:
    tables = format_tables()
    rows = [
        "| key | extension | media type | other media types | charset | label | in |",
        "|---|---|---|---|---|---|---|",
    ]
    for fmt in formats():
        aliases = ", ".join(f"`{a}`" for a in fmt.aliases) or "—"
        member_of = ", ".join(f"`{name}`" for name, table in tables.items() if fmt in table)
        rows.append(
            f"| `{fmt.key}` | `.{fmt.extension}` | `{fmt.media_type}` | {aliases} | "
            f"{fmt.charset or '—'} | {fmt.label} | {member_of or '—'} |"
        )
    return "\n".join(rows) + "\n"


# --- the package's layers ----------------------------------------------------------


def layers() -> tuple[str, ...]:
    """The layers, bottom to top, as tests/unit/test_layers.py holds them."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from tests.unit.test_layers import LAYERS

    return LAYERS


def module_summary(path: Path) -> str:
    """The first sentence of a module's docstring."""
    docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    first = " ".join(docstring.split("\n\n")[0].split())
    return cell(first.split(". ")[0].rstrip(".") + "." if first else UNDOCUMENTED)


def modules_table() -> str:
    package = REPO / "src" / "lerld"
    rows = ["| layer | module | what it owns |", "|---|---|---|"]
    for layer in layers():
        folder = package / layer
        paths = sorted(folder.rglob("*.py")) if folder.is_dir() else [package / f"{layer}.py"]
        for path in paths:
            if path.exists():
                module = path.relative_to(package.parent).with_suffix("").as_posix()
                module = module.removesuffix("/__init__").replace("/", ".")
                link = path.relative_to(REPO).as_posix()
                rows.append(f"| {layer} | [`{module}`](../{link}) | {module_summary(path)} |")
    return "\n".join(rows) + "\n"


# --- named queries -------------------------------------------------------------------


def named_queries() -> list:
    from lerld.sparql.queries import named_queries

    return named_queries(REPO / "sparql")


def named_queries_table() -> str:
    rows = ["| name | form | parameters | the question |", "|---|---|---|---|"]
    for query in named_queries():
        parameters = "<br>".join(
            f"`?{p.name}` {p.type} (default `{p.default}`)" for p in query.parameters
        )
        rows.append(
            f"| `{query.name}` | {query.form or '?'} | {parameters or '—'} | "
            f"**{cell(query.title)}**: {cell(query.description)} |"
        )
    return "\n".join(rows) + "\n"


# --- the tests' corpora --------------------------------------------------------------


def corpus_counts() -> list[tuple[str, str, int]]:
    """(what, where, how many) for each corpus of bad input the tests try."""
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    import logging

    # the SHACL suite's ill-typed literals on purpose: rdflib would log each one
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    from tests import accept_headers, broken_inputs, shacl_suite
    from tests.http import test_hostile_text, test_http_robustness
    from tests.system import test_hostile_sparql

    hostile = test_hostile_sparql.CORPUS
    robustness = test_http_robustness
    return [
        (
            "bad source files (`tests/corpus/broken/*.ttl`)",
            "`tests/broken_inputs.py`",
            len(list((REPO / "tests" / "corpus" / "broken").glob("*.ttl"))),
        ),
        (
            "bad inputs tried on `lerld validate`, `lerld load` and `lerld serve --reload` "
            "(the files, and generated ones)",
            "`tests/broken_inputs.py`",
            len(broken_inputs.CASES),
        ),
        (
            "of them refused (exit status 1 or 2)",
            "`tests/broken_inputs.py`",
            len(broken_inputs.REFUSED),
        ),
        (
            "abusive kinds of request to `/sparql`",
            "`tests/system/test_hostile_sparql.py`",
            len(hostile),
        ),
        (
            "abusive requests sent in one round (some kinds are sent many times)",
            "`tests/system/test_hostile_sparql.py`",
            sum(h.repeat for h in hostile),
        ),
        (
            "URLs whose HTML must show hostile text as text",
            "`tests/http/test_hostile_text.py`",
            len(test_hostile_text.PAGES),
        ),
        (
            "path traversals, each tried under every route prefix",
            "`tests/http/test_http_robustness.py`",
            len(robustness.TRAVERSALS),
        ),
        (
            "route prefixes they are tried under",
            "`tests/http/test_http_robustness.py`",
            len(robustness.ROUTES),
        ),
        ("unknown HTTP methods", "`tests/http/test_http_robustness.py`", len(robustness.METHODS)),
        (
            "requests with real clients' `Accept` headers, each with the answer expected",
            "`tests/accept_headers.py`",
            len(accept_headers.ROWS),
        ),
        (
            "W3C SHACL test suite `sht:Validate` tests",
            "`tests/shacl_suite.py`",
            len(shacl_suite.suite_tests()),
        ),
    ]


def corpus_table() -> str:
    rows = ["| corpus | defined in | count |", "|---|---|---|"]
    rows += [f"| {what} | {where} | {count} |" for what, where, count in corpus_counts()]
    return "\n".join(rows) + "\n"
