"""Giving memory that was freed back to the system.

glibc's malloc keeps what a thread frees for that thread's next allocations: after a scan
of a whole store (Oxigraph's hash tables of a join, or rows turned into Python objects)
the process keeps the memory it no longer uses (10M triples: ~480 MiB after one integrity
check), and the next scan, on another thread, takes more. `malloc_trim` gives it back.
"""

from __future__ import annotations

import ctypes
import functools
from collections.abc import Callable
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
