"""lerld.tools.processes, as the benchmarks measure with it: the peak memory of a command
is the sum over the processes it runs at once (a cold validation scans large sources in a
process of its own beside the load), not the largest of them."""

from __future__ import annotations

import sys

from lerld.tools.processes import measured


def _holding(mib: int, then: str = "import time; time.sleep(1)") -> str:
    """Python that makes `mib` MiB resident, then runs `then`."""
    return f"b = b'x' * ({mib} * 2**20); {then}"  # filled as made: resident, no copy


CHILD = _holding(300)
# a parent holding 200 MiB while its child holds 300 MiB
PARENT = _holding(
    200, f"import subprocess, sys; subprocess.run([sys.executable, '-c', {CHILD!r}], check=True)"
)


def test_a_commands_peak_memory_sums_the_processes_it_runs_at_once():
    done = measured([sys.executable, "-c", PARENT])
    assert done.returncode == 0, done.output
    assert 300 <= done.peak_rss_mib < 400  # its largest process alone
    assert 500 <= done.peak_tree_mib < 600  # the tree's, sampled while both held theirs


def test_a_process_alone_peaks_at_its_own_memory():
    done = measured([sys.executable, "-c", CHILD])
    assert done.returncode == 0, done.output
    assert 300 <= done.peak_rss_mib < 400
    assert 300 <= done.peak_tree_mib <= done.peak_rss_mib + 1


def test_a_commands_peak_is_its_own_when_the_measuring_process_is_larger():
    # the kernel's figure for a child counts the image it was forked from: this process,
    # made larger than the command ever is (as pytest is, late in a whole run)
    ballast = b"x" * (800 * 2**20)
    done = measured([sys.executable, "-c", _holding(100)])
    assert done.returncode == 0, done.output
    assert 100 <= done.peak_rss_mib < 200
    assert 100 <= done.peak_tree_mib < 200
    done = measured([sys.executable, "-c", PARENT])
    assert 300 <= done.peak_rss_mib < 400  # its largest process: the child
    assert 500 <= done.peak_tree_mib < 600
    del ballast
