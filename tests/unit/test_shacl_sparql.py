"""The shapes compiled to SPARQL (lerld.project.shacl) find exactly what pyshacl finds, on the
repository's data and on every data file of the broken-input corpus that parses."""

from __future__ import annotations

from pathlib import Path

import pyshacl
import pytest
from rdflib import Graph

from lerld.core.settings import Settings
from lerld.core.terms import SH
from lerld.project import shacl
from lerld.project.sources import load_into, load_sources
from lerld.project.validation.engines import finding_of, shacl_findings
from lerld.stores import GraphData
from lerld.stores.backends import embedded_store
from tests.broken_inputs import CASES

# The data files of the broken-input corpus that parse (unreadable sources never reach
# validation; other cases break the shapes or the ontology).
CORPUS = [
    c
    for c in CASES
    if c.exit_status != 2 and c.target == "data/broken.ttl" and c.name != "huge-literal"
]


def both_engines(root: Path) -> tuple[set, set]:
    sources = load_sources(Settings(root=root))
    shapes, ontology = sources.graph("shapes"), sources.graph("ontology")
    store = embedded_store()
    try:
        load_into(store, sources)
        checks = shacl.compile_shapes(shapes, ontology)
        compiled = {finding_of(r, shapes) for r in shacl.run(checks, store)}
    finally:
        store.close()
    reference = set(shacl_findings(sources.graph("data") + ontology, shapes, "none", sources))
    return compiled, reference


def test_our_shapes_compile(sources):
    checks = shacl.compile_shapes(sources.graph("shapes"), sources.graph("ontology"))
    assert len(checks) > 100


def test_same_findings_on_the_repository_data(repo_root):
    compiled, reference = both_engines(repo_root)
    assert reference, "the data has warnings and infos to compare"
    assert compiled == reference


@pytest.mark.parametrize("case", CORPUS, ids=[c.name for c in CORPUS])
def test_same_findings_on_broken_data(project, case):
    case.place(project)
    compiled, reference = both_engines(project)
    assert compiled == reference


def test_a_focus_node_of_two_target_classes_gives_each_result_once():
    """The compiled checks bind the focus nodes of a class target without a DISTINCT
    subquery: a node that is an instance of the class and of its subclass comes twice, and
    each of its results must still be reported once, as pyshacl does."""
    prefixes = (
        "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> . "
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> . "
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . "
    )
    shapes = Graph().parse(
        data=prefixes
        + "ex:Shape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:nodeKind sh:Literal ; "
        "sh:property [ sh:path ex:name ; sh:minCount 1 ] ; "
        "sh:property [ sh:path ex:size ; sh:maxCount 1 ; sh:datatype xsd:integer ] ; "
        "sh:property [ sh:path ex:label ; sh:minCount 2 ; sh:uniqueLang true ] ; "
        "sh:property [ sh:path ex:kind ; sh:hasValue ex:good ] .",
        format="turtle",
    )
    data = (
        prefixes + "ex:Part rdfs:subClassOf ex:Thing . "
        'ex:a a ex:Thing, ex:Part ; ex:size "big", 2 ; ex:label "one"@en, "un"@en . '
    )
    store = embedded_store()
    try:
        store.replace([GraphData("http://example.org/data", data.encode())])
        checks = shacl.compile_shapes(shapes, shacl.class_hierarchy(store))
        assert any("SELECT DISTINCT ?this WHERE" not in c.query for c in checks)
        found = sorted((r.constraint, str(r.path), str(r.value)) for r in shacl.run(checks, store))
    finally:
        store.close()
    reference = pyshacl.validate(Graph().parse(data=data, format="turtle"), shacl_graph=shapes)
    assert reference[0] is False
    assert found == [
        ("sh:DatatypeConstraintComponent", "http://example.org/size", "big"),
        ("sh:HasValueConstraintComponent", "http://example.org/kind", "None"),
        ("sh:MaxCountConstraintComponent", "http://example.org/size", "None"),
        ("sh:MinCountConstraintComponent", "http://example.org/name", "None"),
        ("sh:NodeKindConstraintComponent", "None", "http://example.org/a"),
        ("sh:UniqueLangConstraintComponent", "http://example.org/label", "None"),
    ]
    assert len(found) == len(set(reference[1].objects(None, SH.result)))
