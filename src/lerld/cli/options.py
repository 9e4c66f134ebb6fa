"""The command line's arguments, each declared once, and the Settings they build.

An option that sets a Settings field (--base-uri, --sparql-timeout, ...) takes its flag,
help text, default, choices and check from the field's metadata (lerld.core.settings): a
command only names the field (`SettingArgument("base_uri")`). The arguments of one command
only (--format, --reload, positionals) are `Argument`s, declared where the command is. A
parser remembers which settings its command declared, and `settings_from(args)` builds
Settings from them."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from dataclasses import dataclass, field, fields
from typing import Any

from lerld.core.errors import LerldError
from lerld.core.settings import (
    STORE_PASSWORD_VARIABLE,
    STORE_USER_VARIABLE,
    Settings,
    help_text,
)

SETTING_FIELDS = {f.name: f for f in fields(Settings)}


@dataclass(frozen=True)
class Argument:
    """An argument of one command: argparse's add_argument, as data."""

    flags: tuple[str, ...]
    options: dict[str, Any] = field(default_factory=dict)

    def add_to(self, parser: argparse.ArgumentParser) -> str | None:
        """Add it to the parser; the setting it sets: none."""
        parser.add_argument(*self.flags, **self.options)
        return None


def argument(*flags: str, **options: Any) -> Argument:
    """An Argument, written as parser.add_argument's call is."""
    return Argument(flags, options)


def checked(check: Callable[[str], str]) -> Callable[[str], str]:
    """An argparse type from one of the settings' checks: its ValueError is the flag's error."""

    def convert(value: str) -> str:
        try:
            return check(value)
        except ValueError as e:
            raise argparse.ArgumentTypeError(str(e)) from e

    return convert


@dataclass(frozen=True)
class SettingArgument:
    """The option of a Settings field, as its metadata declares it. publisher: what the
    help text calls what publishes ("this server", "the site"); more: words the help adds
    for this command; help: the command's own help, where the option means more there."""

    name: str
    required: bool = False
    publisher: str = "this server"
    more: str = ""
    help: str | None = None

    def add_to(self, parser: argparse.ArgumentParser) -> str:
        """Add its option to the parser; the setting it sets."""
        declared = SETTING_FIELDS[self.name]
        meta = declared.metadata
        flag = meta["flag"] or "--" + self.name.replace("_", "-")
        arguments: dict[str, Any] = {
            "dest": self.name,
            "help": self.help or help_text(self.name, self.publisher) + self.more,
        }
        if isinstance(declared.default, bool):
            arguments["action"] = "store_true"
        else:
            arguments["default"] = declared.default
            if self.required:
                arguments["required"] = True
            if meta["choices"]:
                arguments["choices"] = meta["choices"]
            if meta["check"]:
                arguments["type"] = checked(meta["check"])
            elif meta["type"] or declared.default is not None:
                arguments["type"] = meta["type"] or type(declared.default)
            if meta["metavar"]:
                arguments["metavar"] = meta["metavar"]
        parser.add_argument(flag, **arguments)
        return self.name


def setting_arguments(*names: str) -> tuple[SettingArgument, ...]:
    """The options of these settings, as their metadata declares them."""
    return tuple(SettingArgument(name) for name in names)


# The details of a remote store, after its --endpoint.
STORE_DETAILS = setting_arguments("update_endpoint", "graph_store", "store_credentials")
# The /sparql endpoint's limits and policy.
SPARQL_LIMITS = setting_arguments(
    "sparql_timeout",
    "sparql_max_rows",
    "sparql_max_body",
    "sparql_processes",
    "sparql_cache_mb",
    "sparql_max_memory",
    "allow_service",
)


def add_arguments(
    parser: argparse.ArgumentParser, arguments: tuple[Argument | SettingArgument, ...]
) -> None:
    """Add the arguments to the parser, which remembers the settings among them."""
    settings = [name for name in (a.add_to(parser) for a in arguments) if name]
    parser.set_defaults(settings=settings)


def settings_from(args: argparse.Namespace) -> Settings:
    """The Settings that the command's options (and --root) give. An edit URL nobody gave is
    the checkout's own (its git remote); store credentials are read with an endpoint."""
    values = {name: getattr(args, name) for name in ["root", *args.settings]}
    if "edit_url" in values and values["edit_url"] is None:
        from lerld.project import history

        values["edit_url"] = history.edit_url(args.root)
    if "store_credentials" in values:
        values["store_credentials"] = store_credentials(args) if args.endpoint else None
    try:
        return Settings(**values)
    except ValueError as e:  # values that do not go together (each flag checks its own)
        raise LerldError(str(e)) from None


def store_credentials(args: argparse.Namespace) -> tuple[str, str] | None:
    """The store's user and password: $LERLD_STORE_USER with $LERLD_STORE_PASSWORD, or the
    first line of --store-password-file (systemd credentials, container secrets). Never
    from the command line, where every user of the machine reads it."""
    user = os.environ.get(STORE_USER_VARIABLE)
    path = args.store_credentials  # --store-password-file
    if path is not None:
        try:
            password = next(iter(path.read_text(encoding="utf-8").splitlines()), "")
        except OSError as e:
            raise LerldError(f"{path}: cannot read the store password: {e.strerror}") from e
    else:
        password = os.environ.get(STORE_PASSWORD_VARIABLE)
    if not user:
        if password is not None:
            raise LerldError(f"a store password without a user: set {STORE_USER_VARIABLE} too")
        return None
    if password is None:
        raise LerldError(
            f"{STORE_USER_VARIABLE} without a password: set {STORE_PASSWORD_VARIABLE} or "
            "--store-password-file"
        )
    return user, password
