"""The fast path: documents answered from bytes already rendered for this snapshot.

A Linked Data document is a pure function of the snapshot and the request line and
Accept header: the same request gets the same status, headers and body until the
snapshot changes. So the first answer the Flask application gives to a GET for a
document URL (/id/..., /doc/..., /ns..., /shapes...) is kept whole, as WSGI status,
header list and body, in the snapshot's ReplayEntries; the same request afterwards is answered
from it without routing, negotiating, describing or serializing anything: a dictionary
look-up and one write. HEAD is answered from the GET entry without the body.

Everything else goes to the application as usual: other methods, other paths, requests
with conditional or range headers (so 304 and ETag logic stay in one place), and answers
other than 200 and 303. A new snapshot brings new, empty entries; those of one snapshot
stop growing at `max_bytes`. What the application does may take long (a query, a
rendering): it runs in a `may_take_long()` section, so that `lerld serve` lets another
thread take requests meanwhile (lerld.serve.turns).

An entry keeps no Date header: the server dates each answer when it sends it (RFC 9110
6.6.1), where a kept one would give the time of the first answer for as long as the
snapshot is served.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from lerld.core.waits import may_take_long

# Conditional and range request headers: the application answers them (the 304 / 412
# logic stays in one place), never a layer in front of it.
CONDITIONAL_HEADERS = (
    "HTTP_IF_NONE_MATCH",
    "HTTP_IF_MODIFIED_SINCE",
    "HTTP_IF_MATCH",
    "HTTP_IF_UNMODIFIED_SINCE",
    "HTTP_IF_RANGE",
    "HTTP_RANGE",
)
# Request headers whose presence sends a request to the application: its answer
# depends on them in ways the key does not capture.
BYPASS_HEADERS = (*CONDITIONAL_HEADERS, "HTTP_COOKIE")
# Request headers that may change an answer, and so are part of the key.
KEY_HEADERS = (
    "HTTP_ACCEPT",
    "HTTP_HOST",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_PREFIX",
)
DOCUMENT_PREFIXES = ("/id/", "/doc/", "/ns", "/shapes")
CACHEABLE_STATUSES = ("200", "303")
DEFAULT_MAX_BYTES = 256 * 1024 * 1024
# WSGI status, header list and body of one answer.
Recorded = tuple[str, list, bytes]


@dataclass(eq=False)
class ReplayEntries:
    """The answers kept for one snapshot, by request key, and roughly how many bytes they hold."""

    entries: dict[tuple, Recorded] = field(default_factory=dict)
    size: int = 0


class ReplayCache:
    """WSGI middleware: answers repeated document requests from the current snapshot's
    entries."""

    def __init__(
        self,
        app: Callable,
        current_entries: Callable[[], ReplayEntries],
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        self.app = app
        self.current_entries = current_entries
        self.max_bytes = max_bytes

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        method = environ["REQUEST_METHOD"]
        path = environ.get("PATH_INFO", "")
        if (
            method not in ("GET", "HEAD")
            or not path.startswith(DOCUMENT_PREFIXES)
            or any(h in environ for h in BYPASS_HEADERS)
        ):
            with may_take_long():
                return self.app(environ, start_response)
        kept = self.current_entries()
        key = (
            path,
            environ.get("QUERY_STRING", ""),
            environ.get("wsgi.url_scheme", ""),
            environ.get("SCRIPT_NAME", ""),
            *(environ.get(h) for h in KEY_HEADERS),
        )
        entry = kept.entries.get(key)
        if entry is None:
            with may_take_long():
                if method == "HEAD":
                    return self.app(environ, start_response)
                return self._record(environ, start_response, kept, key)
        status, headers, body = entry
        start_response(status, headers)
        return [body] if method == "GET" else []

    def _record(
        self, environ: dict, start_response: Callable, kept: ReplayEntries, key: tuple
    ) -> Iterable[bytes]:
        captured: dict[str, Any] = {}

        def capture(status: str, headers: list, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        result = self.app(environ, capture)
        try:
            body = b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        status = captured.get("status", "")
        headers = list(captured.get("headers", []))
        if (
            status[:3] in CACHEABLE_STATUSES
            and kept.size + len(body) <= self.max_bytes
            and not any(name.lower() == "set-cookie" for name, _ in headers)
        ):
            undated = [(name, value) for name, value in headers if name.lower() != "date"]
            kept.entries[key] = (status, undated, body)
            kept.size += len(body) + 512  # the key and headers, roughly
        return [body]
