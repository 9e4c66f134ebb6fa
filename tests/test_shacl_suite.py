"""The W3C SHACL test suite (tests/shacl-test-suite/) through `lerld validate`, end to end,
and through the compiled engine (lerld.shacl) directly: each test's conformance and
results (focus node, path, value, severity, component) are those the suite expects."""

from __future__ import annotations

import pytest

from lerld import shacl
from lerld.cli import EXIT_SOURCE_ERROR, main
from lerld.settings import Settings
from lerld.sources import graph_name, load_into, load_sources
from lerld.stores import open_store
from lerld.validation import finding_of
from tests.shacl_suite import SuiteTest, rows_of_findings, rows_of_json, tests

TESTS = tests()
SUPPORTED = [t for t in TESTS if not t.failure]

# Where lerld answers otherwise than the suite, and why; the test holds lerld to its answer.
KNOWN_DISAGREEMENTS = {
    # The shapes say sh:uniqueLang "1"^^xsd:boolean, which the suite reads as not "true"
    # (the constraint is off). rdflib, which parses the shapes for both engines, stores the
    # literal in canonical form, "true": lerld applies the constraint (as pyshacl does) and
    # reports the two @en values. Stricter, never laxer.
    "core/property/uniqueLang-002": "reports",
    # $shapesGraph is optional in SHACL-SPARQL (SHACL 5.3.1); neither of lerld's engines
    # supports it (pyshacl raises NotImplementedError): lerld refuses the shapes, naming it.
    "sparql/pre-binding/shapesGraph-001": "refuses",
}


def test_the_whole_suite_is_there():
    assert len(TESTS) == 120
    assert sum(t.failure for t in TESTS) == 7


@pytest.mark.parametrize("test", TESTS, ids=[t.name for t in TESTS])
def test_lerld_validate_agrees_with_the_suite(test: SuiteTest, tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    root = test.project(tmp_path)
    argv = ["--root", str(root), "validate", "--format", "json", "--min-severity", "info"]
    status = main(argv)
    captured = capsys.readouterr()
    if KNOWN_DISAGREEMENTS.get(test.name) == "refuses":
        assert status == EXIT_SOURCE_ERROR
        assert "$shapesGraph, an optional SHACL-SPARQL feature" in captured.err
        return
    if KNOWN_DISAGREEMENTS.get(test.name) == "reports":
        assert status == 1
        assert test.conforms and {r[4] for r in rows_of_json(captured.out)} == {
            "sh:UniqueLangConstraintComponent"
        }
        return
    if test.failure:
        assert status == EXIT_SOURCE_ERROR, captured.out
        return
    assert status in (0, 1), captured.err
    found = rows_of_json(captured.out)
    # SHACL's sh:conforms: no result at all (lerld's own verdict lets warnings pass)
    assert (not found) == test.conforms, captured.out
    assert found == test.results
    if any(row[3] == "Violation" for row in test.results):
        assert status == 1, "invalid data passed"


def compiled_rows(test: SuiteTest, root) -> tuple[set | None, object]:
    """The test through the compiled engine alone: its rows, or None if it is unsupported."""
    sources = load_sources(Settings(root=test.project(root)))
    data_graph = [graph_name(f.relpath) for f in sources.files if f.role != "shapes"]
    store = open_store()
    try:
        load_into(store, sources)
        shapes = sources.graph("shapes")
        try:
            shacl.check_literals(f.text for f in sources.files if f.role != "shapes")
            checks = shacl.compile_shapes(shapes, shacl.class_hierarchy(store, data_graph))
        except shacl.Unsupported as e:
            return None, e
        results = shacl.run(checks, store, data_graph)
        return rows_of_findings(finding_of(r, shapes) for r in results), None
    finally:
        store.close()


@pytest.mark.parametrize("test", SUPPORTED, ids=[t.name for t in SUPPORTED])
def test_compiled_engine_agrees_or_refuses(test: SuiteTest, tmp_path, capsys, monkeypatch):
    """The compiled engine gives the suite's results, or raises Unsupported; then `lerld
    validate` falls back to pyshacl and still reports the violations: never "conforms"."""
    if test.name in KNOWN_DISAGREEMENTS:
        pytest.skip("known disagreement, held in test_lerld_validate_agrees_with_the_suite")
    rows, unsupported = compiled_rows(test, tmp_path / "compiled")
    if rows is not None:
        assert rows == test.results
        return
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    root = test.project(tmp_path / "fallback")
    status = main(["--root", str(root), "validate", "--format", "json"])
    report = capsys.readouterr().out
    invalid = any(row[3] == "Violation" for row in test.results)
    reported = any(row[3] == "Violation" for row in rows_of_json(report))
    assert reported == invalid, f"{unsupported}: {report}"
    if invalid:
        assert status == 1


def test_the_compiled_engine_covers_most_of_the_suite(tmp_path):
    compiled = [t for t in SUPPORTED if compiled_rows(t, tmp_path / t.name)[0] is not None]
    assert len(compiled) >= 65, [t.name for t in compiled]
