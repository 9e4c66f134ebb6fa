"""The JSON-LD context and the JSON-LD documents: the context is hand-designed, covers the
vocabulary and is served as application/ld+json; every entity's JSON-LD, expanded by pyld
with our context served locally, gives the same triples as its Turtle."""

from __future__ import annotations

import json

import pytest
import requests
from pyld import jsonld as pyld
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF

from lerld.core import jsonld
from lerld.core.terms import LER

CONTEXT_URL = "https://w3id.org/ler/ns/context.jsonld"
XSD_INTEGER = URIRef(jsonld.XSD + "integer")
XSD_BOOLEAN = URIRef(jsonld.XSD + "boolean")
XSD_DECIMAL = URIRef(jsonld.XSD + "decimal")


def term_iris(context: dict) -> dict[str, str]:
    """Each term of a context and the IRI it expands to (prefixes resolved)."""
    found = {}
    for term, definition in context.items():
        if term.startswith("@"):
            continue
        value = definition["@id"] if isinstance(definition, dict) else definition
        prefix, colon, rest = value.partition(":")
        if colon and prefix in context and not rest.startswith("//"):
            value = context[prefix] + rest
        found[term] = value
    return found


def round_trip(document: dict, context: dict) -> Graph:
    """JSON-LD -> N-Quads by pyld, with our context served from memory, -> an rdflib graph."""
    loader = jsonld.offline_loader({CONTEXT_URL: context})
    nquads = pyld.to_rdf(document, {"format": "application/n-quads", "documentLoader": loader})
    return Graph().parse(data=nquads, format="nt")  # one default graph: N-Triples lines


def vocabulary_terms(snapshot) -> list[str]:
    rows = snapshot.store.select(
        "SELECT DISTINCT ?t WHERE { VALUES ?type { "
        f"{OWL.Class.n3()} {OWL.ObjectProperty.n3()} {OWL.DatatypeProperty.n3()} }} "
        f"?t a ?type FILTER(STRSTARTS(STR(?t), '{LER}')) }}"
    )
    return sorted(str(r["t"]) for r in rows)


def test_the_context_reads_like_the_ob3_and_vc_contexts(snapshot):
    context = snapshot.context["@context"]
    assert context["@version"] == 1.1 and context["@protected"] is True
    assert context["id"] == "@id" and context["type"] == "@type"
    terms = term_iris(context)
    assert terms["name"] == "http://www.w3.org/2000/01/rdf-schema#label"
    assert terms["description"] == "http://purl.org/dc/terms/description"
    assert terms["Organization"] == str(LER.Organization)
    assert context["url"]["@type"] == "@id"


def test_every_class_and_property_of_the_vocabulary_has_a_term(snapshot):
    terms = term_iris(snapshot.context["@context"])
    named = set(terms.values())
    missing = [t for t in vocabulary_terms(snapshot) if t not in named]
    assert not missing
    assert len(vocabulary_terms(snapshot)) > 55
    # and each is named after its local name, the way OB3 names its terms
    for iri in vocabulary_terms(snapshot):
        assert terms.get(iri[len(str(LER)) :]) == iri


def test_context_is_served_as_json_ld(fetch, snapshot):
    answer = fetch("/ns/context.jsonld")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "application/ld+json; charset=utf-8"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert json.loads(answer.body) == snapshot.context


def test_entity_documents_use_the_context_by_url_with_plain_values(client):
    document = json.loads(client.get("/doc/work-stream/employers-issuing-2.jsonld").data)
    assert document["@context"] == CONTEXT_URL
    (node,) = [
        n
        for n in document["@graph"]
        if n["id"] == "https://w3id.org/ler/id/work-stream/employers-issuing-2"
    ]
    assert node["type"] == "WorkStream"
    assert node["position"] == 2  # a JSON number, not "2"
    assert node["modified"] == "2026-11-23"
    assert node["name"] == "Issue LERs to document employees’ skills development and achievements"
    assert node["stage"] == "https://w3id.org/ler/id/stage/issuing"


def entity_paths(snapshot) -> list[str]:
    rows = snapshot.store.select(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o "
        "FILTER(STRSTARTS(STR(?s), 'https://w3id.org/ler/id/')) }"
    )
    return sorted("/doc/" + str(r["s"])[len("https://w3id.org/ler/id/") :] for r in rows)


def test_every_entity_json_ld_round_trips_to_the_triples_of_its_turtle(client, snapshot):
    context = snapshot.context
    paths = entity_paths(snapshot)
    assert len(paths) > 350
    for path in paths:
        document = json.loads(client.get(path + ".jsonld").data)
        turtle = Graph().parse(data=client.get(path + ".ttl").data, format="turtle")
        assert isomorphic(round_trip(document, context), turtle), path


@pytest.mark.parametrize(
    "path", ["/ns", "/shapes", "/index", "/glossary", "/resources", "/technical-guidance"]
)
def test_vocabulary_shapes_and_catalogue_json_ld_round_trip(client, snapshot, path):
    document = json.loads(client.get(path + ".jsonld").data)
    turtle = Graph().parse(data=client.get(path + ".ttl").data, format="turtle")
    assert len(turtle) > 50
    assert isomorphic(round_trip(document, snapshot.context), turtle)


def test_live_server_json_ld_round_trips(live_server, snapshot):
    for path in ("/doc/stakeholder/employers", "/doc/initiative/ler-ecosystem-map"):
        r = requests.get(
            live_server.url + path, headers={"Accept": "application/ld+json"}, timeout=30
        )
        turtle = requests.get(live_server.url + path + ".ttl", timeout=30)
        assert r.headers["Content-Type"] == "application/ld+json; charset=utf-8"
        expected = Graph().parse(data=turtle.content, format="turtle")
        assert isomorphic(round_trip(r.json(), snapshot.context), expected)


def test_unknown_contexts_are_never_fetched():
    loader = jsonld.offline_loader({})
    with pytest.raises(pyld.JsonLdError, match="never fetches"):
        loader("https://example.org/context.jsonld", {})


@pytest.mark.parametrize(
    "literal,native",
    [
        (Literal(2), 2),
        (Literal(-7), -7),
        (Literal(True), True),
        (Literal(False), False),
    ],
)
def test_canonical_integers_and_booleans_become_json_values(literal, native, snapshot):
    graph = Graph()
    graph.add((URIRef("https://example.org/x"), LER.position, literal))
    expanded = jsonld.to_expanded(graph)
    assert expanded[0][str(LER.position)] == [{"@value": native}]
    assert isomorphic(round_trip(expanded, snapshot.context), graph)


@pytest.mark.parametrize(
    "literal",
    [
        Literal("01", datatype=XSD_INTEGER, normalize=False),  # not canonical: stays "01"
        Literal(str(2**60), datatype=XSD_INTEGER),  # beyond what JSON numbers keep exactly
        Literal("1", datatype=XSD_BOOLEAN, normalize=False),
        Literal("2.50", datatype=XSD_DECIMAL, normalize=False),
    ],
    ids=["non-canonical-integer", "huge-integer", "boolean-1", "decimal"],
)
def test_other_typed_values_stay_typed_strings_and_round_trip(literal, snapshot):
    graph = Graph()
    graph.add((URIRef("https://example.org/x"), RDF.value, literal))
    expanded = jsonld.to_expanded(graph)
    (value,) = expanded[0][str(RDF.value)]
    assert value == {"@value": str(literal), "@type": str(literal.datatype)}
    loader = jsonld.offline_loader({CONTEXT_URL: snapshot.context})
    nquads = pyld.to_rdf(expanded, {"format": "application/n-quads", "documentLoader": loader})
    assert f'"{literal}"^^<{literal.datatype}>' in nquads  # the very same literal
