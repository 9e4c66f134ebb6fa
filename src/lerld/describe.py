"""What the store knows about one IRI: whether it exists, its description, its source file.

The description is the IRI's concise bounded description (its triples and the closure of
the blank nodes they reach) plus the labels of the things it links to. Only SPARQL is
used, so any store behind the Store protocol answers the same.
"""

from __future__ import annotations

from rdflib import Graph, URIRef

from lerld.stores import Store
from lerld.terms import LABEL_PREDICATES

# Blank nodes nest this deep at most in a description (OWL restrictions and lists need ~4).
BLANK_NODE_DEPTH = 6


def exists(store: Store, iri: str) -> bool:
    return store.ask(f"ASK {{ {URIRef(iri).n3()} ?p ?o }}")


def describe_query(iri: str, depth: int = BLANK_NODE_DEPTH) -> str:
    subject = URIRef(iri).n3()
    branches = [f"{{ {subject} ?p ?o . BIND({subject} AS ?s) }}"]
    # labels of the things it links to: one single-pattern branch per label predicate
    # (a multi-pattern OPTIONAL makes Oxigraph hash-join over every labelled node)
    branches += [
        f"{{ {subject} ?link ?s . FILTER(isIRI(?s)) ?s {p.n3()} ?o . BIND({p.n3()} AS ?p) }}"
        for p in LABEL_PREDICATES
    ]
    # blank-node closure, one branch per depth
    for level in range(1, depth + 1):
        chain = [f"{subject} ?p0 ?b1 . FILTER(isBlank(?b1))"]
        chain += [f"?b{i} ?p{i} ?b{i + 1} . FILTER(isBlank(?b{i + 1}))" for i in range(1, level)]
        chain.append(f"?b{level} ?p ?o . BIND(?b{level} AS ?s)")
        branches.append("{ " + " ".join(chain) + " }")
    return "CONSTRUCT { ?s ?p ?o } WHERE {\n  " + "\n  UNION ".join(branches) + "\n}"


def describe(store: Store, iri: str) -> Graph:
    return store.construct(describe_query(iri))


def source_graphs(store: Store, iri: str) -> list[str]:
    """The named graphs (source files) that describe an IRI."""
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {URIRef(iri).n3()} ?p ?o }} }} ORDER BY ?g"
    )
    return [str(row["g"]) for row in rows]
