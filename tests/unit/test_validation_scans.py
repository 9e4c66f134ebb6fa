"""The checks of validation that scan the whole store, against an independent reading of
the same files: the triple count is the size of rdflib's RDF merge of the files, and a
subject is untyped only when no data file types it."""

from __future__ import annotations

import json

from rdflib import Graph

from lerld.cli import main
from lerld.core.settings import Settings
from lerld.project.sources import discover

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
