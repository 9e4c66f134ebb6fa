"""The time describe.describe takes on the embedded store, per kind of entity: the cost of
an entity's document before it is serialized (the CONSTRUCT of its description and the
triples that point at it).

    python -m benchmarks.describe_time /tmp/ler-100k [--repeat 5]

The project is a `lerld synth` output (or any lerld project). Each kind's entity with the
most triples pointing at it is described --repeat times; the median is printed in ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from lerld.core.settings import Settings
from lerld.core.terms import ENTITY_BASE
from lerld.project.sources import load_into, load_sources
from lerld.publish import describe
from lerld.stores.backends import embedded_store


def most_linked(store, limit_per_kind: int = 1) -> list[tuple[str, int]]:
    """Per kind of entity, the entity most things point at, and how many do."""
    rows = store.select(
        "SELECT ?o (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isIRI(?o) && "
        f'STRSTARTS(STR(?o), "{ENTITY_BASE}")) }} GROUP BY ?o ORDER BY DESC(?n)'
    )
    best: dict[str, tuple[str, int]] = {}
    for row in rows:
        iri = str(row["o"])
        kind = iri[len(ENTITY_BASE) :].split("/")[0]
        if kind not in best:
            best[kind] = (iri, int(row["n"]))
    return sorted(best.values())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    store = embedded_store()
    load_into(store, load_sources(Settings(root=args.root)))
    total = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    print(f"{args.root}: {total} triples")
    for iri, inbound in most_linked(store):
        times, size = [], 0
        for _ in range(args.repeat):
            start = time.perf_counter()
            size = len(describe.describe(store, iri))
            times.append((time.perf_counter() - start) * 1000)
        print(
            f"{iri[len(ENTITY_BASE) :]:60} inbound={inbound:6} triples={size:5} "
            f"median={statistics.median(times):8.1f} ms"
        )


if __name__ == "__main__":
    main()
