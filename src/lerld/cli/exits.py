"""The exit statuses of `lerld`: what each means, and the error that gives each one."""

from __future__ import annotations

import sys
from dataclasses import dataclass

from lerld.core.errors import (
    LerldError,
    SourceError,
    StoreFailed,
    StoreRefused,
    StoreUnavailable,
)


@dataclass(frozen=True)
class ExitStatus:
    """One exit status: its name, its number and what it means."""

    name: str
    code: int
    meaning: str


EXIT_OK = 0
EXIT_INVALID = 1
EXIT_SOURCE_ERROR = 2
EXIT_UNAVAILABLE = 3
EXIT_REFUSED = 4
EXIT_STORE_FAILED = 5

EXIT_STATUSES = (
    ExitStatus("ok", EXIT_OK, "done: the data conforms, or what was asked is written or served"),
    ExitStatus(
        "invalid",
        EXIT_INVALID,
        "the data does not validate: nothing was written, loaded or released "
        "(lerld ingest: a document was rejected)",
    ),
    ExitStatus(
        "source-error",
        EXIT_SOURCE_ERROR,
        "a source cannot be read (FILE:LINE: message), or an argument is wrong (a flag, a "
        "query or its parameters, a release that exists)",
    ),
    ExitStatus("unavailable", EXIT_UNAVAILABLE, "the store cannot be reached"),
    ExitStatus(
        "refused",
        EXIT_REFUSED,
        "the store asks for credentials, or refuses the ones given",
    ),
    ExitStatus(
        "store-failed",
        EXIT_STORE_FAILED,
        "the store is reachable but rejected or failed lerld's request",
    ),
)

# The store's errors, each with its status; they print the store's own message too.
STORE_ERRORS = (
    (StoreUnavailable, EXIT_UNAVAILABLE),
    (StoreRefused, EXIT_REFUSED),
    (StoreFailed, EXIT_STORE_FAILED),
)


def failed(error: LerldError) -> int:
    """Print what went wrong; the exit status that says it."""
    if isinstance(error, SourceError):  # FILE:LINE: message, as editors and CI read it
        print(str(error), file=sys.stderr)
        return EXIT_SOURCE_ERROR
    for kind, status in STORE_ERRORS:
        if isinstance(error, kind):
            print(f"lerld: {error.full()}", file=sys.stderr)
            return status
    print(f"lerld: {error}", file=sys.stderr)
    return EXIT_SOURCE_ERROR
