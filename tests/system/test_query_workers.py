"""The stoppable query processes themselves (lerld.sparql.workers), without HTTP: answers
and requests of any size travel whole, a request lost with a process killed as it took it
is sent once more, an answer a client gave up on never reaches its next query, and
queries that come one at a time are answered by one process, while a query waits only as
long as every process is busy.

The time and memory limits, and processes killed from outside, are tested through the
server: tests/system/test_sparql_limits.py, test_hostile_sparql.py, test_faults.py."""

from __future__ import annotations

import contextlib
import os
import pickle
import socket
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from lerld.core.errors import StoreUnavailable
from lerld.core.formats import NTRIPLES, SPARQL_JSON
from lerld.sparql import workers
from lerld.sparql.workers import QueryWorkers
from lerld.stores import PUBLISHED
from lerld.stores.oxigraph import OxigraphStore
from lerld.stores.results import Answer, Formats

FORMATS = Formats(SPARQL_JSON, NTRIPLES)
EVERYTHING = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    """A store whose answer to EVERYTHING is far larger than a datagram."""
    store = OxigraphStore()
    graph = ox.NamedNode("urn:graph")
    store._store.extend(
        ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode("urn:p"), ox.Literal("x" * 100), graph)
        for i in range(3000)
    )
    return store


@pytest.fixture
def pool(store):
    pool = QueryWorkers(lambda: store, size=2, time_limit=10.0)
    pool.start()
    yield pool
    pool.close()


def test_answers_and_requests_larger_than_a_datagram_travel_whole(store, pool):
    answer = pool.query(EVERYTHING, FORMATS, PUBLISHED, 10_000)
    assert len(answer.body) > 10 * workers._INLINE
    assert answer == store.query(EVERYTHING, FORMATS, PUBLISHED, 10_000)
    padded = "ASK { ?s ?p ?o }" + " " * (3 * workers._INLINE)
    assert pool.query(padded, FORMATS).body == store.query(padded, FORMATS).body


@contextlib.contextmanager
def dying_pool(store, marker: Path, times: int, monkeypatch) -> Iterator[QueryWorkers]:
    """A pool of one query process that exits once it has taken a request from the pool's
    socket, `times` times in all (counted in the file `marker`: each executor is a process
    of its own): the request is gone with it."""
    take = workers._take

    def take_or_die(sock, flags=0):
        taken = take(sock, flags)
        if flags and len(marker.read_text()) < times:
            with marker.open("a") as counter:
                counter.write("x")
            os._exit(1)
        return taken

    marker.write_text("")
    monkeypatch.setattr(workers, "_take", take_or_die)
    pool = QueryWorkers(lambda: store, size=1, time_limit=10.0)
    pool.start()
    try:
        yield pool
    finally:
        pool.close()


def test_a_request_lost_with_its_process_is_sent_once_more(store, tmp_path, monkeypatch):
    marker = tmp_path / "deaths"
    with dying_pool(store, marker, 1, monkeypatch) as pool:
        answer = pool.query("ASK { ?s ?p ?o }", FORMATS)
    assert marker.read_text() == "x"
    assert answer.body == store.query("ASK { ?s ?p ?o }", FORMATS).body


def test_a_request_lost_twice_is_unavailable_not_tried_forever(store, tmp_path, monkeypatch):
    marker = tmp_path / "deaths"
    with dying_pool(store, marker, 2, monkeypatch) as pool:
        with pytest.raises(StoreUnavailable, match="stopped before answering"):
            pool.query("ASK { ?s ?p ?o }", FORMATS)
        assert marker.read_text() == "xx"
        # the pool goes on: the next request is answered
        assert pool.query("ASK { ?s ?p ?o }", FORMATS).body == b'{"head":{},"boolean":true}'


def test_an_answer_given_up_on_does_not_answer_the_next_query(store, monkeypatch):
    pool = QueryWorkers(lambda: store, size=1, time_limit=0.2)
    pool.start()
    try:
        # a client that waits a millisecond gives up on its query, whose answer comes later
        original = pool._ask
        monkeypatch.setattr(
            pool, "_ask", lambda client, request, _: original(client, request, time.monotonic())
        )
        with pytest.raises(StoreUnavailable, match="busy"):
            pool.query(EVERYTHING, FORMATS, PUBLISHED, 10_000)
        monkeypatch.undo()
        ask = pool.query("ASK { ?s ?p ?o }", FORMATS)
        assert ask.body == b'{"head":{},"boolean":true}'
    finally:
        pool.close()


def test_only_the_pool_answers_a_client(store, pool, monkeypatch):
    """Anyone on the machine may send to a client's (abstract) address: a datagram that
    does not come from the pool's own socket is never read, even with the right number."""
    monkeypatch.setattr(workers.random, "getrandbits", lambda _: 42)
    forged = pickle.dumps(("ok", Answer("boolean", SPARQL_JSON, b"forged")))
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as stranger:
        workers._post(stranger, pool._client().getsockname(), 42, forged)
    answer = pool.query("ASK { ?s ?p ?o }", FORMATS)
    assert answer.body == b'{"head":{},"boolean":true}'


class WhoAnswers:
    """A store that answers with the process that evaluated the query, after sleeping as
    many seconds as the query says."""

    def query(self, query, formats, dataset=PUBLISHED, max_rows=None) -> Answer:
        time.sleep(float(query))
        return Answer("boolean", SPARQL_JSON, str(os.getpid()).encode())


@pytest.fixture
def who_answers():
    pool = QueryWorkers(WhoAnswers, size=3, time_limit=10.0)
    pool.start()
    yield pool
    pool.close()


def test_queries_one_at_a_time_are_answered_by_one_process(who_answers):
    answered = Counter(who_answers.query("0", FORMATS).body for _ in range(30))
    # Taken in turn, each of the 3 would answer 10. A query may still go to another when
    # it comes before the process that answered the last one waits again (descheduled in
    # between, on a busy machine), which one at a time over HTTP leaves time for.
    assert answered.most_common(1)[0][1] >= 25


def test_a_query_waits_only_while_every_process_is_busy(who_answers):
    with ThreadPoolExecutor(4) as threads:
        slow = threads.submit(who_answers.query, "3", FORMATS)
        time.sleep(0.1)
        medium = threads.submit(who_answers.query, "0.6", FORMATS)
        short = threads.submit(who_answers.query, "0.3", FORMATS)
        time.sleep(0.1)
        started = time.monotonic()
        waiting = threads.submit(who_answers.query, "0", FORMATS)  # every process is busy
        assert waiting.result(timeout=2).body == short.result().body  # the first free one
        assert time.monotonic() - started < 1.0
        assert len({slow.result().body, medium.result().body, short.result().body}) == 3


class Scanned(OxigraphStore):
    """An in-memory store of 300,000 quads whose answer to "pid" is the answering process."""

    def query(self, query, formats, dataset=PUBLISHED, max_rows=None) -> Answer:
        if query == "pid":
            return Answer("boolean", SPARQL_JSON, str(os.getpid()).encode())
        return super().query(query, formats, dataset, max_rows)


@pytest.fixture(scope="module")
def scanned() -> Scanned:
    store = Scanned()
    graph = ox.NamedNode("urn:graph")
    store._store.extend(
        ox.Quad(ox.NamedNode(f"urn:s{i}"), ox.NamedNode(f"urn:p{i % 7}"), ox.Literal(i), graph)
        for i in range(300_000)
    )
    return store


def _scanning(pool: QueryWorkers) -> tuple[bytes, bytes]:
    """The executor that answers, then again after scans of the whole store for longer than
    an executor evaluates before it looks at its memory (one executor: the same one)."""
    before = pool.query("pid", FORMATS).body
    scanned = 0.0
    while scanned < 2 * workers.CHECK_AFTER_S:
        started = time.monotonic()
        count = pool.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", FORMATS).body
        assert b'"300000"' in count
        scanned += time.monotonic() - started
    return before, pool.query("pid", FORMATS).body


def test_a_query_process_that_copied_more_of_the_store_than_its_limit_is_replaced(scanned):
    # reading the in-memory store writes each quad read: the executor comes to hold its own
    # copy of those pages (~110 MiB of 250 here), which its address space limit does not count
    pool = QueryWorkers(lambda: scanned, size=1, time_limit=10.0, memory_limit=16)
    pool.start()
    try:
        before, after = _scanning(pool)
        assert before != after  # replaced by a fresh process, which answers as the first did
    finally:
        pool.close()


def test_a_query_process_within_its_limit_stays(scanned):
    pool = QueryWorkers(lambda: scanned, size=1, time_limit=10.0, memory_limit=1024)
    pool.start()
    try:
        before, after = _scanning(pool)
        assert before == after
    finally:
        pool.close()
