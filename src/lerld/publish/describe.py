"""What the store knows about one IRI: whether it exists, its document, its source file.

An entity's document is its concise bounded description (its triples and the closure of
the blank nodes they reach), the labels of the things it links to, the triples of other
entities that point at it with their labels (as Pubby's "is ... of": a client that follows
links finds everything the HTML page shows), and the document's own place in the dataset
(void:inDataset, foaf:primaryTopic). The triples pointing at an entity come INBOUND_LIMIT
at a time, in a fixed order: when there are more, the document links to its next page
(hydra:next, and rdfs:seeAlso from the entity for crawlers that know only that), which
holds the next INBOUND_LIMIT of them. Only SPARQL is used, so any store behind the Store
protocol answers the same; every query is plain SPARQL 1.1 that Virtuoso also accepts.
"""

from __future__ import annotations

from rdflib import RDFS, BNode, Graph, URIRef
from rdflib.namespace import FOAF

from lerld.core.terms import DEFAULT_BASE_URI, LABEL_PREDICATES
from lerld.project.labels import add_labels
from lerld.publish.collection import HYDRA
from lerld.publish.void import VOID, dataset_iri
from lerld.stores import Row, Store, in_order_of

# Blank nodes nest this deep at most in a description (OWL restrictions and lists need ~4).
BLANK_NODE_DEPTH = 6
# Triples pointing at an entity per page of its document (a `lerld synth` graph of 100k
# triples has schemes that 1,600 things point at; a million-triple one, ten times more).
INBOUND_LIMIT = 1000


def exists(store: Store, iri: str) -> bool:
    return store.ask(f"ASK {{ {URIRef(iri).n3()} ?p ?o }}")


def describe_query(iri: str, depth: int = BLANK_NODE_DEPTH) -> str:
    """One CONSTRUCT: a UNION of branches, each of single patterns joined on the IRI.

    Portable shape (Oxigraph and Virtuoso answer the same, both fast): each branch binds
    its own variables and the template names them, so no branch needs BIND (Virtuoso's
    compiler rejects a UNION branch with FILTER followed by BIND: "SP031 ...
    sparp_gp_deprecate()"), and no OPTIONAL has two patterns (Oxigraph turns one into a
    hash join over every labelled node)."""
    subject = URIRef(iri).n3()
    template, branches = with_linked_labels(subject)
    # blank-node closure, one branch per depth
    for level in range(1, depth + 1):
        chain = [f"{subject} ?p0 ?b1 . FILTER(isBlank(?b1))"]
        chain += [f"?b{i} ?p{i} ?b{i + 1} . FILTER(isBlank(?b{i + 1}))" for i in range(1, level)]
        chain.append(f"?b{level} ?q{level} ?v{level}")
        template.append(f"?b{level} ?q{level} ?v{level}")
        branches.append("{ " + " ".join(chain) + " }")
    return construct_union(template, branches)


def with_linked_labels(subject: str, selector: str = "") -> tuple[list[str], list[str]]:
    """The template and UNION branches for the triples of `subject` (a term, or a variable
    that `selector` binds) and the labels of the IRIs it links to: one branch per label
    predicate, each with its own variable, named by the template (see describe_query)."""
    template = [f"{subject} ?p ?o"]
    branches = [f"{{ {selector} {subject} ?p ?o }}"]
    for i, p in enumerate(LABEL_PREDICATES):
        template.append(f"?linked {p.n3()} ?label{i}")
        branches.append(
            f"{{ {selector} {subject} ?link ?linked . FILTER(isIRI(?linked)) "
            f"?linked {p.n3()} ?label{i} }}"
        )
    return template, branches


def construct_union(template: list[str], branches: list[str]) -> str:
    return (
        "CONSTRUCT {\n  "
        + " .\n  ".join(template)
        + "\n} WHERE {\n  "
        + "\n  UNION ".join(branches)
        + "\n}"
    )


def bounded_description(store: Store, iri: str) -> Graph:
    """The concise bounded description and the labels of what it links to, asked first with one level of blank nodes: most things have none
    nested deeper, and each level is a UNION branch that Virtuoso compiles on every query
    (its describe takes 3 ms at one level, 8 ms at six). Only when a blank node holds
    another is the full depth asked."""
    graph = store.construct(describe_query(iri, 1))
    if any(isinstance(s, BNode) and isinstance(o, BNode) for s, _, o in graph):
        graph = store.construct(describe_query(iri))
    return graph


def _pointing_at(iri: str) -> str:
    """The IRIs that point at `iri` and how. Blank nodes are left out: no client could
    follow a link to them."""
    return f"SELECT ?s ?p WHERE {{ ?s ?p {URIRef(iri).n3()} FILTER(isIRI(?s)) }}"


def inbound_query(iri: str, page: int = 1) -> str:
    """One page of `_pointing_at` in a fixed order, plus one row more to tell whether there
    is a next page."""
    limit = INBOUND_LIMIT
    return f"{_pointing_at(iri)} ORDER BY ?p ?s LIMIT {limit + 1} OFFSET {(page - 1) * limit}"


def inbound(store: Store, iri: str, page: int) -> list[Row]:
    """The rows of inbound_query: asked as they are of a store that orders cheaply; else
    all of them unordered, put in the same order here (Capabilities.orders_cheaply)."""
    if store.capabilities.orders_cheaply:
        return store.select(inbound_query(iri, page))
    rows = in_order_of(store.select(_pointing_at(iri)), "p", "s")
    start = (page - 1) * INBOUND_LIMIT
    return rows[start : start + INBOUND_LIMIT + 1]


def add_inbound(store: Store, iri: str, page: int, graph: Graph) -> tuple[int, bool]:
    """Add one page of the triples that point at `iri` to `graph`, with the labels of their
    subjects: how many there were, and whether another page follows."""
    rows = inbound(store, iri, page)
    more = len(rows) > INBOUND_LIMIT
    rows = rows[:INBOUND_LIMIT]
    target = URIRef(iri)
    for row in rows:
        graph.add((row["s"], row["p"], target))
    add_labels(store, sorted({row["s"] for row in rows}), graph)
    return len(rows), more


def document_url(iri: str, base_uri: str, page: int = 1) -> URIRef:
    """The page of the document about an entity: <base>doc/x/y, then <base>doc/x/y?page=n."""
    url = base_uri + "doc/" + iri[len(base_uri + "id/") :]
    return URIRef(url if page == 1 else f"{url}?page={page}")


def describe(store: Store, iri: str, base_uri: str = DEFAULT_BASE_URI, page: int = 1) -> Graph:
    """The document about an entity (see the module's docstring); page > 1 holds only the
    further triples pointing at it. An empty graph for a page beyond the last."""
    graph = bounded_description(store, iri) if page == 1 else Graph()
    pointing, more = add_inbound(store, iri, page, graph)
    if page > 1 and not pointing:
        return Graph()
    document = document_url(iri, base_uri, page)
    graph.add((document, FOAF.primaryTopic, URIRef(iri)))
    graph.add((document, VOID.inDataset, dataset_iri(base_uri)))
    if more:
        following = document_url(iri, base_uri, page + 1)
        graph.add((document, HYDRA.next, following))
        graph.add((URIRef(iri), RDFS.seeAlso, following))
    return graph


def source_graphs(store: Store, iri: str) -> list[str]:
    """The named graphs (source files) that describe an IRI."""
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ {URIRef(iri).n3()} ?p ?o }} }} ORDER BY ?g"
    )
    return [str(row["g"]) for row in rows]
