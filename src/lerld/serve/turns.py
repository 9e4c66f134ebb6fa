"""The request threads of a web worker take turns: one takes requests while the others are
parked, and a parked one is woken while the running ones are all in a section that may
take long (lerld.core.waits).

Why: Granian hands each request to any idle thread of the worker's pool. With two threads
taking requests, nearly every request hands the GIL from one thread to the other (a futex
wake-up and a switch of threads): documents answered from the replay cache came at ~55k
requests/s with two threads against ~74k with one (wrk, 32 connections, the map's data,
benchmarks/notes.md). But with one thread, a slow request (a SPARQL query up to its time
limit, a slow remote store) holds up every request its worker has taken. Taking turns gives
both: one thread at a time while answers are look-ups, and as many threads as
`lerld serve --threads` while some of them wait.

The count is of threads *available*: known (they have taken a request), neither parked nor
in a long section. A thread that ends a request parks if another is available: that one is
running a request or waiting for the next, and so takes the next. A thread that starts a
long section, leaving none available, wakes a parked one. So there is always an available
thread while a thread is neither parked nor in a long section; a pool thread that has not
yet taken a request is not counted, which only makes parking rarer. Granian's pool lets a
thread idle for 10 minutes exit (lerld.serve.runtime sets the longest it allows; its first
thread never does): one that exits was available, and stops being so when Python drops its
thread state (a finalizer on what the thread holds in a threading.local), which may wake a
parked one.
"""

from __future__ import annotations

import threading
import weakref


class _ThreadToken:
    """Held by a known thread (in a threading.local) until it exits."""


class TakeTurns:
    """One web worker's request threads taking turns; also the worker's LongWorkListener."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._woken = threading.Condition(self._lock)
        self._available = 0
        self._parked = 0
        self._wake_ups = 0  # parked threads told to go on that have not yet gone
        self._local = threading.local()

    def request_started(self) -> None:
        if not getattr(self._local, "known", False):
            with self._lock:
                self._available += 1
            self._local.known = True
            self._local.depth = 0
            # dropped with the thread's state when it exits
            self._local.token = token = _ThreadToken()
            weakref.finalize(token, self._exited).atexit = False

    def request_ended(self) -> None:
        """After a request has been answered: park while another thread is available."""
        if self._available <= 1:  # read without the lock: the common case costs nothing
            return
        with self._lock:
            if self._available <= 1:
                return
            self._available -= 1
            self._parked += 1
            while not self._wake_ups:
                self._woken.wait()
            self._wake_ups -= 1
            self._parked -= 1  # counted available again by the thread that woke it

    def started(self) -> None:
        """A section that may take long starts on this thread (one within another counts
        once)."""
        if not getattr(self._local, "known", False):
            return  # not a request thread
        self._local.depth += 1
        if self._local.depth > 1:
            return
        self._unavailable()

    def _exited(self) -> None:
        """A known thread has exited (from waiting for a request: it was available)."""
        self._unavailable()

    def _unavailable(self) -> None:
        """One available thread fewer; if none is left, a parked one is woken."""
        with self._lock:
            self._available -= 1
            if self._available == 0 and self._parked > self._wake_ups:
                self._wake_ups += 1
                self._available += 1
                self._woken.notify()

    def ended(self) -> None:
        if not getattr(self._local, "known", False):
            return
        self._local.depth -= 1
        if self._local.depth:
            return
        with self._lock:
            self._available += 1

    def counts(self) -> tuple[int, int]:
        """(threads available, threads parked), for tests and diagnostics."""
        with self._lock:
            return self._available, self._parked - self._wake_ups
