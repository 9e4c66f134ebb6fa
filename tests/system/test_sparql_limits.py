"""The /sparql limits, on a real `lerld serve` with small limits: a runaway query is really
stopped (its process killed, its CPU freed) while other queries are answered; answers are
cut at the row limit, and said to be; requests over the size limit are refused."""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from lerld.core.formats import SPARQL_JSON
from lerld.stores.results import BINDINGS, ENTRY_OVERHEAD, Answer, AnswerCache
from tests.support import free_port, lerld_command, server

REPO = Path(__file__).resolve().parents[2]
TIME_LIMIT = 2
# Eight copies of every triple, joined with no condition: ~3,500^8 solutions to count.
CARTESIAN = (
    "SELECT (COUNT(*) AS ?n) WHERE { " + " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(8)) + " }"
)
JSON = "application/sparql-results+json"


@pytest.fixture(scope="module")
def limited(tmp_path_factory):
    port = free_port()
    command = lerld_command(
        "--root",
        str(REPO),
        "serve",
        "--port",
        str(port),
        "--workers",
        "1",
        "--sparql-timeout",
        str(TIME_LIMIT),
        "--sparql-max-rows",
        "5",
        "--sparql-max-body",
        "4000",
        "--sparql-processes",
        "2",
    )
    with server(command, port, tmp_path_factory.mktemp("limited") / "serve.log") as running:
        yield running


def descendants(pid: int) -> set[int]:
    """Every process below pid, from /proc."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    found, frontier = set(), {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier}
        found |= frontier
    return found


def cpu_ticks(pid: int) -> int:
    """User + system CPU time of a live process, in clock ticks (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0
    if fields[0] == "Z":
        return 0
    return int(fields[11]) + int(fields[12])


def cpu_over(pids: set[int], seconds: float) -> dict[int, int]:
    before = {pid: cpu_ticks(pid) for pid in pids}
    time.sleep(seconds)
    return {pid: cpu_ticks(pid) - ticks for pid, ticks in before.items()}


def test_a_runaway_query_is_stopped_and_the_server_keeps_answering(limited):
    runaway: dict = {}

    def run() -> None:
        started = time.monotonic()
        response = requests.get(
            limited.url + "/sparql",
            params={"query": CARTESIAN},
            headers={"Accept": JSON},
            timeout=60,
        )
        runaway.update(status=response.status_code, text=response.text)
        runaway["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.5)
    usage = cpu_over(descendants(limited.process.pid), 0.5)
    busy = max(usage, key=usage.get)
    assert usage[busy] >= 10, usage  # the query burns a core in a query process

    # meanwhile, another query is answered
    other = requests.get(
        limited.url + "/sparql",
        params={"query": "ASK { <https://w3id.org/ler/id/stakeholder/employers> ?p ?o }"},
        headers={"Accept": JSON},
        timeout=30,
    )
    assert other.status_code == 200 and other.json()["boolean"] is True
    assert busy in descendants(limited.process.pid)  # still running, not finished early

    thread.join(timeout=30)
    assert runaway["status"] == 504, runaway
    assert "time limit of 2 s" in runaway["text"]
    assert TIME_LIMIT <= runaway["seconds"] < TIME_LIMIT + 6

    # the process that ran it is gone: its CPU is free; a fresh one took its place
    deadline = time.monotonic() + 5
    while busy in descendants(limited.process.pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert busy not in descendants(limited.process.pid)
    assert not Path(f"/proc/{busy}").exists()
    idle = cpu_over(descendants(limited.process.pid), 0.5)
    assert sum(idle.values()) < 10, idle
    again = requests.get(
        limited.url + "/sparql", params={"query": "ASK {}"}, headers={"Accept": JSON}, timeout=30
    )
    assert again.status_code == 200
    assert "stopped a SPARQL query" in limited.output()


def test_documents_are_answered_at_once_while_a_query_runs_to_its_limit(limited):
    """One worker, two threads taking turns (lerld.serve.turns): after many requests at
    once (both threads have taken some, one is parked), a query that runs to the time limit
    wakes the parked thread, which answers documents and other queries meanwhile."""
    session = requests.Session()
    document = limited.url + "/doc/stakeholder/employers"

    def fetch(_: int) -> int:
        return requests.get(document, headers={"Accept": "text/turtle"}, timeout=30).status_code

    with ThreadPoolExecutor(8) as pool:
        assert set(pool.map(fetch, range(200))) == {200}
    runaway: dict = {}

    def run() -> None:
        response = requests.get(
            limited.url + "/sparql",
            params={"query": CARTESIAN},
            headers={"Accept": JSON},
            timeout=60,
        )
        runaway["status"] = response.status_code

    thread = threading.Thread(target=run)
    thread.start()
    time.sleep(0.3)
    started = time.monotonic()
    for accept in ("text/turtle", "application/ld+json", "text/html") * 5:
        answer = session.get(document, headers={"Accept": accept}, timeout=30)
        assert answer.status_code == 200
    asked = session.get(
        limited.url + "/sparql", params={"query": "ASK { ?s ?p ?o }"}, headers={"Accept": JSON}
    )
    assert asked.status_code == 200
    took = time.monotonic() - started
    assert "status" not in runaway  # all answered while the runaway query ran
    assert took < 1.5, took  # held up, they would wait for the end (1.7 s from the start)
    thread.join(timeout=30)
    assert runaway["status"] == 504


def test_limits_are_reported_in_headers(limited):
    response = requests.get(limited.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30)
    assert response.headers["SPARQL-Time-Limit"] == "2"
    assert response.headers["SPARQL-Max-Rows"] == "5"
    assert response.headers["SPARQL-Max-Body"] == "4000"
    assert "at most 5 solutions" in response.text


def test_answers_are_cut_at_the_row_limit_and_say_so(limited):
    def get(query, accept):
        return requests.get(
            limited.url + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30
        )

    cut = get("SELECT * WHERE { ?s ?p ?o }", JSON)
    assert len(cut.json()["results"]["bindings"]) == 5
    assert cut.headers["SPARQL-Results-Truncated"] == "true"
    whole = get("SELECT * WHERE { ?s ?p ?o } LIMIT 3", JSON)
    assert len(whole.json()["results"]["bindings"]) == 3
    assert "SPARQL-Results-Truncated" not in whole.headers
    graph = get("CONSTRUCT WHERE { ?s ?p ?o }", "application/n-triples")
    assert len(graph.text.strip().splitlines()) == 5
    assert graph.headers["SPARQL-Results-Truncated"] == "true"
    page = get("SELECT * WHERE { ?s ?p ?o }", "text/html")
    assert "cut at the limit" in page.text


def test_requests_over_the_size_limit_are_refused(limited):
    big = "ASK {}" + " " * 5000
    response = requests.post(
        limited.url + "/sparql",
        data=big.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": JSON},
        timeout=30,
    )
    assert response.status_code == 413


def test_the_answer_cache_keeps_recent_answers_within_its_budget():
    entry = 4 + 1 + ENTRY_OVERHEAD  # body, key, the objects: what one entry below costs
    cache = AnswerCache(max_bytes=2 * entry + 10)
    answers = {k: Answer(BINDINGS, SPARQL_JSON, bytes(4)) for k in "abc"}
    for key, answer in answers.items():
        cache.put((key,), answer)
    assert cache.get(("a",)) is None  # three entries do not fit: the least recently used went
    assert cache.get(("b",)) is answers["b"]
    cache.put(("d",), Answer(BINDINGS, SPARQL_JSON, bytes(4)))
    assert cache.get(("c",)) is None and cache.get(("b",)) is answers["b"]
    cache.put(("huge",), Answer(BINDINGS, SPARQL_JSON, bytes(3 * entry)))
    assert cache.get(("huge",)) is None
    # the key counts too: a long query with a tiny answer is as big as its text
    cache.put(("x" * 3 * entry,), Answer(BINDINGS, SPARQL_JSON, bytes(4)))
    assert cache.get(("x" * 3 * entry,)) is None


def test_repeated_queries_get_the_same_answer(limited):
    query = {"query": "SELECT ?g WHERE { ?g a <https://w3id.org/ler/ns#StakeholderGroup> } LIMIT 3"}
    answers = [
        requests.get(
            limited.url + "/sparql", params=query, headers={"Accept": "text/csv"}, timeout=30
        )
        for _ in range(3)
    ]
    assert len({(a.status_code, a.text, a.headers["ETag"]) for a in answers}) == 1
