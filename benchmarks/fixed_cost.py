"""The fixed cost of a request, on the map's own data (a few thousand triples), where it
dominates: lerld beside Oxigraph server for SPARQL, beside nginx for dereferencing.

SPARQL: eight small query shapes (lookup, ASK, CONSTRUCT, count by type, labels, 2-hop
join, text filter, distinct predicates), each asked of `lerld serve --sparql-cache-mb 0`
(every request evaluated by a query process) and of an in-memory `oxigraph serve` with
the same graphs, the two taking turns, query after query, round after round. The answers
are compared first.

Dereferencing: every entity's IRI (303) and its document negotiated as Turtle, JSON-LD
and HTML, with wrk (32 connections) against `lerld serve` and against nginx serving the
same documents as `lerld build` writes them, with the build's own rules, same number of
workers; the servers take turns, three runs each. A third takes its turn: the floor under
lerld, Granian serving a WSGI app that only looks up lerld's recorded answers
(benchmarks/floor_app.py).

    python -m benchmarks.fixed_cost [--rounds 40] [--wrk-seconds 5] [--skip-deref] [--threads N]
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path
from urllib.parse import urlencode, urlsplit

import requests

from benchmarks import deref, floor_app
from benchmarks.sparql_named_queries import (
    ACCEPT,
    DEFAULT_ACCEPT,
    Timing,
    geometric_mean,
    lerld_server,
    oxigraph_server,
    same_answer,
)
from lerld.sparql.queries import NamedQuery, parse_named_query
from lerld.tools.processes import free_port, server

REPO = Path(__file__).resolve().parent.parent
ENTITY = "https://w3id.org/ler/id/organization/"
PREFIXES = """PREFIX ler: <https://w3id.org/ler/ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
"""
SHAPES = {
    "one-entity lookup": "SELECT ?p ?o WHERE { <{entity}> ?p ?o }",
    "ASK": "ASK { <{entity}> a ?type }",
    "small CONSTRUCT": "CONSTRUCT { <{entity}> ?p ?o } WHERE { <{entity}> ?p ?o }",
    "count by type": "SELECT ?type (COUNT(?s) AS ?n) WHERE { ?s a ?type } GROUP BY ?type",
    "labels (ORDER BY, LIMIT 200)": PREFIXES
    + "SELECT ?s ?label WHERE { ?s rdfs:label ?label } ORDER BY ?label LIMIT 200",
    "two-hop join": PREFIXES
    + """SELECT ?initiative ?org ?label WHERE {
  ?initiative ler:partner ?org . ?org rdfs:label ?label } ORDER BY ?initiative ?org""",
    "text filter": PREFIXES
    + """SELECT ?s ?label WHERE { ?s rdfs:label ?label
  FILTER(CONTAINS(LCASE(STR(?label)), "credential")) } ORDER BY ?label""",
    "distinct predicates": "SELECT DISTINCT ?p WHERE { ?s ?p ?o }",
}


def shapes(entity: str) -> list[NamedQuery]:
    return [
        parse_named_query(
            name, f"# title: {name}\n# description: x\n" + text.replace("{entity}", entity)
        )
        for name, text in SHAPES.items()
    ]


def an_entity(url: str) -> str:
    """An organization with the most statements (a lookup that returns something)."""
    response = requests.get(
        url,
        params={
            "query": "SELECT ?s (COUNT(*) AS ?n) WHERE { ?s ?p ?o "
            f'FILTER(STRSTARTS(STR(?s), "{ENTITY}")) }} GROUP BY ?s ORDER BY DESC(?n) ?s LIMIT 1'
        },
        headers={"Accept": "application/sparql-results+json"},
        timeout=60,
    )
    response.raise_for_status()
    return response.json()["results"]["bindings"][0]["s"]["value"]


class Client:
    """A keep-alive HTTP/1.1 connection per server, with http.client: a light client, so
    that the figures are the servers' (requests adds ~0.4 ms to every request)."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.path = parts.path
        self.connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=120)

    def ask(self, query: NamedQuery) -> bytes:
        accept = ACCEPT.get(query.form, DEFAULT_ACCEPT)
        path = self.path + "?" + urlencode({"query": query.text})
        self.connection.request("GET", path, headers={"Accept": accept})
        response = self.connection.getresponse()
        body = response.read()
        if response.status != 200:
            raise AssertionError(f"{query.name}: {response.status} {body[:300]!r}")
        return body

    def close(self) -> None:
        self.connection.close()


def sparql(lerld_url: str, oxigraph_url: str, rounds: int, warmup: int = 5) -> dict:
    """Median latency of each shape on both servers, interleaved: every round asks every
    shape of lerld then of Oxigraph. The ratios and their geometric mean."""
    queries = shapes(an_entity(oxigraph_url))
    samples: dict[str, dict[str, list[float]]] = {
        q.name: {"lerld": [], "oxigraph": []} for q in queries
    }
    clients = {"lerld": Client(lerld_url), "oxigraph": Client(oxigraph_url)}
    try:
        for q in queries:
            ours, theirs = clients["lerld"].ask(q), clients["oxigraph"].ask(q)
            if not same_answer(ours, theirs, q.form):
                raise AssertionError(f"{q.name}: lerld and Oxigraph answer differently")
        for i in range(warmup + rounds):
            for q in queries:
                for name, client in clients.items():
                    started = time.perf_counter()
                    client.ask(q)
                    if i >= warmup:
                        samples[q.name][name].append((time.perf_counter() - started) * 1000)
    finally:
        for client in clients.values():
            client.close()
    table = {}
    for name, found in samples.items():
        lerld, oxigraph = Timing(tuple(found["lerld"])), Timing(tuple(found["oxigraph"]))
        table[name] = {
            "lerld_ms": lerld.median,
            "oxigraph_ms": oxigraph.median,
            "ratio": lerld.median / oxigraph.median,
        }
    return {
        "queries": table,
        "geomean_ratio": geometric_mean([row["ratio"] for row in table.values()]),
        "rounds": rounds,
    }


def entities(lerld_url: str) -> list[str]:
    """Every entity path (kind/slug) the server publishes."""
    return deref.sample_entities(lerld_url, 1_000_000, 0)


def dereferencing(lerld_url: str, work: Path, seconds: int, workers: int = 2) -> dict:
    """wrk requests/s on lerld and on nginx serving the same documents, taking turns."""
    sample = entities(lerld_url + "/sparql")
    lines = deref.request_lines(sample)
    site = work / "site"
    deref.static_site(lerld_url, sample, time.time(), site)
    nginx_work = work / "nginx"
    nginx_work.mkdir(exist_ok=True)
    answers = work / "answers.pickle"
    floor_app.record(lerld_url, lines, answers)
    with (
        deref.nginx(site, free_port(), nginx_work, workers=workers) as nginx,
        floor(answers, free_port(), work, workers) as floor_url,
    ):
        differences = deref.same_answers(lerld_url, nginx.url, lines)
        differences += deref.same_answers(lerld_url, floor_url, lines)
        if differences:
            raise AssertionError("the servers answer differently:\n" + "\n".join(differences))
        deref.warm(lerld_url, lines)
        deref.warm(nginx.url, lines, rounds=2)
        deref.warm(floor_url, lines, rounds=2)
        runs: dict[str, list[dict]] = {"lerld": [], "nginx": [], "floor": []}
        for _ in range(3):
            runs["nginx"].append(deref.wrk(nginx.url, lines, seconds, work))
            runs["lerld"].append(deref.wrk(lerld_url, lines, seconds, work))
            runs["floor"].append(deref.wrk(floor_url, lines, seconds, work))
    figures: dict = {"entities": len(sample), "distinct_requests": len(lines)}
    for name, found in runs.items():
        median = sorted(found, key=lambda r: r["requests_per_s"])[len(found) // 2]
        figures[name] = {
            "requests_per_s": median["requests_per_s"],
            "p50_ms": median["p50_ms"],
            "p99_ms": median["p99_ms"],
            "runs_requests_per_s": [round(r["requests_per_s"]) for r in found],
            "errors": sum(r["non_2xx_3xx"] + r["socket_errors"] for r in found),
        }
    figures["lerld_vs_nginx"] = (
        figures["lerld"]["requests_per_s"] / figures["nginx"]["requests_per_s"]
    )
    figures["lerld_vs_floor"] = (
        figures["lerld"]["requests_per_s"] / figures["floor"]["requests_per_s"]
    )
    figures["floor_vs_nginx"] = (
        figures["floor"]["requests_per_s"] / figures["nginx"]["requests_per_s"]
    )
    return figures


@contextlib.contextmanager
def floor(answers: Path, port: int, work: Path, workers: int) -> Iterator[str]:
    """Granian serving benchmarks/floor_app.py with `answers`: `workers` processes of one
    thread (lerld's threads take turns, one at a time)."""
    command = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--host", "127.0.0.1",
        "--port", str(port), "--workers", str(workers), "--blocking-threads", "1",
        "--no-ws", "--log-level", "warning", "benchmarks.floor_app:app",
    ]  # fmt: skip
    env = {**os.environ, "LERLD_FLOOR_ANSWERS": str(answers), "PYTHONPATH": str(REPO)}
    with server(command, f"http://127.0.0.1:{port}/", work / "floor.log", env=env) as running:
        yield running.url


def measure(
    root: Path = REPO,
    rounds: int = 40,
    wrk_seconds: int = 5,
    deref_too: bool = True,
    lerld_args: Sequence[str] = (),
) -> dict:
    """Both comparisons on the project at `root`; the figures as a dict."""
    figures: dict = {}
    with (
        tempfile.TemporaryDirectory() as tmp,
        lerld_server(root, ["--sparql-cache-mb", "0", *lerld_args]) as lerld_url,
        oxigraph_server(root) as oxigraph_url,
    ):
        figures["sparql"] = sparql(lerld_url, oxigraph_url, rounds)
        if deref_too:
            base = lerld_url.rsplit("/sparql", 1)[0]
            figures["deref"] = dereferencing(base, Path(tmp), wrk_seconds)
    return figures


def report(figures: dict) -> str:
    lines = [f"{'query':32} {'lerld ms':>9} {'Oxigraph ms':>12} {'ratio':>6}"]
    for name, row in figures["sparql"]["queries"].items():
        lines.append(
            f"{name:32} {row['lerld_ms']:9.2f} {row['oxigraph_ms']:12.2f} {row['ratio']:6.2f}"
        )
    lines.append(f"geometric mean of the ratios: {figures['sparql']['geomean_ratio']:.2f}")
    if "deref" in figures:
        d = figures["deref"]
        lines.append(
            f"dereferencing ({d['distinct_requests']} requests, wrk 32 connections): "
            f"lerld {d['lerld']['requests_per_s']:.0f} req/s {d['lerld']['runs_requests_per_s']}, "
            f"nginx {d['nginx']['requests_per_s']:.0f} req/s {d['nginx']['runs_requests_per_s']}: "
            f"{d['lerld_vs_nginx']:.2f}x nginx"
        )
        lines.append(
            f"the floor (Granian + a WSGI look-up of lerld's answers) "
            f"{d['floor']['requests_per_s']:.0f} req/s {d['floor']['runs_requests_per_s']}: "
            f"lerld {d['lerld_vs_floor']:.2f}x the floor, the floor {d['floor_vs_nginx']:.2f}x nginx"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the project (default: this)")
    parser.add_argument("--rounds", type=int, default=40, help="timed rounds of the 8 shapes")
    parser.add_argument("--wrk-seconds", type=int, default=5, help="seconds per wrk run")
    parser.add_argument("--skip-deref", action="store_true", help="SPARQL only")
    parser.add_argument("--json", type=Path, help="also write the figures here")
    parser.add_argument(
        "--threads", type=int, help="lerld serve --threads (default: lerld's own default)"
    )
    args = parser.parse_args(argv)
    lerld_args = ["--threads", str(args.threads)] if args.threads else []
    figures = measure(args.root, args.rounds, args.wrk_seconds, not args.skip_deref, lerld_args)
    print(report(figures))
    if args.json:
        args.json.write_text(json.dumps(figures, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
