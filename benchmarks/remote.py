"""The remote-store path at scale: `lerld serve --endpoint` on a real Oxigraph server and on
a real Virtuoso 7, each filled by `lerld load`, measured beside the same store queried
directly, in one run.

- SPARQL: the same queries as benchmarks/sparql_scale.py, asked of lerld's /sparql and of
  the store's own endpoint with the dataset lerld gives it (`default-graph-uri` the union
  graph `lerld load` writes), taking turns; answers compared first.
- Dereferencing: the same wrk mix as benchmarks/deref.py against `lerld serve --endpoint`,
  beside the store answering, for the same entities, the query that gives the entity's
  triples (a CONSTRUCT in Turtle), and the first-request latency of documents never asked
  before (each of those requests reaches the store).

The stores are started as the tests start them (tests/support.py: Oxigraph on disk,
Virtuoso with its default security from a copy of Debian's virtuoso.ini, loopback ports).
"""

from __future__ import annotations

import contextlib
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from benchmarks import deref, sparql_scale
from benchmarks.prepared import wait_for_prepared
from lerld.sparql.queries import NamedQuery
from lerld.stores.remote import UNION
from lerld.tools.processes import free_port, measured, server
from tests.support import ENGINES, StoreServer, lerld_command, store_server

TURTLE = deref.FORMATS["turtle"][1]


def _dataset(url: str) -> str:
    """The store's query URL with the dataset lerld names in every query it sends."""
    return url + "?" + urllib.parse.urlencode({"default-graph-uri": UNION})


def store_lines(store: StoreServer, entities: list[str]) -> list[tuple[str, str]]:
    """wrk request lines asking the store itself for each entity's triples in Turtle."""
    path = urllib.parse.urlsplit(store.query).path
    lines = []
    for entity in entities:
        iri = f"<https://w3id.org/ler/id/{entity}>"
        query = f"CONSTRUCT {{ {iri} ?p ?o }} WHERE {{ {iri} ?p ?o }}"
        params = urllib.parse.urlencode({"query": query, "default-graph-uri": UNION})
        lines.append((f"{path}?{params}", TURTLE))
    return lines


@contextlib.contextmanager
def serving_remote(store: StoreServer, root: Path, work: Path, serve_args: list[str]):
    """`lerld serve --endpoint` on what `store` publishes, with the benchmark's limits."""
    port = free_port()
    command = lerld_command(
        "--root", str(root), "serve", "--port", str(port), *store.endpoint_args(), *serve_args
    )
    cache = work / f"cache-{store.engine}"
    with server(
        command,
        f"http://127.0.0.1:{port}/doc/stakeholder/employers.ttl",
        work / f"serve-{store.engine}.log",
        env={**store.env(), "LERLD_CACHE_DIR": str(cache)},
    ) as running:
        wait_for_prepared(cache / "versions", running)
        yield running


def one_engine(
    engine: str,
    root: Path,
    work: Path,
    entities: list[str],
    queries: list[NamedQuery],
    serve_args: list[str],
    options,
) -> dict:
    """One store: load it, then SPARQL and dereferencing through lerld and directly."""
    figures: dict = {}
    with store_server(engine, work / engine) as store:
        started = time.perf_counter()
        done = measured(
            lerld_command("--root", str(root), "load", *store.endpoint_args()),
            env=store.env(),
            timeout=3600,
        )
        if done.returncode:
            raise RuntimeError(f"lerld load into {engine} failed:\n{done.output[-3000:]}")
        figures["lerld_load_s"] = time.perf_counter() - started
        with serving_remote(store, root, work, serve_args) as lerld_server:
            figures["serve_startup_s"] = lerld_server.startup_s
            failures: list[str] = []
            results = sparql_scale.measure(
                queries,
                lerld_server.url + "/sparql",
                _dataset(store.query),
                None,
                options.query_budget_s,
                failures,
            )
            figures["sparql"] = {
                "queries": [r.as_dict() for r in results],
                "summary": sparql_scale.summary(results) if results else None,
                "failures": failures,
            }
            figures["deref"] = dereferencing(store, lerld_server, entities, work, options)
    return figures


def dereferencing(store: StoreServer, lerld_server, entities, work: Path, options) -> dict:
    """wrk on lerld (its mix) and on the store (each entity's triples), taking turns."""
    sample, cold = entities[: options.deref_sample], entities[options.deref_sample :]
    figures: dict = {"cold_ms": deref.cold_latencies(lerld_server.url, cold)}
    lines = deref.request_lines(sample)
    direct = store_lines(store, sample)
    base = "/".join(store.query.split("/")[:3])
    figures["warmup_s"] = {
        "lerld": deref.warm(lerld_server.url, lines),
        "store": deref.warm(base, direct, rounds=2),
    }
    figures |= deref.take_turns(
        {"store": (base, direct), "lerld": (lerld_server.url, lines)}, options.wrk_s, work
    )
    figures["lerld_vs_store"] = (
        figures["lerld"]["requests_per_s"] / figures["store"]["requests_per_s"]
    )
    return figures


def remote_path(
    root: Path,
    work: Path,
    entities: list[str],
    queries: list[NamedQuery],
    serve_args: list[str],
    options,
    engines: Iterator[str] | tuple[str, ...] = ENGINES,
) -> dict:
    """Every engine in turn (one store running at a time)."""
    found = {}
    for engine in engines:
        print(f"   remote store: {engine} ...", flush=True)
        found[engine] = one_engine(engine, root, work, entities, queries, serve_args, options)
        summary = found[engine]["sparql"]["summary"] or {}
        print(
            f"   remote {engine}: load {found[engine]['lerld_load_s']:.1f} s, SPARQL lerld/store "
            f"{summary.get('lerld_vs_oxigraph_geomean', float('nan')):.2f}, deref lerld/store "
            f"{found[engine]['deref']['lerld_vs_store']:.2f}",
            flush=True,
        )
    return found
