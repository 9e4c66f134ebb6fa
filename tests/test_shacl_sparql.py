"""The shapes compiled to SPARQL (lerld.shacl) find exactly what pyshacl finds, on the
repository's data and on every file of the broken-input corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from lerld import shacl
from lerld.settings import Settings
from lerld.sources import load_into, load_sources
from lerld.stores import open_store
from lerld.validation import finding_of, shacl_findings

CORPUS = sorted((Path(__file__).parent / "corpus" / "broken").glob("*.ttl"))


def both_engines(root: Path) -> tuple[set, set]:
    sources = load_sources(Settings(root=root))
    shapes, ontology = sources.graph("shapes"), sources.graph("ontology")
    store = open_store()
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


@pytest.mark.parametrize("case", CORPUS, ids=[c.stem for c in CORPUS])
def test_same_findings_on_broken_data(project, case):
    if "expect-exit: 2" in case.read_bytes().decode("utf-8", "replace"):
        pytest.skip("unreadable sources never reach validation")
    (project / "data" / "broken.ttl").write_bytes(case.read_bytes())
    compiled, reference = both_engines(project)
    assert compiled == reference
