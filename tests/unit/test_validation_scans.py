"""The checks of validation that scan the whole store, against an independent reading of
the same files: the triple count is the size of rdflib's RDF merge of the files, a
subject is untyped only when no data file types it, and duplicate labels are those the
files give, kind by kind."""

from __future__ import annotations

import json
import threading
import time

from rdflib import Graph

from lerld.cli import main
from lerld.core.settings import Settings
from lerld.core.terms import ENTITY_BASE
from lerld.project import shacl
from lerld.project.sources import data_graph_of, discover, load_sources
from lerld.project.validation import validate
from lerld.project.validation.integrity import duplicate_labels
from lerld.project.validation.scan import Scan
from lerld.stores.backends import embedded_store

PREFIXES = (
    "@prefix ler: <https://w3id.org/ler/ns#> .\n"
    "@prefix organization: <https://w3id.org/ler/id/organization/> .\n"
    "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
    "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
)


def _report(project, capsys, monkeypatch) -> dict:
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    main(["--root", str(project), "validate", "--format", "json"])
    return json.loads(capsys.readouterr().out)


def _files(project) -> list:
    """The data and ontology files (lerld's list of sources: the releases of the
    vocabulary are not sources)."""
    return [p for role, p in discover(Settings(root=project)) if role in ("data", "ontology")]


def _add_to_ontology(project, statement: str) -> None:
    ontology = next((project / "ontology").glob("*.ttl"))
    with ontology.open("a", encoding="utf-8") as f:
        f.write(f"\n{statement}\n")


def _merge(project) -> Graph:
    """rdflib's RDF merge of the data and ontology files (a blank node of one file is not
    the blank node of another)."""
    merged = Graph()
    for path in _files(project):
        merged.parse(path, format="turtle")
    return merged


def test_a_triple_stated_in_several_files_counts_once(project, capsys, monkeypatch):
    # two comments on aacrao: one in three data files and the ontology, one in two data
    # files; a blank node in two files is two blank nodes (two triples, no repeat)
    repeated = (
        PREFIXES + 'organization:aacrao rdfs:comment "said in several files"@en .\n'
        'organization:aacrao rdfs:comment "said in two files"@en .\n'
        '[] rdfs:comment "a blank node of its own file"@en .\n'
    )
    for name in ("zz-one.ttl", "zz-two.ttl"):
        (project / "data" / name).write_text(repeated, "utf-8")
    (project / "data" / "zz-three.ttl").write_text(
        PREFIXES + 'organization:aacrao rdfs:comment "said in several files"@en .\n', "utf-8"
    )
    _add_to_ontology(
        project,
        "<https://w3id.org/ler/id/organization/aacrao> "
        '<http://www.w3.org/2000/01/rdf-schema#comment> "said in several files"@en .',
    )
    report = _report(project, capsys, monkeypatch)
    merged = _merge(project)
    assert report["triples"] == len(merged)
    statements = sum(len(Graph().parse(p, format="turtle")) for p in _files(project))
    # the repeats: 3 copies of one comment, 1 of the other
    assert statements - len(merged) == 4


def test_a_subject_is_untyped_only_where_no_data_file_types_it(project, capsys, monkeypatch):
    (project / "data" / "zz-described.ttl").write_text(
        PREFIXES + 'organization:typed-elsewhere rdfs:label "Typed elsewhere"@en .\n'
        'organization:never-typed rdfs:label "Never typed"@en .\n'
        'organization:typed-by-the-ontology rdfs:label "Typed by the ontology"@en .\n',
        "utf-8",
    )
    (project / "data" / "zz-typed.ttl").write_text(
        PREFIXES + "organization:typed-elsewhere a ler:Organization .\n", "utf-8"
    )
    _add_to_ontology(
        project,
        "<https://w3id.org/ler/id/organization/typed-by-the-ontology> a "
        "<https://w3id.org/ler/ns#Organization> .",
    )
    report = _report(project, capsys, monkeypatch)
    untyped = {
        e["focus"].rsplit("/", 1)[1]
        for e in report["entities"]
        for f in e["findings"]
        if f["constraint"] == "integrity:untyped"
    }
    assert untyped == {"never-typed", "typed-by-the-ontology"}


def test_duplicate_labels_compare_each_things_best_label_within_its_kind(project):
    """Things are duplicates when their best labels (skos:prefLabel before rdfs:label,
    English first) read the same without case or spacing, and their classes fall under one
    named kind (a subclass under its class); a thing of two classes of one kind is one."""
    data = PREFIXES + (
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n"
        "@prefix initiative: <https://w3id.org/ler/id/initiative/> .\n"
        'organization:a a ler:Organization ; rdfs:label "Alpha Org"@en .\n'
        'organization:b a ler:Organization ; rdfs:label "alpha   ORG"@en .\n'
        'organization:c a ler:Organization ; rdfs:label "Gamma"@en .\n'
        'organization:d a ler:Organization ; rdfs:label "gamma"@en .\n'
        'organization:e a ler:Organization ; rdfs:label " GAMMA "@en .\n'
        # best labels elsewhere: skos:prefLabel first, then English
        'organization:f a ler:Organization ; skos:prefLabel "Delta"@en ; '
        'rdfs:label "Alpha Org"@en .\n'
        'organization:g a ler:Organization ; rdfs:label "Alpha Org"@fr, "Epsilon"@en .\n'
        # another kind: not a duplicate of the organizations
        'initiative:a a ler:Initiative ; rdfs:label "Alpha Org"@en .\n'
        # a subclass falls under its kind; two classes of one kind are one thing
        'initiative:z a ler:Project ; rdfs:label "Zeta"@en .\n'
        'initiative:zz a ler:Initiative, ler:Project ; rdfs:label "ZETA"@en .\n'
    )
    (project / "data" / "zz-duplicates.ttl").write_text(data)
    sources = load_sources(Settings(root=project))
    scanned = Scan().read(data_graph_of(sources).files)
    found = {
        (f.focus.removeprefix(ENTITY_BASE), f.message)
        for f in duplicate_labels(scanned.found(sources.graph("ontology")).same_label)
    }
    kind = "one ler:{} with two IRIs?"
    assert found == {
        ("organization/a", f"has the same label as organization/b: {kind.format('Organization')}"),
        ("organization/b", f"has the same label as organization/a: {kind.format('Organization')}"),
        (
            "organization/c",
            "has the same label as organization/d, organization/e: " + kind.format("Organization"),
        ),
        (
            "organization/d",
            "has the same label as organization/c, organization/e: " + kind.format("Organization"),
        ),
        (
            "organization/e",
            "has the same label as organization/c, organization/d: " + kind.format("Organization"),
        ),
        ("initiative/z", f"has the same label as initiative/zz: {kind.format('Initiative')}"),
        ("initiative/zz", f"has the same label as initiative/z: {kind.format('Initiative')}"),
    }


def test_every_store_query_of_a_validation_shares_one_pool(project, monkeypatch):
    """The integrity checks, the count and the SHACL checks run on one pool of
    shacl.QUERY_THREADS threads: each query of a large store holds working memory (0.3-0.5
    GiB at 10M triples), and more of them at once than the pool's threads would only hold
    more (two pools of their own ran up to six at once on two cores)."""
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    sources = load_sources(Settings(root=project))
    store = embedded_store()
    running, most, lock = 0, 0, threading.Lock()
    select = store.select

    def counted(query):
        nonlocal running, most
        if threading.current_thread() is threading.main_thread():
            return select(query)
        with lock:
            running += 1
            most = max(most, running)
        try:
            time.sleep(0.002)  # long enough for every thread of a pool to be in one
            return select(query)
        finally:
            with lock:
                running -= 1

    try:
        monkeypatch.setattr(store, "select", counted)
        report = validate(sources, store=store)
    finally:
        store.close()
    assert report.conforms and report.triples > 0
    assert most == shacl.QUERY_THREADS
