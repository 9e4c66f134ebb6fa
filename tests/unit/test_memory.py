"""lerld.core.memory: memory freed by small allocations (those malloc keeps, as the scans of
a validation make them) goes back to the system when asked, where the C library can."""

from __future__ import annotations

import ctypes

import pytest

from lerld.core import memory

BLOCKS, BLOCK_BYTES = 200_000, 1024  # 195 MiB in blocks below malloc's mmap threshold


def _resident_mib() -> int:
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmRSS")) // 1024


@pytest.mark.skipif(memory._malloc_trim() is None, reason="a C library without malloc_trim")
def test_memory_freed_by_many_small_blocks_goes_back_to_the_system():
    libc = ctypes.CDLL(None)
    libc.malloc.restype = ctypes.c_void_p
    libc.free.argtypes = [ctypes.c_void_p]
    blocks = [libc.malloc(BLOCK_BYTES) for _ in range(BLOCKS)]
    for block in blocks:
        ctypes.memset(block, 1, BLOCK_BYTES)  # resident
    held = _resident_mib()
    for block in blocks[:-1]:
        libc.free(block)
    # the last block stays, above the others: malloc gives back by itself only free memory
    # at the top of its heap, so it keeps these pages, as after a scan whose memory was
    # interleaved with what outlives it
    kept = _resident_mib()
    assert kept > held - 50  # freed, but still the process's
    memory.release_freed_memory()
    assert _resident_mib() < kept - 150
    libc.free(blocks[-1])
