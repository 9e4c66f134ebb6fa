"""The documentation of the vocabulary and the shapes, as plain view-models (no Flask).

`vocabulary_view` turns the ontology graph, with a few example instances that
`find_examples` asks the store for, into the model of the /ns page: metadata, an index,
one section per class and per property (its anchor is the term's fragment, so /ns#Organization
lands on it) with label, definition, super/sub terms, domain/range, alignments to other
vocabularies and examples. publish/shapesdoc.py does the same for the SHACL shapes
(/shapes) with the same references and rows. Links are made by an `href` function the caller gives (the web layer knows the URLs).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS
from rdflib.term import Node

from lerld.core.names import label_in
from lerld.core.terms import (
    DESCRIPTION_PREDICATES,
    LER,
    VANN,
    VOCABULARIES,
    VOCABULARY_IRI,
    Vocabulary,
    curie,
    vocabulary_of,
)
from lerld.project.labels import labels_of
from lerld.stores import Store

Href = Callable[[str], "str | None"]


EXAMPLES_PER_TERM = 3


@dataclass(frozen=True)
class Ref:
    """One value shown on a page: a text, linked when it has an href, with an optional note."""

    label: str
    href: str | None = None
    iri: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class FieldRow:
    """A labelled list of values (one line of a definition list)."""

    label: str
    values: list[Ref]


@dataclass(frozen=True)
class Example:
    subject: Ref
    value: Ref | None = None


@dataclass(frozen=True)
class TermDoc:
    """The documentation of one class or property."""

    id: str
    iri: str
    curie: str
    label: str
    kind: str
    definition: str
    rows: list[FieldRow]
    examples: list[Example]
    deprecated: bool = False
    # what happened to the term, release by release ("introduced in 1.0.0")
    history: tuple[str, ...] = ()


@dataclass(frozen=True)
class VocabularyDoc:
    iri: str
    title: str
    description: str
    version: str
    version_iri: str
    metadata: list[FieldRow]
    modules: list[FieldRow]
    classes: list[TermDoc]
    properties: list[TermDoc]
    namespaces: list[Vocabulary]


@dataclass
class Examples:
    """What the data says with the vocabulary: a few instances of each class, a few uses of
    each property, and the labels of everything they name."""

    instances: dict[str, list[str]] = field(default_factory=dict)
    uses: dict[str, list[tuple[Node, Node]]] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)


# --- names ---------------------------------------------------------------------------


def first_text(graph: Graph, node: Node, predicates: Iterable[URIRef]) -> str | None:
    for predicate in predicates:
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return None


def is_ler_term(iri: str) -> bool:
    return iri.startswith(str(LER)) and iri != str(LER)


def term_ref(graph: Graph, node: Node, href: Href, labels: Mapping[str, str] | None = None) -> Ref:
    """A link to a vocabulary term or any other thing, noted with its vocabulary."""
    iri = str(node)
    vocabulary = vocabulary_of(iri)
    label = label_in(graph, node) or (labels or {}).get(iri) or curie(iri)
    note = curie(iri) if is_ler_term(iri) else (vocabulary.name if vocabulary else None)
    return Ref(label, href(iri), iri, note)


def on_this_page(href: Href) -> Href:
    """Links to our terms go to their sections on the vocabulary page itself."""
    return lambda iri: "#" + iri[len(str(LER)) :] if is_ler_term(iri) else href(iri)


def literal_ref(value: Node) -> Ref:
    return Ref(str(value))


# --- the ontology ----------------------------------------------------------------------

# Metadata rows of the ontology header, in order.
ONTOLOGY_ROWS: tuple[tuple[URIRef, str], ...] = (
    (OWL.versionIRI, "Version IRI"),
    (OWL.versionInfo, "Version"),
    (OWL.priorVersion, "Prior version"),
    (DCTERMS.creator, "Creator"),
    (DCTERMS.contributor, "Contributor"),
    (DCTERMS.publisher, "Publisher"),
    (DCTERMS.license, "Licence"),
    (DCTERMS.created, "Created"),
    (DCTERMS.modified, "Modified"),
    (DCTERMS.source, "Source"),
    (VANN.preferredNamespacePrefix, "Preferred prefix"),
    (VANN.preferredNamespaceUri, "Namespace"),
    (RDFS.seeAlso, "See also"),
)

CLASS_TYPES = (OWL.Class, RDFS.Class)
PROPERTY_KINDS: tuple[tuple[URIRef, str], ...] = (
    (OWL.ObjectProperty, "Object property"),
    (OWL.DatatypeProperty, "Datatype property"),
    (OWL.AnnotationProperty, "Annotation property"),
    (RDF.Property, "Property"),
)
CHARACTERISTICS: tuple[tuple[URIRef, str], ...] = (
    (OWL.FunctionalProperty, "functional"),
    (OWL.InverseFunctionalProperty, "inverse functional"),
    (OWL.TransitiveProperty, "transitive"),
    (OWL.SymmetricProperty, "symmetric"),
)
# How a term relates to the terms of other vocabularies, in the words the page shows.
ALIGNMENTS: tuple[tuple[URIRef, str, str], ...] = (
    # predicate, shown when the other term is the object, shown when it is the subject
    (OWL.equivalentClass, "equivalent class", "equivalent class"),
    (OWL.equivalentProperty, "equivalent property", "equivalent property"),
    (RDFS.subClassOf, "subclass of", "superclass of"),
    (RDFS.subPropertyOf, "subproperty of", "superproperty of"),
    (SKOS.exactMatch, "exact match", "exact match"),
    (SKOS.closeMatch, "close match", "close match"),
    (SKOS.relatedMatch, "related match", "related match"),
    (SKOS.broadMatch, "broad match", "narrow match"),
    (SKOS.narrowMatch, "narrow match", "broad match"),
)


def ler_terms(graph: Graph, types: Iterable[URIRef]) -> list[URIRef]:
    found = {s for t in types for s in graph.subjects(RDF.type, t)}
    return sorted(
        (s for s in found if isinstance(s, URIRef) and is_ler_term(str(s))),
        key=lambda s: str(s).lower(),
    )


def refs(graph: Graph, nodes: Iterable[Node], href: Href) -> list[Ref]:
    return sorted(
        (describe_node(graph, n, href) for n in set(nodes)),
        key=lambda r: (r.label.lower(), r.iri or ""),
    )


def describe_node(graph: Graph, node: Node, href: Href) -> Ref:
    """A term, a class expression (an OWL restriction) or a literal, as one value."""
    if isinstance(node, Literal):
        return literal_ref(node)
    if isinstance(node, BNode):
        return restriction_ref(graph, node, href)
    return term_ref(graph, node, href)


RESTRICTIONS: tuple[tuple[URIRef, str], ...] = (
    (OWL.someValuesFrom, "some"),
    (OWL.allValuesFrom, "only"),
    (OWL.hasValue, "value"),
)


def restriction_ref(graph: Graph, node: BNode, href: Href) -> Ref:
    """'issued some Learning and Employment Record' for an OWL restriction."""
    on = graph.value(node, OWL.onProperty)
    for predicate, word in RESTRICTIONS:
        filler = graph.value(node, predicate)
        if on is not None and filler is not None:
            prop, target = term_ref(graph, on, href), describe_node(graph, filler, href)
            return Ref(f"{prop.label} {word} {target.label}", target.href, None, "restriction")
    return Ref("an anonymous class expression")


def internal(nodes: Iterable[Node]) -> list[Node]:
    return [n for n in nodes if is_ler_term(str(n))]


def alignment_rows(graph: Graph, term: URIRef, href: Href) -> list[Ref]:
    """Links to terms of other vocabularies, each noted with the relation and vocabulary."""
    found = []
    for predicate, forward, backward in ALIGNMENTS:
        pairs = [(o, forward) for o in graph.objects(term, predicate)]
        pairs += [(s, backward) for s in graph.subjects(predicate, term)]
        for other, relation in pairs:
            if isinstance(other, URIRef) and not is_ler_term(str(other)):
                ref = term_ref(graph, other, href)
                found.append(Ref(curie(str(other)), ref.href, ref.iri, f"{relation} · {ref.note}"))
    return sorted(found, key=lambda r: (r.note or "", r.label, r.iri or ""))


def row(label: str, values: list[Ref]) -> list[FieldRow]:
    """A row, or nothing when it has no values."""
    return [FieldRow(label, values)] if values else []


def replaced_by(graph: Graph, term: URIRef, href: Href) -> list[FieldRow]:
    """A deprecated term's replacement (dcterms:isReplacedBy) and why (skos:changeNote)."""
    notes = [
        literal_ref(n) for p in (SKOS.changeNote, SKOS.historyNote) for n in graph.objects(term, p)
    ]
    return row("Replaced by", refs(graph, graph.objects(term, DCTERMS.isReplacedBy), href)) + row(
        "Change note", notes
    )


def class_doc(graph: Graph, term: URIRef, examples: Examples, href: Href) -> TermDoc:
    restrictions = [n for n in graph.objects(term, OWL.equivalentClass) if isinstance(n, BNode)]
    rows = (
        replaced_by(graph, term, href)
        + row("Subclass of", refs(graph, internal(graph.objects(term, RDFS.subClassOf)), href))
        + row("Superclass of", refs(graph, internal(graph.subjects(RDFS.subClassOf, term)), href))
        + row("Equivalent to", refs(graph, restrictions, href))
        + row("Disjoint with", refs(graph, graph.objects(term, OWL.disjointWith), href))
        + row("Disjoint with", refs(graph, graph.subjects(OWL.disjointWith, term), href))
        + row("In domain of", refs(graph, graph.subjects(RDFS.domain, term), href))
        + row("In range of", refs(graph, graph.subjects(RDFS.range, term), href))
        + row("Aligned with", alignment_rows(graph, term, href))
    )
    instances = [
        Example(Ref(examples.labels.get(iri, iri), href(iri), iri))
        for iri in examples.instances.get(str(term), [])
    ]
    return term_doc(graph, term, "Class", rows, instances)


def property_doc(graph: Graph, term: URIRef, examples: Examples, href: Href) -> TermDoc:
    types = set(graph.objects(term, RDF.type))
    kind = next((label for t, label in PROPERTY_KINDS if t in types), "Property")
    traits = [Ref(label) for t, label in CHARACTERISTICS if t in types]
    rows = (
        replaced_by(graph, term, href)
        + row("Domain", refs(graph, graph.objects(term, RDFS.domain), href))
        + row("Range", refs(graph, graph.objects(term, RDFS.range), href))
        + row(
            "Subproperty of", refs(graph, internal(graph.objects(term, RDFS.subPropertyOf)), href)
        )
        + row(
            "Superproperty of",
            refs(graph, internal(graph.subjects(RDFS.subPropertyOf, term)), href),
        )
        + row("Inverse of", refs(graph, graph.objects(term, OWL.inverseOf), href))
        + row("Inverse of", refs(graph, graph.subjects(OWL.inverseOf, term), href))
        + row(
            "Property chain",
            # sorted: chains are blank nodes, whose order differs from store to store
            sorted(
                (chain_ref(graph, c, href) for c in graph.objects(term, CHAIN)),
                key=lambda ref: ref.label,
            ),
        )
        + row("Characteristics", traits)
        + row("Aligned with", alignment_rows(graph, term, href))
    )
    uses = [
        Example(value_ref(s, examples, href), value_ref(o, examples, href))
        for s, o in examples.uses.get(str(term), [])
    ]
    return term_doc(graph, term, kind, rows, uses)


CHAIN = OWL.propertyChainAxiom


def chain_ref(graph: Graph, chain: Node, href: Href) -> Ref:
    """A property chain, 'p1 / p2': the property holds wherever the chain does."""
    return Ref(" / ".join(curie(str(p)) for p in Collection(graph, chain)))


def value_ref(node: Node, examples: Examples, href: Href) -> Ref:
    if isinstance(node, Literal):
        return literal_ref(node)
    iri = str(node)
    return Ref(examples.labels.get(iri, curie(iri)), href(iri), iri)


def term_doc(graph: Graph, term: URIRef, kind: str, rows: list[FieldRow], examples) -> TermDoc:
    iri = str(term)
    return TermDoc(
        id=iri[len(str(LER)) :],
        iri=iri,
        curie=curie(iri),
        label=label_in(graph, term) or curie(iri),
        kind=kind,
        definition=first_text(graph, term, DESCRIPTION_PREDICATES) or "",
        rows=rows,
        examples=examples,
        deprecated=(term, OWL.deprecated, Literal(True)) in graph,
    )


def ontology_rows(
    graph: Graph, subject: URIRef, href: Href, labels: Mapping[str, str]
) -> list[FieldRow]:
    rows = []
    for predicate, label in ONTOLOGY_ROWS:
        values = [
            literal_ref(o) if isinstance(o, Literal) else term_ref(graph, o, href, labels)
            for o in sorted(graph.objects(subject, predicate))
        ]
        rows += row(label, values)
    return rows


def used_vocabularies(graph: Graph) -> list[Vocabulary]:
    iris = {str(t) for triple in graph for t in triple if isinstance(t, URIRef)}
    return [v for v in VOCABULARIES if any(i.startswith(v.namespace) for i in iris)]


def with_history(doc: TermDoc, history: Mapping[str, Sequence[str]] | None) -> TermDoc:
    return replace(doc, history=tuple((history or {}).get(doc.iri, ())))


def vocabulary_view(
    graph: Graph,
    examples: Examples,
    href: Href,
    history: Mapping[str, Sequence[str]] | None = None,
) -> VocabularyDoc:
    """The /ns page's model: the ontology's metadata, classes and properties, each with its
    `history` (term IRI -> what happened to it, release by release)."""
    ontology = VOCABULARY_IRI
    href = on_this_page(href)
    modules = [
        FieldRow(
            first_text(graph, m, (DCTERMS.title, RDFS.label)) or str(m),
            [Ref(first_text(graph, m, (DCTERMS.description, RDFS.comment)) or "", None, str(m))],
        )
        for m in sorted(graph.subjects(OWL.imports, ontology))
    ]
    property_types = [t for t, _ in PROPERTY_KINDS]
    return VocabularyDoc(
        iri=str(ontology),
        title=first_text(graph, ontology, (DCTERMS.title, RDFS.label)) or str(ontology),
        description=first_text(graph, ontology, (DCTERMS.description, RDFS.comment)) or "",
        version=str(graph.value(ontology, OWL.versionInfo) or ""),
        version_iri=str(graph.value(ontology, OWL.versionIRI) or ""),
        metadata=ontology_rows(graph, ontology, href, examples.labels),
        modules=modules,
        classes=[
            with_history(class_doc(graph, t, examples, href), history)
            for t in ler_terms(graph, CLASS_TYPES)
        ],
        properties=[
            with_history(property_doc(graph, t, examples, href), history)
            for t in ler_terms(graph, property_types)
        ],
        namespaces=used_vocabularies(graph),
    )


# --- examples from the data ------------------------------------------------------------


def find_examples(store: Store, graph: Graph, limit: int = EXAMPLES_PER_TERM) -> Examples:
    """A few instances of every class and uses of every property of the vocabulary, from the
    published data, with their labels. One small query per term: each is an index lookup."""
    examples = Examples()
    for term in ler_terms(graph, CLASS_TYPES):
        rows = store.select(
            f"SELECT DISTINCT ?s WHERE {{ ?s a {term.n3()} FILTER(isIRI(?s)) }} "
            f"ORDER BY ?s LIMIT {limit}"
        )
        examples.instances[str(term)] = [str(r["s"]) for r in rows]
    for term in ler_terms(graph, [t for t, _ in PROPERTY_KINDS]):
        rows = store.select(
            f"SELECT ?s ?o WHERE {{ ?s {term.n3()} ?o FILTER(isIRI(?s)) }} "
            f"ORDER BY ?s ?o LIMIT {limit}"
        )
        examples.uses[str(term)] = [(r["s"], r["o"]) for r in rows]
    named = {i for found in examples.instances.values() for i in found}
    named |= {str(n) for pairs in examples.uses.values() for pair in pairs for n in pair}
    named |= {
        str(o)
        for p, _ in ONTOLOGY_ROWS
        for o in graph.objects(VOCABULARY_IRI, p)
        if isinstance(o, URIRef)
    }
    examples.labels = labels_of(store, [i for i in named if not i.startswith("_:")])
    return examples
