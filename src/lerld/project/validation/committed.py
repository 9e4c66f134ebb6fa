"""The check against the last commit: entities whose description changed since git's HEAD
while their dcterms:modified did not. Not part of the cached report (the cache key does not
cover the commit): `validate` runs it each time.
"""

from __future__ import annotations

from datetime import date

from rdflib import DCTERMS, BNode, Graph, URIRef

from lerld.core.errors import SourceError
from lerld.project import history
from lerld.project import sources as source_files
from lerld.project.sources import Sources
from lerld.project.validation.report import Finding, finding_order


def unbumped_modifications(sources: Sources) -> list[Finding]:
    """Entities whose description changed since the last commit (git HEAD) while their
    dcterms:modified did not: harvesters that ask what changed since a date miss them.

    Only data files that differ from their committed version are parsed; a project that is
    not a git checkout, or a file not yet committed, is not checked.
    """
    findings = []
    data = sources.of_role("data")
    # one git call says which files changed: only those are read from HEAD
    changed = history.changed(sources.root, [f.relpath for f in data]) or set()
    for f in data:
        if f.relpath not in changed:
            continue
        before = history.committed_text(sources.root, f.relpath)
        if before is None or before == f.text:
            continue
        try:
            old = source_files.parse(f.path, before, display=f.relpath)
        except SourceError:
            continue  # the committed version did not parse: nothing to compare with
        new, described_before = f.graph, set(old.subjects())
        for subject in {s for s in new.subjects() if isinstance(s, URIRef)}:
            if subject not in described_before:
                continue  # a new entity: nothing to bump
            modified = set(new.objects(subject, DCTERMS.modified))
            if not modified or modified != set(old.objects(subject, DCTERMS.modified)):
                continue
            if _content(new, subject) == _content(old, subject):
                continue
            shown = ", ".join(sorted(str(m) for m in modified))
            findings.append(
                Finding(
                    "Warning",
                    str(subject),
                    f"changed since the last commit, but its dcterms:modified is still {shown}: "
                    f"set it to the day of the change ({date.today().isoformat()}) so that "
                    "harvesters pick the change up",
                    "integrity:modified-not-bumped",
                    path="dcterms:modified",
                    file=f.relpath,
                    line=f.line_of_value(str(subject), [f'"{m}"' for m in modified])
                    or f.line_of(str(subject)),
                )
            )
    return sorted(findings, key=finding_order)


def _content(graph: Graph, subject: URIRef) -> set[tuple]:
    """What a description says apart from its date (blank nodes compared by their shape)."""
    return {
        (p, o if not isinstance(o, BNode) else tuple(sorted(graph.predicate_objects(o))))
        for p, o in graph.predicate_objects(subject)
        if p != DCTERMS.modified
    }
