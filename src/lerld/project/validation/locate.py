"""Where a finding is, and what its entity is called: the first data or ontology file that
describes the entity, the line there (the line that writes the value at fault, when it can
be found), and the entity's best label (lerld.core.names) for the report.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from lerld.core.terms import unshorten
from lerld.project.labels import batches
from lerld.project.sources import SourceFile, Sources, graph_name, values_clause
from lerld.project.validation.report import SHOWN_LITERAL_LENGTH, Finding
from lerld.stores import Store


def locate(findings: list[Finding], sources: Sources, store: Store) -> Iterator[Finding]:
    """Each finding with the first data or ontology file (and line) describing its focus."""
    order = {graph_name(f.relpath): f for f in sources.files if f.role in ("data", "ontology")}
    rank = {name: i for i, name in enumerate(order)}
    first: dict[str, str] = {}
    foci = sorted({f.focus for f in findings if "://" in f.focus})
    for batch in batches(foci):
        rows = store.select(
            f"SELECT DISTINCT ?s ?g WHERE {{ {values_clause('?s', batch)} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        for row in rows:
            s, g = str(row["s"]), str(row["g"])
            if g in rank and (s not in first or rank[g] < rank[first[s]]):
                first[s] = g
    # file by file: a data file's lines are held while its findings are located, not every
    # file's at once (the Info and Warning findings of the 10M synthetic project: ~700 MiB
    # of lines held at the end of its validation)
    located = list(findings)
    in_file: dict[str, list[int]] = defaultdict(list)
    for i, finding in enumerate(findings):
        if finding.focus in first and not finding.file:
            in_file[first[finding.focus]].append(i)
    for graph, indices in in_file.items():
        described_in = order[graph]
        for i in indices:
            located[i] = _at_line(located[i], described_in)
        described_in.forget_lines()
    yield from located


def _at_line(finding: Finding, described_in: SourceFile) -> Finding:
    line = described_in.line_of(finding.focus)
    if finding.value:  # the line that writes the value at fault, when it can be found
        line = (
            described_in.line_of_value(finding.focus, value_forms(finding.value, described_in))
            or line
        )
    return replace(finding, file=described_in.relpath, line=line)


def value_forms(value: str, source: SourceFile) -> list[str]:
    """How a finding's value (as `render_value` shows it) can be written in a file."""
    literal = re.match(r'"(.*)"(@[\w-]+|\^\^\S+)?$', value, re.S)
    if literal:
        text, tag = literal.groups()
        if text.endswith("...") and len(text) == SHOWN_LITERAL_LENGTH:  # shortened: its start
            return ['"' + text[:40]]
        # a number may be written without quotes (ler:position 3)
        bare = [text] if tag in ("^^xsd:integer", "^^xsd:decimal", "^^xsd:boolean") else []
        return [f'"{text}"', *bare]
    iri = unshorten(value)
    return source.forms_of(iri) if iri else []
