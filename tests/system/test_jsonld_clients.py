"""Stock Linked Data clients against a real `lerld serve` that is not at its canonical base
(`--public-url http://127.0.0.1:PORT/`, as a mirror, staging or local deployment): pyld
with its default (requests) document loader and jsonld.js with its node document loader
expand, compact and flatten every kind of document, fetching the JSON-LD context from the
serving host; rdflib and SPARQLWrapper harvest the same graph. Each client's triples are
compared with the Turtle the server gives for the same document.

jsonld.js is installed from tests/js/package-lock.json (`npm ci`) when it is missing: the
test fails, never skips, without node and npm."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from pyld import jsonld
from pyld.documentloader.requests import RequestsDocumentLoader
from rdflib import Graph
from rdflib.compare import isomorphic
from SPARQLWrapper import JSONLD, TURTLE, SPARQLWrapper

from lerld.core.formats import DOCUMENT_FORMATS, alternate_relation
from lerld.core.jsonld import default_graph
from tests.support import free_port, lerld_command, server

REPO = Path(__file__).resolve().parents[2]
JS = Path(__file__).resolve().parents[1] / "js"
BASE = "https://w3id.org/ler/"
# one entity of every kind the data has
ENTITIES = [
    "action-area/supporting-degree-and-skills-based-systems",
    "advantage/verifiable-credentials-6",
    "framework/interoperability-principles",
    "glossary/comprehensive-learner-record",
    "glossary-sense/verifiable-credential-2",
    "guidance/technical-guidance",
    "initiative/w3c-verifiable-credentials-working-group",
    "ler-role/verifier",
    "organization/us-chamber-of-commerce-foundation",
    "principle/public-and-private-partnerships-creating-public-good",
    "quote/supporting-systems",
    "recommendation/supporting-systems-supporting-2",
    "resource/whats-the-key-to-building-learning-and-employment-records",
    "resource-category/on-employment-workforce-and-governance",
    "scenario/how-we-use-lers",
    "scenario-step/how-we-use-lers-6",
    "scheme/topics",
    "stage/using",
    "stakeholder/employers",
    "standard/decentralized-identifiers",
    "topic/digital-credentials",
    "value-proposition/supporting-systems-social-2",
    "work-stream/supporting-systems-using-2",
]
# (the JSON-LD URL a client is given, the URL of its Turtle twin or None)
DOCUMENTS = [
    *((f"/id/{e}", f"/doc/{e}.ttl") for e in ENTITIES),
    ("/ns", "/ns.ttl"),
    ("/shapes", "/shapes.ttl"),
    ("/.well-known/void", "/.well-known/void.ttl"),
    ("/dump.jsonld", "/dump.ttl"),
    ("/entities.jsonld", None),
    ("/entities/2.jsonld", None),
]


@pytest.fixture(scope="module")
def mirror(tmp_path_factory):
    """`lerld serve` at the canonical base URI, reached at a loopback URL."""
    port = free_port()
    public = f"http://127.0.0.1:{port}/"
    log = tmp_path_factory.mktemp("mirror") / "serve.log"
    command = lerld_command(
        "--root", str(REPO), "serve", "--port", str(port), "--public-url", public
    )
    with server(command, port, log) as running:
        yield running


def context_url(mirror) -> str:
    return mirror.url + "/ns/context.jsonld"


def turtle(mirror, path: str) -> Graph:
    r = requests.get(mirror.url + path, timeout=60)
    assert r.status_code == 200, path
    return Graph().parse(data=r.content, format="turtle")


def graph_of(nquads: str) -> Graph:
    return Graph().parse(data=nquads, format="nt")


def served_graph(mirror, snapshot, path: str) -> Graph:
    """The triples of the server's own compacted JSON-LD, read offline (for documents that
    have no Turtle twin)."""
    body = requests.get(mirror.url + path, timeout=60).json()
    return graph_of(default_graph(body, {context_url(mirror): snapshot.context}))


def expected_graph(mirror, snapshot, path: str, twin: str | None) -> Graph:
    return turtle(mirror, twin) if twin else served_graph(mirror, snapshot, path)


def test_json_ld_names_the_context_on_the_serving_host(mirror):
    r = requests.get(
        mirror.url + "/id/stakeholder/employers",
        headers={"Accept": "application/ld+json"},
        timeout=30,
    )
    assert r.json()["@context"] == context_url(mirror)
    assert (
        f'<{context_url(mirror)}>; rel="http://www.w3.org/ns/json-ld#context"' in r.headers["Link"]
    )
    context = requests.get(context_url(mirror), timeout=30)
    assert context.status_code == 200 and "@context" in context.json()


@pytest.mark.parametrize("path,twin", DOCUMENTS, ids=[d[0] for d in DOCUMENTS])
def test_pyld_default_loader(mirror, snapshot, path, twin):
    loader = jsonld.get_document_loader()
    assert isinstance(loader, RequestsDocumentLoader)  # pyld's default, untouched
    url = mirror.url + path
    expanded = jsonld.expand(url)
    assert isinstance(expanded, list) and expanded
    compacted = jsonld.compact(url, context_url(mirror))
    assert compacted["@context"] == context_url(mirror)
    flattened = jsonld.flatten(url, context_url(mirror))
    assert flattened["@graph"]
    nquads = jsonld.to_rdf(url, {"format": "application/n-quads"})
    assert isomorphic(graph_of(nquads), expected_graph(mirror, snapshot, path, twin))


def test_pyld_follows_the_json_ld_alternate_of_an_html_page(mirror):
    """JSON-LD 1.1 §9.1: from a document that is not JSON, a processor follows the Link
    rel="alternate" of type application/ld+json. pyld fails when there are several."""
    url = mirror.url + "/doc/stakeholder/employers.html"
    nquads = jsonld.to_rdf(url, {"format": "application/n-quads"})
    assert isomorphic(graph_of(nquads), turtle(mirror, "/doc/stakeholder/employers.ttl"))


def links(header: str) -> list[tuple[str, dict[str, str]]]:
    """An RFC 8288 Link header as (target, parameters): enough for lerld's own links."""
    found = []
    for target, params in re.findall(r"<([^>]*)>((?:\s*;\s*[^;,=]+=\"[^\"]*\")*)", header):
        found.append((target, dict(re.findall(r';\s*([^;,=]+)="([^"]*)"', params))))
    return found


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS, ids=lambda f: f.key)
def test_every_twin_is_an_alternate_and_only_the_json_ld_one_alone(mirror, fmt):
    r = requests.get(
        mirror.url + "/doc/stakeholder/employers",
        headers={"Accept": fmt.media_type},
        timeout=30,
    )
    twins = {
        params["type"]: params["rel"].split()
        for target, params in links(r.headers["Link"])
        if target.startswith("/doc/")
    }
    assert set(twins) == {f.media_type for f in DOCUMENT_FORMATS if f != fmt}
    assert all("alternate" in rel for rel in twins.values())
    plain = [t for t, rel in twins.items() if rel == ["alternate"]]
    assert plain == ([] if fmt.key == "jsonld" else ["application/ld+json"])
    assert all(
        alternate_relation(f).split() == twins[f.media_type] for f in DOCUMENT_FORMATS if f != fmt
    )


@pytest.fixture(scope="session")
def jsonld_js() -> Path:
    """tests/js with jsonld.js installed (npm ci from the lock file when missing)."""
    node, npm = shutil.which("node"), shutil.which("npm")
    assert node and npm, "the jsonld.js tests need node and npm (Debian: nodejs, npm)"
    if not (JS / "node_modules" / "jsonld" / "package.json").exists():
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True, timeout=600)
    return JS


def test_jsonld_js_node_loader(mirror, snapshot, jsonld_js):
    urls = [mirror.url + path for path, _ in DOCUMENTS]
    run = subprocess.run(
        ["node", str(jsonld_js / "harvest.mjs"), context_url(mirror), *urls],
        capture_output=True,
        text=True,
        timeout=600,
    )
    results = [json.loads(line) for line in run.stdout.splitlines()]
    failures = [r for r in results if "error" in r]
    assert not failures and run.returncode == 0, (failures, run.stderr[-2000:])
    assert [r["url"] for r in results] == urls
    for (path, twin), result in zip(DOCUMENTS, results, strict=True):
        assert result["expanded"] > 0 and result["compacted"] and result["flattened"] > 0, path
        expected = expected_graph(mirror, snapshot, path, twin)
        assert isomorphic(graph_of(result["nquads"]), expected), path


@pytest.mark.parametrize(
    "path,twin",
    [
        ("/id/stakeholder/employers", "/doc/stakeholder/employers.ttl"),
        ("/ns", "/ns.ttl"),
        ("/.well-known/void", "/.well-known/void.ttl"),
    ],
)
def test_rdflib_reads_the_json_ld_and_its_default_negotiation(mirror, path, twin):
    """rdflib's Graph.parse(url): as JSON-LD (its own loader fetches the context from the
    serving host), and with its default Accept header (every RDF type it reads)."""
    expected = turtle(mirror, twin)
    assert isomorphic(Graph().parse(mirror.url + path, format="json-ld"), expected)
    assert isomorphic(Graph().parse(mirror.url + path), expected)


def test_sparqlwrapper_harvests_the_published_graph(mirror):
    dump = Graph().parse(
        data=requests.get(mirror.url + "/dump.nt", timeout=60).content, format="nt"
    )
    for fmt in (TURTLE, JSONLD):
        wrapper = SPARQLWrapper(mirror.url + "/sparql")
        wrapper.setQuery("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")
        wrapper.setReturnFormat(fmt)
        wrapper.setTimeout(60)
        converted = wrapper.queryAndConvert()
        # SPARQLWrapper gives Turtle as bytes, JSON-LD as an rdflib graph
        graph = converted if fmt == JSONLD else Graph().parse(data=converted, format="turtle")
        assert isinstance(graph, Graph)
        assert isomorphic(graph, dump), fmt


def test_public_url_is_checked_and_names_the_context(tmp_path):
    from lerld.cli import main
    from lerld.core.settings import Settings

    with pytest.raises(ValueError, match="public URL"):
        Settings(public_url="staging.example.org/ler")
    with pytest.raises(SystemExit) as exit_:
        main(["serve", "--public-url", "https://example.org/no-slash"])
    assert exit_.value.code == 2
    assert Settings(public_url="http://h/ler/").served_base == "http://h/ler/"
    assert Settings().served_base == BASE
