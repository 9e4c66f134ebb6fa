"""The editor's guide as values (Property, Kind, Guide), how the data files write IRIs
(curie), and the facts about the data an example needs (Facts), read by SPARQL."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from rdflib import RDFS, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from lerld.core.errors import LerldError
from lerld.core.terms import (
    ENTITY_BASE,
    PREFIXES,
    is_entity,
    prefixed_name,
    prefixes_of,
)
from lerld.profile import PROFILE
from lerld.project.sources import graph_name, source_of
from lerld.stores import Store

SHAPES_GRAPHS = graph_name("shapes/")
ONTOLOGY_GRAPHS = graph_name("ontology/")
DATA_GRAPHS = graph_name("data/")
# What the text of a language-tagged example says, by the property's role.
TEXT_PREDICATES = {RDFS.label, SKOS.prefLabel, DCTERMS.title}
EXAMPLE_URL = "https://example.org/"
# Vocabularies the ontology aligns with, as ontology/alignment.ttl declares them (the store
# keeps triples, not prefixes); their namespaces from the one prefix table (core.terms).
OTHER_PREFIXES = prefixes_of("ob", "clr", "cred", "prov")
# A local name a data file may write after a prefix (anything else is written <iri>).
LOCAL_NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Property:
    """One property an entity of a kind may or must have."""

    iri: str
    name: str  # prefixed: rdfs:label
    cardinality: str  # "exactly 1", "1 or more", "at most 1", "any number"
    status: str  # "required", "recommended", "optional"
    expects: str  # what a value is, in words
    note: str = ""
    values: tuple[str, ...] = ()  # allowed values (sh:in, sh:hasValue), prefixed


@dataclass(frozen=True)
class Kind:
    """One kind of entity: its class, where it lives, what it has, an example."""

    key: str  # organization: the IRI's kind segment
    cls: str
    name: str
    comment: str
    iri_template: str  # https://w3id.org/ler/id/organization/<slug>
    file: str
    properties: tuple[Property, ...]
    rules: tuple[str, ...] = ()
    subclasses: tuple[tuple[str, str], ...] = ()  # (prefixed class, label)
    closed: tuple[str, ...] = ()  # a closed list: the only entities allowed
    example: str = ""
    described: bool = False  # the data has entities of this kind

    @property
    def short_class(self) -> str:
        return curie(self.cls)


@dataclass(frozen=True)
class Guide:
    kinds: tuple[Kind, ...]
    other_properties: tuple[tuple[str, str], ...] = ()  # (prefixed, what it is) in no kind
    other_classes: tuple[tuple[str, str], ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)

    def kind(self, name: str) -> Kind:
        """The kind `lerld new` is asked for: its key, class or a subclass, any case."""
        wanted = name.casefold().replace("_", "-")
        for kind in self.kinds:
            names = {kind.key, kind.short_class.split(":")[-1].casefold(), kind.name.casefold()}
            names |= {s.split(":")[-1].casefold() for s, _ in kind.subclasses}
            if wanted in names:
                return kind
        known = ", ".join(k.key for k in self.kinds)
        raise LerldError(f"no kind of entity is called {name!r}: one of {known}")


def curie(iri: str) -> str:
    """An IRI as the data files write it: organization:aspen-institute, skos:Concept."""
    if is_entity(iri):
        kind, slug = iri[len(ENTITY_BASE) :].split("/")
        return f"{kind.replace('-', '')}:{slug}"
    return prefixed_name(iri, {**PREFIXES, **OTHER_PREFIXES}, LOCAL_NAME) or f"<{iri}>"


def graphs_under(store: Store, prefix: str) -> Graph:
    return store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
    )


class Facts:
    """What the data holds that an example needs, by SPARQL."""

    def __init__(self, store: Store, ontology: Graph) -> None:
        self.store = store
        self.ontology = ontology
        self._instances: dict[str, list[str]] = {}

    def instances(self, cls: URIRef) -> list[str]:
        """Entities of a class (or its subclasses), in IRI order."""
        key = str(cls)
        if key not in self._instances:
            rows = self.store.select(
                f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?t }} "
                f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) '
                f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} }} ORDER BY ?s"
            )
            self._instances[key] = [str(r["s"]) for r in rows]
        return self._instances[key]

    def subclasses(self, cls: URIRef) -> list[URIRef]:
        return list(self.ontology.transitive_subjects(RDFS.subClassOf, cls))

    def matching(self, pattern: str) -> str | None:
        """The first described entity whose IRI matches a shape's sh:pattern: a link that
        the shape constrains by IRI (an endorsement of an achievement or organization)."""
        rows = self.store.select(
            f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a ?t }} "
            f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) '
            f"FILTER(REGEX(STR(?s), {Literal(pattern).n3()})) }} ORDER BY ?s LIMIT 1"
        )
        return str(rows[0]["s"]) if rows else None

    def usual_value(self, cls: URIRef, path: URIRef) -> str | None:
        """The value entities of the class link to most often through `path`."""
        rows = self.store.select(
            f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ ?s a ?t ; {path.n3()} ?o . "
            f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} FILTER(isIRI(?o)) }} "
            "GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1"
        )
        return str(rows[0]["o"]) if rows else None

    def file_of(self, cls: URIRef) -> str | None:
        """The data file that describes most entities of the class."""
        rows = self.store.select(
            f"SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?t }} "
            f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) '
            f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} }} "
            "GROUP BY ?g ORDER BY DESC(?n) ?g LIMIT 1"
        )
        return source_of(str(rows[0]["g"])) if rows else None

    def next_position(self, cls: URIRef) -> int:
        """One past the highest position (the profile's) of the class: free in every list."""
        rows = self.store.select(
            f"SELECT (MAX(?p) AS ?max) WHERE {{ ?s a ?t ; {PROFILE.position.n3()} ?p . "
            f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} }}"
        )
        highest = rows[0].get("max") if rows else None
        return int(highest) + 1 if highest is not None else 1

    def latest_modified(self) -> date:
        rows = self.store.select(
            f"SELECT (MAX(STR(?m)) AS ?latest) WHERE {{ ?s {DCTERMS.modified.n3()} ?m }}"
        )
        latest = rows[0].get("latest") if rows else None
        try:
            return date.fromisoformat(str(latest)[:10]) if latest else date.today()
        except ValueError:
            return date.today()
