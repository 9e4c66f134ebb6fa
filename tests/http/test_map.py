"""The relational map's documents, through the test client: /map by content negotiation
(the page, and the network in every RDF format), the network's content against SPARQL over
the data, the table view, and a page that needs nothing from elsewhere."""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pytest
from rdflib import RDF, Graph, URIRef
from rdflib.compare import isomorphic

from lerld.core.formats import DOCUMENT_FORMATS, RDF_FORMATS

LER = "https://w3id.org/ler/ns#"
# What the issue asks the map to show, plus the lifecycle stages, action areas, and the
# work streams and recommendations that tie stakeholder groups to them.
NODE_CLASSES = " ".join(
    f"<{LER}{name}>"
    for name in (
        "LifecycleStage",
        "ActionArea",
        "StakeholderGroup",
        "WorkStream",
        "Recommendation",
        "Organization",
        "Initiative",
        "TechnicalFramework",
        "Resource",
        "Topic",
        "GlossaryTerm",
    )
)
RDFS_SUBCLASS = "<http://www.w3.org/2000/01/rdf-schema#subClassOf>"


def expected_nodes(store) -> set[str]:
    rows = store.select(
        f"SELECT DISTINCT ?n WHERE {{ VALUES ?c {{ {NODE_CLASSES} }} ?n a/{RDFS_SUBCLASS}* ?c }}"
    )
    return {str(r["n"]) for r in rows}


def expected_edges(store) -> set[tuple[str, str, str]]:
    rows = store.select(
        f"""SELECT DISTINCT ?s ?p ?o WHERE {{
              ?s ?p ?o . FILTER (?p != <{RDF.type}>)
              VALUES ?c {{ {NODE_CLASSES} }} ?s a/{RDFS_SUBCLASS}* ?c .
              VALUES ?d {{ {NODE_CLASSES} }} ?o a/{RDFS_SUBCLASS}* ?d .
            }}"""
    )
    return {(str(r["s"]), str(r["p"]), str(r["o"])) for r in rows}


def network(client, fmt) -> Graph:
    response = client.get(f"/map.{fmt.extension}")
    assert response.status_code == 200
    assert response.mimetype == fmt.media_type
    body = response.data
    if fmt.key == "jsonld":
        document = json.loads(body)
        assert document["@context"] == "https://w3id.org/ler/ns/context.jsonld"
        document["@context"] = client.application.extensions["lerld"].current.context["@context"]
        body = json.dumps(document).encode()
    return Graph().parse(data=body, format=fmt.rdflib_format)


def test_map_negotiates_the_page_and_the_network(client):
    assert client.get("/map").mimetype == "text/html"
    assert client.get("/map", headers={"Accept": "text/turtle"}).mimetype == "text/turtle"
    response = client.get("/map", headers={"Accept": "application/n-triples"})
    assert response.headers["Content-Location"] == "/map.nt"
    links = response.headers["Link"]
    for fmt in DOCUMENT_FORMATS:
        if fmt.media_type != "application/n-triples":
            assert f"</map.{fmt.extension}>" in links
    assert client.get("/map", headers={"Accept": "image/png"}).status_code == 406
    assert client.get("/map.png").status_code == 404


def test_every_rdf_format_of_the_network_is_the_same_graph(client):
    reference = network(client, RDF_FORMATS[-1])
    for fmt in RDF_FORMATS:
        assert isomorphic(network(client, fmt), reference), fmt.label


def test_the_network_has_every_node_and_every_relation_between_nodes(client, snapshot):
    graph = network(client, next(f for f in RDF_FORMATS if f.key == "ntriples"))
    nodes = expected_nodes(snapshot.store)
    assert len(nodes) > 200
    assert {str(s) for s in graph.subjects(RDF.type, None)} == nodes
    for node in map(URIRef, nodes):  # each has a name the map can show
        assert graph.value(node, URIRef("http://www.w3.org/2004/02/skos/core#prefLabel")) or (
            graph.value(node, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
        ), node
    edges = expected_edges(snapshot.store)
    drawn = {(str(s), str(p), str(o)) for s, p, o in graph if str(o) in nodes and p != RDF.type}
    assert drawn == edges
    # The stages reach the stakeholder groups through the work streams.
    issuing = URIRef("https://w3id.org/ler/id/stage/issuing")
    assert (None, URIRef(LER + "stage"), issuing) in graph


class Page(HTMLParser):
    """The elements of a page that load something, and its inline code."""

    def __init__(self) -> None:
        super().__init__()
        self.loads: list[str] = []
        self.inline_scripts: list[str] = []
        self.style_attributes = 0
        self.links: list[str] = []
        self._script_type: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "style" in a or tag == "style":
            self.style_attributes += 1
        if tag == "script":
            if a.get("src"):
                self.loads.append(a["src"])
            else:
                self._script_type = a.get("type", "text/javascript")
        if tag == "link" and a.get("rel") == "stylesheet":
            self.loads.append(a["href"])
        if tag == "a" and a.get("href"):
            self.links.append(a["href"])

    def handle_data(self, data):
        if self._script_type is not None:
            self.inline_scripts.append(self._script_type)
            self._script_type = None


def parse_page(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_the_page_loads_only_its_own_scripts_and_styles(client):
    """Offline and under the Content-Security-Policy: no CDN, no inline code or style."""
    response = client.get("/map")
    assert "script-src 'self'" in response.headers["Content-Security-Policy"]
    page = parse_page(response.text)
    assert any(src.endswith("/map/map.js") for src in page.loads)
    assert set(page.inline_scripts) <= {"application/json", "application/ld+json"}
    assert page.style_attributes == 0
    modules = [src for src in page.loads if src.endswith(".js")]
    seen = set()
    while modules:  # the entry module and every module it imports, transitively
        src = modules.pop()
        assert src.startswith("/") and not src.startswith("//"), src
        seen.add(src)
        script = client.get(src)
        assert script.status_code == 200, src
        for name in re.findall(r'^import .* from "\./([\w-]+\.js)";$', script.text, re.M):
            target = src.rsplit("/", 1)[0] + "/" + name
            if target not in seen:
                modules.append(target)
        assert "http://" not in script.text and "https://" not in script.text, src
    assert len(seen) >= 4
    for src in page.loads:
        assert client.get(src).status_code == 200, src


def test_the_page_says_where_its_data_is_and_how_stages_reach_nodes(client):
    response = client.get("/map")
    text = response.text
    config = json.loads(re.search(r'id="map-config">(.*?)</script>', text, re.S).group(1))
    assert config["src"] == "/map.nt"  # an extension URL: the static site has it too
    assert client.get(config["src"]).status_code == 200
    assert "involved in Issuing when it has a work stream in Issuing" in text
    assert "the work streams and recommendations linked to it" in text
    for label in ("Developing", "Issuing", "Using", "Adopting", "Promoting Adoption"):
        assert f">{label}</button>" in text
    assert 'href="/map/table"' in text
    assert 'href="/map.ttl"' in text


@pytest.mark.parametrize("path", ["/map/table", "/map/table.html"])
def test_the_table_view_lists_every_node_and_relation(client, snapshot, path):
    response = client.get(path)
    assert response.status_code == 200
    page = parse_page(response.text)
    assert page.inline_scripts == [] or set(page.inline_scripts) == {"application/ld+json"}
    nodes = expected_nodes(snapshot.store)
    documents = {"/doc/" + n.split("/id/", 1)[1] for n in nodes}
    assert documents <= set(page.links)
    assert response.text.count("<tr><td>") == len(expected_edges(snapshot.store))


def test_the_navigation_links_to_the_map(client):
    assert 'href="/map"' in client.get("/").text
