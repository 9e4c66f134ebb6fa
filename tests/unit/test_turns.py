"""A web worker's request threads taking turns (lerld.serve.turns), with real threads: one
takes requests while another is parked, a long section wakes a parked one, and Granian's
WSGI wrapper, which `lerld serve` wraps, still has the shape that needs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

import granian.server.mp as granian_workers
import pytest

from lerld.core import waits
from lerld.serve import runtime
from lerld.serve.turns import TakeTurns

PATIENCE = 5.0


def until(condition: Callable[[], bool], seconds: float = PATIENCE) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.005)
    return condition()


class RequestThread:
    """A thread that runs the requests it is given, one at a time, as Granian's would:
    request_started, the request, request_ended (which may park it)."""

    def __init__(self, turns: TakeTurns) -> None:
        self.turns = turns
        self.jobs: list[Callable[[], None] | None] = []
        self.ready = threading.Condition()
        self.done = 0
        self.failed = 0
        self.ending = False  # in request_ended: parked, or about to be
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def give(self, job: Callable[[], None] | None = None) -> None:
        with self.ready:
            self.jobs.append(job or (lambda: None))
            self.ready.notify()

    def stop(self) -> None:
        with self.ready:
            self.jobs.append(None)
            self.ready.notify()

    def _run(self) -> None:
        while True:
            with self.ready:
                while not self.jobs:
                    self.ready.wait()
                job = self.jobs.pop(0)
            if job is None:
                return
            self.turns.request_started()
            try:
                job()
            except Exception:  # a server answers 500 and goes on
                self.failed += 1
            finally:
                self.done += 1
                self.ending = True
                self.turns.request_ended()
                self.ending = False


def one_available_one_parked(turns: TakeTurns) -> tuple[RequestThread, RequestThread]:
    """Two request threads that have each taken a request: the first available, the second
    parked (it ended its request while the first was available)."""
    a, b = RequestThread(turns), RequestThread(turns)
    a.give()
    assert until(lambda: a.done == 1)
    b.give()
    assert until(lambda: turns.counts() == (1, 1))
    return a, b


@pytest.fixture
def turns():
    turns = TakeTurns()
    waits.listen(turns)
    yield turns
    waits.listen(None)


def test_one_thread_alone_never_parks(turns):
    one = RequestThread(turns)
    for _ in range(3):
        one.give()
    assert until(lambda: one.done == 3)
    assert turns.counts() == (1, 0)


def test_a_thread_that_ends_a_request_parks_while_another_is_available(turns):
    a, b = RequestThread(turns), RequestThread(turns)
    a.give()
    assert until(lambda: a.done == 1)
    b.give()  # b ends its first request with a available: b parks
    assert until(lambda: turns.counts() == (1, 1))
    a.give()
    assert until(lambda: a.done == 2)
    assert turns.counts() == (1, 1)  # a, alone available, goes on


def test_a_long_section_wakes_a_parked_thread_which_takes_requests_meanwhile(turns):
    a, b = one_available_one_parked(turns)
    release = threading.Event()

    def slow() -> None:
        with waits.may_take_long(), waits.may_take_long():  # one within another counts once
            release.wait(PATIENCE)

    a.give(slow)
    # a is in its long section: b is woken, available, and takes requests
    assert until(lambda: turns.counts() == (1, 0))
    b.give()
    assert until(lambda: b.done == 2)
    assert not release.is_set() and a.done == 1
    release.set()
    assert until(lambda: a.done == 2)
    # both were available: the one that ended a request last parked
    assert until(lambda: turns.counts() == (1, 1))


def test_parked_threads_are_woken_one_at_a_time_as_sections_start(turns):
    a, b, c = RequestThread(turns), RequestThread(turns), RequestThread(turns)
    for t in (a, b, c):
        t.give()
        assert until(lambda t=t: t.done == 1)
    assert until(lambda: turns.counts() == (1, 2))  # a available, b and c parked
    first, second = threading.Event(), threading.Event()

    def slow(release: threading.Event) -> Callable[[], None]:
        def job() -> None:
            with waits.may_take_long():
                release.wait(PATIENCE)

        return job

    a.give(slow(first))
    assert until(lambda: turns.counts() == (1, 1))  # one of b and c woken, not both
    assert until(lambda: [b.ending, c.ending].count(False) == 1)
    woken, still = (b, c) if not b.ending else (c, b)
    woken.give(slow(second))  # the woken one waits too: the last is woken
    assert until(lambda: turns.counts() == (1, 0) and not still.ending)
    still.give()
    assert until(lambda: still.done == 2)
    first.set()
    second.set()
    assert until(lambda: a.done == 2 and woken.done == 2)
    assert until(lambda: turns.counts() == (1, 2))  # all three available: two park


def test_a_thread_that_exits_while_available_wakes_a_parked_one(turns):
    a, b = RequestThread(turns), RequestThread(turns)
    a.give()
    assert until(lambda: a.done == 1)
    b.give()
    assert until(lambda: turns.counts() == (1, 1))  # b parked, a available
    a.stop()  # as a pool thread idle for too long: it exits
    a.thread.join(PATIENCE)
    # its thread state is dropped: b is the one left, woken and available
    assert until(lambda: turns.counts() == (1, 0))
    b.give()
    assert until(lambda: b.done == 2)


def test_sections_outside_request_threads_change_nothing(turns):
    one_available_one_parked(turns)
    with waits.may_take_long():  # this thread has taken no request
        assert turns.counts() == (1, 1)
    assert turns.counts() == (1, 1)


def test_without_a_listener_a_section_tells_no_one():
    told: list[str] = []

    class Recorder:
        def started(self) -> None:
            told.append("started")

        def ended(self) -> None:
            told.append("ended")

    waits.listen(Recorder())
    with waits.may_take_long():
        pass
    waits.listen(None)
    with waits.may_take_long():
        pass
    assert told == ["started", "ended"]


def test_a_section_ends_when_its_work_fails(turns):
    a, _ = one_available_one_parked(turns)

    def failing() -> None:
        with waits.may_take_long():
            raise ValueError("the work failed")

    a.give(failing)
    assert until(lambda: a.done == 2) and a.failed == 1
    # a's section ended with the error: two available, so one of them parked again
    assert until(lambda: turns.counts() == (1, 1))


class Proto:
    """What Granian's WSGI wrapper hands the answer to."""

    def __init__(self) -> None:
        self.answered: list[tuple[int, list, bytes]] = []

    def response_bytes(self, status: int, headers: list, body: bytes) -> None:
        self.answered.append((status, headers, body))


def test_granian_wsgi_wrapper_is_wrapped_so_that_threads_take_turns(monkeypatch):
    monkeypatch.setattr(granian_workers, "_wsgi_call_wrap", granian_workers._wsgi_call_wrap)
    monkeypatch.setattr(waits, "_listener", None)
    runtime.take_turns()
    wrap = granian_workers._wsgi_call_wrap
    assert wrap.takes_turns
    runtime.take_turns()  # once only
    assert granian_workers._wsgi_call_wrap is wrap
    seen: list[object] = []

    def app(environ: dict, start_response: Callable) -> list[bytes]:
        seen.append(waits._listener)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"answer ", environ["PATH_INFO"].encode()]

    run = wrap(app, {"url_path_prefix": None}, None)  # as a worker does, with Granian's args
    assert isinstance(waits._listener, TakeTurns)
    proto = Proto()
    status = run(proto, {"PATH_INFO": "/doc/x", "REQUEST_METHOD": "GET"})
    assert status == 200
    assert proto.answered == [(200, [("Content-Type", "text/plain")], b"answer /doc/x")]
    assert seen == [waits._listener]
    assert waits._listener.counts() == (1, 0)  # the thread that ran it is known, available
