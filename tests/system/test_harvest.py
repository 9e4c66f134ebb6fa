"""The harvest round trip: a registry harvests a real `lerld serve` using only the links it
finds (VoID -> hydra:collection -> pages -> each member's JSON-LD), and gets exactly the
published entity graph.

What the collection covers: the entities, i.e. every triple of the data/ source graphs
(ingested credentials included). A member's document also carries the labels of what it
links to, and says what it is about and which dataset it is in (foaf:primaryTopic,
void:inDataset) and what links to it; the labels of things that are not entities (classes
of the vocabulary) and the links to entities from things that are not (the vocabulary
names its creator) are the only other extra triples, and each of them is in the dump."""

from __future__ import annotations

import pytest
import requests
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import FOAF

from lerld.core.settings import Settings
from lerld.core.terms import LABEL_PREDICATES
from lerld.project.snapshot import build_snapshot
from lerld.project.sources import graph_name
from tests.conftest import INGEST_DAY
from tests.harvesting import BASE, jsonld_graph, local

HYDRA_COLLECTION = URIRef("http://www.w3.org/ns/hydra/core#collection")
VOID_IN_DATASET = URIRef("http://rdfs.org/ns/void#inDataset")
DATASET = URIRef(BASE + ".well-known/void#dataset")


@pytest.fixture(scope="module")
def harvest(ingested_server, ingested_project):
    root, _ = ingested_project
    snapshot = build_snapshot(Settings(root=root))
    session = requests.Session()
    url = ingested_server.url
    void = Graph().parse(
        data=session.get(
            url + "/.well-known/void", headers={"Accept": "text/turtle"}, timeout=30
        ).content,
        format="turtle",
    )
    collection = str(next(void.objects(None, HYDRA_COLLECTION)))
    harvested, members, page_url = Graph(), [], collection
    while page_url:
        page = session.get(local(page_url, url), timeout=30).json()
        members += [m["@id"] for m in page["hydra:member"]]
        page_url = page["hydra:view"].get("hydra:next", {}).get("@id")
    for iri in members:
        r = session.get(local(iri, url), headers={"Accept": "application/ld+json"}, timeout=30)
        assert r.status_code == 200 and r.history[0].status_code == 303, iri
        harvested += jsonld_graph(r.content, snapshot.context)
    return snapshot, harvested, members


def data_graph(snapshot) -> Graph:
    names = [g for g in snapshot.graphs if g.startswith(graph_name("data/"))]
    return snapshot.store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?g { "
        + " ".join(f"<{n}>" for n in names)
        + " } GRAPH ?g { ?s ?p ?o } }"
    )


def test_harvest_finds_every_entity_and_the_published_entity_graph(harvest):
    snapshot, harvested, members = harvest
    data = data_graph(snapshot)
    assert (
        len(members)
        == len(set(members))
        == len({s for s in data.subjects() if str(s).startswith(BASE + "id/")})
    )
    entity_part = Graph()
    entity_part += (t for t in harvested if str(t[0]).startswith(BASE + "id/"))
    assert isomorphic(entity_part, data)
    # each document also says what it is about and which dataset it belongs to
    documents = {URIRef(BASE + "doc/" + m[len(BASE + "id/") :]): URIRef(m) for m in members}
    about = [t for t in harvested if t[0] in documents]
    assert {(d, FOAF.primaryTopic, e) for d, e in documents.items()} <= set(about)
    assert all(
        (t[1], t[2]) in ((FOAF.primaryTopic, documents[t[0]]), (VOID_IN_DATASET, DATASET))
        for t in about
    )
    extra = [
        t for t in harvested if not str(t[0]).startswith(BASE + "id/") and t[0] not in documents
    ]
    dump = snapshot.store.construct("CONSTRUCT WHERE { ?s ?p ?o }")
    # labels, and links to an entity from things that are not entities (the vocabulary
    # names its creator): every one of them is in the dump
    linking = set(documents.values())
    assert [t for t in extra if not (t[1] in LABEL_PREDICATES or t[2] in linking)] == []
    assert all(t in dump for t in extra)


def test_harvest_includes_the_ingested_credentials(harvest):
    _, _, members = harvest
    assert any(m.startswith(BASE + "id/credential/") for m in members)


def test_since_finds_an_existing_organization_that_ingested_credentials_name(
    ingested_server, ingested_project
):
    """The Digital Credentials Consortium is described (and dated) in data/organizations.ttl;
    the ingest adds that it issued LERs, on INGEST_DAY: an incremental harvest sees it."""
    dcc = BASE + "id/organization/digital-credentials-consortium"
    url = ingested_server.url + f"/entities.jsonld?type=ler:Organization&since={INGEST_DAY}"
    members = {m["@id"]: m for m in requests.get(url, timeout=30).json()["hydra:member"]}
    assert members[dcc]["dcterms:modified"] == [
        {"@value": INGEST_DAY, "@type": "http://www.w3.org/2001/XMLSchema#date"}
    ]
    assert BASE + "id/organization/credential-engine" not in members
    root, _ = ingested_project
    organizations = (root / "data" / "organizations.ttl").read_text()
    assert INGEST_DAY not in organizations  # its own dcterms:modified is older
    sitemap = requests.get(ingested_server.url + "/sitemap.xml", timeout=30).text
    assert (
        f"<loc>{BASE}doc/organization/digital-credentials-consortium</loc><lastmod>{INGEST_DAY}</lastmod>"
        in sitemap
    )
