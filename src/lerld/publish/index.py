"""The index of every entity the dataset publishes: each entity (a subject under
<base>id/, tombstones left out) with its types, best label and the day its documents last
changed, and the subclass closure that type filters expand. The Hydra collection and the
sitemap are made from it; VoID counts the same entities in the store (entity_count).
"""

from __future__ import annotations

from collections.abc import Hashable
from datetime import date
from typing import Any, NamedTuple, TypeVar

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from lerld.core.memory import without_collection
from lerld.core.names import best_label_texts
from lerld.core.terms import LABEL_PREDICATES
from lerld.project.published import AS
from lerld.publish.kept import Codec
from lerld.stores import Store

T = TypeVar("T", bound=Hashable)


class Label(NamedTuple):
    """An entity's best label, as text: its predicate, language tag ("" for none) and text."""

    predicate: str
    language: str
    text: str

    def pair(self) -> tuple[URIRef, Literal]:
        """The label as a (predicate, object) pair of rdflib terms."""
        return URIRef(self.predicate), Literal(self.text, lang=self.language or None)


class Entry(NamedTuple):
    """One entity as the collection lists it. Text and dates only, no rdflib terms: the
    index of ten million triples holds 1.25 million of them, and it is kept on disk
    (web.state) and read back."""

    iri: str
    types: tuple[str, ...]
    label: Label | None
    modified: date | None


# When an entity's documents last changed: its own dcterms:modified, or later that of an
# entity that links to it (its page lists what links to it; the credentials `lerld ingest`
# adds name an existing organization as their issuer). The second query gives only the
# entities that something newer links to: few rows, whatever the size of the graph.
MODIFIED = DCTERMS.modified.n3()
TOMBSTONE = AS.Tombstone.n3()
OWN_DATE_QUERY = f"SELECT ?s ?m WHERE {{ ?s {MODIFIED} ?m FILTER_IN_SPACE }}"
LINKED_DATE_QUERY = f"""SELECT ?s (MAX(?date) AS ?m) WHERE {{
  ?s {MODIFIED} ?own . ?x ?p ?s . ?x {MODIFIED} ?date FILTER(?date > ?own) FILTER_IN_SPACE
}} GROUP BY ?s"""


def entity_index(store: Store, base_uri: str) -> tuple[Entry, ...]:
    """Every entity (subject under <base>id/), ordered by IRI, with its types, preferred
    label and the date its documents last changed (see OWN_DATE_QUERY): six SELECTs,
    whatever the size of the graph, read as text (Store.select_values: at a million
    triples 4.5-5.8 s, against 9.4-11.8 s read as rdflib terms)."""
    # a million entries made at once would each count towards a collection (1M, beside a
    # worker's heap of 3 million objects: 3.46-3.78 s with the collector, 3.32-3.38 without)
    with without_collection():
        return _entity_index(store, base_uri)


def _entity_index(store: Store, base_uri: str) -> tuple[Entry, ...]:
    in_space = _in_space(base_uri)
    # a tombstone is no live entity (published.py): harvesters learn of it as a removal
    gone = {s for (s,) in store.select_values(f"SELECT ?s WHERE {{ ?s a {TOMBSTONE} }}")}
    subjects = store.select_values(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o {in_space} }}")
    types: dict[str, list[str]] = {s: [] for (s,) in subjects if s not in gone}
    for s, t in store.select_values(f"SELECT ?s ?t WHERE {{ ?s a ?t {in_space} }}"):
        if s in types:
            types[s].append(t)
    values = " ".join(p.n3() for p in LABEL_PREDICATES)
    best = best_label_texts(
        store.select_values(
            "SELECT ?s ?p (LANG(?label) AS ?language) ?label WHERE { "
            f"VALUES ?p {{ {values} }} ?s ?p ?label {in_space} }}"
        )
    )
    # Values that repeat are held once: entities of one kind share one tuple of types, and
    # labels one string of each predicate and language (at 10M, 1.25 million entries).
    shared = Shared()
    labels = {
        s: Label(shared(p), shared(language), text) for s, (p, language, text) in best.items()
    }
    modified: dict[str, date] = {}
    for query in (OWN_DATE_QUERY, LINKED_DATE_QUERY):
        for s, text in store.select_values(query.replace("FILTER_IN_SPACE", in_space)):
            day = shared.day(text)
            if day is not None:
                modified[s] = max(day, modified.get(s, day))
    return tuple(
        Entry(iri, shared(tuple(sorted(types[iri]))), labels.get(iri), modified.get(iri))
        for iri in sorted(types)
    )


class Shared:
    """One object for each value that repeats across entries (types, predicates, languages,
    days): shared(value) is the first equal value seen."""

    def __init__(self) -> None:
        self._values: dict[Hashable, Any] = {}
        self._days: dict[str, date | None] = {}

    def __call__(self, value: T) -> T:
        return self._values.setdefault(value, value)

    def day(self, text: str) -> date | None:
        """The day of an xsd:date's text, parsed once for every entry of that day."""
        if text not in self._days:
            self._days[text] = _day(text)
        return self._days[text]


def _encode(entries: tuple[Entry, ...]) -> dict:
    kinds: dict[tuple[str, ...], int] = {}
    predicates: dict[str, int] = {}
    rows = []
    for e in entries:
        label = e.label and [
            predicates.setdefault(e.label.predicate, len(predicates)),
            e.label.language,
            e.label.text,
        ]
        day = e.modified.isoformat() if e.modified else None
        rows.append([e.iri, kinds.setdefault(e.types, len(kinds)), label, day])
    return {"types": list(kinds), "predicates": list(predicates), "entries": rows}


def _decode(document: dict) -> tuple[Entry, ...]:
    kinds = [tuple(types) for types in document["types"]]
    predicates = document["predicates"]
    shared = Shared()
    return tuple(
        Entry(
            iri,
            kinds[kind],
            Label(predicates[label[0]], shared(label[1]), label[2]) if label else None,
            shared.day(day) if day else None,
        )
        for iri, kind, label, day in document["entries"]
    )


# The index as JSON (lerld.publish.kept): each distinct tuple of types and each label
# predicate written once, and a row per entry: [IRI, types, [predicate, language, text]
# or null, day or null]. At 10M triples, 1.25 million rows.
ENTRIES = Codec(_encode, _decode)


def entity_count(store: Store, base_uri: str) -> int:
    """How many entities entity_index lists, counted by the store (VoID's void:entities,
    without reading every entity)."""
    in_space = _in_space(base_uri)
    ((subjects,),) = store.select_values(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o {in_space} }}"
    )
    ((tombstones,),) = store.select_values(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s a {TOMBSTONE} {in_space} }}"
    )
    return int(subjects) - int(tombstones)


def entities_typed(store: Store, base_uri: str, cls: URIRef) -> list[str]:
    """The entities entity_index lists with `cls` among their types, by IRI."""
    rows = store.select_values(
        f"SELECT DISTINCT ?s WHERE {{ ?s a {cls.n3()} {_in_space(base_uri)} "
        f"FILTER NOT EXISTS {{ ?s a {TOMBSTONE} }} }}"
    )
    return sorted(s for (s,) in rows)


def _in_space(base_uri: str) -> str:
    """The filter that keeps the entities' IRIs (<base>id/...) in ?s."""
    return f"FILTER(STRSTARTS(STR(?s), {Literal(base_uri + 'id/').n3()}))"


def _day(text: str) -> date | None:
    """The day of an xsd:date's text (a time zone after it dropped), None if none."""
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        return None


def subclasses(store: Store) -> dict[str, frozenset[str]]:
    """Each class that has subclasses mapped to itself and every class below it
    (rdfs:subClassOf+; a class without subclasses is missing: it stands for itself)."""
    # A path with both ends unbound is refused by Virtuoso ("transitive start not given"):
    # the first step is a plain pattern, so the path starts from a bound node.
    rows = store.select(
        "SELECT ?sub ?super WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?d . "
        "?d <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?super "
        "FILTER(isIRI(?sub) && isIRI(?super)) }"
    )
    below: dict[str, set[str]] = {}
    for row in rows:
        below.setdefault(str(row["super"]), {str(row["super"])}).add(str(row["sub"]))
    return {cls: frozenset(members) for cls, members in below.items()}
