"""The errors lerld raises; the CLI maps them to exit codes, the web layer to HTTP statuses."""

from __future__ import annotations

from pathlib import Path
from typing import Protocol


class Report(Protocol):
    """What an error needs of a validation report (lerld.project.validation.Report)."""

    def count(self, severity: str) -> int: ...


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


class StoreError(LerldError):
    """Something went wrong on the store's side. str() is the public message (no store URL,
    graph IRI or query); detail is for the operator only (the CLI prints it, the web layer
    logs it with the request id)."""

    def __init__(self, message: str, detail: str = "", status: int | None = None) -> None:
        super().__init__(message)
        self.detail = detail
        self.status = status  # the store's HTTP status, when it answered

    def full(self) -> str:
        """The message with its detail: for the operator's eyes (CLI, server log)."""
        return f"{self} {self.detail}" if self.detail else str(self)


class StoreUnavailable(StoreError):
    """The store cannot be reached or does not answer: try again later (HTTP 503)."""


class StoreFailed(StoreError):
    """The store is reachable but rejected or failed one of lerld's own requests, or
    answered something unreadable: the store's fault, not the client's (HTTP 502)."""


class StoreRefused(StoreFailed):
    """The store asks for credentials, or refuses the ones lerld sent (its 401 / 403)."""


class MalformedQuery(LerldError):
    """A SPARQL query (or a request carrying one) is not well-formed: the parser's message."""


class QueryRejected(LerldError):
    """A well-formed request that this endpoint refuses: updates, SERVICE (HTTP 403)."""


class UnknownQuery(LerldError):
    """No named query, nor query file, of that name."""


class QueryTimeout(LerldError):
    """A query ran past the time limit and was stopped (HTTP 504)."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        super().__init__(
            f"the query ran longer than the time limit of {seconds:g} s and was stopped; "
            "narrow it down (fewer joins, LIMIT, more specific patterns)"
        )


class RejectedDocument(LerldError):
    """An input document that `lerld ingest` does not take. reason is a short key
    (unreadable, unknown-context, invalid-json-ld, not-an-ler, unknown-issuer)."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


class UnknownContext(RejectedDocument):
    """A JSON-LD document names a remote context lerld does not have: it never fetches one."""

    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(
            "unknown-context",
            f"unknown JSON-LD context {url}: lerld never fetches contexts from the network",
        )
