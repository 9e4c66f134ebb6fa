"""Client queries evaluated in worker processes that can be stopped: the time limit.

pyoxigraph cannot interrupt a running query, and a thread cannot be killed, so a query
that must be stopped has to run in a process of its own. QueryWorkers forks a
supervisor process once (before the web server starts threads or workers); the
supervisor forks `size` executor processes, which share the store's memory
copy-on-write (a store on disk is reopened read-only in each).

Requests are datagrams on one Unix socket that every executor reads: the kernel hands
each to one idle executor, always the first idle one in the order the executors started
(so that queries that come one at a time find the same executor, its caches warm), and
requests wait in the socket while all are busy. Each client thread has a socket of its
own (an abstract address the kernel picks), to which the executor sends the answer; it
reads only what comes from the pool's socket. A message of more than `_INLINE` bytes
travels as a memory file (memfd) passed with the datagram.
One datagram each way costs two wake-ups where a connection per query (connect, accept,
an acknowledgement, the answer) cost four: 185 us against 295 us for a small query
(benchmarks/notes.md).

An executor writes the deadline of the query it evaluates, its request number and its
client's address into a slot of shared memory. The supervisor kills (SIGKILL) an
executor whose deadline has passed, which frees its CPU at once, tells the client (who
raises QueryTimeout) and forks a fresh executor. An executor may also grow by at most
`memory_limit` MiB (RLIMIT_AS, over what it shares with the supervisor): a query that
needs more makes its allocation fail, and the engine aborts the process; the supervisor
finds the slot of the dead executor still holding the query and tells its client
(StoreUnavailable). Such a query is never tried again: it would kill another executor.
The address space does not count the shared pages an executor copies by writing them,
and reading an in-memory Oxigraph store writes each quad it reads (reference counts, a
lock): an executor that counts ten million triples comes to hold its own copy of 2.7 GiB
of their 3.4 GiB. So an executor that holds more than `memory_limit` MiB of its own
after its queries (lerld.core.memory.own_memory_mib, looked at after every CHECK_AFTER_S
of evaluation) leaves once it has answered, and the supervisor forks a fresh one.
An executor notes a request in its slot before it takes it from the socket; one killed
from outside as it took a request (before evaluating it) leaves that note, and the
client is told to send the request once more.
"""

from __future__ import annotations

import array
import atexit
import contextlib
import logging
import mmap
import os
import pickle
import random
import resource
import select
import shutil
import signal
import socket
import struct
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from lerld.core.children import fork_child
from lerld.core.errors import (
    LerldError,
    MalformedQuery,
    QueryRejected,
    QueryTimeout,
    StoreUnavailable,
)
from lerld.core.memory import own_memory_mib
from lerld.stores import PUBLISHED, QueryDataset, Store
from lerld.stores.results import Answer, Formats

log = logging.getLogger("lerld.sparql")

# A message: its kind (inline or in a memory file) and its request number, then the body.
_HEADER = struct.Struct("!cQ")
_INLINE_KIND, _FILE_KIND = b"i", b"f"
# The most bytes a datagram carries inline (the default socket buffers take ~200 KiB).
_INLINE = 60_000
# An executor's slot: the deadline of the query it evaluates (0: none), the request's
# number and the client's address (abstract Unix addresses are at most 108 bytes).
_SLOT = struct.Struct("dQH108s")
# Errors an executor may report, rebuilt by name on the client's side.
_ERRORS = {e.__name__: e for e in (MalformedQuery, QueryRejected, StoreUnavailable)}
# How often the supervisor looks at the deadlines, in seconds.
_TICK = 0.02
# How long an executor waits for a request before it looks whether its supervisor lives (s).
_IDLE = 1.0
# What the supervisor tells a client whose query's executor it killed (at the time limit),
# or found dead while evaluating the query, or before it had started to.
_TIMED_OUT, _DIED, _LOST = "timeout", "died", "lost"
# An executor's deadline while it takes a request from the socket (0: it holds none).
_TAKING = -1.0
# Seconds of evaluation after which an executor looks at how much memory it holds of its
# own (reading it costs ~25 ms when 3.5 GiB are mapped: at most a tenth of the work).
CHECK_AFTER_S = 0.25


def _post(
    sock: socket.socket, address: str | bytes, number: int, body: bytes, wait: bool = True
) -> None:
    """Send one message; while the receiver's queue is full, wait (up to the socket's
    timeout), or with wait=False give up at once (BlockingIOError)."""
    flags = 0 if wait else socket.MSG_DONTWAIT
    if len(body) <= _INLINE:
        sock.sendto(_HEADER.pack(_INLINE_KIND, number) + body, flags, address)
        return
    fd = os.memfd_create("lerld-sparql", os.MFD_CLOEXEC)
    try:
        with open(fd, "wb", closefd=False) as file:
            file.write(body)
        # (socket.send_fds would drop the address)
        passed = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))]
        sock.sendmsg([_HEADER.pack(_FILE_KIND, number)], passed, flags, address)
    finally:
        os.close(fd)


def _take(sock: socket.socket, flags: int = 0) -> tuple[int, bytes, str | bytes]:
    """The next message: its request number, its body and the sender's address."""
    data, fds, _, address = socket.recv_fds(sock, _HEADER.size + _INLINE, 1, flags)
    try:
        kind, number = _HEADER.unpack_from(data)
        if kind == _FILE_KIND and fds:
            with open(fds[0], "rb", closefd=False) as file:
                file.seek(0)
                return number, file.read(), address
        return number, data[_HEADER.size :], address
    finally:
        for fd in fds:
            os.close(fd)


def _bytes(address: str | bytes) -> bytes:
    """A Unix socket address as bytes (Python gives an abstract address as bytes, a path as
    text)."""
    return address if isinstance(address, bytes) else os.fsencode(address)


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
        self._address = b""  # the pool's address as the kernel names a sender
        self._clients = threading.local()

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
            self._address = os.fsencode(self.address)
            self._launch()
            atexit.register(self.close)

    def _launch(self) -> None:
        """Fork the supervisor, its executors reading requests at the pool's address."""
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.address)
        requests = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        requests.bind(self.address)
        slots = mmap.mmap(-1, _SLOT.size * self.size)
        owner = os.getpid()
        pid = fork_child(lambda: self._supervise(requests, slots, owner))
        requests.close()
        slots.close()
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

    def _client(self) -> socket.socket:
        """This thread's socket for answers (a process forked from another makes its own)."""
        local = self._clients
        if getattr(local, "pid", None) != os.getpid():
            client = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
            client.bind("")  # Linux picks a free abstract address
            local.socket, local.pid = client, os.getpid()
        return local.socket

    def query(
        self,
        query: str,
        formats: Formats,
        dataset: QueryDataset = PUBLISHED,
        max_rows: int | None = None,
    ) -> Answer:
        self.start()
        client = self._client()
        request = pickle.dumps((query, formats, dataset, max_rows))
        # Time to wait for an executor: all may be busy with queries that run to the limit.
        deadline = time.monotonic() + 2 * self.time_limit + 5
        for _ in range(2):  # once more if the request was lost with its executor
            status, *value = self._ask(client, request, deadline)
            if status != _LOST:
                break
        if status == "ok":
            return value[0]
        if status == _TIMED_OUT:
            raise QueryTimeout(self.time_limit)
        if status == _DIED:
            limit = f" of {self.memory_limit} MiB" if self.memory_limit else ""
            raise StoreUnavailable(
                "the query stopped the process that evaluated it: it needs more memory "
                f"than the limit{limit}, or the query engine failed on it"
            )
        if status == _LOST:
            raise StoreUnavailable("the query process stopped before answering")
        raise _ERRORS.get(value[0], StoreUnavailable)(value[1])

    def _ask(self, client: socket.socket, request: bytes, deadline: float) -> tuple:
        """Send a request, and wait for its answer, or what the supervisor says of it."""
        number = random.getrandbits(64)  # another process's numbers differ (reseeded at fork)
        try:
            client.settimeout(max(deadline - time.monotonic(), 1e-3))
            _post(client, self._address, number, request)
            while True:  # answers to requests this thread gave up on may come first: skipped
                answered, reply, sender = _take(client)
                # only what comes from the pool's socket is read (the kernel names the
                # sender, and only this user can reach the pool's directory): anyone on the
                # machine may send to the client's abstract address
                if answered == number and sender and _bytes(sender) == self._address:
                    return pickle.loads(reply)
                client.settimeout(max(deadline - time.monotonic(), 1e-3))
        except TimeoutError:
            raise StoreUnavailable("every query process is busy; try again in a moment") from None
        except OSError as e:
            raise StoreUnavailable(f"the query processes do not answer: {e}") from e

    # --- the supervisor ---------------------------------------------------------------

    def _supervise(self, requests: socket.socket, slots: mmap.mmap, owner: int) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a Ctrl-C stops the server, then us
        stopping: list[int] = []
        signal.signal(signal.SIGTERM, lambda signum, _: stopping.append(signum))
        pids = [self._spawn(slot, requests, slots) for slot in range(self.size)]
        try:
            while not stopping and os.getppid() == owner:
                now = time.monotonic()
                for slot, pid in enumerate(pids):
                    deadline, number, length, client = _SLOT.unpack_from(slots, slot * _SLOT.size)
                    overdue = 0 < deadline < now
                    if overdue:
                        os.kill(pid, signal.SIGKILL)
                        log.warning(
                            "lerld: stopped a SPARQL query after the %g s time limit "
                            "(query process %d)",
                            self.time_limit,
                            pid,
                        )
                        os.waitpid(pid, 0)
                    elif not os.waitpid(pid, os.WNOHANG)[0]:
                        continue
                    if deadline:  # the executor held a request: its client waits
                        news = _TIMED_OUT if overdue else _LOST if deadline < 0 else _DIED
                        with contextlib.suppress(OSError):
                            _post(requests, client[:length], number, pickle.dumps((news,)), False)
                    _SLOT.pack_into(slots, slot * _SLOT.size, 0.0, 0, 0, b"")
                    pids[slot] = self._spawn(slot, requests, slots)
                time.sleep(_TICK)
        finally:
            for pid in pids:
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGKILL)
            for pid in pids:
                with contextlib.suppress(ChildProcessError):
                    os.waitpid(pid, 0)

    def _spawn(self, slot: int, requests: socket.socket, slots: mmap.mmap) -> int:
        return fork_child(lambda: self._execute(slot, requests, slots))

    # --- an executor --------------------------------------------------------------------

    def _execute(self, slot: int, requests: socket.socket, slots: mmap.mmap) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        supervisor = os.getppid()
        store = self.open_store()
        if self.memory_limit is not None:
            _limit_growth(self.memory_limit << 20)
        # Wait for requests with an exclusive epoll entry: the kernel wakes one waiting
        # executor per request, the first of those idle in the order their entries were
        # registered, i.e. the executors started (blocked reads would be woken in turn), so while queries come one at
        # a time one executor answers them all, its caches warm: 5% faster on the map's
        # queries (benchmarks/notes.md). A busy executor finds the requests that came
        # meanwhile as soon as it waits again (the entry is level-triggered).
        waiting = select.epoll()
        waiting.register(requests, select.EPOLLIN | select.EPOLLEXCLUSIVE)
        offset = slot * _SLOT.size
        unchecked = 0.0  # seconds of evaluation since the last look at its own memory
        while os.getppid() == supervisor:
            if not waiting.poll(_IDLE):
                continue
            # Note the request in the slot before taking it from the socket: a process
            # killed from outside may still take a request on its way out, and the
            # supervisor then tells the client to send it again.
            try:
                head, client = requests.recvfrom(
                    _HEADER.size, socket.MSG_PEEK | socket.MSG_DONTWAIT
                )
            except BlockingIOError:  # another executor took it
                continue
            number = _HEADER.unpack_from(head)[1] if len(head) == _HEADER.size else 0
            client = _bytes(client)
            _SLOT.pack_into(slots, offset, _TAKING, number, len(client), client)
            try:
                number, request, client = _take(requests, socket.MSG_DONTWAIT)
            except BlockingIOError:  # another executor took it
                _SLOT.pack_into(slots, offset, 0.0, 0, 0, b"")
                continue
            client = _bytes(client)
            started = time.monotonic()
            deadline = started + self.time_limit
            _SLOT.pack_into(slots, offset, deadline, number, len(client), client)
            try:
                reply: tuple = ("ok", store.query(*pickle.loads(request)))
            except LerldError as e:
                reply = ("error", type(e).__name__, str(e))
            except Exception as e:  # report, and keep serving
                reply = ("error", "StoreUnavailable", f"the query failed: {e!r}")
            finally:
                _SLOT.pack_into(slots, offset, 0.0, 0, 0, b"")
            with contextlib.suppress(OSError):
                _post(requests, client, number, pickle.dumps(reply), False)
            unchecked += time.monotonic() - started
            if self.memory_limit is not None and unchecked >= CHECK_AFTER_S:
                unchecked = 0.0
                held = own_memory_mib()
                if held > self.memory_limit:
                    log.info(
                        "lerld: a query process held %.0f MiB of its own, over the %d MiB "
                        "limit: it is replaced (query process %d)",
                        held,
                        self.memory_limit,
                        os.getpid(),
                    )
                    return  # the supervisor forks a fresh executor


def _limit_growth(extra: int) -> None:
    """Let this process's address space grow by at most `extra` bytes from now on."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    limit = pages * resource.getpagesize() + extra
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
