"""The labels of things, asked of a store: the best label of each IRI (ranked by
lerld.core.names), or the label triples themselves added to a graph.

Every page, report and description that names the things it links to asks here."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from rdflib import Graph, URIRef

from lerld.core.names import best_labels
from lerld.core.terms import LABEL_PREDICATES
from lerld.project.sources import values_clause
from lerld.stores import Store

# IRIs per question: a VALUES clause of thousands of IRIs is slow to parse on some stores.
BATCH = 500


def batches(items: list, size: int = BATCH) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def labels_of(store: Store, iris: Iterable[str], within: str = "") -> dict[str, str]:
    """The best label of each IRI that has one. within: a FILTER on ?g, the graph a label
    is in (e.g. sources.IN_DATA: the labels the data files give); by default any graph."""
    wanted = sorted({i for i in iris if "://" in i and not i.startswith("_:")})
    predicates = ", ".join(p.n3() for p in LABEL_PREDICATES)
    pattern = f"GRAPH ?g {{ ?s ?p ?label }} {within}" if within else "?s ?p ?label"
    rows = []
    for batch in batches(wanted):
        rows += store.select(
            f"SELECT ?s ?p ?label WHERE {{ {values_clause('?s', batch)} {pattern} "
            f"FILTER(?p IN ({predicates})) }}"
        )
    return best_labels(rows)


def add_labels(store: Store, iris: list[URIRef], graph: Graph) -> None:
    """Add the labels of these things to `graph`: one question per label predicate, the
    things as VALUES (VALUES of both subjects and predicates makes Oxigraph scan every
    triple; a BIND after them is what Virtuoso refuses in a UNION branch)."""
    if not iris:
        return
    things = values_clause("?s", iris)
    for predicate in LABEL_PREDICATES:
        query = f"SELECT ?s ?o WHERE {{ {things} ?s {predicate.n3()} ?o }}"
        for row in store.select(query):
            graph.add((row["s"], predicate, row["o"]))
