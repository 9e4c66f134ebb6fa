"""SPARQL at scale: the named queries of sparql/ plus six query shapes a user asks
(lookup, count, 2-hop join, text filter, group-by/top-k, DESCRIBE), each asked of
`lerld serve`, a plain `oxigraph serve` with the same data, and rdflib's in-memory engine.

Reuses benchmarks/sparql_named_queries.py (the servers, the answer check, the timings) and
adds what a run at a million triples needs: a time budget per query instead of a fixed
number of rounds, and rdflib in a separate process with a time limit per query.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import requests

from benchmarks.sparql_named_queries import Timing, ask, same_answer
from lerld.sparql.queries import NamedQuery, named_queries, parse_named_query

REPO = Path(__file__).resolve().parent.parent
# Seconds past which one answer is timed once (a cold first round, on both servers alike).
SLOW_S = 10.0
ORG = "https://w3id.org/ler/id/organization/"

EXTRA = {
    "x-lookup": """SELECT ?p ?o WHERE { <{entity}> ?p ?o }""",
    "x-count": """SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }""",
    "x-two-hop-join": """PREFIX ler: <https://w3id.org/ler/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?initiative ?org ?label ?group WHERE {
  ?initiative ler:topic <https://w3id.org/ler/id/topic/interoperability> ; ler:partner ?org .
  ?org rdfs:label ?label ; ler:stakeholderGroup ?group .
} ORDER BY ?initiative ?org ?group""",
    "x-text-filter": """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX ler: <https://w3id.org/ler/ns#>
SELECT ?org ?label WHERE { ?org a ler:Organization ; rdfs:label ?label .
  FILTER(CONTAINS(LCASE(STR(?label)), "workforce alliance")) } ORDER BY ?label LIMIT 200""",
    "x-top-k": """PREFIX ler: <https://w3id.org/ler/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?org ?label (COUNT(?initiative) AS ?n) WHERE {
  ?initiative ler:partner ?org . ?org rdfs:label ?label }
GROUP BY ?org ?label ORDER BY DESC(?n) ?org LIMIT 10""",
    "x-describe": """DESCRIBE <{entity}>""",
}


def extra_queries(entity: str) -> list[NamedQuery]:
    return [
        parse_named_query(
            name,
            f"# title: {name}\n# description: benchmark query\n" + text.replace("{entity}", entity),
        )
        for name, text in EXTRA.items()
    ]


def all_queries(entity: str) -> list[NamedQuery]:
    return [*named_queries(REPO / "sparql"), *extra_queries(entity)]


@dataclass(frozen=True)
class QueryFigures:
    """One query's latencies on each engine (None: not run), and its answer size."""

    name: str
    lerld: Timing
    oxigraph: Timing
    rdflib: Timing | None
    rdflib_note: str
    answer_bytes: int

    @property
    def ratio(self) -> float:
        return self.lerld.median / self.oxigraph.median

    def as_dict(self) -> dict:
        def figures(t: Timing | None) -> dict | None:
            if t is None:
                return None
            return {"median_ms": t.median, "p95_ms": t.p95, "rounds": len(t.samples)}

        return {
            "query": self.name,
            "lerld": figures(self.lerld),
            "oxigraph": figures(self.oxigraph),
            "rdflib": figures(self.rdflib),
            "rdflib_note": self.rdflib_note,
            "lerld_vs_oxigraph": self.ratio,
            "answer_bytes": self.answer_bytes,
        }


def timed(
    session: requests.Session,
    urls: Sequence[str],
    query: NamedQuery,
    budget_s: float,
    min_rounds: int = 5,
    max_rounds: int = 200,
) -> list[Timing]:
    """Latencies of a query on each URL, taking turns, until the budget is spent. One
    untimed round first; a slow query gets fewer rounds: 3 when an answer takes more than
    a second, and past SLOW_S the first round is the measurement."""
    samples: list[list[float]] = [[] for _ in urls]

    def one_round() -> None:
        for i, url in enumerate(urls):
            started = time.perf_counter()
            ask(session, url, query)
            samples[i].append((time.perf_counter() - started) * 1000)

    one_round()
    single = max(s[0] for s in samples) / 1000
    if single > SLOW_S:
        return [Timing(tuple(s)) for s in samples]
    samples = [[] for _ in urls]
    if single > 1.0:
        min_rounds = 3
    deadline = time.perf_counter() + budget_s
    rounds = 0
    while rounds < max_rounds and (rounds < min_rounds or time.perf_counter() < deadline):
        one_round()
        rounds += 1
    return [Timing(tuple(s)) for s in samples]


def run_rdflib(
    root: Path, queries: Sequence[NamedQuery], work: Path, budget_s: float, limit_s: float
) -> tuple[dict[str, dict], float]:
    """The queries on rdflib's engine in a separate process; (figures by name, load s)."""
    spec = work / "rdflib-queries.json"
    out = work / "rdflib-results.json"
    spec.write_text(json.dumps([{"name": q.name, "text": q.text} for q in queries]))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.rdflib_engine",
            str(root),
            str(spec),
            str(out),
            str(budget_s),
            str(limit_s),
        ],
        check=True,
        timeout=3600,
    )
    document = json.loads(out.read_text())
    return document["queries"], document["load_s"]


def measure(
    queries: Sequence[NamedQuery],
    lerld_url: str,
    oxigraph_url: str,
    rdflib: dict[str, dict] | None,
    budget_s: float,
    failures: list[str],
) -> list[QueryFigures]:
    """Check lerld's answer against Oxigraph's, then time both (and read rdflib's). A query
    that fails or answers differently is listed in `failures` and left out."""
    found = []
    with requests.Session() as session:
        for query in queries:
            try:
                first = []
                for url in (lerld_url, oxigraph_url):
                    started = time.perf_counter()
                    first.append((ask(session, url, query), time.perf_counter() - started))
                (ours, ours_s), (theirs, theirs_s) = first
                if not same_answer(ours, theirs, query.form):
                    raise AssertionError("lerld and Oxigraph answer differently")
                if max(ours_s, theirs_s) > SLOW_S:
                    # the checked answers were the cold round: asking again would double
                    # minutes-long queries at 10M for no better figure
                    lerld, oxigraph = Timing((ours_s * 1000,)), Timing((theirs_s * 1000,))
                else:
                    lerld, oxigraph = timed(session, (lerld_url, oxigraph_url), query, budget_s)
            except (AssertionError, requests.RequestException) as e:
                failures.append(f"{query.name}: {e}")
                continue
            entry = (rdflib or {}).get(query.name)
            rdflib_timing = (
                Timing(tuple(entry["samples"])) if entry and entry.get("samples") else None
            )
            note = (entry or {}).get("note", "not run at this size")
            found.append(QueryFigures(query.name, lerld, oxigraph, rdflib_timing, note, len(ours)))
    return found


def geometric_mean(values: Sequence[float]) -> float:
    values = [v for v in values if v > 0]
    return math.exp(sum(math.log(v) for v in values) / len(values)) if values else float("nan")


def summary(figures: Sequence[QueryFigures]) -> dict:
    """Overall figures: geometric means over the queries of medians and p95s, and ratio."""
    both = [f for f in figures if f.rdflib is not None]
    return {
        "queries": len(figures),
        "lerld_geomean_median_ms": geometric_mean([f.lerld.median for f in figures]),
        "lerld_geomean_p95_ms": geometric_mean([f.lerld.p95 for f in figures]),
        "oxigraph_geomean_median_ms": geometric_mean([f.oxigraph.median for f in figures]),
        "oxigraph_geomean_p95_ms": geometric_mean([f.oxigraph.p95 for f in figures]),
        "lerld_vs_oxigraph_geomean": geometric_mean([f.ratio for f in figures]),
        "worst_ratio": max(f.ratio for f in figures),
        "rdflib_queries_answered": len(both),
        "rdflib_vs_oxigraph_geomean": geometric_mean(
            [f.rdflib.median / f.oxigraph.median for f in both]
        )
        if both
        else None,
        "lerld_median_of_all_samples_ms": statistics.median(
            [s for f in figures for s in f.lerld.samples]
        ),
    }
