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
            checks = shacl.compile_shapes(shapes, shacl.class_hierarchy(store, data_graph))
        except shacl.Unsupported as e:
            return None, e
        results = shacl.run(checks, store, data_graph)
        return rows_of_findings(finding_of(r, shapes) for r in results), None
    finally:
        store.close()
