"""Validation of the sources: SHACL (pyshacl, optional RDFS / OWL RL inference) plus
the integrity checks SHACL does not express well, gathered into one Report.

The report is a plain value: it knows how to render itself as text for people
(grouped by entity, each entity with FILE:LINE) and as JSON for machines.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from lerld.errors import SourceError
from lerld.sources import Sources
from lerld.terms import LABEL_PREDICATES, LER, SH, is_entity, shorten

SEVERITIES = ("Violation", "Warning", "Info")

# Classes whose instances are named things: two of them with one label are one thing
# with two IRIs. (Statements such as work streams may legitimately repeat.)
NAMED_CLASSES = (
    LER.StakeholderGroup,
    LER.LifecycleStage,
    LER.ActionArea,
    LER.Organization,
    LER.Initiative,
    LER.Topic,
    LER.Resource,
    LER.ResourceCategory,
    LER.GlossaryTerm,
    LER.TechnicalFramework,
    LER.InteroperabilityPrinciple,
    LER.Guidance,
    LER.LERRole,
)


@dataclass(frozen=True)
class Finding:
    """One problem found in the data, attached to the entity it is about."""

    severity: str
    focus: str
    message: str
    constraint: str
    path: str | None = None
    value: str | None = None
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Report:
    """The outcome of validating a set of sources."""

    findings: tuple[Finding, ...]
    inference: str
    triples: int
    files: int = 0
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def conforms(self) -> bool:
        return self.count("Violation") == 0

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def by_entity(self, min_severity: str = "Info") -> dict[str, list[Finding]]:
        shown = SEVERITIES[: SEVERITIES.index(min_severity) + 1]
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for f in sorted(self.findings, key=_finding_order):
            if f.severity in shown:
                grouped[f.focus].append(f)
        return dict(grouped)

    def summary(self) -> str:
        verdict = "conforms" if self.conforms else "DOES NOT CONFORM"
        counts = ", ".join(f"{self.count(s)} {s.lower()}(s)" for s in SEVERITIES)
        return (
            f"{verdict}: {counts} in {self.triples} triples from {self.files} files "
            f"(inference: {self.inference})"
        )

    def to_text(self, min_severity: str = "Warning") -> str:
        lines = []
        for focus, findings in self.by_entity(min_severity).items():
            first = findings[0]
            where = (
                f"{first.file}:{first.line}: "
                if first.file and first.line
                else (f"{first.file}: " if first.file else "")
            )
            label = self.labels.get(focus)
            lines.append(f"{where}{shorten(focus)}" + (f" ({label})" if label else ""))
            for f in findings:
                path = f"{f.path}: " if f.path else ""
                value = f" [value: {f.value}]" if f.value else ""
                lines.append(f"  {f.severity}: {path}{f.message}{value}")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_json(self) -> str:
        entities = [
            {
                "focus": focus,
                "label": self.labels.get(focus),
                "file": findings[0].file,
                "line": findings[0].line,
                "findings": [
                    {k: v for k, v in asdict(f).items() if k not in ("focus", "file", "line")}
                    for f in findings
                ],
            }
            for focus, findings in self.by_entity().items()
        ]
        return json.dumps(
            {
                "conforms": self.conforms,
                "inference": self.inference,
                "triples": self.triples,
                "files": self.files,
                "counts": {s.lower(): self.count(s) for s in SEVERITIES},
                "entities": entities,
            },
            indent=2,
            ensure_ascii=False,
        )


def _finding_order(f: Finding) -> tuple:
    return (f.file or "~", f.line or 0, f.focus, SEVERITIES.index(f.severity), f.message)


def validate(sources: Sources, inference: str = "none") -> Report:
    """SHACL-validate data + ontology against the shapes, then run the integrity checks."""
    ontology = sources.graph("ontology")
    data = sources.graph("data")
    shapes = sources.graph("shapes")
    data_and_ontology = data + ontology
    findings = list(shacl_findings(data_and_ontology, shapes, inference, sources))
    findings.extend(integrity_findings(data, ontology))
    located = tuple(_locate(f, sources) for f in findings)
    return Report(
        findings=located,
        inference=inference,
        triples=len(data_and_ontology),
        files=len(sources.files),
        labels={f.focus: label for f in located if (label := label_of(data, URIRef(f.focus)))},
    )


def shacl_findings(
    data: Graph, shapes: Graph, inference: str, sources: Sources
) -> Iterator[Finding]:
    try:
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference=inference,
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
        )
    except ReportableRuntimeError as e:
        shapes_files = ", ".join(f.relpath for f in sources.of_role("shapes"))
        raise SourceError(shapes_files, None, f"the shapes cannot be used: {e.message}") from e
    for result in results.subjects(RDF.type, SH.ValidationResult):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        yield Finding(
            severity=shorten(str(results.value(result, SH.resultSeverity))).removeprefix("sh:"),
            focus=str(focus),
            message=str(results.value(result, SH.resultMessage) or "does not conform"),
            constraint=shorten(str(results.value(result, SH.sourceConstraintComponent))),
            path=_render_path(results, path) if path is not None else None,
            value=_render_value(value) if value is not None else None,
        )


def _render_path(graph: Graph, path) -> str:
    if isinstance(path, URIRef):
        return shorten(str(path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _render_path(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_render_path(graph, p) for p in Collection(graph, alternatives))
    return "(complex path)"


def _render_value(value) -> str:
    if isinstance(value, Literal):
        text = str(value)
        shown = text if len(text) <= 80 else text[:77] + "..."
        tag = (
            f"@{value.language}"
            if value.language
            else (f"^^{shorten(str(value.datatype))}" if value.datatype else "")
        )
        return f'"{shown}"{tag}'
    if isinstance(value, BNode):
        return "(blank node)"
    return shorten(str(value))


def label_of(graph: Graph, node: URIRef) -> str | None:
    for predicate in LABEL_PREDICATES:
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return None


def integrity_findings(data: Graph, ontology: Graph) -> Iterator[Finding]:
    """Checks across entities: undefined terms, untyped subjects, dangling links, duplicates."""
    yield from undefined_terms(data, ontology)
    yield from untyped_subjects(data)
    yield from dangling_links(data)
    yield from duplicate_labels(data, ontology)


def undefined_terms(data: Graph, ontology: Graph) -> Iterator[Finding]:
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    for s, p, o in data:
        used = [(p, "property")] + ([(o, "class")] if p == RDF.type else [])
        for term, what in used:
            if str(term).startswith(str(LER)) and term not in defined:
                yield Finding(
                    "Violation",
                    str(s),
                    f"uses the {what} {shorten(str(term))}, "
                    "which the LER vocabulary does not define (a typo?)",
                    "integrity:undefined-term",
                    path=shorten(str(p)),
                )


def untyped_subjects(data: Graph) -> Iterator[Finding]:
    for s in set(data.subjects()):
        if isinstance(s, URIRef) and (s, RDF.type, None) not in data:
            yield Finding(
                "Violation",
                str(s),
                "has no rdf:type, so no shape can check it "
                "(is its IRI misspelt where it is described?)",
                "integrity:untyped",
            )


def dangling_links(data: Graph) -> Iterator[Finding]:
    described = set(data.subjects())
    for s, p, o in data:
        if isinstance(o, URIRef) and is_entity(str(o)) and o not in described:
            yield Finding(
                "Violation",
                str(s),
                f"links to {shorten(str(o))}, which no data file describes",
                "integrity:dangling-link",
                path=shorten(str(p)),
                value=shorten(str(o)),
            )


def duplicate_labels(data: Graph, ontology: Graph) -> Iterator[Finding]:
    kind_of = _named_kinds(ontology)
    groups: dict[tuple, set] = defaultdict(set)
    for s, t in data.subject_objects(RDF.type):
        label = label_of(data, s)
        if t in kind_of and label:
            groups[(kind_of[t], " ".join(label.casefold().split()))].add(s)
    for (kind, _label), nodes in groups.items():
        if len(nodes) > 1:
            for node in sorted(nodes):
                others = ", ".join(shorten(str(n)) for n in sorted(nodes) if n != node)
                yield Finding(
                    "Violation",
                    str(node),
                    f"has the same label as {others}: one {shorten(str(kind))} with two IRIs?",
                    "integrity:duplicate-label",
                )


def _named_kinds(ontology: Graph) -> dict[URIRef, URIRef]:
    """Each class mapped to the named class it falls under (itself or a superclass)."""
    kinds = {}
    for cls in set(ontology.subjects(RDF.type, None)) | set(NAMED_CLASSES):
        for ancestor in ontology.transitive_objects(cls, RDFS.subClassOf):
            if ancestor in NAMED_CLASSES:
                kinds[cls] = ancestor
                break
    return kinds


def _locate(finding: Finding, sources: Sources) -> Finding:
    described_in = sources.file_describing(finding.focus, roles=("data", "ontology"))
    if described_in is None:
        return finding
    return Finding(
        **{
            **asdict(finding),
            "file": described_in.relpath,
            "line": described_in.line_of(finding.focus),
        }
    )
