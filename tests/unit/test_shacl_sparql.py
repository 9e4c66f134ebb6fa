"""The shapes compiled to SPARQL (lerld.project.shacl) find exactly what pyshacl finds, on the
repository's data and on every data file of the broken-input corpus that parses."""

from __future__ import annotations

from pathlib import Path

import pytest

from lerld.core.settings import Settings
from lerld.project import shacl
from lerld.project.sources import load_into, load_sources
from lerld.project.validation.engines import finding_of, shacl_findings
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
