"""What the HTML pages show, read from the store: SPARQL CONSTRUCT/SELECT in, plain
view-models out (no Flask here; links come from an `href` function the caller gives).

Every page is built from a few CONSTRUCTs through the Store protocol: the things it is
about, with the labels of whatever they link to. The layout of relations is data: which
kind a thing is, how a relation is titled in either direction and what its items are
grouped by, which facts a list item shows: the profile's tables (lerld.profile).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from lerld.core.names import label_in
from lerld.core.terms import DESCRIPTION_PREDICATES, LABEL_PREDICATES, SCHEMA, curie, vocabulary_of
from lerld.profile import PROFILE, Catalogue, Kind, Listing, PartsOf, Relation
from lerld.publish import describe
from lerld.publish.vocabdoc import FieldRow, Href, Ref
from lerld.stores import Store, in_order_of

# --- kinds and the overview (the tables of kinds, relations and facts: the profile's) --

THING = Kind("thing", (), "Thing", "Things", "Thing")  # of no kind the profile names
# Shown in the overview of a page, not as relations.
OVERVIEW_PREDICATES = frozenset(
    {
        RDF.type,
        *LABEL_PREDICATES,
        *DESCRIPTION_PREDICATES,
        SKOS.altLabel,
        SKOS.example,
        SKOS.editorialNote,
        SCHEMA.url,
        SCHEMA.version,
        DCTERMS.issued,
        DCTERMS.modified,
        PROFILE.position,
        PROFILE.quote,
        PROFILE.attribution,
        PROFILE.details,
    }
)


def kind_of(types: Iterable[Node]) -> Kind:
    found = set(types)
    return next((k for k in PROFILE.kinds if found.intersection(k.types)), THING)


# --- queries -------------------------------------------------------------------------


def _about_query(selector: str) -> str:
    """CONSTRUCT the triples of the ?x that `selector` binds, and the labels of what they
    link to, in the describe query's portable shape (no BIND; single-pattern branches)."""
    return describe.construct_union(*describe.with_linked_labels("?x", selector))


def about(store: Store, iris: Iterable[str]) -> Graph:
    """The triples of these things and the labels of what they link to."""
    values = " ".join(sorted({URIRef(i).n3() for i in iris}))
    if not values:
        return Graph()
    return store.construct(_about_query(f"VALUES ?x {{ {values} }}"))


def of_kinds(store: Store, kinds: Iterable[Kind]) -> Graph:
    """Every thing of these kinds, with its triples and the labels of what it links to."""
    types = " ".join(sorted({t.n3() for k in kinds for t in k.types}))
    return store.construct(_about_query(f"VALUES ?type {{ {types} }} ?x a ?type ."))


def linking_to(store: Store, iri: str) -> list[tuple[URIRef, URIRef, str]]:
    """The things that link to an IRI, by which predicate, and (one of) their types, in
    order (they all leave the store: ordered here, which costs Oxigraph more than it
    costs Python, see Capabilities.orders_cheaply)."""
    rows = in_order_of(
        store.select(
            f"SELECT ?s ?p (MIN(STR(?t)) AS ?type) WHERE {{ ?s ?p {URIRef(iri).n3()} "
            "FILTER(isIRI(?s)) OPTIONAL { ?s a ?t } } GROUP BY ?s ?p"
        ),
        "s",
        "p",
    )
    return [(r["s"], r["p"], str(r.get("type", ""))) for r in rows]


# A page lists at most this many things of one type per incoming relation (a stakeholder
# group of a large graph has thousands of organizations: their catalogue and SPARQL list all).
LISTED_PER_RELATION = 100


def capped(
    links: Sequence[tuple[URIRef, URIRef, str]], limit: int = LISTED_PER_RELATION
) -> tuple[list[tuple[URIRef, URIRef]], dict[tuple[URIRef, str], int]]:
    """The first `limit` links of each predicate and type, and how many each has."""
    totals: dict[tuple[URIRef, str], int] = defaultdict(int)
    kept = []
    for subject, predicate, rdf_type in links:
        totals[(predicate, rdf_type)] += 1
        if totals[(predicate, rdf_type)] <= limit:
            kept.append((subject, predicate))
    return kept, totals


# --- reading a graph ---------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """One item of a list: a thing's title link, its text, its facts, and its own parts."""

    ref: Ref
    kind: Kind
    text: str = ""
    facts: list[FieldRow] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    url: str | None = None
    parts: list[Card] = field(default_factory=list)
    position: int | None = None


@dataclass(frozen=True)
class Group:
    """Items under one heading (a stage, an action area), or under none."""

    ref: Ref | None
    text: str
    cards: list[Card]


@dataclass(frozen=True)
class Section:
    """A titled list of things; a compact one shows only their links."""

    key: str
    title: str
    groups: list[Group]
    compact: bool = False
    total: int = 0  # how many there are, when only some are listed

    @property
    def count(self) -> int:
        return sum(len(g.cards) for g in self.groups)


class Reader:
    """Reads names, texts, order and links of the things in a graph."""

    def __init__(self, graph: Graph, href: Href) -> None:
        self.graph = graph
        self.href = href

    def first(self, node: Node, predicates: Sequence[URIRef]) -> Node | None:
        for predicate in predicates:
            value = self.graph.value(node, predicate)
            if value is not None:
                return value
        return None

    def label(self, node: Node) -> str:
        return label_in(self.graph, node) or curie(str(node))

    def text(self, node: Node) -> str:
        value = self.first(node, (*DESCRIPTION_PREDICATES, PROFILE.quote))
        return str(value) if value is not None else ""

    def position(self, node: Node) -> int | None:
        value = self.graph.value(node, PROFILE.position)
        try:
            return int(value) if value is not None else None
        except ValueError:
            return None

    def sort_key(self, node: Node) -> tuple:
        position = self.position(node)
        return (position is None, position or 0, self.label(node).lower(), str(node))

    def ordered(self, nodes: Iterable[Node]) -> list[Node]:
        return sorted(set(nodes), key=self.sort_key)

    def kind(self, node: Node) -> Kind:
        return kind_of(self.graph.objects(node, RDF.type))

    def ref(self, node: Node) -> Ref:
        if isinstance(node, Literal):
            return Ref(str(node))
        iri = str(node)
        vocabulary = vocabulary_of(iri)
        label = self.label(node)
        note = vocabulary.name if vocabulary and label == curie(iri) else None
        return Ref(label, self.href(iri), iri, note)

    def refs(self, nodes: Iterable[Node]) -> list[Ref]:
        return [self.ref(n) for n in self.ordered(nodes)]

    def texts(self, node: Node, predicate: URIRef) -> list[str]:
        return sorted(str(v) for v in self.graph.objects(node, predicate))

    def url(self, node: Node) -> str | None:
        value = self.graph.value(node, SCHEMA.url)
        return self.href(str(value)) if isinstance(value, URIRef) else None

    def modified(self, node: Node) -> str | None:
        value = self.graph.value(node, DCTERMS.modified)
        return str(value) if value is not None else None

    def facts(self, node: Node, hide: Sequence[URIRef] = ()) -> list[FieldRow]:
        merged: dict[str, list[Ref]] = defaultdict(list)
        for predicate, title in PROFILE.facts:
            if predicate not in hide:
                merged[title] += self.refs(self.graph.objects(node, predicate))
        return [FieldRow(title, values) for title, values in merged.items() if values]

    def card(self, node: Node, parts: Iterable[Node] = (), hide: Sequence[URIRef] = ()) -> Card:
        """A thing as a list item; `hide` the facts its heading already says."""
        return Card(
            ref=self.ref(node),
            kind=self.kind(node),
            text=self.text(node),
            facts=self.facts(node, hide),
            details=self.texts(node, PROFILE.details),
            url=self.url(node),
            parts=[self.card(p) for p in self.ordered(parts)],
            position=self.position(node),
        )

    def cards(self, nodes: Iterable[Node], hide: Sequence[URIRef] = ()) -> list[Card]:
        return [self.card(n, hide=hide) for n in self.ordered(nodes)]

    def of_kind(self, kind: Kind) -> list[Node]:
        """Everything with a type of this kind (an organization that is also a project is
        listed with both)."""
        return list({s for t in kind.types for s in self.graph.subjects(RDF.type, t)})

    def parts(self, whole: Node, predicate: URIRef) -> list[Node]:
        return self.ordered(self.graph.subjects(predicate, whole))


# --- relations of one entity -----------------------------------------------------------


def grouped(reader: Reader, nodes: Sequence[Node], group_by: Sequence[URIRef]) -> list[Group]:
    """Items under the headings of what they point at by `group_by`, headings in order."""
    buckets: dict[Node | None, list[Node]] = defaultdict(list)
    for node in nodes:
        buckets[reader.first(node, group_by)].append(node)
    heads = reader.ordered(h for h in buckets if h is not None)
    groups = [
        Group(reader.ref(h), reader.text(h), reader.cards(buckets[h], group_by)) for h in heads
    ]
    if None in buckets:
        groups.append(Group(None, "", reader.cards(buckets[None])))
    return groups


def outgoing_sections(reader: Reader, iri: URIRef) -> list[Section]:
    by_predicate: dict[URIRef, list[Node]] = defaultdict(list)
    for predicate, obj in reader.graph.predicate_objects(iri):
        if predicate not in OVERVIEW_PREDICATES and isinstance(obj, URIRef):
            by_predicate[predicate].append(obj)
    sections = []
    for predicate, objects in by_predicate.items():
        relation = PROFILE.relations.get(predicate)
        title = relation.outgoing if relation else curie(str(predicate))
        cards = [Card(reader.ref(o), reader.kind(o)) for o in reader.ordered(objects)]
        key = f"out-{curie(str(predicate))}"
        sections.append(Section(key, title, [Group(None, "", cards)], compact=True))
    return sorted(sections, key=lambda s: (relation_order(s.key), s.key))


def relation_order(key: str) -> int:
    names = [f"out-{curie(str(p))}" for p in PROFILE.relations]
    return names.index(key) if key in names else len(names)


def incoming_sections(
    reader: Reader,
    links: Sequence[tuple[URIRef, URIRef]],
    totals: Mapping[tuple[URIRef, str], int],
) -> list[Section]:
    """The things that link here, by predicate and, unless the relation has its own title,
    by the kind of the linking thing; grouped as the profile's relations say."""
    buckets: dict[tuple[URIRef, Kind | None], list[Node]] = defaultdict(list)
    for subject, predicate in links:
        relation = PROFILE.relations.get(predicate)
        kind = None if relation and relation.incoming else reader.kind(subject)
        buckets[(predicate, kind)].append(subject)
    kinds_seen = [k for _, k in buckets]
    sections = []
    for (predicate, kind), subjects in buckets.items():
        relation = PROFILE.relations.get(predicate, Relation(curie(str(predicate))))
        if kind is None:
            key, title = f"in-{curie(str(predicate))}", relation.incoming or ""
        elif kinds_seen.count(kind) == 1:
            key, title = kind.key, kind.plural
        else:  # things of one kind link here in several ways: say which
            key, title = (
                f"{kind.key}-{curie(str(predicate))}",
                f"{kind.plural}: {relation.outgoing}",
            )
        total = sum(
            n
            for (p, rdf_type), n in totals.items()
            if p == predicate and kind in (None, kind_of([URIRef(rdf_type)]))
        )
        groups = grouped(reader, subjects, relation.group_by)
        sections.append(Section(key, title, groups, total=total))
    precedence = [k.key for k in PROFILE.kinds]
    return sorted(
        sections,
        key=lambda s: (
            precedence.index(s.key) if s.key in precedence else len(precedence),
            s.title,
            s.key,
        ),
    )


@dataclass(frozen=True)
class EntityView:
    """The page of one entity."""

    iri: str
    kind: Kind
    title: str
    types: list[Ref]
    text: str
    overview: list[FieldRow]
    sections: list[Section]
    notes: list[str]
    statements: list[FieldRow]
    modified: str | None
    quote: str = ""
    attribution: str = ""

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def other_sections(self, *keys: str) -> list[Section]:
        return [s for s in self.sections if s.key not in keys]


def overview_rows(reader: Reader, node: URIRef) -> list[FieldRow]:
    rows = [
        ("Also known as", [Ref(t) for t in reader.texts(node, SKOS.altLabel)]),
        ("Examples", [Ref(t) for t in reader.texts(node, SKOS.example)]),
        ("Website", [Ref(str(u), reader.href(str(u)), str(u)) for u in sorted(reader.graph.objects(node, SCHEMA.url))]),
        ("Version", [Ref(t) for t in reader.texts(node, SCHEMA.version)]),
        ("Issued", [Ref(t) for t in reader.texts(node, DCTERMS.issued)]),
        ("Details", [Ref(t) for t in reader.texts(node, PROFILE.details)]),
    ]  # fmt: skip
    return [FieldRow(title, values) for title, values in rows if values]


def statements(reader: Reader, node: URIRef) -> list[FieldRow]:
    """Every statement about the thing, by predicate: the page hides none of its data."""
    rows: dict[URIRef, list[Node]] = defaultdict(list)
    for predicate, obj in reader.graph.predicate_objects(node):
        rows[predicate].append(obj)
    return [
        FieldRow(curie(str(p)), [reader.ref(o) for o in sorted(rows[p])])
        for p in sorted(rows, key=lambda p: curie(str(p)))
    ]


def entity_view(store: Store, iri: str, description: Graph, href: Href) -> EntityView:
    """An entity's page: its description, what links to it, and the headings those are
    grouped under, in three CONSTRUCT/SELECT questions to the store."""
    node = URIRef(iri)
    links, totals = capped(linking_to(store, iri))
    graph = description + about(store, (str(s) for s, _ in links))
    reader = Reader(graph, href)
    heads = {
        str(h)
        for s, p in links
        for group_by in PROFILE.relations.get(p, Relation("")).group_by
        for h in graph.objects(s, group_by)
    }
    reader.graph += about(store, heads)
    return EntityView(
        iri=iri,
        kind=reader.kind(node),
        title=reader.label(node),
        types=reader.refs(description.objects(node, RDF.type)),
        text=reader.text(node) if (node, PROFILE.quote, None) not in graph else "",
        overview=overview_rows(reader, node),
        sections=outgoing_sections(reader, node) + incoming_sections(reader, links, totals),
        notes=reader.texts(node, SKOS.editorialNote),
        statements=statements(Reader(description, href), node),
        modified=reader.modified(node),
        quote=str(graph.value(node, PROFILE.quote) or ""),
        attribution=str(graph.value(node, PROFILE.attribution) or ""),
    )


# --- catalogue pages -----------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueView:
    """A page about many things: an introduction and sections of items."""

    title: str
    intro: str
    intro_ref: Ref | None
    sections: list[Section]
    extra: list[Group] = field(default_factory=list)

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)


def listing(reader: Reader, keys: Sequence[str], parts_by: URIRef | None = None) -> Section:
    """Every thing of these kinds, in order; with its parts (a term's senses) when asked."""
    things = reader.ordered(n for key in keys for n in reader.of_kind(PROFILE.kind(key)))
    cards = [reader.card(t, reader.parts(t, parts_by) if parts_by else ()) for t in things]
    return Section(keys[0], PROFILE.kind(keys[0]).plural, [Group(None, "", cards)])


def parts_section(reader: Reader, key: str, predicate: URIRef, title: str) -> Section:
    """Parts under the wholes they belong to (resources under their categories)."""
    groups = [
        Group(reader.ref(w), reader.text(w), reader.cards(reader.parts(w, predicate), [predicate]))
        for w in reader.ordered(reader.of_kind(PROFILE.kind(key)))
    ]
    return Section(f"{key}-parts", title, [g for g in groups if g.cards])


def section(reader: Reader, spec: Listing | PartsOf) -> Section:
    """A catalogue section as the profile describes it."""
    if isinstance(spec, PartsOf):
        return parts_section(reader, spec.kind, spec.predicate, spec.title)
    return listing(reader, spec.kinds, spec.parts_by)


def catalogue_graph(store: Store, catalogue: Catalogue) -> Graph:
    """A catalogue page's data: one CONSTRUCT of the things and the texts it quotes."""
    kinds = [PROFILE.kind(k) for k in catalogue.kinds]
    return of_kinds(store, kinds) + about(store, catalogue.texts)


def catalogue_view(catalogue: Catalogue, graph: Graph, href: Href) -> CatalogueView:
    """The page made from that graph: the first text introduces the page; the others are
    shown after its sections."""
    reader = Reader(graph, href)
    texts = [URIRef(t) for t in catalogue.texts if (URIRef(t), None, None) in graph]
    first, others = (texts[0], texts[1:]) if texts else (None, [])
    return CatalogueView(
        title=catalogue.title,
        intro=reader.text(first) if first is not None else "",
        intro_ref=reader.ref(first) if first is not None else None,
        sections=[section(reader, spec) for spec in catalogue.sections],
        extra=[Group(reader.ref(t), reader.text(t), []) for t in others],
    )
