"""The `lerld` command line: the only place that prints and chooses exit codes.

- options.py: the arguments, each declared once (the options of settings by Settings'
  field metadata), and the Settings a command's options build;
- commands.py: a command as data (name, help, arguments, handler);
- exits.py: the exit statuses, and which error gives which;
- parser.py: the table of commands and build_parser();
- the commands, by topic: project_commands.py (validate, guide, new, release,
  record-published), serve_command.py (serve), store_commands.py (load, query),
  tool_commands.py (synth, build, ingest, w3id).
"""

from __future__ import annotations

import logging

from lerld.cli.exits import (
    EXIT_INVALID,
    EXIT_OK,
    EXIT_REFUSED,
    EXIT_SOURCE_ERROR,
    EXIT_STATUSES,
    EXIT_STORE_FAILED,
    EXIT_UNAVAILABLE,
    ExitStatus,
    failed,
)
from lerld.cli.parser import build_parser
from lerld.core.errors import LerldError

__all__ = [
    "EXIT_INVALID",
    "EXIT_OK",
    "EXIT_REFUSED",
    "EXIT_SOURCE_ERROR",
    "EXIT_STATUSES",
    "EXIT_STORE_FAILED",
    "EXIT_UNAVAILABLE",
    "ExitStatus",
    "build_parser",
    "main",
]


def main(argv: list[str] | None = None) -> int:
    """Run one `lerld` command; its exit status."""
    args = build_parser().parse_args(argv)
    # rdflib logs a traceback for each ill-typed literal ("2024/03/10"^^xsd:date) it reads;
    # validation reports each one as a finding with the form to write, at its line.
    logging.getLogger("rdflib.term").setLevel(logging.ERROR)
    try:
        return args.handler(args)
    except LerldError as e:
        return failed(e)
