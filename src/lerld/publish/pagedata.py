"""What the HTML pages show, read from the store: SPARQL CONSTRUCT/SELECT in, plain
view-models out (no Flask here; links come from an `href` function the caller gives).

Every page is built from a few CONSTRUCTs through the Store protocol: the things it is
about, with the labels of whatever they link to. The layout of relations is data: which
kind a thing is (KINDS), how a relation is titled in either direction and what its items
are grouped by (RELATIONS), which facts a list item shows (FACTS).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS
from rdflib.term import Node

from lerld.core.terms import DESCRIPTION_PREDICATES, LABEL_PREDICATES, LER, SCHEMA
from lerld.publish import describe
from lerld.publish.vocabdoc import Href, Ref, Row, curie, vocabulary_of
from lerld.stores import Store

# --- data: kinds of things, relations, facts ------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of entity: the classes it covers, how it is named, and its schema.org type."""

    key: str
    types: tuple[URIRef, ...]
    singular: str
    plural: str
    schema_type: str


# In order of precedence: a thing that is an organization and a project is an organization.
KINDS: tuple[Kind, ...] = (
    Kind("stakeholder", (LER.StakeholderGroup,), "Stakeholder group", "Stakeholder groups", "DefinedTerm"),
    Kind("stage", (LER.LifecycleStage,), "Lifecycle stage", "Lifecycle stages", "DefinedTerm"),
    Kind("action-area", (LER.ActionArea,), "Action area", "Action areas", "DefinedTerm"),
    Kind("work-stream", (LER.WorkStream,), "Work stream", "Roles and work streams", "Thing"),
    Kind("recommendation", (LER.Recommendation,), "Recommendation", "Recommendations", "Thing"),
    Kind("business-case", (LER.BusinessCase,), "Business case", "Business case", "Thing"),
    Kind("social-case", (LER.SocialCase,), "Social case", "Social case", "Thing"),
    Kind("quote", (LER.Quote,), "Quote", "Quotes", "Quotation"),
    Kind("organization", (LER.Organization,), "Organization", "Organizations", "Organization"),
    Kind("initiative", (LER.Initiative, LER.Project, LER.Programme, LER.Network, LER.StandardsEffort), "Initiative", "Initiatives", "Project"),
    Kind("report", (LER.Report,), "Report", "Reports", "Report"),
    Kind("topic", (LER.Topic,), "Topic", "Topics", "DefinedTerm"),
    Kind("resource", (LER.Resource,), "Resource", "Resources", "CreativeWork"),
    Kind("category", (LER.ResourceCategory,), "Resource category", "Resource categories", "DefinedTerm"),
    Kind("glossary-term", (LER.GlossaryTerm,), "Glossary term", "Glossary terms", "DefinedTerm"),
    Kind("sense", (LER.TermSense,), "Sense", "Senses", "DefinedTerm"),
    Kind("guidance", (LER.Guidance,), "Guidance", "Guidance", "Article"),
    Kind("standard", (LER.TechnicalStandard,), "Technical standard", "Technical standards", "CreativeWork"),
    Kind("framework", (LER.TechnicalFramework,), "Technical framework", "Technical frameworks", "CreativeWork"),
    Kind("principle", (LER.InteroperabilityPrinciple,), "Interoperability principle", "Interoperability principles", "Thing"),
    Kind("advantage", (LER.Advantage,), "Advantage", "Advantages", "Thing"),
    Kind("ler-role", (LER.LERRole,), "LER role", "LER roles", "DefinedTerm"),
    Kind("scenario", (LER.Scenario,), "Scenario", "Scenarios", "HowTo"),
    Kind("step", (LER.ScenarioStep,), "Scenario step", "Steps", "HowToStep"),
    Kind("scheme", (SKOS.ConceptScheme,), "Concept scheme", "Concept schemes", "DefinedTermSet"),
    Kind("record", (LER.LearningAndEmploymentRecord, LER.VerifiableLER), "LER", "LERs", "EducationalOccupationalCredential"),
    Kind("achievement", (LER.Achievement,), "Achievement", "Achievements", "EducationalOccupationalCredential"),
    Kind("competency", (LER.Competency,), "Competency", "Competencies", "DefinedTerm"),
    Kind("competency-framework", (LER.CompetencyFramework,), "Competency framework", "Competency frameworks", "DefinedTermSet"),
    Kind("endorsement", (LER.Endorsement,), "Endorsement", "Endorsements", "Thing"),
)  # fmt: skip
THING = Kind("thing", (), "Thing", "Things", "Thing")


@dataclass(frozen=True)
class Relation:
    """How a page shows one predicate: its title as an outgoing link, its title as an
    incoming link (None: titled by the kind of the linking things), and what the linking
    things are grouped under (the first of these predicates each has)."""

    outgoing: str
    incoming: str | None = None
    group_by: tuple[URIRef, ...] = ()


RELATIONS: dict[URIRef, Relation] = {
    # a group's work streams by stage, its recommendations by action area
    LER.stakeholderGroup: Relation("Stakeholder group", None, (LER.stage, LER.actionArea)),
    LER.stage: Relation("Lifecycle stage", None, (LER.stakeholderGroup,)),
    LER.actionArea: Relation("Action area", None, (LER.stakeholderGroup,)),
    LER.ledBy: Relation("Led by", "Leads"),
    LER.partner: Relation("Partners", "Partner in"),
    LER.funder: Relation("Funders", "Funds"),
    LER.contributor: Relation("Contributors", "Contributes to"),
    LER.hostedBy: Relation("Hosted by", "Hosts"),
    LER.author: Relation("Authors", "Resources authored"),
    LER.developedBy: Relation("Developed by", "Standards developed"),
    LER.topic: Relation("Topics"),
    LER.category: Relation("Category"),
    LER.standard: Relation("Standards"),
    LER.compatibleWith: Relation("Compatible with", "Standards compatible with it"),
    LER.principleOf: Relation("Principle of"),
    LER.advantageOf: Relation("Advantage of"),
    LER.senseOf: Relation("Sense of"),
    LER.stepOf: Relation("Step of"),
    LER.lerRole: Relation("LER role", "Steps taken in this role"),
    LER.guidanceOn: Relation("Explains", "Explained in"),
    LER.issuedBy: Relation("Issued by", "Issued"),
    LER.issued: Relation("Issued", "Issued by"),
    LER.vocabulary: Relation("RDF vocabulary"),
    # what credentials say (`lerld ingest`): achievements, skills, programmes, endorsements
    LER.achievement: Relation("Achievements", "Attested by"),
    LER.includesCredential: Relation("Includes credentials", "Included in"),
    LER.alignedTo: Relation("Aligned to", "Achievements aligned to it"),
    LER.framework: Relation("Framework", "Competencies"),
    LER.parentOrganization: Relation("Parent organization", "Member organizations"),
    LER.endorsedBy: Relation("Endorsed by", "Endorsements made"),
    LER.endorsementOf: Relation("Endorses", "Endorsements"),
    LER.isParentOf: Relation("Contains", "Contained in"),
    LER.isChildOf: Relation("Contained in", "Contains"),
    LER.isPartOf: Relation("Part of", "Parts"),
    LER.isPeerOf: Relation("Peer of", "Peer of"),
    LER.isRelatedTo: Relation("Related achievements", "Related achievements"),
    LER.precedes: Relation("Precedes", "Preceded by"),
    LER.exactMatchOf: Relation("Same as", "Same as"),
    LER.replacedBy: Relation("Replaced by", "Replaces"),
    LER.associatedAchievement: Relation("Associated achievements", "Associated achievements"),
    SKOS.broader: Relation("Broader", "Narrower"),
    SKOS.narrower: Relation("Narrower", "Broader"),
    SKOS.related: Relation("Related"),
    SKOS.inScheme: Relation("In scheme"),
    SKOS.topConceptOf: Relation("Top concept of", "Top concepts"),
    SKOS.closeMatch: Relation("Close match"),
    SKOS.exactMatch: Relation("Exact match"),
    SKOS.relatedMatch: Relation("Related match"),
    DCTERMS.hasVersion: Relation("Versions", "Version of"),
    DCTERMS.isVersionOf: Relation("Version of", "Versions"),
    DCTERMS.replaces: Relation("Replaces", "Replaced by"),
    DCTERMS.isReplacedBy: Relation("Replaced by", "Replaces"),
    DCTERMS.references: Relation("References", "Referenced by"),
    DCTERMS.source: Relation("Source"),
    DCTERMS.license: Relation("Licence"),
    SCHEMA.url: Relation("Website"),
}
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
        LER.position,
        LER.text,
        LER.attribution,
        LER.detail,
    }
)
# The facts a list item shows under its title, in order.
FACTS: tuple[tuple[URIRef, str], ...] = (
    (SKOS.altLabel, "Also"),
    (LER.lerRole, "Role"),
    (LER.author, "By"),
    (LER.developedBy, "Developed by"),
    (SCHEMA.version, "Version"),
    (LER.compatibleWith, "Compatible with"),
    (LER.stakeholderGroup, "Stakeholder group"),
    (LER.topic, "Topics"),
    (LER.standard, "Standard"),
    (SKOS.closeMatch, "Aligned with"),
    (SKOS.exactMatch, "Aligned with"),
    (SKOS.related, "Related"),
    (LER.attribution, "Attribution"),
)


def kind_of(types: Iterable[Node]) -> Kind:
    found = set(types)
    return next((k for k in KINDS if found.intersection(k.types)), THING)


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
    """The things that link to an IRI, by which predicate, and (one of) their types."""
    rows = store.select(
        f"SELECT ?s ?p (MIN(STR(?t)) AS ?type) WHERE {{ ?s ?p {URIRef(iri).n3()} "
        "FILTER(isIRI(?s)) OPTIONAL { ?s a ?t } } GROUP BY ?s ?p ORDER BY ?s ?p"
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
    facts: list[Row] = field(default_factory=list)
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
        value = self.first(node, LABEL_PREDICATES)
        return str(value) if value is not None else curie(str(node))

    def text(self, node: Node) -> str:
        value = self.first(node, (*DESCRIPTION_PREDICATES, LER.text))
        return str(value) if value is not None else ""

    def position(self, node: Node) -> int | None:
        value = self.graph.value(node, LER.position)
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

    def facts(self, node: Node, hide: Sequence[URIRef] = ()) -> list[Row]:
        merged: dict[str, list[Ref]] = defaultdict(list)
        for predicate, title in FACTS:
            if predicate not in hide:
                merged[title] += self.refs(self.graph.objects(node, predicate))
        return [Row(title, values) for title, values in merged.items() if values]

    def card(self, node: Node, parts: Iterable[Node] = (), hide: Sequence[URIRef] = ()) -> Card:
        """A thing as a list item; `hide` the facts its heading already says."""
        return Card(
            ref=self.ref(node),
            kind=self.kind(node),
            text=self.text(node),
            facts=self.facts(node, hide),
            details=self.texts(node, LER.detail),
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
        relation = RELATIONS.get(predicate)
        title = relation.outgoing if relation else curie(str(predicate))
        cards = [Card(reader.ref(o), reader.kind(o)) for o in reader.ordered(objects)]
        key = f"out-{curie(str(predicate))}"
        sections.append(Section(key, title, [Group(None, "", cards)], compact=True))
    return sorted(sections, key=lambda s: (relation_order(s.key), s.key))


def relation_order(key: str) -> int:
    names = [f"out-{curie(str(p))}" for p in RELATIONS]
    return names.index(key) if key in names else len(names)


def incoming_sections(
    reader: Reader,
    links: Sequence[tuple[URIRef, URIRef]],
    totals: Mapping[tuple[URIRef, str], int],
) -> list[Section]:
    """The things that link here, by predicate and, unless the relation has its own title,
    by the kind of the linking thing; grouped as RELATIONS says."""
    buckets: dict[tuple[URIRef, Kind | None], list[Node]] = defaultdict(list)
    for subject, predicate in links:
        relation = RELATIONS.get(predicate)
        kind = None if relation and relation.incoming else reader.kind(subject)
        buckets[(predicate, kind)].append(subject)
    kinds_seen = [k for _, k in buckets]
    sections = []
    for (predicate, kind), subjects in buckets.items():
        relation = RELATIONS.get(predicate, Relation(curie(str(predicate))))
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
    precedence = [k.key for k in KINDS]
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
    overview: list[Row]
    sections: list[Section]
    notes: list[str]
    statements: list[Row]
    modified: str | None
    quote: str = ""
    attribution: str = ""

    def section(self, key: str) -> Section | None:
        return next((s for s in self.sections if s.key == key), None)

    def other_sections(self, *keys: str) -> list[Section]:
        return [s for s in self.sections if s.key not in keys]


def overview_rows(reader: Reader, node: URIRef) -> list[Row]:
    rows = [
        ("Also known as", [Ref(t) for t in reader.texts(node, SKOS.altLabel)]),
        ("Examples", [Ref(t) for t in reader.texts(node, SKOS.example)]),
        ("Website", [Ref(str(u), reader.href(str(u)), str(u)) for u in sorted(reader.graph.objects(node, SCHEMA.url))]),
        ("Version", [Ref(t) for t in reader.texts(node, SCHEMA.version)]),
        ("Issued", [Ref(t) for t in reader.texts(node, DCTERMS.issued)]),
        ("Details", [Ref(t) for t in reader.texts(node, LER.detail)]),
    ]  # fmt: skip
    return [Row(title, values) for title, values in rows if values]


def statements(reader: Reader, node: URIRef) -> list[Row]:
    """Every statement about the thing, by predicate: the page hides none of its data."""
    rows: dict[URIRef, list[Node]] = defaultdict(list)
    for predicate, obj in reader.graph.predicate_objects(node):
        rows[predicate].append(obj)
    return [
        Row(curie(str(p)), [reader.ref(o) for o in sorted(rows[p])])
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
        for group_by in RELATIONS.get(p, Relation("")).group_by
        for h in graph.objects(s, group_by)
    }
    reader.graph += about(store, heads)
    return EntityView(
        iri=iri,
        kind=reader.kind(node),
        title=reader.label(node),
        types=reader.refs(description.objects(node, RDF.type)),
        text=reader.text(node) if (node, LER.text, None) not in graph else "",
        overview=overview_rows(reader, node),
        sections=outgoing_sections(reader, node) + incoming_sections(reader, links, totals),
        notes=reader.texts(node, SKOS.editorialNote),
        statements=statements(Reader(description, href), node),
        modified=reader.modified(node),
        quote=str(graph.value(node, LER.text) or ""),
        attribution=str(graph.value(node, LER.attribution) or ""),
    )


# --- catalogue pages -----------------------------------------------------------------

ID = "https://w3id.org/ler/id/"
TECHNICAL_GUIDANCE = ID + "guidance/technical-guidance"
LERS_EXPLAINED = ID + "guidance/lers-explained"
IMAGINE_A_WORLD = ID + "guidance/imagine-a-world"


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


def kind(key: str) -> Kind:
    return next(k for k in KINDS if k.key == key)


def listing(reader: Reader, keys: Sequence[str], parts_by: URIRef | None = None) -> Section:
    """Every thing of these kinds, in order; with its parts (a term's senses) when asked."""
    things = reader.ordered(n for key in keys for n in reader.of_kind(kind(key)))
    cards = [reader.card(t, reader.parts(t, parts_by) if parts_by else ()) for t in things]
    return Section(keys[0], kind(keys[0]).plural, [Group(None, "", cards)])


def parts_section(reader: Reader, key: str, predicate: URIRef, title: str) -> Section:
    """Parts under the wholes they belong to (resources under their categories)."""
    groups = [
        Group(reader.ref(w), reader.text(w), reader.cards(reader.parts(w, predicate), [predicate]))
        for w in reader.ordered(reader.of_kind(kind(key)))
    ]
    return Section(f"{key}-parts", title, [g for g in groups if g.cards])


@dataclass(frozen=True)
class Catalogue:
    """A page about every thing of some kinds (the glossary, the resources, ...): its data is
    one CONSTRUCT (the things and the texts it quotes), its view is made from that graph."""

    name: str
    title: str
    kinds: tuple[str, ...]
    texts: tuple[str, ...]
    sections: Callable[[Reader], list[Section]]
    schema_type: str = "ItemList"

    def graph(self, store: Store) -> Graph:
        return of_kinds(store, [kind(k) for k in self.kinds]) + about(store, self.texts)

    def view(self, graph: Graph, href: Href) -> CatalogueView:
        """The first text introduces the page; the others are shown after its sections."""
        reader = Reader(graph, href)
        texts = [URIRef(t) for t in self.texts if (URIRef(t), None, None) in graph]
        first, others = (texts[0], texts[1:]) if texts else (None, [])
        return CatalogueView(
            title=self.title,
            intro=reader.text(first) if first is not None else "",
            intro_ref=reader.ref(first) if first is not None else None,
            sections=self.sections(reader),
            extra=[Group(reader.ref(t), reader.text(t), []) for t in others],
        )


def scheme(slug: str) -> str:
    return ID + "scheme/" + slug


CATALOGUES: tuple[Catalogue, ...] = (
    Catalogue(
        "index",
        "LER Ecosystem Map",
        ("stakeholder", "stage", "action-area"),
        (LERS_EXPLAINED, IMAGINE_A_WORLD),
        lambda r: [listing(r, ["stakeholder"]), listing(r, ["stage"]), listing(r, ["action-area"])],
        "WebSite",
    ),
    Catalogue(
        "stakeholders",
        "Stakeholder groups",
        ("stakeholder",),
        (scheme("stakeholder-groups"),),
        lambda r: [listing(r, ["stakeholder"])],
    ),
    Catalogue(
        "lers-explained",
        "LERs explained",
        ("scenario", "step", "ler-role"),
        (LERS_EXPLAINED,),
        lambda r: [
            parts_section(r, "scenario", LER.stepOf, "How do we use LERs?"),
            listing(r, ["ler-role"]),
        ],
    ),
    Catalogue(
        "technical-guidance",
        "Technical guidance",
        ("standard", "framework", "principle", "advantage"),
        (TECHNICAL_GUIDANCE,),
        lambda r: [
            listing(r, ["standard"]),
            parts_section(r, "standard", LER.advantageOf, "Advantages"),
            parts_section(r, "framework", LER.principleOf, "Interoperability principles"),
        ],
    ),
    Catalogue(
        "glossary",
        "Glossary",
        ("glossary-term", "sense"),
        (scheme("glossary"),),
        lambda r: [listing(r, ["glossary-term"], LER.senseOf)],
        "DefinedTermSet",
    ),
    Catalogue(
        "resources",
        "Resources",
        ("category", "resource"),
        (scheme("resource-categories"),),
        lambda r: [parts_section(r, "category", LER.category, "Resources by category")],
    ),
    Catalogue(
        "organizations",
        "Organizations",
        ("organization",),
        (),
        lambda r: [listing(r, ["organization"])],
    ),
    Catalogue(
        "initiatives",
        "Initiatives",
        ("initiative", "report"),
        (),
        lambda r: [listing(r, ["initiative", "report"])],
    ),
    Catalogue(
        "topics", "Topics", ("topic",), (scheme("topics"),), lambda r: [listing(r, ["topic"])]
    ),
    # what ingested credentials say (`lerld ingest`): empty until credentials are ingested
    Catalogue(
        "skills",
        "Skills and achievements",
        ("competency-framework", "competency", "achievement", "endorsement"),
        (),
        lambda r: [
            parts_section(r, "competency-framework", LER.framework, "Competencies by framework"),
            listing(r, ["achievement"]),
            listing(r, ["endorsement"]),
        ],
    ),
)
