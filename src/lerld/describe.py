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

from rdflib import RDFS, Graph, URIRef
from rdflib.namespace import FOAF

from lerld.dataset import HYDRA, VOID, dataset_iri
from lerld.dataset import document_url as first_page_url
from lerld.stores import Store
from lerld.terms import DEFAULT_BASE_URI, LABEL_PREDICATES

# Blank nodes nest this deep at most in a description (OWL restrictions and lists need ~4).
BLANK_NODE_DEPTH = 6
# Triples pointing at an entity per page of its document (a `lerld synth` graph of 100k
# triples has schemes that 1,600 things point at; a million-triple one, ten times more).
INBOUND_LIMIT = 1000


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


def inbound_query(iri: str, page: int = 1) -> str:
    """The things (IRIs) that point at `iri` and how, one page in a fixed order, plus one
    row more to tell whether there is a next page. Blank nodes are left out: no client
    could follow a link to them."""
    limit = INBOUND_LIMIT
    return (
        f"SELECT ?s ?p WHERE {{ ?s ?p {URIRef(iri).n3()} FILTER(isIRI(?s)) }} "
        f"ORDER BY ?p ?s LIMIT {limit + 1} OFFSET {(page - 1) * limit}"
    )


def add_labels(store: Store, iris: list[URIRef], graph: Graph) -> None:
    """Add the labels of these things to `graph`: one question per label predicate, the
    things as VALUES (VALUES of both subjects and predicates makes Oxigraph scan every
    triple; a BIND after them is what Virtuoso refuses in a UNION branch)."""
    if not iris:
        return
    values = " ".join(i.n3() for i in iris)
    for predicate in LABEL_PREDICATES:
        query = f"SELECT ?s ?o WHERE {{ VALUES ?s {{ {values} }} ?s {predicate.n3()} ?o }}"
        for row in store.select(query):
            graph.add((row["s"], predicate, row["o"]))


def add_inbound(store: Store, iri: str, page: int, graph: Graph) -> tuple[int, bool]:
    """Add one page of the triples that point at `iri` to `graph`, with the labels of their
    subjects: how many there were, and whether another page follows."""
    rows = store.select(inbound_query(iri, page))
    more = len(rows) > INBOUND_LIMIT
    rows = rows[:INBOUND_LIMIT]
    target = URIRef(iri)
    for row in rows:
        graph.add((row["s"], row["p"], target))
    add_labels(store, sorted({row["s"] for row in rows}), graph)
    return len(rows), more


def document_url(iri: str, base_uri: str, page: int = 1) -> URIRef:
    """The page of the document about an entity: <base>doc/x/y, then <base>doc/x/y?page=n."""
    url = first_page_url(iri, base_uri)
    return URIRef(url if page == 1 else f"{url}?page={page}")


def describe(store: Store, iri: str, base_uri: str = DEFAULT_BASE_URI, page: int = 1) -> Graph:
    """The document about an entity (see the module's docstring); page > 1 holds only the
    further triples pointing at it. An empty graph for a page beyond the last."""
    graph = store.construct(describe_query(iri)) if page == 1 else Graph()
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
