"""Real processes for the benchmarks and the system tests: servers on loopback for the
length of a block, commands timed with their peak memory, and the memory of a process tree
(now, and its peak while a block runs). Every process started here is stopped here, also
on errors: terminate, wait, then kill what is left of its process group."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from lerld.core.memory import rollup_kib


@dataclass
class Server:
    """A running server: its process, base URL and how long it took to answer first."""

    process: subprocess.Popen
    url: str
    startup_s: float
    # the peak of the whole process tree's PSS from launch to the first answer
    startup_peak_tree_mib: float
    # its process tree watched from launch (server(watch_memory=True): until stopped)
    peak: TreePeak

    def rss_mib(self) -> dict[str, float]:
        """Peak RSS of the server's first process and current RSS of the processes it
        started (workers share the loaded store copy-on-write, so this overcounts)."""
        return {
            "peak_main": _status_kib(self.process.pid, "VmHWM") / 1024,
            "children_now": sum(
                _status_kib(p, "VmRSS") for p in process_tree(self.process.pid) - {self.process.pid}
            )
            / 1024,
        }


def _status_kib(pid: int, field: str) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return float(line.split()[1])
    except OSError:
        pass
    return 0.0


def process_tree(pid: int) -> set[int]:
    """pid and every process below it, from /proc."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                stat = Path(f"/proc/{entry}/stat").read_text()
                parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = {pid}, {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def memory_mib(pid: int, members: set[int] | None = None) -> dict[str, float]:
    """The memory of a process and everything below it (or of `members`, that tree listed
    already): their proportional set sizes (PSS, pages shared copy-on-write counted once)
    and their RSS, summed; and how many there are."""
    totals = {"pss_mib": 0.0, "rss_mib": 0.0}
    members = process_tree(pid) if members is None else members
    for member in members:
        fields = rollup_kib(member)
        totals["pss_mib"] += fields.get("Pss", 0) / 1024
        totals["rss_mib"] += fields.get("Rss", 0) / 1024
    return {**{k: round(v, 1) for k, v in totals.items()}, "processes": len(members)}


class TreePeak:
    """The peak memory of a process tree while it is watched: the sum of its processes' PSS
    (pages shared copy-on-write by forked workers counted once; a helper process's own
    memory counted beside its parent's), sampled from a thread until stop().

    Reading a process's PSS walks its page tables (~25 ms for 3.5 GiB on this machine), so
    it is read only when the tree's summed RSS, cheap to read and never below the PSS,
    exceeds the peak found so far, and at most `share` of one core goes to it (a server
    of seven processes mapping 3.5 GiB each: one reading every ~4 s). Between samples a
    short peak can be missed, which is why the benchmarks report the largest process's
    own peak (VmHWM) beside this."""

    def __init__(self, pid: int, interval: float = 0.25, share: float = 0.05) -> None:
        self.pid = pid
        self.interval = interval
        self.share = share
        self.peak_mib = 0.0
        self.largest_mib = 0.0  # the peak RSS of its largest process alone (VmHWM)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._sample_until_done, daemon=True)

    def __enter__(self) -> TreePeak:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self.stop()

    def stop(self) -> float:
        """Stop watching (again: nothing); the peak."""
        self._done.set()
        if self._thread.is_alive():
            self._thread.join()
        return self.peak_mib

    def _sample_until_done(self) -> None:
        while True:
            took = self.sample()
            if self._done.wait(max(self.interval, took / self.share)):
                return

    def sample(self) -> float:
        """One look at the tree; the seconds its PSS took to read (0 if not read)."""
        members = process_tree(self.pid)
        self.largest_mib = max(
            self.largest_mib, *(_status_kib(member, "VmHWM") / 1024 for member in members)
        )
        if sum(_status_kib(member, "VmRSS") for member in members) / 1024 <= self.peak_mib:
            return 0.0
        started = time.perf_counter()
        self.peak_mib = max(self.peak_mib, memory_mib(self.pid, members)["pss_mib"])
        return time.perf_counter() - started


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def launch(
    command: Sequence[str], out, env: dict | None = None, cwd: Path | None = None
) -> subprocess.Popen:
    """A process in its own process group (so that stop() reaches its workers too), its
    output and errors into `out`, with `env` over this process's environment."""
    return subprocess.Popen(
        list(command),
        stdout=out,
        stderr=subprocess.STDOUT,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        start_new_session=True,
    )


def wait_until_answers(url: str, process: subprocess.Popen, timeout: float, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"{process.args[:3]}... exited with {process.returncode}:\n{log.read_text()[-3000:]}"
            )
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"{url} did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


def stop(process: subprocess.Popen) -> None:
    """terminate -> wait -> kill, then whatever is left in the process's own group."""
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)


@contextlib.contextmanager
def server(
    command: Sequence[str],
    probe_url: str,
    log: Path,
    env: dict | None = None,
    timeout: float = 900,
    watch_memory: bool = False,
) -> Iterator[Server]:
    """A server in its own process group, until the block ends; timed to its first answer,
    with its process tree's peak memory until then. With `watch_memory`, the tree is
    watched on until `peak.stop()` (what a server does after its first answer, preparing a
    version, counts too), else not past its first answer."""
    started = time.perf_counter()
    with open(log, "wb") as out:
        process = launch(command, out, env)
    try:
        with TreePeak(process.pid) as peak:
            wait_until_answers(probe_url, process, timeout, log)
            startup_s = time.perf_counter() - started
            startup_peak = peak.peak_mib if watch_memory else peak.stop()
            base = probe_url.split("/", 3)
            yield Server(process, "/".join(base[:3]), startup_s, startup_peak, peak)
    finally:
        stop(process)


@dataclass(frozen=True)
class Measured:
    """A command run to its end: wall time, peak RSS of its largest process alone, the peak
    of its process tree's summed PSS (TreePeak), exit status."""

    seconds: float
    peak_rss_mib: float
    returncode: int
    output: str
    peak_tree_mib: float = 0.0


def measured(command: Sequence[str], env: dict | None = None, timeout: float = 1800) -> Measured:
    """Run a command to completion, its memory watched (TreePeak).

    The kernel's peak RSS of a child (wait4's ru_maxrss) is that of the largest process of
    its tree, but it counts the image the child had before it ran the command too: forked
    (or vforked) from this process, whose own peak it then is at least. So where it does
    not exceed this process's peak, the command's own peak is the one sampled."""
    own_peak = _status_kib(os.getpid(), "VmHWM") / 1024
    started = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        process = launch(command, out, env)
        timer = threading.Timer(timeout, stop, (process,))
        timer.start()
        try:
            with TreePeak(process.pid) as peak:
                _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        output = out.read().decode(errors="replace")
    kernel_peak = usage.ru_maxrss / 1024
    largest = kernel_peak if kernel_peak > own_peak else peak.largest_mib
    return Measured(seconds, largest, process.returncode, output, peak.peak_mib)
