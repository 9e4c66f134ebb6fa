"""Work that may take long, said so: `with may_take_long():` around what is not a look-up
(rendering a document, answering a query, waiting on a query process or a remote store)
or a wait (for a version to be published). The web layer marks every request that the
replay cache does not answer (lerld.web.replay) and the publication wait (lerld.web).

A server that answers requests on several threads of one process, but lets one run at a
time while the work is short (lerld.serve.turns), lets another thread take requests for as
long as such a section lasts. The listener is per process; without one (tests, the CLI, a
WSGI server other than `lerld serve`'s), `may_take_long()` does nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class LongWorkListener(Protocol):
    """Told, on the thread concerned, when a section that may take long starts and ends."""

    def started(self) -> None: ...

    def ended(self) -> None: ...


_listener: LongWorkListener | None = None


def listen(listener: LongWorkListener | None) -> None:
    """Make `listener` this process's (None: none)."""
    global _listener
    _listener = listener


@contextmanager
def may_take_long() -> Iterator[None]:
    listener = _listener
    if listener is None:
        yield
        return
    listener.started()
    try:
        yield
    finally:
        listener.ended()
