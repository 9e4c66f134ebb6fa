"""The VoID + DCAT 3 description at /.well-known/void, from a real `lerld serve`: content
negotiation like every document, the counts, partitions, dumps and services it states."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
import requests
from rdflib import RDF, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF

from lerld.core.formats import DUMP_FORMATS, RDF_FORMATS
from lerld.core.terms import LER, SH
from tests.harvesting import BASE, jsonld_graph, local

VOID = Namespace("http://rdfs.org/ns/void#")
# (a plain Namespace: rdflib's closed DCAT namespace warns when pytest inspects it)
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DATASET = URIRef(BASE + ".well-known/void#dataset")


@pytest.fixture(scope="module")
def void(live_server) -> Graph:
    r = requests.get(
        live_server.url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle")
    assert r.headers["Content-Location"] == "/.well-known/void.ttl"
    return Graph().parse(data=r.content, format="turtle")


def value(graph, predicate, subject=DATASET):
    return graph.value(subject, predicate)


@pytest.mark.parametrize("fmt", RDF_FORMATS, ids=lambda f: f.key)
def test_void_in_every_format(live_server, void, snapshot, fmt):
    r = requests.get(f"{live_server.url}/.well-known/void.{fmt.extension}", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] == fmt.content_type
    graph = (
        jsonld_graph(r.content, snapshot.context)
        if fmt.key == "jsonld"
        else Graph().parse(data=r.content, format=fmt.rdflib_format)
    )
    assert len(graph) == len(void)


def test_void_html_for_browsers(live_server):
    r = requests.get(
        live_server.url + "/.well-known/void", headers={"Accept": "text/html"}, timeout=30
    )
    assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/html")


def test_dataset_metadata(void, snapshot):
    assert (DATASET, RDF.type, VOID.Dataset) in void and (DATASET, RDF.type, DCAT.Dataset) in void
    for predicate in (DCTERMS.title, DCTERMS.description, DCTERMS.license, DCTERMS.publisher):
        assert value(void, predicate) is not None, predicate
    assert str(value(void, DCTERMS.modified)) == snapshot.modified.date().isoformat()
    assert str(value(void, VOID.uriSpace)) == BASE + "id/"
    assert value(void, VOID.sparqlEndpoint) == URIRef(BASE + "sparql")
    assert URIRef(str(LER)) in set(void.objects(DATASET, VOID.vocabulary))
    publisher = value(void, DCTERMS.publisher)
    assert void.value(publisher, URIRef("http://www.w3.org/2000/01/rdf-schema#label")) is not None


def test_counts_are_the_stores(void, snapshot):
    rows = snapshot.store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(value(void, VOID.triples)) == int(rows[0]["n"])
    entities = snapshot.store.select(
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), '{BASE}id/') }}"
    )
    assert int(value(void, VOID.entities)) == int(entities[0]["n"])
    by_property = sum(
        int(void.value(p, VOID.triples)) for p in void.objects(DATASET, VOID.propertyPartition)
    )
    assert by_property == int(value(void, VOID.triples))
    groups = next(
        p
        for p in void.objects(DATASET, VOID.classPartition)
        if void.value(p, VOID["class"]) == LER.StakeholderGroup
    )
    assert void.value(groups, VOID.entities) == Literal(10)
    examples = set(void.objects(DATASET, VOID.exampleResource))
    assert URIRef(BASE + "id/stakeholder/employers") in examples


def test_every_dump_is_a_void_data_dump_and_a_dcat_distribution(void, live_server):
    dumps = {str(d) for d in void.objects(DATASET, VOID.dataDump)}
    assert dumps == {f"{BASE}dump.{f.extension}" for f in DUMP_FORMATS}
    distributions = list(void.objects(DATASET, DCAT.distribution))
    assert len(distributions) == len(DUMP_FORMATS)
    for d in distributions:
        url = str(void.value(d, DCAT.downloadURL))
        assert url in dumps and void.value(d, DCAT.mediaType) is not None
        assert requests.head(local(url, live_server.url), timeout=60).status_code == 200


def test_data_services_for_the_endpoint_and_the_collection(void):
    services = {
        str(void.value(s, DCAT.endpointURL)): s for s in void.subjects(RDF.type, DCAT.DataService)
    }
    assert set(services) == {BASE + "sparql", BASE + "entities.jsonld"}
    for service in services.values():
        assert void.value(service, DCAT.servesDataset) == DATASET


def test_home_page_links_the_void_and_embeds_a_schema_org_dataset(client):
    html = client.get("/", headers={"Accept": "text/html"}).data.decode()
    assert 'rel="describedby"' in html and "/.well-known/void" in html
    assert '"@type": "Dataset"' in html or '"@type":"Dataset"' in html


def test_the_vocabularies_we_name_resolve_here(void, live_server, sources):
    """Our vocabulary and its alignment module (https://w3id.org/ler/ns/alignment, which
    the vocabulary's page links to) are documents, by content negotiation."""
    assert URIRef(str(LER)) in set(void.objects(DATASET, VOID.vocabulary))
    alignment = next(f.graph for f in sources.files if f.relpath == "ontology/alignment.ttl")
    r = requests.get(
        live_server.url + "/ns/alignment", headers={"Accept": "text/turtle"}, timeout=30
    )
    assert r.status_code == 200 and r.headers["Content-Location"] == "/ns/alignment.ttl"
    assert isomorphic(Graph().parse(data=r.content, format="turtle"), alignment)
    page = requests.get(
        live_server.url + "/ns/alignment", headers={"Accept": "text/html"}, timeout=30
    )
    assert page.status_code == 200 and 'id="Organization"' in page.text


DCAT_AP_SHAPES = (
    Path(__file__).resolve().parents[1] / "standards" / "dcat-ap" / "dcat-ap-SHACL-3.0.0.ttl"
)


def test_the_description_passes_the_dcat_ap_3_shapes(void):
    """What European and national data portals harvest: DCAT-AP 3.0's own SHACL shapes,
    with RDFS inference, find nothing to report, and VoID is still there."""
    shapes = Graph().parse(DCAT_AP_SHAPES, format="turtle")
    conforms, report, text = pyshacl.validate(
        void, shacl_graph=shapes, inference="rdfs", allow_warnings=False
    )
    assert conforms, text
    assert not list(report.subjects(RDF.type, SH.ValidationResult)), text
    assert (DATASET, RDF.type, VOID.Dataset) in void
    catalog = next(void.subjects(RDF.type, DCAT.Catalog))
    assert (catalog, DCAT.dataset, DATASET) in void
    assert set(void.objects(catalog, DCAT.service)) == set(
        void.subjects(RDF.type, DCAT.DataService)
    )


def test_the_shapes_do_find_what_dcat_ap_forbids(void):
    """The check above can fail: the same shapes reject the description once its media
    types are untyped strings, as a plain DCAT description might give them."""
    broken = Graph() + void
    for distribution, media_type in list(broken.subject_objects(DCAT.mediaType)):
        broken.remove((distribution, DCAT.mediaType, media_type))
        broken.add((distribution, DCAT.mediaType, Literal("text/turtle")))
    shapes = Graph().parse(DCAT_AP_SHAPES, format="turtle")
    conforms, _, _ = pyshacl.validate(broken, shacl_graph=shapes, inference="rdfs")
    assert not conforms


def test_every_entity_document_names_its_dataset(live_server):
    r = requests.get(
        live_server.url + "/id/stakeholder/employers", headers={"Accept": "text/turtle"}, timeout=30
    )
    graph = Graph().parse(data=r.content, format="turtle")
    document = URIRef(BASE + "doc/stakeholder/employers")
    assert (document, VOID.inDataset, DATASET) in graph
    assert (document, FOAF.primaryTopic, URIRef(BASE + "id/stakeholder/employers")) in graph
