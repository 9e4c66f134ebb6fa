"""The time of one entity description (lerld.publish.describe.describe, a /doc page's query) on remote
SPARQL stores that `lerld load` filled: median over rounds, per endpoint.

    python -m benchmarks.remote_describe http://127.0.0.1:7878/query http://127.0.0.1:8890/sparql
"""

from __future__ import annotations

import argparse
import statistics
import time

from lerld.publish.describe import describe
from lerld.stores.remote import RemoteStore

IRI = "https://w3id.org/ler/id/stakeholder/employers"


def median_ms(store: RemoteStore, iri: str, rounds: int) -> float:
    describe(store, iri)  # warm-up: connection, manifest, the store's caches
    times = []
    for _ in range(rounds):
        started = time.perf_counter()
        describe(store, iri)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("endpoints", nargs="+", help="query endpoints of loaded stores")
    parser.add_argument("--rounds", type=int, default=50)
    parser.add_argument("--iri", default=IRI)
    args = parser.parse_args()
    for endpoint in args.endpoints:
        store = RemoteStore(endpoint)
        triples = len(describe(store, args.iri))
        print(f"{endpoint}: {median_ms(store, args.iri, args.rounds):.1f} ms ({triples} triples)")


if __name__ == "__main__":
    main()
