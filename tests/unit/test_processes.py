"""lerld.tools.processes, as the benchmarks measure with it: the peak memory of a command
is the sum over the processes it runs at once (a cold validation scans large sources in a
process of its own beside the load), not the largest of them."""

from __future__ import annotations

import sys

from lerld.tools.processes import measured


def _holding(mib: int, then: str = "import time; time.sleep(1)") -> str:
    """Python that makes `mib` MiB resident, then runs `then`."""
    return f"b = bytearray({mib} * 2**20); b[::4096] = b'x' * len(b[::4096]); {then}"


CHILD = _holding(300)
# a parent holding 200 MiB while its child holds 300 MiB
PARENT = _holding(
    200, f"import subprocess, sys; subprocess.run([sys.executable, '-c', {CHILD!r}], check=True)"
)


def test_a_commands_peak_memory_sums_the_processes_it_runs_at_once():
    done = measured([sys.executable, "-c", PARENT])
    assert done.returncode == 0, done.output
    assert 300 <= done.peak_rss_mib < 400  # the kernel's: the largest process alone
    assert 500 <= done.peak_tree_mib < 600  # the tree's, sampled while both held theirs


def test_a_process_alone_peaks_at_its_own_memory():
    done = measured([sys.executable, "-c", CHILD])
    assert done.returncode == 0, done.output
    assert 300 <= done.peak_rss_mib < 400
    assert 300 <= done.peak_tree_mib <= done.peak_rss_mib + 1
