"""Giving memory that was freed back to the system, and building many objects at once
without the cyclic garbage collector scanning them as they are made.

glibc's malloc keeps what a thread frees for that thread's next allocations: after a scan
of a whole store (Oxigraph's hash tables of a join, or rows turned into Python objects)
the process keeps the memory it no longer uses (10M triples: ~480 MiB after one integrity
check), and the next scan, on another thread, takes more. `malloc_trim` gives it back.
"""

from __future__ import annotations

import contextlib
import ctypes
import functools
import gc
from collections.abc import Callable, Iterator
from typing import TypeVar

T = TypeVar("T")


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """glibc's malloc_trim, or None where the C library has none (musl, macOS)."""
    try:
        process = ctypes.CDLL(None)  # the symbols the process has: its C library's among them
    except OSError:
        return None
    return getattr(process, "malloc_trim", None)


def release_freed_memory() -> None:
    """Return the free pages malloc keeps, in every arena, to the system (a few ms)."""
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


def freeing(work: Callable[[], T]) -> T:
    """`work()`, then the memory it freed given back (`release_freed_memory`)."""
    try:
        return work()
    finally:
        release_freed_memory()


@contextlib.contextmanager
def without_collection() -> Iterator[None]:
    """No cyclic garbage collection in the block, for one that makes a million containers
    that all live on (an index's entries, the JSON read back): each counts towards the next
    collection, and the oldest generation's collections scan them all again and again. The
    10M entity index's JSON read back (284 MiB, a row of texts per entry): 6.9 s with the
    collector, 2.2 s without. The collector is the process's: other threads' cycles wait
    for the end of the block."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
