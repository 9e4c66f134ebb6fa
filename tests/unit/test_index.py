"""The entity index and what VoID counts of it, read as text from the store
(Store.select_values): the same entities, labels and dates as the rdflib terms give, and
VoID's count and examples are the index's, tombstones left out."""

from __future__ import annotations

from datetime import date

from rdflib import Literal, URIRef

from lerld.publish.index import entities_typed, entity_count, entity_index
from lerld.stores import GraphData
from lerld.stores.backends import embedded_store

BASE = "https://w3id.org/ler/"
DATA = """\
@prefix ler: <https://w3id.org/ler/ns#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix as: <https://www.w3.org/ns/activitystreams#> .
@prefix id: <https://w3id.org/ler/id/> .

id:g1 a ler:StakeholderGroup, ler:Thing ; rdfs:label "Zeta, \\"the\\" group"@fr ;
    skos:prefLabel "Funders, and\\nothers\\r"@en ; dcterms:modified "2026-01-02"^^xsd:date .
id:g2 a ler:StakeholderGroup ; rdfs:label "b" , "a" ; dcterms:modified "2026-01-03Z"^^xsd:date .
id:o1 a ler:Organization ; rdfs:label "Org"@de ; ler:in id:g1 ;
    dcterms:modified "2026-02-01"^^xsd:date .
id:gone a as:Tombstone, ler:StakeholderGroup ; rdfs:label "Gone" .
<https://example.org/elsewhere> a ler:Organization .
"""


def _store():
    store = embedded_store()
    store.replace([GraphData("urn:test:data", DATA.encode())])
    return store


def test_select_values_reads_every_value_as_its_text():
    store = _store()
    query = (
        "SELECT ?s ?label (LANG(?label) AS ?language) ?none WHERE { ?s ?p ?label "
        "FILTER(isLiteral(?label) && ?p != <http://purl.org/dc/terms/modified>) "
        "OPTIONAL { ?s <urn:no> ?none } } ORDER BY ?s ?label"
    )
    rows = store.select(query)
    expected = [
        tuple(str(row[v]) if v in row else "" for v in ("s", "label", "language", "none"))
        for row in rows
    ]
    assert store.select_values(query) == expected
    assert ("https://w3id.org/ler/id/g1", "Funders, and\nothers\r", "en", "") in expected
    assert ("https://w3id.org/ler/id/g1", 'Zeta, "the" group', "fr", "") in expected
    # one variable, unbound: an empty line of CSV
    assert store.select_values("SELECT ?x WHERE { OPTIONAL { <urn:a> <urn:b> ?x } }") == [("",)]
    assert store.select_values("SELECT ?x WHERE { <urn:a> <urn:b> ?x }") == []


def test_the_index_ranks_labels_and_dates_as_before():
    index = {e.iri: e for e in entity_index(_store(), BASE)}
    assert sorted(index) == [BASE + "id/g1", BASE + "id/g2", BASE + "id/o1"]
    g1, g2, o1 = (index[BASE + f"id/{name}"] for name in ("g1", "g2", "o1"))
    assert g1.label.pair() == (
        URIRef("http://www.w3.org/2004/02/skos/core#prefLabel"),
        Literal("Funders, and\nothers\r", lang="en"),
    )
    assert g2.label.pair()[1] == Literal("a")  # the smallest text of equal rank
    assert o1.label.pair()[1] == Literal("Org", lang="de")
    # g1 is linked from o1, modified later; g2's date has a time zone
    assert (g1.modified, g2.modified, o1.modified) == (
        date(2026, 2, 1),
        date(2026, 1, 3),
        date(2026, 2, 1),
    )
    assert g1.types == ("https://w3id.org/ler/ns#StakeholderGroup", "https://w3id.org/ler/ns#Thing")


def test_voids_count_and_examples_are_the_indexs():
    store = _store()
    index = entity_index(store, BASE)
    group = URIRef("https://w3id.org/ler/ns#StakeholderGroup")
    assert entity_count(store, BASE) == len(index) == 3
    assert entities_typed(store, BASE, group) == [e.iri for e in index if str(group) in e.types]
