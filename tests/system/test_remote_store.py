"""The remote store on real SPARQL servers, Oxigraph server and Virtuoso 7 with its default
security (writes only on its -auth endpoints with HTTP Digest): the Store contract (the
same answers as the embedded store), every URL of `lerld serve --endpoint` the same as on
the embedded store, `lerld load` publishing in one step with the store's credentials
(never half-loaded, old version kept on failure), and honest errors: 400 for the
client's query, 502 for a store that fails lerld's own, 503 for a store that is down,
with no store URL, graph IRI or rewritten query in a public answer."""

from __future__ import annotations

import gzip
import http.server
import json
import os
import re
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

from lerld.core.errors import MalformedQuery, StoreFailed, StoreUnavailable
from lerld.core.formats import CSV, NTRIPLES, SPARQL_JSON, TSV, TURTLE
from lerld.core.settings import Settings
from lerld.project.snapshot import build_snapshot
from lerld.project.sources import SOURCE_GRAPH_BASE, graph_data, graph_name, load_sources
from lerld.stores import GraphData, QueryDataset
from lerld.stores.remote import MANIFEST, STAGING, UNION, RemoteStore
from lerld.stores.results import Formats, read_json
from lerld.tools.build import crawl
from tests.conftest import serve_remote
from tests.support import ENGINES, free_port, lerld_command, server, store_server

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = """@prefix ler: <https://w3id.org/ler/ns#> .
@prefix organization: <https://w3id.org/ler/id/organization/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix schema: <https://schema.org/> .
@prefix stakeholder: <https://w3id.org/ler/id/stakeholder/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

organization:example-foundation a ler:Organization ;
    rdfs:label "Example Foundation"@en ;
    schema:url <https://example.org/> ;
    ler:stakeholderGroup stakeholder:funders ;
    dcterms:modified "2026-11-23"^^xsd:date .
"""
EXAMPLE_IRI = "https://w3id.org/ler/id/organization/example-foundation"
SOURCE_COUNT = (
    "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } "
    'FILTER(STRSTARTS(STR(?g), "https://w3id.org/ler/source/")) }'
)
RDF_FILES = {"ttl": "turtle", "nt": "nt", "rdf": "xml", "jsonld": "json-ld"}


@pytest.fixture(params=ENGINES)
def empty_store(request, tmp_path):
    """A fresh, empty server of each engine for one test."""
    with store_server(request.param, tmp_path) as running:
        yield running


def load(root: Path, endpoint: str) -> subprocess.CompletedProcess:
    """`lerld load` into a store that asks for no credentials (other modules use it)."""
    return subprocess.run(
        lerld_command("--root", str(root), "load", "--endpoint", endpoint),
        capture_output=True,
        text=True,
        timeout=120,
    )


def count(store: RemoteStore) -> int:
    """The triples in the source graphs, whatever the manifest says (all named graphs)."""
    answer = store.query(SOURCE_COUNT, Formats(CSV, TURTLE), QueryDataset(in_query=True))
    return int(answer.body.decode().splitlines()[1])


def lerld_graphs(store: RemoteStore) -> list[str]:
    """The graphs lerld put in the store (a Virtuoso holds system graphs of its own)."""
    return [g for g in store.graph_names() if g.startswith(("urn:lerld:", SOURCE_GRAPH_BASE))]


def no_leak(text: str, store) -> None:
    """Nothing of the store's inside in a public answer."""
    # the request id is random hex, which may spell "dba" (the Virtuoso account's name)
    text = re.sub(r"\(request id [0-9a-f]+\)", "(request id)", text)
    for secret in (store.query.split("/")[2], UNION, MANIFEST, SOURCE_GRAPH_BASE, "dba"):
        assert secret not in text, secret
    for store_words in ("Virtuoso", "SPARQL query:", "define input:"):
        assert store_words not in text, store_words


# --- the Store contract: the same answers as the embedded store ----------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?label WHERE { ?g a <https://w3id.org/ler/ns#StakeholderGroup> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?label",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
        # texts with commas, quotes and line breaks; languages; an unbound variable
        "SELECT ?s ?text (LANG(?text) AS ?language) ?none WHERE { ?s "
        "<http://purl.org/dc/terms/description> ?text OPTIONAL { ?s <urn:none> ?none } } "
        "ORDER BY ?s ?text",
    ],
)
def test_select_answers_equal_the_embedded_stores(snapshot, loaded_store, query):
    remote = loaded_store.store()
    assert remote.select(query) == snapshot.store.select(query)
    assert remote.select_values(query) == snapshot.store.select_values(query)
    for fmt in (SPARQL_JSON, CSV, TSV):
        formats = Formats(fmt, TURTLE)
        assert remote.query(query, formats).body == snapshot.store.query(query, formats).body


def test_ask_construct_and_truncation_equal_the_embedded_stores(snapshot, loaded_store):
    remote = loaded_store.store()
    employers = "<https://w3id.org/ler/id/stakeholder/employers>"
    assert remote.ask(f"ASK {{ {employers} ?p ?o }}") is True
    assert remote.ask("ASK { <urn:nothing> ?p ?o }") is False
    construct = f"CONSTRUCT {{ {employers} ?p ?o }} WHERE {{ {employers} ?p ?o }}"
    assert isomorphic(remote.construct(construct), snapshot.store.construct(construct))
    everything = "SELECT * WHERE { ?s ?p ?o }"
    cut = remote.query(everything, Formats(SPARQL_JSON, NTRIPLES), max_rows=7)
    assert (len(read_json(cut.body)[1]), cut.truncated) == (7, True)
    triples = remote.query(
        "CONSTRUCT WHERE { ?s ?p ?o }", Formats(SPARQL_JSON, NTRIPLES), max_rows=7
    )
    assert (triples.truncated, len(triples.body.splitlines())) == (True, 7)
    with pytest.raises(MalformedQuery):
        remote.select("SELECT * WHERE { ?s ?p }")


def test_the_published_dataset_hides_the_manifest_and_the_union(loaded_store, snapshot):
    remote = loaded_store.store()
    assert remote.manifest().graphs == tuple(sorted(snapshot.graphs))
    assert remote.ask(f"ASK {{ <{MANIFEST}> ?p ?o }}") is False
    graphs = {
        str(r["g"]) for r in remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }")
    }
    assert graphs == set(snapshot.graphs)
    # the default graph is the union of the source graphs, blank nodes shared with them
    shared = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o FILTER(isBlank(?s)) GRAPH ?g { ?s ?p ?o } }"
    assert remote.select(shared) == snapshot.store.select(shared)


def test_every_query_of_the_describe_is_the_embedded_stores(loaded_store, snapshot):
    from lerld.publish import describe, index

    remote = loaded_store.store()
    entities = [
        str(r["s"])
        for r in snapshot.store.select(
            "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s"
        )
    ]
    assert len(entities) > 300
    nested = 0
    for iri in entities:
        assert isomorphic(describe.describe(remote, iri), describe.describe(snapshot.store, iri))
        here = describe.bounded_description(snapshot.store, iri)
        assert isomorphic(describe.bounded_description(remote, iri), here), iri
        # asked one level deep first: the same as the full depth
        assert isomorphic(here, snapshot.store.construct(describe.describe_query(iri))), iri
        nested += any(isinstance(s, BNode) and isinstance(o, BNode) for s, _, o in here)
    assert nested > 0  # some descriptions do need the full depth
    assert index.subclasses(remote) == index.subclasses(snapshot.store)
    base = "https://w3id.org/ler/"
    assert index.entity_index(remote, base) == index.entity_index(snapshot.store, base)
    assert index.entity_count(remote, base) == len(index.entity_index(remote, base))


# --- every URL of the site: the same on each engine as on the embedded store ----------------


@pytest.fixture(scope="session")
def embedded_site(app):
    """Every file of the site as the embedded store answers it (the static build's crawl)."""
    return crawl(app)


def current_page(body: bytes) -> bytes:
    """A page without its menu's aria-current: /x and /x.html share one rendering per
    snapshot, marked current or not by which of the two was asked for first."""
    return body.replace(b' aria-current="page"', b"")


def url_of(file: str, client) -> str:
    """The URL of a file of the static site: a page's own path (/topics for topics.html),
    else the file's name (/doc/x/y.html, a negotiated document's HTML)."""
    if file == "index.html":
        return "/"
    page = "/" + file.removesuffix(".html")
    if file.endswith(".html") and "Content-Location" not in client.get(page).headers:
        return page
    return "/" + file


def rdf_of(body: bytes, file: str, context: dict) -> Graph:
    if file.endswith(".gz"):
        body, file = gzip.decompress(body), file[:-3]
    kind = RDF_FILES[file.rsplit(".", 1)[-1]]
    if kind == "json-ld":
        document = json.loads(body)
        document["@context"] = context["@context"]  # our context, resolved locally
        body = json.dumps(document).encode()
    return Graph().parse(data=body, format=kind)


def test_every_url_of_the_site_is_the_embedded_stores(
    embedded_site, remote_site, loaded_store, app, snapshot
):
    files = {f: body for f, body in embedded_site.files.items() if f != "404.html"}
    assert len(files) > 1500 and "entities.jsonld" in files and "sitemap.xml" in files
    remote_version = loaded_store.store().manifest().version
    embedded = app.test_client()
    session = requests.Session()
    different = []
    for file, body in sorted(files.items()):
        url = url_of(file, embedded)
        here = embedded.get(url)
        there = session.get(remote_site.url + url, timeout=30)
        assert (there.status_code, there.headers["Content-Type"]) == (
            here.status_code,
            here.headers["Content-Type"],
        ), url
        theirs = there.content.replace(remote_version.encode(), snapshot.version.encode())
        if current_page(theirs) == current_page(body):
            continue
        rdf = file.removesuffix(".gz").rsplit(".", 1)[-1] in RDF_FILES
        if rdf and isomorphic(
            rdf_of(theirs, file, snapshot.context), rdf_of(body, file, snapshot.context)
        ):
            continue
        different.append(url)
    assert not different, different[:20]
    # the /id/ IRIs redirect the same way
    for file in [f for f in files if f.startswith("doc/") and f.endswith(".ttl")][:100]:
        iri_path = "/id/" + file[4:-4]
        here = embedded.get(iri_path, headers={"Accept": "text/turtle"})
        there = session.get(
            remote_site.url + iri_path,
            headers={"Accept": "text/turtle"},
            allow_redirects=False,
            timeout=30,
        )
        assert (
            there.status_code,
            there.headers["Location"].endswith(here.headers["Location"]),
        ) == (
            303,
            True,
        ), iri_path


# --- /sparql on a remote store: one format asked by the query's form -------------------------


GRAPH_FORMATS = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
}


def sparql(base: str, query: str, accept: str) -> requests.Response:
    return requests.get(
        base + "/sparql", params={"query": query}, headers={"Accept": accept}, timeout=30
    )


def test_sparql_answers_in_the_type_asked_for_each_form(remote_site, live_server, loaded_store):
    construct = (
        "CONSTRUCT { ?g ?p ?o } WHERE { ?g a <https://w3id.org/ler/ns#StakeholderGroup> ; ?p ?o }"
    )
    for accept, kind in GRAPH_FORMATS.items():
        there = sparql(remote_site.url, construct, accept)
        here = sparql(live_server.url, construct, accept)
        assert there.status_code == 200, there.text
        assert there.headers["Content-Type"].split(";")[0] == accept
        assert isomorphic(
            Graph().parse(data=there.content, format=kind),
            Graph().parse(data=here.content, format=kind),
        )
    jsonld = sparql(remote_site.url, construct, "application/ld+json")
    assert jsonld.headers["Content-Type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.content, format="json-ld")) > 50
    # an empty graph is empty, not a comment counted as a triple
    empty = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o FILTER(false) }"
    answer = sparql(remote_site.url, empty, "application/n-triples")
    assert (answer.status_code, answer.content.strip()) == (200, b"")


def test_blank_nodes_in_csv_and_tsv_have_valid_labels(remote_site, live_server):
    query = "SELECT ?b ?p WHERE { ?b ?p ?o FILTER(isBlank(?b)) } ORDER BY ?p LIMIT 20"
    for accept, column in (("text/csv", 0), ("text/tab-separated-values", 0)):
        there = sparql(remote_site.url, query, accept)
        here = sparql(live_server.url, query, accept)
        assert there.status_code == 200
        split = "," if accept == "text/csv" else "\t"
        labels = [line.split(split)[column] for line in there.text.splitlines()[1:]]
        assert len(labels) == len(here.text.splitlines()) - 1 == 20
        for label in labels:
            assert re.fullmatch(r"_:[A-Za-z0-9_][A-Za-z0-9_-]*", label), label


# --- honest errors: 400 the client's query, 502 the store's failure, 503 a store that is down --


class FailingProxy(http.server.ThreadingHTTPServer):
    """A proxy in front of a real store that, once `failing` is set, spoils every query it
    passes on: the real store then rejects lerld's own queries with its own message."""

    def __init__(self, target: str) -> None:
        self.target, self.failing = target, False
        super().__init__(("127.0.0.1", 0), _Forward)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/sparql"


class _Forward(http.server.BaseHTTPRequestHandler):
    def do_POST(self) -> None:
        from urllib.parse import parse_qsl, urlencode

        body = self.rfile.read(int(self.headers["Content-Length"]))
        form = parse_qsl(body.decode())
        if self.server.failing:
            form = [(k, v + " }}" if k == "query" else v) for k, v in form]
        answer = requests.post(
            self.server.target,
            data=urlencode(form),
            headers={
                "Accept": self.headers["Accept"],
                "Content-Type": "application/x-www-form-urlencoded",
            },
            timeout=30,
        )
        self.send_response(answer.status_code)
        self.send_header("Content-Type", answer.headers.get("Content-Type", "text/plain"))
        self.send_header("Content-Length", str(len(answer.content)))
        self.end_headers()
        self.wfile.write(answer.content)

    def log_message(self, *args) -> None:
        pass


def test_a_malformed_client_query_is_400_about_its_own_lines(
    remote_site, live_server, loaded_store
):
    query = "PREFIX ler: <https://w3id.org/ler/ns#>\nSELECT *\nWHERE {\n  ?s ler:name ?o ) .\n}"
    answer = sparql(remote_site.url, query, "application/sparql-results+json")
    assert answer.status_code == 400
    # the embedded store's words, about a line and column of the client's five lines
    assert answer.text == sparql(live_server.url, query, "application/sparql-results+json").text
    assert re.search(r"\bat [1-5]:\d+", answer.text), answer.text
    no_leak(answer.text, loaded_store)


def test_a_store_that_fails_lerlds_queries_is_502_without_leaks(loaded_store, tmp_path):
    proxy = FailingProxy(loaded_store.query)
    threading.Thread(target=proxy.serve_forever, daemon=True).start()
    try:
        port = free_port()
        command = lerld_command(
            "--root", str(REPO), "serve", "--port", str(port), "--endpoint", proxy.url
        )
        log = tmp_path / "serve.log"
        with server(command, port, log) as lerld:
            proxy.failing = True
            for path, accept in (
                ("/doc/stakeholder/funders", "text/turtle"),
                ("/doc/stakeholder/employers", "text/html"),
                ("/sparql?query=ASK%20%7B%7D", "application/sparql-results+json"),
                ("/sparql?query=ASK%20%7B%7D", "text/html"),
            ):
                answer = requests.get(lerld.url + path, headers={"Accept": accept}, timeout=30)
                assert answer.status_code == 502, (path, answer.text)
                request_id = answer.headers["X-Request-Id"]
                assert request_id in answer.text
                no_leak(answer.text, loaded_store)
                time.sleep(0.2)
                logged = [line for line in lerld.output().splitlines() if request_id in line]
                assert logged and proxy.url in logged[0], lerld.output()[-2000:]
    finally:
        proxy.shutdown()


def test_a_store_that_is_down_is_503_never_404(empty_store, tmp_path):
    assert empty_store.load(REPO).returncode == 0
    port = free_port()
    with serve_remote(empty_store, tmp_path / "serve.log", port) as lerld:
        ok = requests.get(lerld.url + "/doc/stakeholder/funders", timeout=30)
        assert ok.status_code == 200
        empty_store.process.process.terminate()
        empty_store.process.process.wait(timeout=30)
        for path in (
            "/doc/stakeholder/funders",
            "/id/stakeholder/funders",
            "/doc/stakeholder/nobody",
        ):
            down = requests.get(lerld.url + path, headers={"Accept": "text/turtle"}, timeout=30)
            assert down.status_code == 503, path
            assert down.headers["Retry-After"]
            no_leak(down.text, empty_store)
        query = requests.get(
            lerld.url + "/sparql",
            params={"query": "ASK {}"},
            headers={"Accept": "application/sparql-results+json"},
            timeout=30,
        )
        assert query.status_code == 503
        assert "cannot be reached" in query.text
        no_leak(query.text, empty_store)
        assert "cannot be reached at " + empty_store.query.rsplit("/", 1)[0] in lerld.output()


def test_commands_against_a_store_that_is_down_or_empty(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/query"
    result = subprocess.run(
        lerld_command("--root", str(REPO), "load", "--endpoint", dead),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 3
    assert f"cannot be reached at {dead}" in result.stderr
    with pytest.raises(StoreUnavailable):
        RemoteStore(dead).manifest()
    with store_server("oxigraph", tmp_path) as empty:
        result = subprocess.run(
            lerld_command(
                "--root", str(REPO), "serve", "--port", str(free_port()), "--endpoint", empty.query
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert "holds no lerld dataset" in result.stderr


# --- lerld load, with the store's credentials -------------------------------------------------


def test_load_replaces_the_published_version_in_one_step(empty_store, project):
    example_file = project / "data" / "zz-example.ttl"
    example_file.write_text(EXAMPLE)
    first = empty_store.load(project)
    assert first.returncode == 0, first.stderr
    assert "lerld load: published version" in first.stdout
    store = empty_store.store()
    assert store.ask(f"ASK {{ <{EXAMPLE_IRI}> ?p ?o }}")
    with_example = count(store)

    example_file.unlink()  # the second version has one file less
    seen: set[int] = set()
    stop = threading.Event()

    def watch() -> None:
        reader = empty_store.store()
        while not stop.is_set():
            seen.add(count(reader))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        second = empty_store.load(project)
    finally:
        time.sleep(0.2)
        stop.set()
        watcher.join()
    assert second.returncode == 0, second.stderr
    fresh = empty_store.store()
    assert not fresh.ask(f"ASK {{ <{EXAMPLE_IRI}> ?p ?o }}")
    assert graph_name("data/zz-example.ttl") not in fresh.graph_names()
    assert not [g for g in fresh.graph_names() if g.startswith(STAGING)]
    final = count(fresh)
    assert final < with_example
    # the default graph is the new version's union
    assert fresh.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == build_snapshot(
        Settings(root=project)
    ).store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    if empty_store.engine == "virtuoso" and not seen <= {with_example, final}:
        # Known limit (docs/remote-stores.md): Virtuoso's queries see a SPARQL update's operations as
        # they run (seen here: one graph half dropped), though the update is one request.
        pytest.xfail(f"Virtuoso readers saw a switch half done: {sorted(seen)}")
    assert seen <= {with_example, final}, seen  # never a mix of the two versions


def test_a_failed_load_leaves_the_old_version(empty_store):
    store = empty_store.store()
    sources = load_sources(Settings(root=REPO))
    store.replace(graph_data(sources))
    before = (store.manifest(), count(store))
    broken = [*graph_data(sources), GraphData(graph_name("data/broken.ttl"), b"<urn:a> <urn:b> .")]
    with pytest.raises(StoreFailed):
        store.replace(broken)
    again = empty_store.store()
    assert (again.manifest(), count(again)) == before
    assert not [g for g in again.graph_names() if g.startswith(STAGING)]


def test_load_refuses_invalid_data(empty_store, project):
    (project / "data" / "zz-bad.ttl").write_text(
        EXAMPLE.replace(
            "ler:stakeholderGroup stakeholder:funders", "ler:stakeholderGroup stakeholder:nobody"
        )
    )
    result = empty_store.load(project)
    assert result.returncode == 1
    assert "nothing loaded" in result.stderr
    assert lerld_graphs(empty_store.store()) == []


def test_build_snapshot_on_a_remote_store_publishes_it(empty_store):
    settings = Settings(
        root=REPO,
        endpoint=empty_store.query,
        update_endpoint=empty_store.update,
        graph_store=empty_store.graph_store,
        store_credentials=empty_store.credentials,
    )
    store = empty_store.store()
    snapshot = build_snapshot(settings, store)
    assert store.manifest().graphs == tuple(sorted(snapshot.graphs))


@pytest.fixture
def virtuoso_store(tmp_path):
    with store_server("virtuoso", tmp_path) as running:
        yield running


def test_load_answers_the_stores_challenge_and_never_shows_the_password(virtuoso_store, tmp_path):
    secret = "s3cret-Pa55"
    anonymous = virtuoso_store.load(REPO, env={})
    assert anonymous.returncode == 4, anonymous.stderr
    assert "asks for credentials for Graph Store PUT at " in anonymous.stderr
    assert "LERLD_STORE_USER" in anonymous.stderr
    wrong = virtuoso_store.load(
        REPO, env={"LERLD_STORE_USER": "dba", "LERLD_STORE_PASSWORD": secret}
    )
    assert wrong.returncode == 4
    assert "refused the credentials for Graph Store PUT at " in wrong.stderr
    assert secret not in wrong.stderr + wrong.stdout
    assert lerld_graphs(virtuoso_store.store()) == []
    password_file = tmp_path / "password"
    password_file.write_text("dba\n")
    loaded = virtuoso_store.load(
        REPO, "--store-password-file", str(password_file), env={"LERLD_STORE_USER": "dba"}
    )
    assert loaded.returncode == 0, loaded.stderr
    assert "published version" in loaded.stdout
    assert virtuoso_store.store().manifest().union == UNION
    query = subprocess.run(
        lerld_command("query", "quotes", "--format", "csv", "--endpoint", virtuoso_store.query),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert query.returncode == 0, query.stderr
    assert len(query.stdout.splitlines()) > 5


def test_load_answers_a_basic_challenge(tmp_path):
    """A store behind a proxy that asks for Basic credentials on writes (nginx auth_basic
    in front of Oxigraph server, as operators put one): the scheme follows the challenge."""
    from tests.support import server_binary

    binary = server_binary("nginx", "nginx")
    with store_server("oxigraph", tmp_path / "ox") as ox:
        prefix = tmp_path / "nginx"
        prefix.mkdir()
        (prefix / "users").write_text("loader:{PLAIN}basic-secret\n")
        port = free_port()
        user = "user root;\n" if os.geteuid() == 0 else ""
        upstream = ox.query.rsplit("/", 1)[0]
        (prefix / "nginx.conf").write_text(
            f"{user}daemon off;\nworker_processes 1;\npid {prefix}/nginx.pid;\n"
            f"error_log {prefix}/error.log;\nevents {{ worker_connections 64; }}\n"
            f"http {{\n  access_log off;\n  client_body_temp_path {prefix}/tmp;\n"
            f"  server {{\n    listen 127.0.0.1:{port};\n"
            f"    location /query {{ proxy_pass {upstream}; }}\n"
            f'    location / {{ auth_basic "store"; auth_basic_user_file {prefix}/users;\n'
            f"      proxy_pass {upstream}; }}\n  }}\n}}\n"
        )
        command = [binary, "-p", str(prefix), "-c", str(prefix / "nginx.conf")]
        with server(command, port, prefix / "run.log", probe_path="/query"):
            endpoint = f"http://127.0.0.1:{port}/query"
            refused = subprocess.run(
                lerld_command("--root", str(REPO), "load", "--endpoint", endpoint),
                capture_output=True,
                text=True,
                timeout=120,
                env={**os.environ, "LERLD_STORE_USER": "loader", "LERLD_STORE_PASSWORD": "no"},
            )
            assert refused.returncode == 4, refused.stderr
            assert "refused the credentials" in refused.stderr
            loaded = subprocess.run(
                lerld_command("--root", str(REPO), "load", "--endpoint", endpoint),
                capture_output=True,
                text=True,
                timeout=120,
                env={
                    **os.environ,
                    "LERLD_STORE_USER": "loader",
                    "LERLD_STORE_PASSWORD": "basic-secret",
                },
            )
            assert loaded.returncode == 0, loaded.stderr
            assert RemoteStore(endpoint).manifest().union == UNION
