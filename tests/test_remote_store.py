"""The remote store on a real `oxigraph serve`: the Store contract (the same answers as the
embedded store), `lerld load` publishing in one step (never half-loaded, old version kept
on failure), and a store that is down (503 with Retry-After, never 404)."""

from __future__ import annotations

import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from rdflib.compare import isomorphic

from lerld.errors import MalformedQuery, StoreUnavailable
from lerld.formats import CSV, NTRIPLES, SPARQL_JSON, TSV, TURTLE
from lerld.results import Formats, read_json
from lerld.settings import Settings
from lerld.snapshot import build_snapshot
from lerld.sources import graph_data, graph_name, load_sources
from lerld.stores import Dataset, GraphData
from lerld.stores.remote import MANIFEST, STAGING, RemoteStore
from tests.support import free_port, lerld_command, oxigraph_command, server

REPO = Path(__file__).resolve().parent.parent
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


@pytest.fixture
def oxigraph(tmp_path):
    """A fresh, empty Oxigraph server for one test."""
    port = free_port()
    with server(oxigraph_command(tmp_path / "db", port), port, tmp_path / "ox.log") as ox:
        yield ox


def load(root: Path, endpoint: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        lerld_command("--root", str(root), "load", "--endpoint", endpoint),
        capture_output=True,
        text=True,
        timeout=120,
    )


def count(store: RemoteStore) -> int:
    """The triples in the source graphs, whatever the manifest says (all named graphs)."""
    answer = store.query(SOURCE_COUNT, Formats(CSV, TURTLE), Dataset(in_query=True))
    return int(answer.body.decode().splitlines()[1])


# --- the Store contract: the same answers as the embedded store ----------------------------


@pytest.mark.parametrize(
    "query",
    [
        "SELECT ?label WHERE { ?g a <https://w3id.org/ler/ns#StakeholderGroup> ; "
        "<http://www.w3.org/2004/02/skos/core#prefLabel> ?label } ORDER BY ?label",
        "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
        "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g ORDER BY ?g",
    ],
)
def test_select_answers_equal_the_embedded_stores(snapshot, oxigraph_server, query):
    remote = RemoteStore(oxigraph_server.url + "/query")
    assert remote.select(query) == snapshot.store.select(query)
    for fmt in (SPARQL_JSON, CSV, TSV):
        formats = Formats(fmt, TURTLE)
        assert remote.query(query, formats).body == snapshot.store.query(query, formats).body


def test_ask_construct_and_truncation_equal_the_embedded_stores(snapshot, oxigraph_server):
    remote = RemoteStore(oxigraph_server.url + "/query")
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


def test_the_published_dataset_hides_the_manifest(oxigraph_server, snapshot):
    remote = RemoteStore(oxigraph_server.url + "/query")
    assert remote.manifest().graphs == tuple(sorted(snapshot.graphs))
    assert remote.ask(f"ASK {{ <{MANIFEST}> ?p ?o }}") is False
    graphs = {str(r["g"]) for r in remote.select("SELECT DISTINCT ?g WHERE { GRAPH ?g { } }")}
    assert graphs == set(snapshot.graphs)


# --- lerld load ------------------------------------------------------------------------------


def test_load_replaces_the_published_version_in_one_step(oxigraph, project):
    endpoint = oxigraph.url + "/query"
    example_file = project / "data" / "zz-example.ttl"
    example_file.write_text(EXAMPLE)
    first = load(project, endpoint)
    assert first.returncode == 0, first.stderr
    assert "lerld load: published version" in first.stdout
    store = RemoteStore(endpoint)
    assert store.ask(f"ASK {{ <{EXAMPLE_IRI}> ?p ?o }}")
    with_example = count(store)

    example_file.unlink()  # the second version has one file less
    seen: set[int] = set()
    stop = threading.Event()

    def watch() -> None:
        reader = RemoteStore(endpoint)
        while not stop.is_set():
            seen.add(count(reader))

    watcher = threading.Thread(target=watch)
    watcher.start()
    try:
        second = load(project, endpoint)
    finally:
        time.sleep(0.2)
        stop.set()
        watcher.join()
    assert second.returncode == 0, second.stderr
    fresh = RemoteStore(endpoint)
    assert not fresh.ask(f"ASK {{ <{EXAMPLE_IRI}> ?p ?o }}")
    assert graph_name("data/zz-example.ttl") not in fresh.graph_names()
    assert not [g for g in fresh.graph_names() if g.startswith(STAGING)]
    final = count(fresh)
    assert final < with_example
    assert seen <= {with_example, final}, seen  # never a mix of the two versions


def test_a_failed_load_leaves_the_old_version(oxigraph, snapshot):
    endpoint = oxigraph.url + "/query"
    store = RemoteStore(endpoint)
    sources = load_sources(Settings(root=REPO))
    store.replace(graph_data(sources))
    before = (store.manifest(), count(store))
    broken = [*graph_data(sources), GraphData(graph_name("data/broken.ttl"), b"<urn:a> <urn:b> .")]
    with pytest.raises(MalformedQuery):
        store.replace(broken)
    again = RemoteStore(endpoint)
    assert (again.manifest(), count(again)) == before
    assert not [g for g in again.graph_names() if g.startswith(STAGING)]


def test_load_refuses_invalid_data(oxigraph, project):
    (project / "data" / "zz-bad.ttl").write_text(
        EXAMPLE.replace(
            "ler:stakeholderGroup stakeholder:funders", "ler:stakeholderGroup stakeholder:nobody"
        )
    )
    result = load(project, oxigraph.url + "/query")
    assert result.returncode == 1
    assert "nothing loaded" in result.stderr
    assert RemoteStore(oxigraph.url + "/query").graph_names() == []


def test_build_snapshot_on_a_remote_store_publishes_it(oxigraph):
    settings = Settings(root=REPO, endpoint=oxigraph.url + "/query")
    store = RemoteStore(settings.endpoint)
    snapshot = build_snapshot(settings, store)
    assert store.manifest().graphs == tuple(sorted(snapshot.graphs))


# --- a store that is down ----------------------------------------------------------------------


def test_a_store_that_is_down_is_503_never_404(tmp_path):
    ox_port, port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{ox_port}/query"
    with server(oxigraph_command(tmp_path / "db", ox_port), ox_port, tmp_path / "ox.log") as ox:
        assert load(REPO, endpoint).returncode == 0
        command = lerld_command(
            "--root", str(REPO), "serve", "--port", str(port), "--endpoint", endpoint
        )
        with server(command, port, tmp_path / "serve.log") as lerld:
            ok = requests.get(lerld.url + "/doc/stakeholder/funders", timeout=30)
            assert ok.status_code == 200
            ox.process.terminate()
            ox.process.wait(timeout=10)
            for path in (
                "/doc/stakeholder/funders",
                "/id/stakeholder/funders",
                "/doc/stakeholder/nobody",
            ):
                down = requests.get(lerld.url + path, headers={"Accept": "text/turtle"}, timeout=30)
                assert down.status_code == 503, path
                assert down.headers["Retry-After"]
            query = requests.get(
                lerld.url + "/sparql",
                params={"query": "ASK {}"},
                headers={"Accept": "application/sparql-results+json"},
                timeout=30,
            )
            assert query.status_code == 503
            assert "cannot be reached" in query.text


def test_commands_against_a_store_that_is_down_or_empty(tmp_path):
    dead = f"http://127.0.0.1:{free_port()}/query"
    assert load(REPO, dead).returncode == 3
    with pytest.raises(StoreUnavailable):
        RemoteStore(dead).manifest()
    ox_port = free_port()
    with server(oxigraph_command(tmp_path / "db", ox_port), ox_port, tmp_path / "ox.log"):
        empty = f"http://127.0.0.1:{ox_port}/query"
        result = subprocess.run(
            lerld_command(
                "--root", str(REPO), "serve", "--port", str(free_port()), "--endpoint", empty
            ),
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 2
        assert "holds no lerld dataset" in result.stderr
