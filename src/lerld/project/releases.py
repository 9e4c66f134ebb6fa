"""Vocabulary releases: frozen copies of the vocabulary, the changelog computed from them,
and the compatibility check `lerld validate` runs against the last one.

A release is a folder, ontology/releases/<X.Y.Z>/, holding what was published under that
version: the ontology files (ler.ttl, alignment.ttl), the JSON-LD context and the shapes
(shapes/). A folder rather than git tags: a release must resolve from any checkout, a
tarball or a static build without git history, and a reviewer sees a release as a plain
diff. Release folders are never edited; `lerld release` refuses to overwrite one. They are
not sources (sources.discover skips them): the working copy in ontology/ is.

The changelog is never written by hand: `diff` compares the terms of two versions (the
working copy is one more) aspect by aspect, and each change carries its impact in
semantic-versioning terms. The checks `lerld validate` runs against the last release are
lerld.project.validation.compatibility.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from pathlib import Path

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from lerld.core.errors import LerldError, SourceError
from lerld.core.terms import LER, VOCABULARY_IRI
from lerld.profile import PROFILE
from lerld.project.sources import CONTEXT_FILE, RELEASES, SourceFile, Sources, parse

RELEASES_DIR = RELEASES
SHAPES_DIR = "shapes"
CONTEXT_NAME = "context.jsonld"
VERSION_BASE = str(LER).rstrip("#") + "/"  # https://w3id.org/ler/ns/ + X.Y.Z
SEMVER = re.compile(r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)")
SCHEMA = Namespace("https://schema.org/")
# The changes vocabulary of /ns/changes (documented in docs/vocabulary.md).
CHANGES = Namespace(VERSION_BASE + "changes#")
PROV = Namespace("http://www.w3.org/ns/prov#")

IMPACTS = ("patch", "minor", "major")
# Each aspect of a term the changelog compares: its predicates and the impact of a change.
# A super-term outside our namespace is an alignment (alignment.ttl), inside it a super-term.
ASPECTS: tuple[tuple[str, tuple[URIRef, ...], str], ...] = (
    ("kind", (RDF.type,), "major"),
    ("label", (RDFS.label, SKOS.prefLabel), "patch"),
    ("definition", (RDFS.comment, SKOS.definition), "patch"),
    ("domain", (RDFS.domain, SCHEMA.domainIncludes), "major"),
    ("range", (RDFS.range, SCHEMA.rangeIncludes), "major"),
    ("super-class", (RDFS.subClassOf,), "major"),
    ("super-property", (RDFS.subPropertyOf,), "major"),
    (
        "alignment",
        (
            OWL.equivalentClass,
            OWL.equivalentProperty,
            SKOS.exactMatch,
            SKOS.closeMatch,
            SKOS.relatedMatch,
            SKOS.broadMatch,
            SKOS.narrowMatch,
        ),
        "minor",
    ),
)
# Deprecation is its own change; these say why and what replaces it.
DEPRECATION = (OWL.deprecated, DCTERMS.isReplacedBy, SKOS.changeNote, SKOS.historyNote)
REASONS = (SKOS.changeNote, SKOS.historyNote)
# Bookkeeping that is not part of a term's meaning.
IGNORED = (RDFS.isDefinedBy, DCTERMS.modified, DCTERMS.issued, SKOS.editorialNote)
# What a term's other statements (inverse, characteristics, restrictions) are called.
AXIOMS = "axioms"
# Ontology header statements `lerld release` writes.
HEADER = (OWL.versionIRI, OWL.versionInfo, OWL.priorVersion, DCTERMS.issued)


class ReleaseError(LerldError):
    """A release cannot be made (it exists, its number is not higher, the sources fail)."""


def version_key(version: str) -> tuple[int, int, int]:
    match = SEMVER.fullmatch(version)
    if not match:
        raise ValueError(f"{version!r} is not a version number MAJOR.MINOR.PATCH such as 1.2.0")
    major, minor, patch = (int(n) for n in match.groups())
    return major, minor, patch


def version_iri(version: str) -> str:
    return VERSION_BASE + version


# --- releases on disk ----------------------------------------------------------------------


@dataclass(frozen=True)
class Release:
    """One frozen release: its folder in the project, parsed on demand."""

    version: str
    directory: Path
    root: Path = field(repr=False)

    def relpath(self, path: Path) -> str:
        return path.resolve().relative_to(self.root.resolve()).as_posix()

    def _files(self, pattern: str) -> list[SourceFile]:
        return [
            SourceFile.of_text(path, self.relpath(path), "release", path.read_text("utf-8"))
            for path in sorted(self.directory.glob(pattern))
            if path.is_file()
        ]

    @cached_property
    def ontology_files(self) -> list[SourceFile]:
        return self._files("*.ttl")

    @cached_property
    def ontology(self) -> Graph:
        """The vocabulary as released: every ontology file (terms and alignment)."""
        return _union(self.ontology_files)

    def module(self, name: str) -> Graph | None:
        """One ontology file of the release (alignment.ttl: the alignment module)."""
        found = [f for f in self.ontology_files if f.path.name == f"{name}.ttl"]
        return _union(found) if found else None

    @cached_property
    def shapes(self) -> Graph:
        return _union(self._files(f"{SHAPES_DIR}/**/*.ttl"))

    @cached_property
    def context(self) -> dict:
        path = self.directory / CONTEXT_NAME
        try:
            return json.loads(path.read_text("utf-8"))
        except (OSError, ValueError) as e:
            raise SourceError(self.relpath(path), None, f"cannot read the context: {e}") from e

    @property
    def issued(self) -> str:
        value = self.ontology.value(VOCABULARY_IRI, DCTERMS.issued)
        return str(value) if value is not None else ""


def _union(files: Iterable[SourceFile]) -> Graph:
    union = Graph()
    for f in files:
        graph = parse(f.path, f.text, display=f.relpath)
        for prefix, ns in graph.namespaces():
            union.bind(prefix, ns, override=False)
        union += graph
    return union


def load(root: Path) -> tuple[Release, ...]:
    """The project's releases, oldest first (a folder not named X.Y.Z is not a release)."""
    directory = root / RELEASES_DIR
    if not directory.is_dir():
        return ()
    found = [
        Release(path.name, path, root)
        for path in directory.iterdir()
        if path.is_dir() and SEMVER.fullmatch(path.name)
    ]
    return tuple(sorted(found, key=lambda r: version_key(r.version)))


def find(releases: Iterable[Release], version: str) -> Release | None:
    return next((r for r in releases if r.version == version), None)


# --- the changelog -------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One change of one term between two versions."""

    kind: str  # added | deprecated | changed | removed
    term: str
    impact: str  # patch | minor | major (semantic versioning)
    aspect: str | None = None  # for a change: label, definition, domain, range...
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()
    replaced_by: tuple[str, ...] = ()
    reason: str | None = None

    @property
    def summary(self) -> str:
        if self.kind == "changed":
            return f"{self.aspect} changed"
        return self.kind


@dataclass(frozen=True)
class Version:
    """A version in the changelog: a release, or the working copy (not released)."""

    version: str
    issued: str
    graph: Graph = field(repr=False, compare=False)
    released: bool = True


@dataclass(frozen=True)
class Step:
    """The changes from one version to the next."""

    before: Version
    after: Version
    changes: tuple[Change, ...]

    @property
    def impact(self) -> str | None:
        """The largest impact of the changes (None when nothing changed)."""
        ranks = [IMPACTS.index(c.impact) for c in self.changes]
        return IMPACTS[max(ranks)] if ranks else None


def terms(graph: Graph) -> set[URIRef]:
    """The vocabulary's terms: the typed IRIs of its namespace."""
    return {
        s
        for s in graph.subjects(RDF.type, None)
        if isinstance(s, URIRef) and str(s).startswith(str(LER)) and s != VOCABULARY_IRI
    }


def _shown(graph: Graph, node) -> str:
    """A value as the changelog shows it: prefixed name, text, or a class expression."""
    if isinstance(node, BNode):
        pairs = sorted(
            f"{_shown(graph, p)} {_shown(graph, o)}" for p, o in graph.predicate_objects(node)
        )
        return "[" + "; ".join(pairs) + "]"
    if isinstance(node, Literal):
        return str(node) + (f"@{node.language}" if node.language else "")
    text = str(node)
    for prefix, namespace in (("ler", str(LER)), *((p, str(n)) for p, n in graph.namespaces())):
        if prefix and text.startswith(namespace) and text != namespace:
            return f"{prefix}:{text[len(namespace) :]}"
    return f"<{text}>"


def _aspect_of(predicate: URIRef, value) -> str | None:
    for name, predicates, _ in ASPECTS:
        if predicate in predicates:
            if name.startswith("super-") and not str(value).startswith(str(LER)):
                return "alignment"  # a super-term in another vocabulary
            return name
    if predicate in DEPRECATION or predicate in IGNORED:
        return None
    return AXIOMS


def _aspects(graph: Graph, term: URIRef) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for predicate, value in graph.predicate_objects(term):
        aspect = _aspect_of(predicate, value)
        if aspect is not None:
            shown = _shown(graph, value)
            if aspect == AXIOMS:
                shown = f"{_shown(graph, predicate)} {shown}"
            found.setdefault(aspect, set()).add(shown)
    return found


IMPACT_OF = {name: impact for name, _, impact in ASPECTS} | {AXIOMS: "major"}


def is_deprecated(graph: Graph, term: URIRef) -> bool:
    return (term, OWL.deprecated, Literal(True)) in graph


def replacements(graph: Graph, term: URIRef) -> tuple[str, ...]:
    return tuple(sorted(str(o) for o in graph.objects(term, DCTERMS.isReplacedBy)))


def reason(graph: Graph, term: URIRef) -> str | None:
    return next((str(graph.value(term, p)) for p in REASONS if graph.value(term, p)), None)


def diff(old: Graph, new: Graph) -> tuple[Change, ...]:
    """Every change of a term from `old` to `new`, in term order."""
    before, after = terms(old), terms(new)
    changes: list[Change] = []
    for term in sorted(before | after):
        iri = str(term)
        if term not in after:
            changes.append(Change("removed", iri, "major"))
            continue
        if term not in before:
            changes.append(Change("added", iri, "minor"))
            continue
        if is_deprecated(new, term) and not is_deprecated(old, term):
            changes.append(
                Change(
                    "deprecated",
                    iri,
                    "minor",
                    replaced_by=replacements(new, term),
                    reason=reason(new, term),
                )
            )
        old_aspects, new_aspects = _aspects(old, term), _aspects(new, term)
        for aspect in sorted(set(old_aspects) | set(new_aspects)):
            was, now = old_aspects.get(aspect, set()), new_aspects.get(aspect, set())
            if was != now:
                changes.append(
                    Change(
                        "changed",
                        iri,
                        IMPACT_OF[aspect],
                        aspect,
                        tuple(sorted(was - now)),
                        tuple(sorted(now - was)),
                    )
                )
    return tuple(changes)


def versions(releases: Iterable[Release], working: Graph | None = None) -> list[Version]:
    """The releases, oldest first, then the working copy when it differs from the last."""
    found = [Version(r.version, r.issued, r.ontology) for r in releases]
    if working is not None and (not found or not isomorphic(working, found[-1].graph)):
        number = str(working.value(VOCABULARY_IRI, OWL.versionInfo) or "")
        found.append(Version(number, "", working, released=False))
    return found


def changelog(releases: Iterable[Release], working: Graph | None = None) -> list[Step]:
    """The changes between consecutive versions, newest first; the first release is a step
    from nothing (every term added in it)."""
    found = versions(releases, working)
    steps = []
    previous = Version("", "", Graph())
    for version in found:
        steps.append(Step(previous, version, diff(previous.graph, version.graph)))
        previous = version
    return steps[::-1]


def history(steps: Iterable[Step]) -> dict[str, list[str]]:
    """Per term, what happened to it in which version, oldest first: "introduced in 1.0.0",
    "definition changed in 1.1.0" (for the documentation page)."""
    found: dict[str, list[str]] = {}
    for step in reversed(list(steps)):
        where = (
            step.after.version if step.after.released else f"{step.after.version} (not released)"
        )
        for change in step.changes:
            words = "introduced" if change.kind == "added" else change.summary
            found.setdefault(change.term, []).append(f"{words} in {where}")
    return found


def changes_graph(steps: Iterable[Step]) -> Graph:
    """The changelog as RDF: each version a prov:Entity (owl:priorVersion the one before),
    each change a chg:Change of the version it is part of (see docs/vocabulary.md for the terms)."""
    graph = Graph()
    graph.bind("chg", CHANGES)
    graph.bind("prov", PROV)
    graph.bind("ler", LER)
    for name, kind, comment in CHANGES_VOCABULARY:  # the document defines its own terms
        graph.add((CHANGES[name], RDF.type, kind))
        graph.add((CHANGES[name], RDFS.label, Literal(name)))
        graph.add((CHANGES[name], RDFS.comment, Literal(comment)))
        graph.add((CHANGES[name], RDFS.isDefinedBy, URIRef(str(CHANGES).rstrip("#"))))
    for step in steps:
        after = URIRef(
            version_iri(step.after.version) if step.after.released else CHANGES.unreleased
        )
        graph.add((after, RDF.type, PROV.Entity))
        graph.add((after, OWL.versionInfo, Literal(step.after.version)))
        if step.after.issued:
            graph.add((after, DCTERMS.issued, Literal(step.after.issued, datatype=XSD.date)))
        if step.before.version:
            prior = URIRef(version_iri(step.before.version))
            graph.add((after, OWL.priorVersion, prior))
            graph.add((after, PROV.wasRevisionOf, prior))
        if step.impact:
            graph.add((after, CHANGES.impact, Literal(step.impact)))
        for n, change in enumerate(step.changes, 1):
            node = URIRef(f"{after}#change-{n}" if step.after.released else f"{after}-{n}")
            graph.add((node, RDF.type, CHANGES[_CLASS_OF[change.kind]]))
            graph.add((node, RDF.type, CHANGES.Change))
            graph.add((node, DCTERMS.isPartOf, after))
            graph.add((node, CHANGES["term"], URIRef(change.term)))
            graph.add((node, CHANGES.impact, Literal(change.impact)))
            graph.add((node, RDFS.label, Literal(f"{term_name(change.term)}: {change.summary}")))
            if change.aspect:
                graph.add((node, CHANGES.aspect, Literal(change.aspect)))
            for value in change.before:
                graph.add((node, CHANGES.before, Literal(value)))
            for value in change.after:
                graph.add((node, CHANGES.after, Literal(value)))
            for replacement in change.replaced_by:
                graph.add((node, DCTERMS.isReplacedBy, URIRef(replacement)))
            if change.reason:
                graph.add((node, SKOS.changeNote, Literal(change.reason)))
    return graph


# The terms of the changes vocabulary (chg:), defined in the changelog document itself.
CHANGES_VOCABULARY: tuple[tuple[str, URIRef, str], ...] = (
    ("Change", RDFS.Class, "A change of one vocabulary term in one version."),
    ("TermAdded", RDFS.Class, "The term is new in this version (a minor change)."),
    (
        "TermDeprecated",
        RDFS.Class,
        "The term is deprecated in this version (a minor change); "
        "dcterms:isReplacedBy names its replacement, skos:changeNote why.",
    ),
    (
        "TermChanged",
        RDFS.Class,
        "One aspect of the term changed in this version: chg:aspect "
        "says which, chg:before and chg:after the values removed and added.",
    ),
    (
        "TermRemoved",
        RDFS.Class,
        "The term disappeared (a major change; lerld validate forbids it).",
    ),
    ("term", RDF.Property, "The vocabulary term the change is about."),
    (
        "aspect",
        RDF.Property,
        "What changed: kind, label, definition, domain, range, "
        "super-class, super-property, alignment or axioms.",
    ),
    ("before", RDF.Property, "A value the term had before the change and no longer has."),
    ("after", RDF.Property, "A value the term has after the change and did not have."),
    (
        "impact",
        RDF.Property,
        "The change's impact under semantic versioning: major, minor or "
        "patch (of a version: the largest of its changes).",
    ),
)
_CLASS_OF = {
    "added": "TermAdded",
    "deprecated": "TermDeprecated",
    "changed": "TermChanged",
    "removed": "TermRemoved",
}


def term_name(iri: str) -> str:
    """How the changelog and findings name a term: prefix:X in the vocabulary, else its IRI."""
    prefix = PROFILE.vocabulary.prefix + ":"
    return prefix + iri[len(str(LER)) :] if iri.startswith(str(LER)) else iri


# --- making a release ----------------------------------------------------------------------


def _header_lines(source: SourceFile, values: Mapping[URIRef, str]) -> str:
    """The file's text with the ontology header's statements of `values` set (replaced where
    written, added after the header's first line where not)."""
    lines = source.text.splitlines(keepends=True)
    first, last = source.blocks_of(str(VOCABULARY_IRI))[0]
    missing = []
    for predicate, obj in values.items():
        forms = source.forms_of(str(predicate))
        pattern = re.compile(
            r"^(\s+)(" + "|".join(re.escape(f) for f in forms) + r")\s+.*?\s*([;.])\s*$"
        )
        for n in range(first, last + 1):
            match = pattern.match(lines[n - 1])
            if match:
                lines[n - 1] = f"{match.group(1)}{match.group(2)} {obj} {match.group(3)}\n"
                break
        else:
            missing.append(f"    {source.forms_of(str(predicate))[-1]} {obj} ;\n")
    lines[first:first] = missing  # after the header's first line ("<...> a owl:Ontology ;")
    return "".join(lines)


def _cited(text: str, source: SourceFile, version: str, issued: date) -> str:
    """The text with the version, version IRI and year that the header's one-line
    dcterms:bibliographicCitation names set to those of release `version` (a citation
    copied from the last release would cite the old version)."""
    forms = "|".join(re.escape(f) for f in source.forms_of(str(DCTERMS.bibliographicCitation)))

    def cite(match: re.Match) -> str:
        literal = re.sub(
            rf"{re.escape(VERSION_BASE)}{SEMVER.pattern}", version_iri(version), match[2]
        )
        literal = re.sub(rf"\b(version\s+){SEMVER.pattern}", rf"\g<1>{version}", literal)
        literal = re.sub(r"\((\d{4})\)", f"({issued.year})", literal, count=1)
        return match[1] + literal + match[3]

    return re.sub(rf'^(\s+(?:{forms})\s+")([^"\n]*)(")', cite, text, flags=re.M)


def _form(source: SourceFile, iri: str) -> str:
    forms = source.forms_of(iri)
    return forms[-1] if len(forms) > 1 else forms[0]


def prepare(sources: Sources, version: str, issued: date) -> Sources:
    """The sources as release `version` will freeze them: the ontology header set
    (owl:versionIRI, owl:versionInfo, owl:priorVersion the last release, dcterms:issued,
    and the version and year its citation names).
    Refuses a malformed number, an existing release or one not above the last."""
    try:
        key = version_key(version)
    except ValueError as e:
        raise ReleaseError(str(e)) from e
    existing = load(sources.root)
    if (sources.root / RELEASES_DIR / version).exists():
        raise ReleaseError(
            f"release {version} exists ({RELEASES_DIR}/{version}): a release is never overwritten"
        )
    if existing and key <= version_key(existing[-1].version):
        raise ReleaseError(
            f"release {version} is not higher than the last release, {existing[-1].version}"
        )
    header = next(
        (f for f in sources.of_role("ontology") if f.blocks_of(str(VOCABULARY_IRI))), None
    )
    if header is None:
        raise ReleaseError(f"no ontology file describes <{VOCABULARY_IRI}>")
    values = {
        OWL.versionIRI: f"<{version_iri(version)}>",
        OWL.versionInfo: json.dumps(version),
        DCTERMS.issued: f'"{issued.isoformat()}"^^{_form(header, str(XSD.date))}',
    }
    if existing:
        values[OWL.priorVersion] = f"<{version_iri(existing[-1].version)}>"
    text = _cited(_header_lines(header, values), header, version, issued)
    edited = SourceFile.of_text(header.path, header.relpath, header.role, text)
    edited.graph  # noqa: B018 -- the edit keeps the file valid Turtle (SourceError if not)
    return replace(sources, files=tuple(edited if f is header else f for f in sources.files))


def freeze(sources: Sources, version: str) -> Path:
    """Write release `version` of the (prepared, validated) sources: the working copy's
    header, then ontology/releases/<version>/ with the ontology files, the JSON-LD context
    and the shapes. The folder appears whole or not at all."""
    root = sources.root
    target = root / RELEASES_DIR / version
    if target.exists():
        raise ReleaseError(f"release {version} exists: a release is never overwritten")
    partial = root / RELEASES_DIR / f".{version}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    for f in sources.of_role("ontology", "shapes"):
        if f.role == "ontology":
            relative = Path(f.relpath).relative_to("ontology")
        else:
            relative = SHAPES_DIR / Path(f.relpath).relative_to("shapes")
        _write(partial / relative, f.text.encode("utf-8"))
        if f.path.read_text("utf-8") != f.text:  # the header `prepare` set
            f.path.write_text(f.text, "utf-8")
    _write(partial / CONTEXT_NAME, (root / CONTEXT_FILE).read_bytes())
    partial.rename(target)
    return target


def _write(target: Path, data: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
