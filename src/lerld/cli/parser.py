"""The table of `lerld` commands, in --help's order, and the parser built from it."""

from __future__ import annotations

import argparse

from lerld.cli import project_commands, serve_command, store_commands, tool_commands
from lerld.cli.commands import Command
from lerld.cli.options import SettingArgument, add_arguments

COMMANDS: tuple[Command, ...] = (
    project_commands.VALIDATE,
    serve_command.SERVE,
    store_commands.LOAD,
    store_commands.QUERY,
    tool_commands.SYNTH,
    tool_commands.BUILD,
    tool_commands.INGEST,
    project_commands.GUIDE,
    project_commands.NEW,
    project_commands.RELEASE,
    project_commands.RECORD_PUBLISHED,
    tool_commands.W3ID,
)


def build_parser() -> argparse.ArgumentParser:
    """The `lerld` parser: --root, then one subcommand of COMMANDS; each parsed command
    names its handler (args.handler) and the settings its options set (args.settings)."""
    parser = argparse.ArgumentParser(
        prog="lerld", description="The Linked Data platform for the LER ecosystem."
    )
    SettingArgument("root").add_to(parser)
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        sub = commands.add_parser(command.name, help=command.help)
        add_arguments(sub, command.arguments)
        sub.set_defaults(handler=command.handler)
    return parser
