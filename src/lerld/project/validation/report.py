"""The validation report: findings, their severities, and how the report reads.

A Finding is one problem attached to the entity it is about; a Report gathers them. Both
are plain values: the report renders itself as text for people (grouped by entity, each
entity with FILE:LINE) and as JSON for machines. `render_value` and `render_path` write an
RDF term or a SHACL path the way every message shows it.

Every check that produces findings imports this module; it imports no check.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import asdict, dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from lerld.core.terms import SH, shorten

SEVERITIES = ("Violation", "Warning", "Info")


def severity_rank(severity: str) -> int:
    """0 for violations, 1 warnings, 2 infos. SHACL lets shapes name any IRI as a
    severity: lerld ranks those as violations, so they stop publication like one."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


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


def finding_order(f: Finding) -> tuple:
    """The order of findings in a report: by file and line, then entity and severity."""
    return (f.file or "~", f.line or 0, f.focus, severity_rank(f.severity), f.message)


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
        # a severity of the shapes' own (any IRI, in SHACL) ranks as a violation
        return not any(severity_rank(f.severity) == 0 for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def by_entity(self, min_severity: str = "Info") -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for f in sorted(self.findings, key=finding_order):
            if severity_rank(f.severity) <= SEVERITIES.index(min_severity):
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
            where = _where(first)
            label = self.labels.get(focus)
            lines.append(f"{where}{shorten(focus)}" + (f" ({label})" if label else ""))
            for f in findings:
                path = f"{f.path}: " if f.path else ""
                value = f" [value: {f.value}]" if f.value else ""
                # a finding at another line than its entity's says where (FILE:LINE)
                at = _where(f) if _where(f) != where else ""
                lines.append(f"  {at}{f.severity}: {path}{f.message}{value}")
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
                    {k: v for k, v in asdict(f).items() if k not in ("focus", "file")}
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


def _where(f: Finding) -> str:
    if f.file and f.line:
        return f"{f.file}:{f.line}: "
    return f"{f.file}: " if f.file else ""


# A literal longer than this is shown shortened: its first characters and "...".
SHOWN_LITERAL_LENGTH = 80


def render_value(value: Node) -> str:
    """An RDF term as findings show it: a literal quoted (shortened) with its language or
    datatype, an IRI shortened, a blank node as such (`locate.value_forms` reads it back)."""
    if isinstance(value, Literal):
        text = str(value)
        shown = (
            text if len(text) <= SHOWN_LITERAL_LENGTH else text[: SHOWN_LITERAL_LENGTH - 3] + "..."
        )
        tag = (
            f"@{value.language}"
            if value.language
            else (f"^^{shorten(str(value.datatype))}" if value.datatype else "")
        )
        return f'"{shown}"{tag}'
    if isinstance(value, BNode):
        return "(blank node)"
    return shorten(str(value))


def render_path(graph: Graph, path: Node) -> str:
    """A SHACL property path as findings show it (an IRI, ^inverse, alternatives)."""
    if isinstance(path, URIRef):
        return shorten(str(path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + render_path(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(render_path(graph, p) for p in Collection(graph, alternatives))
    return "(complex path)"
