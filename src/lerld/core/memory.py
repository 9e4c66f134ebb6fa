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


def rollup_kib(pid: int | str = "self") -> dict[str, int]:
    """The fields of a process's memory summed over its mappings (/proc/<pid>/smaps_rollup:
    Rss, Pss, Private_Dirty...), in KiB; empty where /proc does not say (the process has
    ended, or no such file). Reading it walks the process's page tables: ~25 ms for 3.5 GiB
    mapped."""
    fields = {}
    try:
        with open(f"/proc/{pid}/smaps_rollup") as rollup:
            for line in rollup:
                name, _, value = line.partition(":")
                parts = value.split()
                if len(parts) == 2 and parts[1] == "kB":
                    fields[name] = int(parts[0])
    except OSError:
        pass
    return fields


def own_memory_mib() -> float:
    """The memory only this process holds (its private dirty pages, MiB): what it allocated,
    and the pages shared copy-on-write with the process it was forked from that it has
    written since, which is every page of an in-memory Oxigraph store that it has read
    (reading a quad writes its reference counts and its lock). 0 where /proc does not say."""
    return rollup_kib().get("Private_Dirty", 0) / 1024


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
