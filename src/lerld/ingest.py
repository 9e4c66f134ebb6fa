"""`lerld ingest`: what real Open Badges 3.0 / Verifiable Credential documents say about the
LER ecosystem, added to the published graph as a source file of its own, with provenance.

For a batch of documents:

1. each JSON-LD document is read with pyld and an offline loader over the contexts in
   src/lerld/contexts/: a document that names another remote context is rejected, naming
   it; nothing is ever fetched;
2. only its default graph is kept (the VC data model puts the proof in a graph of its own),
   and its nodes are renamed apart, so that one OWL RL closure (owlrl) of the whole batch
   with the LER vocabulary and its alignment classifies every document on its own;
3. ingest.rq selects what the closure says in LER terms: the document is a
   ler:VerifiableLER, its issuer a ler:LERIssuer, its ler:achievement (name, type) and
   dates. No code here names an Open Badges field: ontology/alignment.ttl decides. The
   credential subject (the person), the proof and the credential's own name (issuers often
   put the holder's name in it) are never selected: a record is named after its achievement;
4. each issuer is matched to a ler:Organization by name, or becomes a new one, recorded
   as a ler:LERIssuer with its DIDs as dcterms:identifier. An issuer that gives no name
   is matched by its DID when exactly one organization has it; otherwise (no organization,
   or several: test and hosted issuers share DIDs) it becomes an organization of its own,
   labelled "Issuer <DID>": a registry keeps the credential and says what it knows;
5. the records (credential/<hash>, achievement/<hash>: equal content, equal IRI) are merged
   with what earlier runs wrote, the project is validated with them, and only then the
   Turtle file (data/ingested/credentials.ttl by default) is written.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from importlib import resources
from pathlib import Path
from typing import Any

import owlrl
from rdflib import OWL, RDF, RDFS, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from lerld import jsonld
from lerld.errors import InvalidData, LerldError, RejectedDocument
from lerld.settings import Settings
from lerld.sources import SourceFile, Sources, load_sources
from lerld.terms import LER, PREFIXES
from lerld.validation import Report, validate

PROV = Namespace("http://www.w3.org/ns/prov#")
DEFAULT_OUTPUT = "data/ingested/credentials.ttl"
# The ontology's logical axioms: what OWL RL reasons with (labels and comments are not).
AXIOM_PREDICATES = frozenset(
    {
        RDF.type,
        RDF.first,
        RDF.rest,
        RDFS.subClassOf,
        RDFS.subPropertyOf,
        RDFS.domain,
        RDFS.range,
        OWL.equivalentClass,
        OWL.equivalentProperty,
        OWL.inverseOf,
        OWL.propertyChainAxiom,
        OWL.onProperty,
        OWL.someValuesFrom,
        OWL.allValuesFrom,
        OWL.hasValue,
    }
)
_ROOT = "urn:lerld:ingest:root"


@dataclass(frozen=True)
class Outcome:
    """What became of one input document."""

    path: str
    reason: str | None = None  # None: ingested
    message: str = ""
    record: str | None = None

    @property
    def ingested(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class Result:
    """The outcome of every document, and the Turtle written (with its validation report)."""

    outcomes: tuple[Outcome, ...]
    output: Path
    turtle: str = field(repr=False)
    report: Report = field(repr=False)

    @property
    def ingested(self) -> int:
        return sum(1 for o in self.outcomes if o.ingested)

    @property
    def rejected(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.ingested)

    @property
    def records(self) -> int:
        return len({o.record for o in self.outcomes if o.record})

    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.rejected:
            counts[o.reason or ""] = counts.get(o.reason or "", 0) + 1
        return dict(sorted(counts.items()))


class BadOutput(LerldError):
    """The output file named is not a Turtle file under data/."""


# --- reading documents -------------------------------------------------------------------


def known_contexts() -> dict[str, Any]:
    """URL -> context document, for every context file shipped in src/lerld/contexts/."""
    folder = resources.files("lerld").joinpath("contexts")
    table = json.loads(folder.joinpath("contexts.json").read_text(encoding="utf-8"))
    return {
        url: json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        for url, name in table.items()
    }


def read_document(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RejectedDocument("unreadable", f"not a JSON document: {e}") from e


@dataclass(frozen=True)
class Parsed:
    """One document's default graph, its nodes renamed apart, and the way back."""

    graph: Graph
    root: URIRef
    original: dict[URIRef, Any]


def parse_document(document: Any, contexts: Mapping[str, Any], number: int) -> Parsed:
    """The document's default graph (never its proof graph) with its nodes renamed to
    urn:lerld:ingest:<number>:<n>; rdf:type objects and predicates keep their IRIs."""
    expanded = jsonld.expand(document, contexts)
    if len(expanded) != 1 or not isinstance(expanded[0], dict):
        raise RejectedDocument("invalid-json-ld", "not one credential: expected one top-level node")
    root_id = expanded[0].get("@id")
    expanded[0]["@id"] = _ROOT
    parsed = Graph().parse(data=jsonld.default_graph(expanded, contexts), format="nt")
    renamed: dict[Any, URIRef] = {}
    original: dict[URIRef, Any] = {}

    def rename(node):
        if node not in renamed:
            new = URIRef(f"urn:lerld:ingest:{number}:{len(renamed)}")
            renamed[node] = new
            original[new] = URIRef(root_id) if node == URIRef(_ROOT) and root_id else node
        return renamed[node]

    graph = Graph()
    for s, p, o in parsed:
        if isinstance(o, URIRef | BNode) and p != RDF.type:
            o = rename(o)
        graph.add((rename(s), p, o))
    root = rename(URIRef(_ROOT))
    if root_id is None:
        original[root] = None
    return Parsed(graph, root, original)


# --- classification ----------------------------------------------------------------------


def axioms(ontology: Graph) -> Graph:
    graph = Graph()
    graph += (t for t in ontology if t[1] in AXIOM_PREDICATES)
    return graph


def closure(ontology: Graph, documents: Iterable[Graph]) -> Graph:
    """The OWL RL closure of the documents with the ontology's axioms."""
    graph = axioms(ontology)
    for document in documents:
        graph += document
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    return graph


@dataclass(frozen=True)
class Claim:
    """What one document says, in LER terms (after classification)."""

    credential: Any
    types: tuple[URIRef, ...]
    issuer: Any
    issuer_name: str | None
    achievement: Any
    achievement_types: tuple[URIRef, ...]
    achievement_name: str | None
    achievement_type: Any
    issued: Literal | None
    valid: Literal | None


def _name(values: Iterable[Any]) -> str | None:
    """An English or untagged name: the first in a stable order."""
    names = sorted(str(v) for v in values if isinstance(v, Literal) and v.language in (None, "en"))
    return names[0] if names else None


def _first(values: Iterable[Any]) -> Any:
    found = sorted((v for v in values if v is not None), key=lambda v: v.n3())
    return found[0] if found else None


def claims(graph: Graph, parsed: Sequence[Parsed]) -> dict[URIRef, Claim]:
    """The claim of every document whose root the closure classifies as a verifiable LER."""
    query = resources.files("lerld").joinpath("ingest.rq").read_text(encoding="utf-8")
    rows: dict[URIRef, list] = {}
    for row in graph.query(query):
        rows.setdefault(row.record, []).append(row)
    found = {}
    for p in parsed:
        if p.root not in rows:
            continue
        mine = rows[p.root]
        achievement = _first(r.achievement for r in mine)
        issuer = _first(r.issuer for r in mine)
        found[p.root] = Claim(
            credential=p.original[p.root],
            types=_asserted_types(p, p.root),
            issuer=p.original.get(issuer) if issuer is not None else None,
            issuer_name=_name(r.issuerName for r in mine if r.issuer == issuer),
            achievement=p.original.get(achievement) if achievement is not None else None,
            achievement_types=_asserted_types(p, achievement) if achievement is not None else (),
            achievement_name=_name(r.achievementName for r in mine if r.achievement == achievement),
            achievement_type=_first(
                r.achievementType for r in mine if r.achievement == achievement
            ),
            issued=_first(r.issued for r in mine),
            valid=_first(r.valid for r in mine),
        )
    return found


def _nameless(claim: Claim | None) -> bool:
    return claim is None or claim.issuer_name is None


def _asserted_types(parsed: Parsed, node) -> tuple[URIRef, ...]:
    return tuple(sorted(t for t in parsed.graph.objects(node, RDF.type) if isinstance(t, URIRef)))


# --- issuers -----------------------------------------------------------------------------


def normalized(name: str) -> str:
    return " ".join(name.casefold().split())


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold())) or "issuer"


@dataclass
class Issuers:
    """The organizations issuers are matched to: by name, or by an identifier (DID)."""

    base_uri: str
    by_name: dict[str, URIRef] = field(default_factory=dict)
    by_identifier: dict[str, set[URIRef]] = field(default_factory=dict)
    taken: set[URIRef] = field(default_factory=set)
    # the organizations this batch adds, with their names
    new: dict[URIRef, str] = field(default_factory=dict)

    @classmethod
    def known(cls, graph: Graph, base_uri: str) -> Issuers:
        issuers = cls(base_uri)
        for org in graph.subjects(RDF.type, LER.Organization):
            issuers.taken.add(org)
            for predicate in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
                for name in graph.objects(org, predicate):
                    issuers.by_name.setdefault(normalized(str(name)), org)
            for identifier in graph.objects(org, DCTERMS.identifier):
                issuers.by_identifier.setdefault(str(identifier), set()).add(org)
        return issuers

    def named(self, name: str, identifier: str | None) -> URIRef:
        org = self.by_name.get(normalized(name))
        if org is None:
            stem = f"{self.base_uri}id/organization/{slug(name)}"
            org, n = URIRef(stem), 1
            while org in self.taken:
                n += 1
                org = URIRef(f"{stem}-{n}")
            self.by_name[normalized(name)] = org
            self.taken.add(org)
            self.new[org] = name
        if identifier:
            self.by_identifier.setdefault(identifier, set()).add(org)
        return org

    def nameless(self, identifier: str | None) -> URIRef:
        """The organization of an issuer that gives no name: the one organization known by
        its identifier (DID), or else one of its own, named after the identifier."""
        if not identifier:
            raise RejectedDocument("unknown-issuer", "the issuer has neither a name nor an id")
        orgs = self.by_identifier.get(identifier, set())
        if len(orgs) == 1:
            return next(iter(orgs))
        return self.named(f"Issuer {identifier}", identifier)


# --- records -----------------------------------------------------------------------------


def _key(*parts: Any) -> str:
    text = "\x1f".join("" if p is None else (p.n3() if hasattr(p, "n3") else str(p)) for p in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _english(text: str) -> Literal:
    return Literal(text, lang="en")


def record_graph(claim: Claim, issuer: URIRef, base_uri: str, day: Literal) -> tuple[URIRef, Graph]:
    """The triples lerld publishes for one claim: the credential, its achievement, its issuer."""
    graph = Graph()
    achievement = None
    if claim.achievement_name:
        achievement = URIRef(
            f"{base_uri}id/achievement/"
            + _key(claim.achievement, claim.achievement_name, claim.achievement_type, issuer)
        )
        for t in claim.achievement_types:
            graph.add((achievement, RDF.type, t))
        graph.add((achievement, RDFS.label, _english(claim.achievement_name)))
        if claim.achievement_type is not None:
            graph.add((achievement, DCTERMS.type, claim.achievement_type))
        if isinstance(claim.achievement, URIRef):
            graph.add((achievement, PROV.wasDerivedFrom, claim.achievement))
        graph.add((achievement, DCTERMS.modified, day))
    # not the credential's own name: issuers often put the holder's name in it
    name = (
        f"Credential: {claim.achievement_name}"
        if claim.achievement_name
        else f"Credential {claim.credential or ''}".strip()
    )
    record = URIRef(
        f"{base_uri}id/credential/"
        + _key(claim.credential, claim.types, issuer, achievement, claim.issued, claim.valid)
    )
    for t in (*claim.types, LER.VerifiableLER):
        graph.add((record, RDF.type, t))
    graph.add((record, RDFS.label, _english(name)))
    graph.add((record, LER.issuedBy, issuer))
    if achievement is not None:
        graph.add((record, LER.achievement, achievement))
    for predicate, value in ((DCTERMS.issued, claim.issued), (DCTERMS.valid, claim.valid)):
        if value is not None:
            graph.add((record, predicate, value))
    if isinstance(claim.credential, URIRef):
        graph.add((record, PROV.wasDerivedFrom, claim.credential))
    graph.add((record, DCTERMS.modified, day))
    graph.add((issuer, RDF.type, LER.LERIssuer))
    return record, graph


def merged(previous: Graph, new: Graph, day: Literal) -> Graph:
    """Earlier runs' output plus the new triples; a subject that gains triples gets the
    new dcterms:modified, one that gains nothing keeps its date."""
    result = Graph() + previous
    for subject in sorted(set(new.subjects()), key=lambda s: s.n3()):
        gained = {t for t in new.triples((subject, None, None)) if t[1] != DCTERMS.modified} - set(
            previous.triples((subject, None, None))
        )
        if not gained:
            continue
        result += gained
        if (subject, DCTERMS.modified, None) in new or (
            subject,
            DCTERMS.modified,
            None,
        ) in previous:
            result.remove((subject, DCTERMS.modified, None))
            result.add((subject, DCTERMS.modified, day))
    return result


def to_turtle(graph: Graph) -> str:
    for prefix, namespace in {**PREFIXES, "prov": str(PROV)}.items():
        graph.bind(prefix, namespace)
    header = (
        "# Written by `lerld ingest` from Open Badges 3.0 / Verifiable Credential documents:\n"
        "# what they say about the LER ecosystem, classified by ontology/alignment.ttl.\n"
        "# Each credential and achievement names the document id it was read from\n"
        "# (prov:wasDerivedFrom). Edit with care: `lerld ingest` merges into this file.\n\n"
    )
    return header + graph.serialize(format="turtle")


# --- the whole batch ---------------------------------------------------------------------


def ingest(
    settings: Settings,
    paths: Sequence[Path],
    output: str = DEFAULT_OUTPUT,
    day: date | None = None,
    write: bool = True,
) -> Result:
    """Ingest the documents at `paths` into the project's `output` file (under data/).

    Documents that cannot be used are rejected with a reason; the others become records.
    Raises InvalidData (and writes nothing) if the project would not validate with them."""
    if not output.startswith("data/") or not output.endswith(".ttl"):
        raise BadOutput(f"the output must be a .ttl file under data/: {output}")
    day_literal = Literal((day or date.today()).isoformat(), datatype=XSD.date)
    sources = load_sources(settings)
    contexts = known_contexts()
    outcomes: dict[int, Outcome] = {}
    parsed: dict[int, Parsed] = {}
    for number, path in enumerate(paths):
        try:
            parsed[number] = parse_document(read_document(path), contexts, number)
        except RejectedDocument as e:
            outcomes[number] = Outcome(str(path), e.reason, str(e))
    closed = closure(sources.graph("ontology"), (p.graph for p in parsed.values()))
    found = claims(closed, list(parsed.values()))

    previous_file = sources.file(output)
    previous = previous_file.graph if previous_file else Graph()
    data = Graph()
    for f in sources.of_role("data"):
        data += f.graph
    issuers = Issuers.known(data, settings.base_uri)
    new = Graph()
    # named issuers first, so that a nameless one can be matched by a DID they revealed
    for number in sorted(parsed, key=lambda n: _nameless(found.get(parsed[n].root))):
        p = parsed[number]
        claim = found.get(p.root)
        if claim is None:
            types = ", ".join(sorted(str(t) for t in _asserted_types(p, p.root))) or "none"
            outcomes[number] = Outcome(
                str(paths[number]),
                "not-an-ler",
                f"the alignment does not classify it as a ler:VerifiableLER (its types: {types})",
            )
            continue
        try:
            if claim.issuer is None:
                raise RejectedDocument("unknown-issuer", "it names no issuer")
            identifier = str(claim.issuer) if isinstance(claim.issuer, URIRef) else None
            issuer = (
                issuers.named(claim.issuer_name, identifier)
                if claim.issuer_name
                else issuers.nameless(identifier)
            )
        except RejectedDocument as e:
            outcomes[number] = Outcome(str(paths[number]), e.reason, str(e))
            continue
        record, triples = record_graph(claim, issuer, settings.base_uri, day_literal)
        new += triples
        if identifier:
            new.add((issuer, DCTERMS.identifier, Literal(identifier)))
        if issuer in issuers.new:
            new.add((issuer, RDF.type, LER.Organization))
            new.add((issuer, RDFS.label, _english(issuers.new[issuer])))
            new.add((issuer, DCTERMS.modified, day_literal))
        outcomes[number] = Outcome(str(paths[number]), record=str(record), message=str(record))
    turtle = to_turtle(merged(previous, new, day_literal))
    report = validate(with_file(sources, settings.root / output, output, turtle))
    if not report.conforms:
        raise InvalidData(report)
    target = settings.root / output
    if write:
        target.parent.mkdir(parents=True, exist_ok=True)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(turtle, encoding="utf-8")
        temporary.replace(target)
    return Result(tuple(outcomes[n] for n in sorted(outcomes)), target, turtle, report)


def with_file(sources: Sources, path: Path, relpath: str, text: str) -> Sources:
    """The sources with one data file added or replaced."""
    files = [f for f in sources.files if f.relpath != relpath]
    files.append(SourceFile(path=path, relpath=relpath, role="data", text=text))
    return Sources(root=sources.root, files=tuple(files), context=sources.context)


def document_paths(inputs: Iterable[Path]) -> list[Path]:
    """The files to ingest: each file given, and every *.json / *.jsonld file of each
    directory given, in name order."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.suffix in (".json", ".jsonld") and p.is_file()
                )
            )
        else:
            found.append(path)
    return found
