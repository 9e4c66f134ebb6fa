"""The checks against the last release of the vocabulary, which `lerld validate` runs:
the working vocabulary (ontology/) compared with the last release folder (a published term
that disappears, a version not bumped or bumped too little, a changed domain, range or
super-term, a JSON-LD context term changed), deprecations without replacement, and data
that uses a deprecated term.

The releases themselves, their changelog and making one are lerld.project.releases.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator

from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import OWL, RDF, RDFS

from lerld.core.terms import LER, VOCABULARY_IRI
from lerld.project.releases import (
    IMPACTS,
    Change,
    Release,
    diff,
    is_deprecated,
    load,
    reason,
    replacements,
    term_name,
    terms,
    version_iri,
    version_key,
)
from lerld.project.sources import CONTEXT_FILE, IN_DATA, SourceFile, Sources, values_clause
from lerld.project.validation.report import Finding, render_value
from lerld.stores import Store


def _working_ontology(sources: Sources) -> Graph:
    return sources.graph("ontology")


def _line(sources: Sources, iri: str, values: Iterable[str] = ()) -> tuple[str | None, int | None]:
    """FILE:LINE of a term in the working copy: at one of `values` if given, else its start."""
    forms = list(values)
    for f in sources.of_role("ontology"):
        if forms:
            found = f.line_of_value(iri, [v for v in forms])
            if found:
                return f.relpath, found
    for f in sources.of_role("ontology"):
        if f.blocks_of(iri):
            return f.relpath, f.line_of(iri)
    return None, None


def _value_forms(f: SourceFile, shown: str) -> list[str]:
    """How a value the changelog shows (ler:X, <iri>) can be written in a file."""
    if shown.startswith("<") and shown.endswith(">"):
        return f.forms_of(shown[1:-1])
    prefix, colon, local = shown.partition(":")
    namespace = f.prefixes.get(prefix)
    if colon and namespace:
        return f.forms_of(namespace + local)
    return [shown]


def compatibility(sources: Sources) -> list[Finding]:
    """The working vocabulary against the last release: what breaks those who cite it."""

    releases = load(sources.root)
    working = _working_ontology(sources)
    findings: list[Finding] = []
    findings += _deprecations(sources, working)
    if not releases:
        return findings
    last = releases[-1]
    changes = diff(last.ontology, working)
    added = {c.term for c in changes if c.kind == "added"}
    for change in changes:
        if change.kind == "removed":
            findings.append(_removed(sources, last, change.term, added, working))
        elif change.kind == "changed" and change.aspect in (
            "domain",
            "range",
            "super-class",
            "super-property",
            "kind",
        ):
            file, line = None, None
            for f in sources.of_role("ontology"):
                forms = [form for v in change.after for form in _value_forms(f, v)]
                found = f.line_of_value(change.term, forms) if forms else None
                if found:
                    file, line = f.relpath, found
                    break
            if line is None:
                file, line = _line(sources, change.term)
            was = ", ".join(change.before) or "nothing"
            now = ", ".join(change.after) or "nothing"
            findings.append(
                Finding(
                    "Warning",
                    change.term,
                    f"{change.aspect} changed since release {last.version} (was {was}, now "
                    f"{now}): a {change.impact} change under semantic versioning; data and "
                    f"specifications that rely on {last.version} may read differently "
                    f"(the next release is {_next(last.version, change.impact)})",
                    "release:changed-meaning",
                    file=file,
                    line=line,
                )
            )
    findings += _version_bump(sources, last, working, changes)
    findings += _context_kept(sources, last)
    return findings


def _removed(
    sources: Sources, last: Release, term: str, added: set[str], working: Graph
) -> Finding:

    label = last.ontology.value(URIRef(term), RDFS.label)
    renamed = next(
        (
            a
            for a in sorted(added)
            if label is not None and working.value(URIRef(a), RDFS.label) == label
        ),
        None,
    ) or next((a for a in sorted(added) if a.lower() == term.lower()), None)
    if renamed is not None:
        file, line = _line(sources, renamed)
        message = (
            f"{term_name(term)}, published in release {last.version}, is no longer defined: it "
            f"looks renamed to {term_name(renamed)}. A published term is never renamed: keep "
            f"{term_name(term)}, mark it owl:deprecated true with dcterms:isReplacedBy "
            f"{term_name(renamed)}"
        )
    else:
        release_file = next((f for f in last.ontology_files if f.blocks_of(term)), None)
        file = release_file.relpath if release_file else None
        line = release_file.line_of(term) if release_file else None
        message = (
            f"{term_name(term)}, published in release {last.version} (defined at {file}:{line}), "
            "is no longer defined in ontology/: a published term never disappears; restore "
            "it and deprecate it instead (owl:deprecated true, dcterms:isReplacedBy its "
            "replacement or skos:changeNote the reason)"
        )
    return Finding("Violation", term, message, "release:term-removed", file=file, line=line)


def _deprecations(sources: Sources, working: Graph) -> list[Finding]:

    findings = []
    defined = terms(working)
    for term in sorted(t for t in terms(working) if is_deprecated(working, t)):
        file, line = _line(sources, str(term), ["owl:deprecated"])
        replaced = replacements(working, term)
        if not replaced and reason(working, term) is None:
            findings.append(
                Finding(
                    "Warning",
                    str(term),
                    "deprecated without a replacement or a reason: add dcterms:isReplacedBy "
                    "the term to use instead, or skos:changeNote saying why it is deprecated",
                    "release:deprecated-without-replacement",
                    path="owl:deprecated",
                    file=file,
                    line=line,
                )
            )
        for replacement in replaced:
            if replacement.startswith(str(LER)) and URIRef(replacement) not in defined:
                findings.append(
                    Finding(
                        "Violation",
                        str(term),
                        f"is replaced by {term_name(replacement)}, which the vocabulary does not "
                        "define",
                        "release:replacement-undefined",
                        path="dcterms:isReplacedBy",
                        value=term_name(replacement),
                        file=file,
                        line=line,
                    )
                )
    return findings


def _next(version: str, impact: str) -> str:
    major, minor, patch = version_key(version)
    if impact == "major":
        return f"{major + 1}.0.0"
    if impact == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def _version_bump(
    sources: Sources, last: Release, working: Graph, changes: tuple[Change, ...]
) -> list[Finding]:

    number = str(working.value(VOCABULARY_IRI, OWL.versionInfo) or "")
    header = next(
        (f for f in sources.of_role("ontology") if f.blocks_of(str(VOCABULARY_IRI))), None
    )
    file = header.relpath if header else None
    line = (
        header.line_of_value(str(VOCABULARY_IRI), ["owl:versionInfo", f"<{OWL.versionInfo}>"])
        if header
        else None
    ) or (header.line_of(str(VOCABULARY_IRI)) if header else None)

    def finding(severity: str, message: str, constraint: str) -> Finding:
        return Finding(
            severity,
            str(VOCABULARY_IRI),
            message,
            constraint,
            path="owl:versionInfo",
            value=f'"{number}"',
            file=file,
            line=line,
        )

    try:
        key = version_key(number)
    except ValueError:
        return [
            finding(
                "Violation",
                f"the vocabulary's owl:versionInfo {number!r} is not a version number "
                "MAJOR.MINOR.PATCH",
                "release:version",
            )
        ]
    found = []
    iri = working.value(VOCABULARY_IRI, OWL.versionIRI)
    if iri is not None and str(iri) != version_iri(number):
        found.append(
            finding(
                "Violation",
                f"owl:versionIRI is <{iri}>, but version {number}'s IRI is <{version_iri(number)}>",
                "release:version-iri",
            )
        )
    required = max((IMPACTS.index(c.impact) for c in changes), default=None)
    if key < version_key(last.version):
        found.append(
            finding(
                "Violation",
                f"version {number} is lower than the last release, {last.version}",
                "release:version-not-bumped",
            )
        )
    elif key == version_key(last.version):
        if not isomorphic(working, last.ontology):
            what = f"{len(changes)} term change(s)" if changes else "its statements changed"
            impact = IMPACTS[required] if required is not None else "patch"
            found.append(
                finding(
                    "Violation",
                    f"the vocabulary differs from release {last.version} ({what}) but its "
                    f"version is still {number}: a release is never changed; set "
                    f"owl:versionInfo to {_next(last.version, impact)} (a {impact} change) "
                    "and owl:versionIRI to match",
                    "release:version-not-bumped",
                )
            )
    elif required is not None and key < version_key(_next(last.version, IMPACTS[required])):
        found.append(
            finding(
                "Warning",
                f"the changes since {last.version} include a {IMPACTS[required]} change, so "
                f"the next version is at least {_next(last.version, IMPACTS[required])}, "
                f"not {number} (semantic versioning)",
                "release:version-too-low",
            )
        )
    return found


def _context_kept(sources: Sources, last: Release) -> list[Finding]:
    """Every term of the released JSON-LD context stays, meaning the same: documents
    compacted with it (and the release's own JSON-LD) must read the same with today's."""

    released = last.context.get("@context", {})
    current = sources.context.get("@context", {})
    text = (sources.root / CONTEXT_FILE).read_text("utf-8") if sources.context else ""
    findings = []
    for key, definition in released.items():
        if key.startswith("@") or current.get(key) == definition:
            continue
        quoted = json.dumps(key)
        line = next(
            (n for n, row in enumerate(text.splitlines(), 1) if row.lstrip().startswith(quoted)),
            1,
        )
        what = "is gone" if key not in current else "now means something else"
        findings.append(
            Finding(
                "Violation",
                str(VOCABULARY_IRI),
                f"the JSON-LD context term {quoted} of release {last.version} {what}: "
                "documents written with the published context would change meaning; keep it "
                f"as released ({json.dumps(definition)})",
                "release:context-term-changed",
                file=CONTEXT_FILE,
                line=line,
            )
        )
    return findings


def deprecated_uses(store: Store, ontology: Graph) -> Iterator[Finding]:
    """Data that uses a deprecated term (as a property or a class): a warning naming the
    replacement, at the statement. Computed from the working ontology, so a term deprecated
    in any later release warns as soon as it is."""

    deprecated = sorted(t for t in terms(ontology) if is_deprecated(ontology, t))
    if not deprecated:
        return
    rows = store.select(
        f"SELECT DISTINCT ?s ?p ?o ?term WHERE {{ {values_clause('?term', deprecated)} "
        "{ GRAPH ?g { ?s ?term ?o } BIND(?term AS ?p) } UNION "
        f"{{ GRAPH ?g {{ ?s a ?term }} BIND({RDF.type.n3()} AS ?p) BIND(?term AS ?o) }} "
        f"{IN_DATA} }}"
    )
    for row in rows:
        term = row["term"]
        instead = replacements(ontology, term)
        advice = (
            f"use {' or '.join(term_name(r) for r in instead)} instead"
            if instead
            else (reason(ontology, term) or "see its documentation")
        )
        yield Finding(
            "Warning",
            str(row["s"]),
            f"uses {term_name(str(term))}, which the vocabulary deprecates: {advice}",
            "release:deprecated-term",
            path=term_name(str(row["p"])) if row["p"] != RDF.type else "rdf:type",
            value=render_value(row["o"]),  # locate() finds the statement's line by it
        )
