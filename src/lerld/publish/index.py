"""The index of every entity the dataset publishes: each entity (a subject under
<base>id/, tombstones left out) with its types, best label and the day its documents last
changed, and the subclass closure that type filters expand. The Hydra collection, the
sitemap and VoID are made from it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS

from lerld.core.names import label_rank
from lerld.core.terms import LABEL_PREDICATES
from lerld.project.published import AS
from lerld.stores import Store


@dataclass(frozen=True)
class Entry:
    """One entity as the collection lists it."""

    iri: str
    types: tuple[str, ...]
    label: tuple[URIRef, Literal] | None
    modified: date | None


# When an entity's documents last changed: its own dcterms:modified, or later that of an
# entity that links to it (its page lists what links to it; the credentials `lerld ingest`
# adds name an existing organization as their issuer). The second query gives only the
# entities that something newer links to: few rows, whatever the size of the graph.
MODIFIED = DCTERMS.modified.n3()
OWN_DATE_QUERY = f"SELECT ?s ?m WHERE {{ ?s {MODIFIED} ?m FILTER_IN_SPACE }}"
LINKED_DATE_QUERY = f"""SELECT ?s (MAX(?date) AS ?m) WHERE {{
  ?s {MODIFIED} ?own . ?x ?p ?s . ?x {MODIFIED} ?date FILTER(?date > ?own) FILTER_IN_SPACE
}} GROUP BY ?s"""


def entity_index(store: Store, base_uri: str) -> tuple[Entry, ...]:
    """Every entity (subject under <base>id/), ordered by IRI, with its types, preferred
    label and the date its documents last changed (see OWN_DATE_QUERY): five SELECTs,
    whatever the size of the graph."""
    space = Literal(base_uri + "id/").n3()
    in_space = f"FILTER(STRSTARTS(STR(?s), {space}))"
    subjects = store.select(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o {in_space} }}")
    # a tombstone is no live entity (published.py): harvesters learn of it as a removal
    gone = {str(r["s"]) for r in store.select(f"SELECT ?s WHERE {{ ?s a {AS.Tombstone.n3()} }}")}
    types: dict[str, list[str]] = {str(r["s"]): [] for r in subjects if str(r["s"]) not in gone}
    for row in store.select(f"SELECT ?s ?t WHERE {{ ?s a ?t {in_space} }}"):
        if str(row["s"]) in types:
            types[str(row["s"])].append(str(row["t"]))
    labels: dict[str, tuple[URIRef, Literal]] = {}
    values = " ".join(p.n3() for p in LABEL_PREDICATES)
    for row in store.select(
        f"SELECT ?s ?p ?label WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?label {in_space} }}"
    ):
        found = (URIRef(row["p"]), row["label"])
        current = labels.get(str(row["s"]))
        if current is None or label_rank(*found) < label_rank(*current):
            labels[str(row["s"])] = found
    modified: dict[str, date] = {}
    rows = [
        row
        for query in (OWN_DATE_QUERY, LINKED_DATE_QUERY)
        for row in store.select(query.replace("FILTER_IN_SPACE", in_space))
    ]
    for row in rows:
        day = row["m"].toPython()
        if isinstance(day, date):
            modified[str(row["s"])] = max(day, modified.get(str(row["s"]), day))
    return tuple(
        Entry(iri, tuple(sorted(types[iri])), labels.get(iri), modified.get(iri))
        for iri in sorted(types)
    )


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
