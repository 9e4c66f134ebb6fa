"""Client queries evaluated in worker processes that can be stopped: the time limit.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so a query
that must be stopped has to run in a process of its own. QueryWorkers forks a
supervisor process once (before the web server starts threads or workers); the
supervisor forks `size` executor processes, which share the store's memory
copy-on-write (a store on disk is reopened read-only in each). Executors take
connections on one Unix socket (the kernel hands each to an idle executor), evaluate one
query per connection and send back the answer.

An executor writes the deadline of the query it runs into a slot of shared memory; the
supervisor kills (SIGKILL) an executor whose deadline has passed, which frees its CPU at
once, and forks a fresh one. The client sees the connection close without an answer
after the time limit, and raises QueryTimeout.

An executor may also grow by at most `memory_limit` MiB (RLIMIT_AS, over what it shares
with the supervisor): a query that needs more makes its allocation fail, and the engine
aborts the process. An executor acknowledges a query (one byte) before evaluating it, so
the client knows whether its connection closed because the query killed the process
(StoreUnavailable, never tried again: it would kill another) or before the query started
(an executor that died for another reason: tried once more, queries being read-only).
"""

from __future__ import annotations

import atexit
import contextlib
import logging
import mmap
import os
import pickle
import resource
import shutil
import signal
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lerld.core.errors import (
    LerldError,
    MalformedQuery,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
)
from lerld.stores import PUBLISHED, QueryDataset, Store
from lerld.stores.results import Answer, Formats

log = logging.getLogger("lerld.sparql")

_LENGTH = struct.Struct("!Q")
_SLOT = struct.Struct("d")
# Errors an executor may report, rebuilt by name on the client's side.
_ERRORS = {e.__name__: e for e in (MalformedQuery, QueryRejected, StoreUnavailable)}
# How often the supervisor looks at the deadlines, in seconds.
_TICK = 0.02
# What an executor sends when it starts evaluating a query.
_ACK = b"\x06"


def _send(conn: socket.socket, payload: bytes) -> None:
    conn.sendall(_LENGTH.pack(len(payload)) + payload)


def _receive_exactly(conn: socket.socket, size: int) -> bytes | None:
    chunks, remaining = [], size
    while remaining:
        chunk = conn.recv(min(remaining, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _receive(conn: socket.socket) -> bytes | None:
    """One framed message, or None when the peer closed the connection first."""
    header = _receive_exactly(conn, _LENGTH.size)
    return None if header is None else _receive_exactly(conn, _LENGTH.unpack(header)[0])


def _fork(run: Callable[[], None]) -> int:
    """Fork a child process that runs `run` and exits, never returning into the caller's
    code (nor running its exit handlers); the parent gets the child's pid."""
    pid = os.fork()
    if pid == 0:
        status = 1
        try:
            run()
            status = 0
        finally:
            os._exit(status)
    return pid


class QueryWorkers:
    """A pool of stoppable query processes over one store; query() is thread-safe and has
    the signature of Store.query."""

    def __init__(
        self,
        open_store: Callable[[], Store],
        size: int = 2,
        time_limit: float = 10.0,
        memory_limit: int | None = None,
    ) -> None:
        """open_store runs in each executor after the fork and gives the store it queries;
        memory_limit (MiB) bounds how much an executor may grow, None not at all."""
        if size < 1 or time_limit <= 0 or (memory_limit is not None and memory_limit < 1):
            raise ValueError(
                "a query pool needs at least one process and positive time and memory limits"
            )
        self.open_store = open_store
        self.size = size
        self.time_limit = time_limit
        self.memory_limit = memory_limit
        self._lock = threading.Lock()
        self._owner: int | None = None
        self._supervisor: int | None = None
        self._directory: Path | None = None

    @property
    def address(self) -> str:
        assert self._directory is not None
        return str(self._directory / "query.sock")

    def start(self) -> None:
        """Fork the supervisor and its executors (once). Call it while the process has a
        single thread: before a threaded server starts."""
        with self._lock:
            if self._supervisor is not None:
                return
            self._directory = Path(tempfile.mkdtemp(prefix="lerld-sparql-"))
            self._launch()
            atexit.register(self.close)

    def _launch(self) -> None:
        """Fork the supervisor, its executors listening at the pool's address."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.address)
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        listener.bind(self.address)
        listener.listen(128)
        deadlines = mmap.mmap(-1, _SLOT.size * self.size)
        owner = os.getpid()
        pid = _fork(lambda: self._supervise(listener, deadlines, owner))
        listener.close()
        deadlines.close()
        self._owner, self._supervisor = owner, pid

    def revive(self) -> bool:
        """Fork the supervisor again if it died (only from the process that started it): the
        clients find the new one at the same address. Whether it had died."""
        with self._lock:
            if self._supervisor is None or os.getpid() != self._owner:
                return False
            try:
                exited = os.waitpid(self._supervisor, os.WNOHANG)[0] != 0
            except ChildProcessError:
                exited = True
            if exited:
                self._launch()
            return exited

    def close(self) -> None:
        """Stop the supervisor and its executors (only from the process that started them)."""
        with self._lock:
            if self._supervisor is None or os.getpid() != self._owner:
                return
            with contextlib.suppress(ProcessLookupError):
                os.kill(self._supervisor, signal.SIGTERM)
            with contextlib.suppress(ChildProcessError):
                os.waitpid(self._supervisor, 0)
            shutil.rmtree(self._directory, ignore_errors=True)
            self._supervisor = None
            atexit.unregister(self.close)  # nor keep the pool (and its store) alive until exit

    # --- the client side, in the web server's threads ------------------------------------

    def query(
        self,
        query: str,
        formats: Formats,
        dataset: QueryDataset = PUBLISHED,
        max_rows: int | None = None,
    ) -> Answer:
        self.start()
        payload = pickle.dumps((query, formats, dataset, max_rows))
        # Time to wait for an executor: all may be busy with queries that run to the limit.
        patience = 2 * self.time_limit + 5
        for _ in range(2):
            started = time.monotonic()
            try:
                with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as conn:
                    conn.settimeout(patience)
                    conn.connect(self.address)
                    _send(conn, payload)
                    started_evaluating = conn.recv(1) == _ACK
                    reply = _receive(conn) if started_evaluating else None
            except TimeoutError:
                raise StoreUnavailable(
                    "every query process is busy; try again in a moment"
                ) from None
            except OSError as e:
                raise StoreUnavailable(f"the query processes do not answer: {e}") from e
            if reply is not None:
                status, *value = pickle.loads(reply)
                if status == "ok":
                    return value[0]
                raise _ERRORS.get(value[0], StoreUnavailable)(value[1])
            if time.monotonic() - started >= self.time_limit:
                raise QueryTimeout(self.time_limit)
            if started_evaluating:
                limit = f" of {self.memory_limit} MiB" if self.memory_limit else ""
                raise StoreUnavailable(
                    "the query stopped the process that evaluated it: it needs more memory "
                    f"than the limit{limit}, or the query engine failed on it"
                )
        raise StoreUnavailable("the query process stopped before answering")

    # --- the supervisor ---------------------------------------------------------------

    def _supervise(self, listener: socket.socket, deadlines: mmap.mmap, owner: int) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the server, then us
        stopping: list[int] = []
        signal.signal(signal.SIGTERM, lambda signum, _: stopping.append(signum))
        pids = [self._spawn(slot, listener, deadlines) for slot in range(self.size)]
        try:
            while not stopping and os.getppid() == owner:
                now = time.monotonic()
                for slot, pid in enumerate(pids):
                    deadline = _SLOT.unpack_from(deadlines, slot * _SLOT.size)[0]
                    overdue = 0 < deadline < now
                    if overdue:
                        os.kill(pid, signal.SIGKILL)
                        log.warning(
                            "lerld: stopped a SPARQL query after the %g s time limit "
                            "(query process %d)",
                            self.time_limit,
                            pid,
                        )
                    if overdue or os.waitpid(pid, os.WNOHANG)[0]:
                        if overdue:
                            os.waitpid(pid, 0)
                        _SLOT.pack_into(deadlines, slot * _SLOT.size, 0.0)
                        pids[slot] = self._spawn(slot, listener, deadlines)
                time.sleep(_TICK)
        finally:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for pid in pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)

    def _spawn(self, slot: int, listener: socket.socket, deadlines: mmap.mmap) -> int:
        return _fork(lambda: self._execute(slot, listener, deadlines))

    # --- an executor --------------------------------------------------------------------

    def _execute(self, slot: int, listener: socket.socket, deadlines: mmap.mmap) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        supervisor = os.getppid()
        store = self.open_store()
        if self.memory_limit is not None:
            _limit_growth(self.memory_limit << 20)
        listener.settimeout(1.0)
        offset = slot * _SLOT.size
        while os.getppid() == supervisor:
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            with conn:
                conn.settimeout(None)
                _SLOT.pack_into(deadlines, offset, time.monotonic() + self.time_limit)
                try:
                    request = _receive(conn)
                    if request is None:
                        continue
                    conn.sendall(_ACK)
                    reply: tuple = ("ok", store.query(*pickle.loads(request)))
                except LerldError as e:
                    reply = ("error", type(e).__name__, str(e))
                except Exception as e:  # report, and keep serving
                    reply = ("error", "StoreUnavailable", f"the query failed: {e!r}")
                finally:
                    _SLOT.pack_into(deadlines, offset, 0.0)
                with contextlib.suppress(OSError):
                    _send(conn, pickle.dumps(reply))


def _limit_growth(extra: int) -> None:
    """Let this process's address space grow by at most `extra` bytes from now on."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    limit = pages * resource.getpagesize() + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
