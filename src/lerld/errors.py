"""The errors lerld raises; the CLI maps them to exit codes, the web layer to HTTP statuses."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lerld.validation import Report


class LerldError(Exception):
    """Base class of every error lerld reports to a user."""


class SourceError(LerldError):
    """A source file cannot be read or parsed: reported as FILE:LINE: message."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path = str(path)
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.message}"


class InvalidData(LerldError):
    """The sources parse but do not validate: the report says why."""

    def __init__(self, report: Report) -> None:
        self.report = report
        super().__init__(f"validation failed with {report.count('Violation')} violation(s)")
