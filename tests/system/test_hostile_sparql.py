"""A corpus of abusive requests to /sparql, against a real `lerld serve` with a 2 s time limit
and a 256 MiB memory limit per query: each ends within the time limit (and a margin) with its
status, the server's memory stays bounded, and a well-formed query sent all along is
answered normally."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests

from tests.support import free_port, lerld_command, pss_mib, server

REPO = Path(__file__).resolve().parents[2]
TIME_LIMIT = 2
MEMORY_LIMIT_MIB = 256
PROCESSES = 2
WORKERS = 2
CACHE_MIB = 16  # --sparql-cache-mb: the answers (and queries) each web worker may keep
# Beyond the time limit: killing, answering, a noisy machine.
MARGIN = 8
JSON = "application/sparql-results+json"
EMPLOYERS = "<https://w3id.org/ler/id/stakeholder/employers>"
UPDATE = "INSERT DATA { <urn:x> <urn:y> <urn:z> }"


@dataclass(frozen=True)
class Hostile:
    """One abusive request and the statuses it may get."""

    name: str
    statuses: frozenset[int]
    method: str = "GET"
    query: str | None = None  # sent as ?query= (GET) or in a form (POST)
    params: list[tuple[str, str]] = field(default_factory=list)
    data: bytes | str | list | None = None
    headers: dict[str, str] = field(default_factory=dict)
    raw_query_string: str | None = None
    files: dict | None = None
    repeat: int = 1  # sent this many times, "{n}" in the query made different each time

    def send(self, url: str) -> list[requests.Response]:
        return [self.send_one(url, n) for n in range(self.repeat)]

    def send_one(self, url: str, n: int) -> requests.Response:
        params = list(self.params)
        data = self.data
        if self.query is not None:
            query = self.query.replace("{n}", str(n)) if self.repeat > 1 else self.query
            if self.method in ("GET", "HEAD"):
                params.append(("query", query))
            else:
                data = [("query", query), *(data or [])]
        target = url + "/sparql" + (f"?{self.raw_query_string}" if self.raw_query_string else "")
        return requests.request(
            self.method,
            target,
            params=params,
            data=data,
            files=self.files,
            headers={"Accept": JSON, **self.headers},
            timeout=TIME_LIMIT + 60,
        )


def status(*codes: int) -> frozenset[int]:
    return frozenset(codes)


def cartesian(n: int) -> str:
    return " ".join(f"?s{i} ?p{i} ?o{i} ." for i in range(n))


def doubling(times: int) -> str:
    """A string that doubles `times` times: 32 bytes * 2^times."""
    binds = " ".join(f"BIND(CONCAT(?a{i}, ?a{i}) AS ?a{i + 1})" for i in range(times))
    return f'SELECT (STRLEN(?a{times}) AS ?n) WHERE {{ BIND("{"x" * 32}" AS ?a0) {binds} }}'


def nested_subqueries(n: int) -> str:
    return "SELECT * WHERE { " + "{ SELECT * WHERE " * n + "{ ?s ?p ?o }" + " }" * n + " }"


CORPUS = [
    # --- expensive queries: stopped at the time limit or the memory limit ----------------
    Hostile("cartesian-product", status(504), query=f"SELECT (COUNT(*) AS ?n) WHERE {{ {cartesian(8)} }}"),
    Hostile("cartesian-sorted", status(503, 504), query=f"SELECT * WHERE {{ {cartesian(3)} }} ORDER BY ?o0 ?o1 ?o2"),
    Hostile("cartesian-construct", status(200, 504), headers={"Accept": "text/turtle"}, query=f"CONSTRUCT {{ ?s0 ?p1 ?o2 }} WHERE {{ {cartesian(3)} }}"),
    Hostile("cartesian-distinct-strings", status(503, 504), query=f"SELECT (COUNT(DISTINCT CONCAT(STR(?o0), STR(?o1), STR(?o2))) AS ?n) WHERE {{ {cartesian(3)} }}"),
    Hostile("unbounded-path-count", status(200, 503, 504), query="SELECT (COUNT(*) AS ?n) WHERE { ?s (<urn:p>|!<urn:p>)* ?o }"),
    Hostile("unbounded-path-both-ways", status(503, 504), query="SELECT (COUNT(*) AS ?n) WHERE { ?a (!<urn:x>|^!<urn:x>)* ?b . ?b (!<urn:x>|^!<urn:x>)* ?c }"),
    Hostile("unbounded-path-rows", status(200, 504), query="SELECT * WHERE { ?s (<urn:p>|!<urn:p>)* ?o }"),
    Hostile("catastrophic-regex", status(200), query='SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "^(a+)+$")) }'),
    Hostile("catastrophic-regex-joined", status(504), query=f'SELECT (COUNT(*) AS ?n) WHERE {{ {cartesian(4)} FILTER(REGEX(CONCAT(STR(?o0), STR(?o3)), "^(.*a){{12}}$")) }}'),
    Hostile("huge-regex", status(200, 504), query='SELECT * WHERE { ?s ?p ?o FILTER(REGEX(STR(?o), "((a{1000}){1000}){1000}")) }'),
    Hostile("string-bomb", status(503, 504), query=doubling(30)),
    Hostile("describe-everything", status(200, 504), headers={"Accept": "text/turtle"}, query="DESCRIBE ?s WHERE { ?s ?p ?o }"),
    Hostile("huge-values", status(200), method="POST", query="SELECT ?x WHERE { VALUES ?x { " + " ".join(f"<urn:x:{i}>" for i in range(30_000)) + " } ?x ?p ?o }"),
    Hostile("unique-long-queries", status(200), method="POST", query="ASK {} # {n} " + "x" * 600_000, repeat=60),
    Hostile("huge-in-list", status(200, 504), method="POST", query="ASK { ?s ?p ?o FILTER(?o IN (" + ", ".join(f'"{i}"' for i in range(30_000)) + ")) }"),
    # --- queries too large for the engine's recursion: refused before they reach it ------
    Hostile("deeply-nested-subqueries", status(400), method="POST", query=nested_subqueries(5_000)),
    Hostile("deeply-nested-parentheses", status(400), method="POST", query="ASK { FILTER(" + "(" * 50_000 + "1" + ")" * 50_000 + ") }"),
    Hostile("long-operator-chain", status(400), method="POST", query="ASK { FILTER(" + "+".join(["1"] * 20_000) + ") }"),
    Hostile("long-path-sequence", status(400), method="POST", query="ASK { ?s " + "/".join(["<urn:p>"] * 1_000) + " ?o }"),
    Hostile("many-triple-patterns", status(400), method="POST", query="ASK { " + " . ".join(f"?s <urn:p{i}> ?o{i}" for i in range(1_000)) + " }"),
    Hostile("long-union-chain", status(400), method="POST", query="ASK { " + " UNION ".join(["{ ?s ?p ?o }"] * 5_000) + " }"),
    # --- sizes ------------------------------------------------------------------------------
    Hostile("query-over-1-mb", status(413), method="POST", data=("ASK {} #" + "x" * 1_100_000).encode(), headers={"Content-Type": "application/sparql-query"}),
    Hostile("query-of-1-mb-in-the-url", status(414, 431), query="ASK {} #" + "x" * 1_000_000),
    Hostile("thousands-of-parameters", status(200), params=[(f"p{i}", "1") for i in range(2_000)], query="ASK {}"),
    Hostile("fifty-thousand-form-fields", status(200), method="POST", data=[(f"p{i}", "1") for i in range(50_000)], query="ASK {}"),
    Hostile("thousands-of-graphs", status(200), method="POST", data=[("default-graph-uri", f"urn:g:{i}") for i in range(5_000)], query="ASK { ?s ?p ?o }"),
    Hostile("thousands-of-queries", status(400), params=[("query", "ASK {}")] * 1_000),
    # --- federation: the server must not fetch URLs for anyone ----------------------------
    Hostile("service-to-loopback", status(403), query="SELECT * WHERE { SERVICE <http://127.0.0.1:7878/query> { ?s ?p ?o } }"),
    Hostile("service-to-a-private-address", status(403), query="SELECT * WHERE { SERVICE SILENT <http://10.0.0.1/sparql> { ?s ?p ?o } }"),
    Hostile("service-to-cloud-metadata", status(403), query="SELECT * WHERE { SERVICE <http://169.254.169.254/latest/meta-data/> { ?s ?p ?o } }"),
    Hostile("service-to-a-variable", status(403), query="SELECT * WHERE { ?e a <urn:Endpoint> SERVICE ?e { ?s ?p ?o } }"),
    Hostile("load", status(403), query="LOAD <http://127.0.0.1:22/> INTO GRAPH <urn:g>"),
    # --- updates, by every route -------------------------------------------------------------
    Hostile("update-parameter", status(403), params=[("update", UPDATE)]),
    Hostile("update-form-field", status(403), method="POST", data=[("update", UPDATE)]),
    Hostile("update-body", status(403), method="POST", data=UPDATE, headers={"Content-Type": "application/sparql-update"}),
    Hostile("update-as-query", status(403), query=UPDATE),
    Hostile("update-as-query-body", status(403), method="POST", data="DELETE WHERE { ?s ?p ?o }", headers={"Content-Type": "application/sparql-query"}),
    Hostile("update-lowercase-after-prefix-and-comment", status(403), method="POST", query="# just a query\nPREFIX x: <urn:x:>\ninsert data { x:a x:b x:c }"),
    Hostile("clear-all", status(403), query="CLEAR ALL"),
    Hostile("drop-graph", status(403), query="DROP GRAPH <https://w3id.org/ler/source/data/glossary.ttl>"),
    Hostile("copy-move-add", status(403), query="COPY DEFAULT TO <urn:g> ; MOVE <urn:g> TO DEFAULT ; ADD <urn:g> TO <urn:h>"),
    Hostile("with-delete-insert", status(403), query="WITH <urn:g> DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }"),
    Hostile("query-then-update", status(400), query=f"ASK {{}} ; {UPDATE}"),
    # --- bytes and types that are not a query ------------------------------------------------
    Hostile("invalid-utf8-in-the-url", status(400), raw_query_string="query=%FF%FEASK%20%7B%7D"),
    Hostile("invalid-utf8-body", status(400), method="POST", data=b"\xff\xfeASK {}", headers={"Content-Type": "application/sparql-query"}),
    Hostile("invalid-utf8-form", status(400), method="POST", data=b"query=%C0%AF%FF", headers={"Content-Type": "application/x-www-form-urlencoded"}),
    Hostile("nul-bytes", status(400), query="ASK {\x00}"),
    Hostile("content-type-text-plain", status(415), method="POST", data="ASK {}", headers={"Content-Type": "text/plain"}),
    Hostile("content-type-json", status(415), method="POST", data='{"query": "ASK {}"}', headers={"Content-Type": "application/json"}),
    Hostile("content-type-multipart", status(415), method="POST", files={"query": ("q.rq", b"ASK {}")}),
    Hostile("content-type-missing", status(415), method="POST", data=b"ASK {}"),
    Hostile("bogus-format", status(406), query="ASK {}", params=[("format", "exe")]),
    Hostile("malformed-accept", status(406), query="ASK {}", headers={"Accept": ";;;,,q=abc/*;q=2"}),
    Hostile("head-of-a-runaway", status(504), method="HEAD", query=f"SELECT (COUNT(*) AS ?n) WHERE {{ {cartesian(8)} }}"),
]  # fmt: skip


def test_the_corpus_is_large_enough():
    assert len(CORPUS) >= 25
    assert len({h.name for h in CORPUS}) == len(CORPUS)


@pytest.fixture(scope="module")
def endpoint(tmp_path_factory):
    port = free_port()
    command = lerld_command(
        "--root", str(REPO), "serve", "--port", str(port), "--workers", str(WORKERS),
        "--sparql-timeout", str(TIME_LIMIT), "--sparql-processes", str(PROCESSES),
        "--sparql-max-memory", str(MEMORY_LIMIT_MIB), "--sparql-cache-mb", str(CACHE_MIB),
    )  # fmt: skip
    with server(command, port, tmp_path_factory.mktemp("hostile") / "serve.log") as running:
        yield running


class Probe:
    """A well-formed query, sent again and again (never the same text: never from the answer
    cache) while the corpus runs; its answers and their times."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.stop = threading.Event()
        self.answers: list[tuple[int, float, str]] = []
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        n = 0
        while not self.stop.is_set():
            n += 1
            started = time.monotonic()
            response = requests.get(
                self.url + "/sparql",
                params={"query": f"ASK {{ {EMPLOYERS} ?p ?o }} # probe {n}"},
                headers={"Accept": JSON},
                timeout=60,
            )
            self.answers.append((response.status_code, time.monotonic() - started, response.text))
            self.stop.wait(0.2)


class PeakMemory:
    """The most memory the server's processes held together, sampled while the corpus runs."""

    def __init__(self, pid: int) -> None:
        self.pid, self.peak = pid, 0.0
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self.run)

    def run(self) -> None:
        while not self.stop.is_set():
            self.peak = max(self.peak, pss_mib(self.pid))
            self.stop.wait(0.1)


def test_every_hostile_request_ends_in_time_with_its_status(endpoint):
    url, pid = endpoint.url, endpoint.process.pid
    requests.get(url + "/sparql", params={"query": "ASK {}"}, timeout=30)
    baseline = pss_mib(pid)
    probe, memory = Probe(url), PeakMemory(pid)
    probe.thread.start()
    memory.thread.start()
    outcomes = {}
    try:
        for hostile in CORPUS:
            for n in range(hostile.repeat):
                started = time.monotonic()
                code = hostile.send_one(url, n).status_code
                seconds = time.monotonic() - started
                worst = outcomes.get(hostile.name, (code, 0.0))
                outcomes[hostile.name] = (code if code not in hostile.statuses else worst[0],
                                          max(seconds, worst[1]))  # fmt: skip
    finally:
        probe.stop.set()
        memory.stop.set()
        probe.thread.join()
        memory.thread.join()
    wrong = {
        h.name: outcomes[h.name]
        for h in CORPUS
        if outcomes[h.name][0] not in h.statuses or outcomes[h.name][1] > TIME_LIMIT + MARGIN
    }
    assert wrong == {}, wrong
    # the well-formed query was answered all along, and in time
    assert len(probe.answers) > 10
    assert all(code == 200 and '"boolean":true' in text for code, _, text in probe.answers)
    assert max(seconds for _, seconds, _ in probe.answers) < TIME_LIMIT + MARGIN
    # memory: each query process grew by at most its limit, each worker's answer cache (the
    # queries counted) by at most its budget, and the query processes gave it all back
    caches = WORKERS * CACHE_MIB
    assert memory.peak < baseline + PROCESSES * MEMORY_LIMIT_MIB + caches + 150, memory.peak
    time.sleep(1)
    after = pss_mib(pid)
    assert after < baseline * 1.3 + caches + 50, (baseline, after)
    # and the server answers as before
    again = requests.get(url + "/sparql", params={"query": f"ASK {{ {EMPLOYERS} ?p ?o }}"},
                         headers={"Accept": JSON}, timeout=30)  # fmt: skip
    assert again.status_code == 200 and again.json()["boolean"] is True


def test_abuse_again_takes_no_more_memory(endpoint):
    """The corpus again and again (what the time or memory limit stops aside): once the
    caches and the allocators' pools have grown to what it takes, another round takes no
    more memory: nothing accumulates."""
    pid = endpoint.process.pid
    again = [h for h in CORPUS if not h.statuses & {503, 504}]
    for _ in range(2):
        for hostile in again:
            hostile.send(endpoint.url)
    before = pss_mib(pid)
    for hostile in again:
        for response in hostile.send(endpoint.url):
            assert response.status_code in hostile.statuses, hostile.name
    after = pss_mib(pid)
    assert after < before * 1.05 + 16, (before, after)
