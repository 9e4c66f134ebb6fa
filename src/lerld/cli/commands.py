"""A command as data: its name, help, options and handler; and what every command shares."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass

from lerld.cli.exits import EXIT_INVALID
from lerld.cli.options import Argument, SettingArgument
from lerld.core.errors import InvalidData


@dataclass(frozen=True)
class Command:
    """One `lerld` command: its name and help, its arguments (in --help's order) and the
    function that runs it and gives the exit status."""

    name: str
    help: str
    arguments: tuple[Argument | SettingArgument, ...]
    handler: Callable[[argparse.Namespace], int]


def not_valid(error: InvalidData, message: str) -> int:
    """Print the validation report and why nothing happened; the exit status."""
    print(error.report.to_text(), file=sys.stderr)
    print(message, file=sys.stderr)
    return EXIT_INVALID
