"""What a profile is: the tables that say what the engine publishes and how it shows it.

The engine (pages, the map, validation, the SPARQL page, the static build) is generic:
it knows RDF, stores and formats. A profile is data about one vocabulary and its data:
the kinds of things with their classes and titles, how each relation is titled either
way, the catalogue pages, how the map draws each kind, which lists are ordered, the
titles of the site and its endpoint and the default query. Plain frozen dataclasses, no
behaviour beyond looking things up (as pyLODE's profiles are tables for one renderer).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rdflib import Namespace, URIRef


@dataclass(frozen=True)
class Kind:
    """A kind of thing: the classes it covers (the first names it; the others are more
    specific classes or aliases), how a page titles it, and its schema.org type."""

    key: str
    types: tuple[URIRef, ...]
    singular: str
    plural: str
    schema_type: str
    # Its things are named things: two with one label are one thing with two IRIs
    # (validation reports them). Statements such as work streams may repeat a label.
    named: bool = False

    @property
    def cls(self) -> URIRef:
        """The class that names the kind."""
        return self.types[0]


@dataclass(frozen=True)
class Relation:
    """How a page shows one predicate: its title as an outgoing link, its title as an
    incoming link (None: titled by the kind of the linking things), and what the linking
    things are grouped under (the first of these predicates each has)."""

    outgoing: str
    incoming: str | None = None
    group_by: tuple[URIRef, ...] = ()


@dataclass(frozen=True)
class Listing:
    """A catalogue section: every thing of these kinds in order (titled by the first),
    each with its parts (a term's senses) when `parts_by` links the parts to it."""

    kinds: tuple[str, ...]
    parts_by: URIRef | None = None


@dataclass(frozen=True)
class PartsOf:
    """A catalogue section: the parts of each thing of a kind, under their whole (the
    resources under their categories), parts linked to the whole by `predicate`."""

    kind: str
    predicate: URIRef
    title: str


@dataclass(frozen=True)
class Catalogue:
    """A page about every thing of some kinds (the glossary, the resources, ...): the
    kinds its graph holds, the texts it quotes (the first introduces the page, the others
    follow its sections), its sections, and its schema.org type."""

    name: str
    title: str
    kinds: tuple[str, ...]
    texts: tuple[str, ...]
    sections: tuple[Listing | PartsOf, ...]
    schema_type: str = "ItemList"


@dataclass(frozen=True)
class MapKind:
    """How the map draws the things of a kind: colour, shape and size; its own key and
    titles where they differ from the kind's."""

    kind: str
    colour: str
    shape: str
    size: float = 1.0
    key: str = ""
    singular: str = ""
    plural: str = ""


@dataclass(frozen=True)
class MapProfile:
    """The relational map: its title and description, the kinds it draws in order of
    precedence, what "involved in" a focus means (each step adds the nodes of these map
    kinds linked to a node of the step before), and the map kinds one can focus on."""

    title: str
    description: str
    kinds: tuple[MapKind, ...]
    involvement: tuple[tuple[str, ...], ...]
    focus: tuple[str, ...]


@dataclass(frozen=True)
class OrderedList:
    """Things of a class (or a subclass) that carry a position, in lists: two are in one
    list when they share the values of `within` (rdf:type there: the class they are
    written with). Keyed by class, as one list may span kinds."""

    cls: URIRef
    within: tuple[URIRef, ...] = ()


@dataclass(frozen=True)
class Vocabulary:
    """One of the profile's own vocabularies (its terms, its shapes): prefix, namespace,
    title, and the IRI of the ontology that declares it when that is not the namespace."""

    prefix: str
    namespace: Namespace
    title: str
    ontology: str = ""

    @property
    def iri(self) -> URIRef:
        """The IRI of the ontology that declares the vocabulary."""
        return URIRef(self.ontology or str(self.namespace))


@dataclass(frozen=True)
class Profile:
    """Everything the engine is told about what it publishes."""

    site_title: str  # "LER Ecosystem Map"
    graph_title: str  # how messages name the whole graph
    endpoint_title: str
    vocabulary: Vocabulary
    shapes: Vocabulary  # the namespace of the SHACL shapes
    kinds: tuple[Kind, ...]  # in order of precedence: a thing of two kinds is the first
    relations: Mapping[URIRef, Relation]
    facts: tuple[tuple[URIRef, str], ...]  # what a list item shows under its title
    catalogues: tuple[Catalogue, ...]
    navigation: tuple[tuple[str, str], ...]  # (path, label) of the site's menu
    map: MapProfile
    ordered_lists: tuple[OrderedList, ...]
    # the profile's properties of roles the engine gives special treatment
    position: URIRef  # orders the items of a list
    quote: URIRef  # the text of a quotation (also a text where no description is)
    attribution: URIRef  # who said a quotation
    details: URIRef  # further paragraphs of a thing
    authors: URIRef  # the authors of a work (schema.org's author)
    example_class: URIRef  # its things are the examples a harvester looks at first
    example_type: URIRef  # the class shown as an example of a type filter
    default_query: str  # the /sparql page's query when none is given
    # a template of its own for the page of a kind's things, by kind key
    entity_templates: Mapping[str, str] = field(default_factory=dict)

    def kind(self, key: str) -> Kind:
        """The kind of this key."""
        return next(k for k in self.kinds if k.key == key)

    def list_keys(self) -> dict[URIRef, tuple[URIRef, ...]]:
        """Each ordered list's class and what makes two of its items one list."""
        return {ordered.cls: ordered.within for ordered in self.ordered_lists}
