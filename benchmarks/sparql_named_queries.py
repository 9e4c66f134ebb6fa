"""Benchmark: the named queries (sparql/*.rq) through `lerld serve` (embedded store) and
through a plain `oxigraph serve` holding the same data, in one run.

Both servers run on loopback; the plain Oxigraph server is in memory with
--union-default-graph, each source file PUT into its own named graph, exactly as lerld
holds them. Every query is asked over the SPARQL 1.1 Protocol (GET, same Accept) with a
keep-alive session, the two servers taking turns so that noise hits both alike. The
answers are compared first: a benchmark of different answers would be meaningless.

Two lerld servers run: one as configured by default (repeated queries are answered from
its answer cache), and one with the cache off (every request evaluated by a query
process: the engine path). Prints, per query, the median and 95th percentile latency on
each server and the ratios of the lerld medians to Oxigraph's, then the geometric mean of
those ratios over the queries (goal: at most 1.5). Reusable: `measure(...)` takes any
named queries and any endpoints; `lerld_server` and `oxigraph_server` any project.

    python -m benchmarks.sparql_named_queries [--root PROJECT] [--rounds 200] [--warmup 20]
"""

from __future__ import annotations

import argparse
import contextlib
import math
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import requests

from lerld.core.settings import Settings
from lerld.project.sources import graph_data, load_sources
from lerld.sparql.queries import NamedQuery, named_queries
from lerld.stores.results import GRAPH, read_json
from lerld.tools.processes import free_port, server

REPO = Path(__file__).resolve().parent.parent
ACCEPT = {GRAPH: "application/n-triples"}
DEFAULT_ACCEPT = "application/sparql-results+json"
# a query at 10M triples may take minutes on both servers (lerld serve runs with --sparql-timeout 600)
ASK_TIMEOUT_S = 900


@dataclass(frozen=True)
class Timing:
    """Latencies of one query on one server, in milliseconds."""

    samples: tuple[float, ...]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    @property
    def p95(self) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, math.ceil(0.95 * len(ordered)) - 1)]


@contextlib.contextmanager
def lerld_server(root: Path, extra: Sequence[str] = ()) -> Iterator[str]:
    """`lerld serve` on the project at root; yields its /sparql URL."""
    port = free_port()
    command = [sys.executable, "-m", "lerld.cli", "--root", str(root), "serve"]
    command += ["--port", str(port), *extra]
    probe = f"http://127.0.0.1:{port}/sparql"
    with tempfile.TemporaryDirectory() as logs, server(command, probe, Path(logs) / "log") as s:
        yield s.url + "/sparql"


@contextlib.contextmanager
def oxigraph_server(root: Path) -> Iterator[str]:
    """A plain in-memory `oxigraph serve` holding the project's source files, one named
    graph each, with the union default graph; yields its query URL."""
    oxigraph = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [oxigraph, "serve", "--bind", f"127.0.0.1:{port}", "--union-default-graph"]
    with (
        tempfile.TemporaryDirectory() as logs,
        server(command, base + "/query?query=ASK%7B%7D", Path(logs) / "oxigraph.log"),
        requests.Session() as session,
    ):
        for g in graph_data(load_sources(Settings(root=root))):
            data = f"@base <{g.base_iri}> .\n".encode() + g.data
            response = session.put(
                base + "/store",
                params={"graph": g.name},
                data=data,
                headers={"Content-Type": g.media_type},
                timeout=600,
            )
            response.raise_for_status()
        yield base + "/query"


def ask(session: requests.Session, url: str, query: NamedQuery) -> bytes:
    response = session.get(
        url,
        params={"query": query.text},
        headers={"Accept": ACCEPT.get(query.form, DEFAULT_ACCEPT)},
        timeout=ASK_TIMEOUT_S,
    )
    response.raise_for_status()
    return response.content


def same_answer(a: bytes, b: bytes, form: str | None) -> bool:
    """Equal answers up to order: N-Triples lines, or SPARQL JSON solutions/boolean."""
    if form == GRAPH:
        return sorted(a.splitlines()) == sorted(b.splitlines())

    def canonical(body: bytes):
        # read as terms: stores spell the same literal differently in JSON (Virtuoso's
        # "typed-literal", an explicit xsd:string)
        result = read_json(body)
        if isinstance(result, bool):
            return result
        return sorted(map(repr, result[1]))

    return canonical(a) == canonical(b)


def time_query(
    session: requests.Session, urls: Sequence[str], query: NamedQuery, rounds: int, warmup: int
) -> list[Timing]:
    """Latencies of one query on each URL, the URLs taking turns."""
    for _ in range(warmup):
        for url in urls:
            ask(session, url, query)
    samples: list[list[float]] = [[] for _ in urls]
    for _ in range(rounds):
        for i, url in enumerate(urls):
            started = time.perf_counter()
            ask(session, url, query)
            samples[i].append((time.perf_counter() - started) * 1000)
    return [Timing(tuple(s)) for s in samples]


def measure(
    queries: Sequence[NamedQuery],
    endpoints: Mapping[str, str],
    rounds: int,
    warmup: int,
) -> dict[str, dict[str, Timing]]:
    """Check that every endpoint gives the same answers, then time every query on each:
    {query name: {endpoint name: timing}}."""
    results: dict[str, dict[str, Timing]] = {}
    names, urls = list(endpoints), list(endpoints.values())
    with requests.Session() as session:
        for query in queries:
            first = ask(session, urls[0], query)
            for name, url in zip(names[1:], urls[1:], strict=True):
                if not same_answer(first, ask(session, url, query), query.form):
                    raise AssertionError(f"{query.name}: {names[0]} and {name} answer differently")
            timings = time_query(session, urls, query, rounds, warmup)
            results[query.name] = dict(zip(names, timings, strict=True))
    return results


def geometric_mean(values: Sequence[float]) -> float:
    return math.exp(sum(math.log(v) for v in values) / len(values))


def report(results: Mapping[str, Mapping[str, Timing]], baseline: str, goal: float = 1.5) -> str:
    """A table of median / p95 per query and endpoint, the ratio of each endpoint's median
    to the baseline's, and the geometric mean of those ratios."""
    names = list(next(iter(results.values())))
    others = [n for n in names if n != baseline]
    header = f"{'query':30}" + "".join(f" {n + ' median/p95 ms':>28}" for n in names)
    header += "".join(f" {n + '/' + baseline:>18}" for n in others)
    lines = [header]
    for query, timings in results.items():
        line = f"{query:30}" + "".join(
            f" {f'{t.median:.2f} / {t.p95:.2f}':>28}" for t in timings.values()
        )
        line += "".join(f" {timings[n].median / timings[baseline].median:18.2f}" for n in others)
        lines.append(line)
    for name in others:
        mean = geometric_mean([t[name].median / t[baseline].median for t in results.values()])
        verdict = "meets" if mean <= goal else "misses"
        lines.append(
            f"geometric mean of {name} / {baseline} medians over {len(results)} queries: "
            f"{mean:.3f} ({verdict} the goal of {goal})"
        )
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=REPO, help="the project (default: this)")
    parser.add_argument(
        "--queries", type=Path, default=REPO / "sparql", help="directory of .rq files"
    )
    parser.add_argument("--rounds", type=int, default=200, help="timed requests per query")
    parser.add_argument("--warmup", type=int, default=20, help="untimed requests first")
    parser.add_argument(
        "--lerld-arg",
        action="append",
        default=[],
        help="an extra argument for both `lerld serve` (repeatable)",
    )
    args = parser.parse_args(argv)
    queries = named_queries(args.queries)
    with contextlib.ExitStack() as stack:
        endpoints = {
            "lerld": stack.enter_context(lerld_server(args.root, args.lerld_arg)),
            "lerld-uncached": stack.enter_context(
                lerld_server(args.root, [*args.lerld_arg, "--sparql-cache-mb", "0"])
            ),
            "oxigraph": stack.enter_context(oxigraph_server(args.root)),
        }
        results = measure(queries, endpoints, args.rounds, args.warmup)
    print(report(results, baseline="oxigraph"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
