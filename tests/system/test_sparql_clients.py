"""Client compatibility: SPARQLWrapper, the SPARQL client researchers use from Python,
against the real servers (embedded store, and remote Oxigraph store), in every query form
and result format it offers, by GET and by POST."""

from __future__ import annotations

import csv
import io
import xml.etree.ElementTree as ET

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF
from SPARQLWrapper import CSV, GET, JSON, JSONLD, N3, POST, RDFXML, TSV, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

from lerld.core.terms import LER

EMPLOYERS = "https://w3id.org/ler/id/stakeholder/employers"
SELECT = (
    "PREFIX ler: <https://w3id.org/ler/ns#> "
    "SELECT ?stage WHERE { ?stage a ler:LifecycleStage } ORDER BY ?stage"
)
ASK = f"ASK {{ <{EMPLOYERS}> a <https://w3id.org/ler/ns#StakeholderGroup> }}"
CONSTRUCT = f"CONSTRUCT {{ <{EMPLOYERS}> ?p ?o }} WHERE {{ <{EMPLOYERS}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{EMPLOYERS}>"
STAGES = [
    f"https://w3id.org/ler/id/stage/{s}" for s in ("adopting", "developing", "issuing", "using")
]


def client(server, query: str, fmt: str, method: str) -> SPARQLWrapper:
    wrapper = SPARQLWrapper(server.url + "/sparql")
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    wrapper.setTimeout(30)
    return wrapper


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_select(sparql_server, fmt, method):
    result = client(sparql_server, SELECT, fmt, method).query()
    converted = result.convert()
    if fmt == JSON:
        stages = [b["stage"]["value"] for b in converted["results"]["bindings"]]
    elif fmt == XML:
        stages = [u.firstChild.data for u in converted.getElementsByTagName("uri")]
    elif fmt == CSV:
        stages = [row[0] for row in list(csv.reader(io.StringIO(converted.decode())))[1:]]
    else:
        stages = [line.strip("<>") for line in converted.decode().splitlines()[1:]]
    assert stages == STAGES


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [JSON, XML, CSV, TSV])
def test_ask(sparql_server, fmt, method):
    converted = client(sparql_server, ASK, fmt, method).query().convert()
    if fmt == JSON:
        assert converted["boolean"] is True
    elif fmt == XML:
        assert converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
    else:
        assert converted.decode().strip() == "true"


@pytest.mark.parametrize("method", [GET, POST])
@pytest.mark.parametrize("fmt", [XML, RDFXML, TURTLE, N3, JSONLD])
@pytest.mark.parametrize("query", [CONSTRUCT, DESCRIBE], ids=["construct", "describe"])
def test_graph_queries(sparql_server, snapshot, query, fmt, method):
    result = client(sparql_server, query, fmt, method).query()
    converted = result.convert()
    if isinstance(converted, bytes):  # Turtle and N3 come as text
        converted = Graph().parse(data=converted, format="turtle")
    assert isinstance(converted, Graph)
    assert (URIRef(EMPLOYERS), RDF.type, LER.StakeholderGroup) in converted
    expected = snapshot.store.construct(CONSTRUCT)
    assert set(expected) <= set(converted)


def test_post_directly_and_protocol_errors(sparql_server):
    wrapper = client(sparql_server, SELECT, JSON, POST)
    wrapper.setRequestMethod("postdirectly")
    bindings = wrapper.query().convert()["results"]["bindings"]
    assert [b["stage"]["value"] for b in bindings] == STAGES
    with pytest.raises(QueryBadFormed):
        client(sparql_server, "SELECT * WHERE { ?s ?p }", JSON, GET).query()


def test_xml_results_are_sparql_results(sparql_server):
    raw = client(sparql_server, SELECT, XML, GET).query().response.read()
    root = ET.fromstring(raw)
    assert root.tag == "{http://www.w3.org/2005/sparql-results#}sparql"
