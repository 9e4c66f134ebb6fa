"""The W3C SHACL test suite (tests/shacl-test-suite/, see its SOURCE.md) read as test cases:
each `sht:Validate` entry of the manifests with its data file, shapes file and the expected
report, and a minimal lerld project that holds them.

Results are compared as lerld reports them (`lerld.project.validation.Finding`): focus node, path,
value, severity and constraint component, rendered the way `lerld validate --format json`
renders them, so that the expected report and lerld's answer go through one renderer. A
blank node has no name to compare: a blank focus node or value compares as "a blank node".
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.collection import Collection

from lerld.core.terms import SH, shorten
from lerld.project.validation.report import Finding, render_path, render_value

SUITE = Path(__file__).resolve().parent / "shacl-test-suite"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
SHT = Namespace("http://www.w3.org/ns/shacl-test#")

# A focus node that is an IRI (blank nodes and literals have no scheme).
IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:")
# A rendered number or boolean: the embedded store keeps these by value, so it reports
# "4"^^xsd:decimal for "4.0"^^xsd:decimal (the same value; see tests/unit/test_shacl_suite.py).
NUMBER = re.compile(r'"([^"]*)"\^\^xsd:(decimal|integer|double|float|boolean)')

# One result as compared: (focus, path, value, severity, component).
Row = tuple[str, str | None, str | None, str, str]


@dataclass(frozen=True)
class SuiteTest:
    """One sht:Validate test: where its graphs are and what report it expects."""

    name: str
    data: Path
    shapes: Path
    failure: bool  # the suite expects the shapes to be refused (sht:Failure)
    conforms: bool
    results: Counter

    def project(self, root: Path) -> Path:
        """A minimal lerld project: the shapes file as shapes/, the data file as data/, an
        empty ontology (the test files are their own vocabulary)."""
        for role in ("ontology", "shapes", "data"):
            (root / role).mkdir(parents=True, exist_ok=True)
        (root / "ontology" / "empty.ttl").write_text("# no vocabulary\n", "utf-8")
        (root / "ontology" / "context.jsonld").write_text('{"@context": {}}\n', "utf-8")
        (root / "shapes" / self.shapes.name).write_bytes(self.shapes.read_bytes())
        (root / "data" / self.data.name).write_bytes(self.data.read_bytes())
        return root


def suite_tests() -> list[SuiteTest]:
    """Every sht:Validate test of the suite's manifests, in manifest order."""
    found = []
    for manifest in _manifests(SUITE / "manifest.ttl"):
        graph = Graph().parse(manifest, format="turtle")
        for head in graph.objects(None, MF.entries):
            for entry in Collection(graph, head):
                if (entry, RDF.type, SHT.Validate) in graph:
                    found.append(_test(manifest, graph, entry))
    return found


def _manifests(path: Path) -> Iterable[Path]:
    yield path
    graph = Graph().parse(path, format="turtle")
    for included in sorted(graph.objects(None, MF.include)):
        yield from _manifests(Path(str(included).removeprefix("file://")))


def _test(manifest: Path, graph: Graph, entry: URIRef) -> SuiteTest:
    action = graph.value(entry, MF.action)
    data = Path(str(graph.value(action, SHT.dataGraph)).removeprefix("file://"))
    shapes = Path(str(graph.value(action, SHT.shapesGraph)).removeprefix("file://"))
    result = graph.value(entry, MF.result)
    name = f"{manifest.parent.relative_to(SUITE)}/{str(entry).rsplit('/', 1)[-1]}"
    if result == SHT.Failure:
        return SuiteTest(name, data, shapes, True, False, Counter())
    rows = Counter(
        (
            _focus(graph.value(r, SH.focusNode)),
            _path(graph, graph.value(r, SH.resultPath)),
            canonical(_value(graph.value(r, SH.value))),
            shorten(str(graph.value(r, SH.resultSeverity))).removeprefix("sh:"),
            shorten(str(graph.value(r, SH.sourceConstraintComponent))),
        )
        for r in graph.objects(result, SH.result)
    )
    conforms = graph.value(result, SH.conforms) == Literal(True)
    return SuiteTest(name, data, shapes, False, conforms, rows)


def _focus(node) -> str:
    return str(node) if isinstance(node, URIRef) else "(not an IRI)"


def _path(graph: Graph, path) -> str | None:
    return render_path(graph, path) if path is not None else None


def _value(value) -> str | None:
    if value is None:
        return None
    return "(blank node)" if isinstance(value, BNode) else render_value(value)


def canonical(value: str | None) -> str | None:
    """A rendered value with a number or boolean in the canonical form of its value."""
    match = NUMBER.fullmatch(value or "")
    if match is None:
        return value
    lexical, datatype = match.groups()
    parsed = Literal(lexical, datatype=XSD[datatype])
    if parsed.ill_typed:
        return value
    number = parsed.toPython()
    shown = repr(number) if isinstance(number, bool) else repr(float(number))
    return f"{shown}^^xsd:{datatype}"


def rows_of_findings(findings: Iterable[Finding]) -> Counter:
    """lerld's SHACL findings (the integrity checks, constraint integrity:*, are lerld's own
    rules, not SHACL's) as comparable rows."""
    return Counter(
        (
            f.focus if IRI.match(f.focus) else "(not an IRI)",
            f.path,
            canonical(f.value),
            f.severity,
            f.constraint,
        )
        for f in findings
        if not f.constraint.startswith("integrity:")
    )


def rows_of_json(report: str) -> Counter:
    """The SHACL findings of a `lerld validate --format json` report as comparable rows."""
    document = json.loads(report)
    return rows_of_findings(
        Finding(focus=entity["focus"], **finding)
        for entity in document["entities"]
        for finding in finding_fields(entity["findings"])
    )


def finding_fields(findings: list[dict]) -> Iterable[dict]:
    keys = ("severity", "message", "constraint", "path", "value")
    for f in findings:
        yield {k: f.get(k) for k in keys}
