"""rdflib's in-memory SPARQL engine on a project, in its own process (run by
benchmarks/sparql_scale.py): load every source file into a Dataset (one named graph each,
union default graph, like lerld), then time each query within a budget, stopping any
single evaluation that runs past the limit.

    python -m benchmarks.rdflib_engine ROOT QUERIES.json OUT.json BUDGET_S LIMIT_S
"""

from __future__ import annotations

import json
import signal
import sys
import time
from pathlib import Path

from rdflib import Dataset, URIRef

from lerld.core.settings import Settings
from lerld.project.sources import graph_data, load_sources


class Overrun(Exception):
    pass


def _alarm(signum, frame):
    raise Overrun


def evaluate(dataset: Dataset, text: str) -> int:
    result = dataset.query(text)
    graph = result.type in ("CONSTRUCT", "DESCRIBE")
    return len(result.serialize(format="nt" if graph else "json"))


def main(argv: list[str]) -> int:
    root, spec, out, budget, limit = (
        Path(argv[0]),
        Path(argv[1]),
        Path(argv[2]),
        *map(float, argv[3:5]),
    )
    started = time.perf_counter()
    dataset = Dataset(default_union=True)
    for g in graph_data(load_sources(Settings(root=root))):
        dataset.graph(URIRef(g.name)).parse(data=g.data, format="turtle", publicID=g.base_iri)
    load_s = time.perf_counter() - started
    signal.signal(signal.SIGALRM, _alarm)
    figures = {}
    for query in json.loads(spec.read_text()):
        samples: list[float] = []
        note = ""
        deadline = time.perf_counter() + budget
        try:
            while len(samples) < 3 or (time.perf_counter() < deadline and len(samples) < 50):
                signal.setitimer(signal.ITIMER_REAL, limit)
                t = time.perf_counter()
                evaluate(dataset, query["text"])
                samples.append((time.perf_counter() - t) * 1000)
                signal.setitimer(signal.ITIMER_REAL, 0)
        except Overrun:
            note = f"stopped: one evaluation ran past {limit:g} s"
            samples = []
        except Exception as e:  # rdflib rejects a few SPARQL forms the others accept
            signal.setitimer(signal.ITIMER_REAL, 0)
            note = f"error: {type(e).__name__}: {e}"[:200]
            samples = []
        figures[query["name"]] = {"samples": samples, "note": note}
    out.write_text(json.dumps({"load_s": load_s, "queries": figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
