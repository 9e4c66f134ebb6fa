"""`lerld ingest`: what real Open Badges 3.0 / CLR 2.0 / Verifiable Credential documents say
about the LER ecosystem, added to the published graph as a source file of its own, with
provenance.

For a batch of documents:

1. each JSON-LD document is read with pyld and an offline loader over the contexts in
   src/lerld/contexts/: a document that names another remote context is rejected, naming
   it; nothing is ever fetched;
2. only its default graph is kept (the VC data model puts the proof in a graph of its own),
   every credential subject becomes a blank node of its own (its id names the learner, and
   a CLR and the credentials it bundles share it), and its nodes are renamed apart, so that
   one OWL RL closure (owlrl) of the whole batch with the LER vocabulary and its alignment
   classifies every document on its own;
3. ingest.rq selects what the closure says in LER terms: the document is a
   ler:VerifiableLER, its issuer a ler:LERIssuer (and its parent organization), its
   ler:achievement(s) (name, type), the credentials it bundles (ler:includesCredential: a
   CLR 2.0) and dates. No code here names an Open Badges or CLR type: ontology/alignment.ttl
   decides what is an LER, an achievement, an alignment. The fields of what the axioms
   found are then read where the standards put them: an alignment's target
   (ingest-alignments.rq), a CLR association's type, source and target
   (ingest-associations.rq), an endorsement's issuer and date (ingest-endorsements.rq).
   The credential subject (the person), the proof and the credential's own name (issuers
   often put the holder's name in it) are never selected: a record is named after its
   achievements;
4. each issuer (parent organization, endorser) is matched to a ler:Organization by name,
   or becomes a new one, with its DIDs as dcterms:identifier. An issuer that gives no name
   is matched by its DID when exactly one organization has it; otherwise (no organization,
   or several: test and hosted issuers share DIDs) it becomes an organization of its own,
   labelled "Issuer <DID>": a registry keeps the credential and says what it knows;
5. the records (credential/<hash>, achievement/<hash>, competency/<hash>,
   competency-framework/<slug>, endorsement/<hash>: equal content, equal IRI) are merged
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

from lerld.core import jsonld
from lerld.core.errors import InvalidData, LerldError, RejectedDocument
from lerld.core.settings import Settings
from lerld.core.terms import LER, PREFIXES
from lerld.project.sources import SourceFile, Sources, load_sources
from lerld.project.validation import Report, validate

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
    _subjects_apart(expanded)
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


CREDENTIAL_SUBJECT = "https://www.w3.org/2018/credentials#credentialSubject"


def _subjects_apart(node: Any, count: list[int] | None = None) -> None:
    """Give every credential subject a blank node of its own, in place (expanded JSON-LD).

    A CLR and the credentials it bundles name the same learner: with one node for them,
    what the CLR's subject holds would be read as every bundled credential's too. And the
    subject's id identifies the learner, which lerld never keeps."""
    count = [0] if count is None else count
    if isinstance(node, list):
        for item in node:
            _subjects_apart(item, count)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == CREDENTIAL_SUBJECT:
                for subject in value if isinstance(value, list) else [value]:
                    if isinstance(subject, dict) and "@value" not in subject:
                        count[0] += 1
                        subject["@id"] = f"_:lerld-subject-{count[0]}"
            _subjects_apart(value, count)


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
class AchievementClaim:
    """One achievement a record attests (a CLR 2.0 lists several)."""

    node: URIRef  # in the closure
    original: Any  # its id in the document
    types: tuple[URIRef, ...]
    name: str | None
    type: Any


@dataclass(frozen=True)
class Claim:
    """What one credential says, in LER terms (after classification)."""

    node: URIRef  # in the closure
    credential: Any
    types: tuple[URIRef, ...]
    issuer: Any
    issuer_name: str | None
    parent: Any  # the issuer's parent organization (its id in the document)
    parent_name: str | None
    achievements: tuple[AchievementClaim, ...]
    issued: Literal | None
    valid: Literal | None
    bundled: tuple[URIRef, ...] = ()  # the credentials it includes (closure nodes)
    issuer_node: URIRef | None = None  # in the closure


@dataclass(frozen=True)
class Alignment:
    """One alignment of an achievement: a framework item (competency, skill, standard)."""

    name: str | None
    url: str | None
    framework: str | None
    code: str | None
    type: str | None
    description: str | None


@dataclass(frozen=True)
class Endorsement:
    """An endorsement an achievement or an issuer carries: who endorses it, and when."""

    node: URIRef  # in the closure
    original: Any  # its id in the document
    endorser: Any  # its id in the document
    endorser_name: str | None
    issued: Literal | None


@dataclass(frozen=True)
class Said:
    """Everything the closure says about a batch, in LER terms, keyed by closure nodes."""

    claims: dict[URIRef, Claim]
    alignments: dict[URIRef, tuple[Alignment, ...]] = field(default_factory=dict)
    associations: dict[URIRef, tuple[tuple[str, str, str], ...]] = field(default_factory=dict)
    endorsements: dict[URIRef, tuple[Endorsement, ...]] = field(default_factory=dict)


def _name(values: Iterable[Any]) -> str | None:
    """An English or untagged name: the first in a stable order."""
    names = sorted(str(v) for v in values if isinstance(v, Literal) and v.language in (None, "en"))
    return names[0] if names else None


def _text(values: Iterable[Any]) -> str | None:
    found = sorted(str(v).strip() for v in values if isinstance(v, Literal) and str(v).strip())
    return found[0] if found else None


def _first(values: Iterable[Any]) -> Any:
    found = sorted((v for v in values if v is not None), key=lambda v: v.n3())
    return found[0] if found else None


def _select(graph: Graph, name: str) -> list:
    return list(graph.query(resources.files("lerld").joinpath(name).read_text(encoding="utf-8")))


def _grouped(rows: Iterable, key: str) -> dict[Any, list]:
    groups: dict[Any, list] = {}
    for row in rows:
        groups.setdefault(row[key], []).append(row)
    return groups


def said(graph: Graph, parsed: Sequence[Parsed]) -> Said:
    """The claim of every credential the closure classifies as a verifiable LER (documents
    and the credentials they bundle), with its achievements' alignments, the associations
    between them and the endorsements of its achievements and issuer."""
    original: dict[URIRef, Any] = {}
    owner: dict[URIRef, Parsed] = {}
    for p in parsed:
        original.update(p.original)
        owner.update(dict.fromkeys(p.original, p))
    found = {}
    for record, mine in _grouped(_select(graph, "ingest.rq"), "record").items():
        if record not in owner:
            continue
        issuer = _first(r.issuer for r in mine)
        parent = _first(r.parent for r in mine if r.issuer == issuer)
        achievements = []
        for node, rows in sorted(
            _grouped((r for r in mine if r.achievement is not None), "achievement").items(),
            key=lambda item: item[0].n3(),
        ):
            achievements.append(
                AchievementClaim(
                    node=node,
                    original=original.get(node),
                    types=_asserted_types(owner[record], node),
                    name=_name(r.achievementName for r in rows),
                    type=_first(r.achievementType for r in rows),
                )
            )
        found[record] = Claim(
            node=record,
            credential=original[record],
            types=_asserted_types(owner[record], record),
            issuer=original.get(issuer) if issuer is not None else None,
            issuer_name=_name(r.issuerName for r in mine if r.issuer == issuer),
            parent=original.get(parent) if parent is not None else None,
            parent_name=_name(r.parentName for r in mine if r.parent == parent),
            achievements=tuple(achievements),
            issued=_first(r.issued for r in mine),
            valid=_first(r.valid for r in mine),
            bundled=tuple(sorted({r.bundled for r in mine if r.bundled is not None})),
            issuer_node=issuer,
        )
    alignments = {
        achievement: tuple(
            sorted(
                {
                    Alignment(
                        name=_text(r.name for r in rows),
                        url=_text(r.url for r in rows),
                        framework=_text(r.framework for r in rows),
                        code=_text(r.code for r in rows),
                        type=_text(r.type for r in rows),
                        description=_text(r.description for r in rows),
                    )
                    for rows in _grouped(mine, "alignment").values()
                },
                key=repr,
            )
        )
        for achievement, mine in _grouped(
            _select(graph, "ingest-alignments.rq"), "achievement"
        ).items()
    }
    associations = {
        record: tuple(
            sorted({(str(r.associationType), str(r.source), str(r.target)) for r in mine})
        )
        for record, mine in _grouped(_select(graph, "ingest-associations.rq"), "record").items()
    }
    endorsements = {
        holder: tuple(
            Endorsement(
                node=node,
                original=original.get(node),
                endorser=original.get(_first(r.endorser for r in rows)),
                endorser_name=_name(r.endorserName for r in rows),
                issued=_first(r.issued for r in rows) or _first(r.valid for r in rows),
            )
            for node, rows in sorted(_grouped(mine, "endorsement").items(), key=lambda i: i[0].n3())
        )
        for holder, mine in _grouped(_select(graph, "ingest-endorsements.rq"), "holder").items()
    }
    return Said(found, alignments, associations, endorsements)


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


def _achievement_iri(a: AchievementClaim, issuer: URIRef, base_uri: str) -> URIRef:
    return URIRef(f"{base_uri}id/achievement/" + _key(a.original, a.name, a.type, issuer))


def _record_name(claim: Claim) -> str:
    """Not the credential's own name: issuers often put the holder's name in it (1EdTech's
    CLR examples name a transcript after its learner). A record is named after what it
    attests."""
    names = sorted({a.name for a in claim.achievements if a.name})
    if not names:
        return f"Credential {claim.credential or ''}".strip()
    shown = ", ".join(names[:3])
    return f"Credential: {shown}" + (f" and {len(names) - 3} more" if len(names) > 3 else "")


def record_graph(claim: Claim, issuer: URIRef, base_uri: str, day: Literal) -> tuple[URIRef, Graph]:
    """The triples lerld publishes for one claim: the credential, its achievements, its issuer."""
    graph = Graph()
    achievements = []
    for a in claim.achievements:
        if not a.name:
            continue
        achievement = _achievement_iri(a, issuer, base_uri)
        achievements.append(achievement)
        for t in (*a.types, LER.Achievement):
            graph.add((achievement, RDF.type, t))
        graph.add((achievement, RDFS.label, _english(a.name)))
        if a.type is not None:
            # a plain string: the OB 3.0 context.json of 2022-2023 types it with a wrong
            # datatype IRI (https://www.w3.org/2001/XMLSchema#string)
            graph.add((achievement, DCTERMS.type, Literal(str(a.type))))
        if isinstance(a.original, URIRef):
            graph.add((achievement, PROV.wasDerivedFrom, a.original))
        graph.add((achievement, DCTERMS.modified, day))
    # one achievement: the IRI records have always had; several (a CLR): all of them
    attests = achievements[0] if len(achievements) == 1 else tuple(sorted(achievements)) or None
    record = URIRef(
        f"{base_uri}id/credential/"
        + _key(claim.credential, claim.types, issuer, attests, claim.issued, claim.valid)
    )
    for t in (*claim.types, LER.VerifiableLER):
        graph.add((record, RDF.type, t))
    graph.add((record, RDFS.label, _english(_record_name(claim))))
    graph.add((record, LER.issuedBy, issuer))
    for achievement in achievements:
        graph.add((record, LER.achievement, achievement))
    for predicate, value in ((DCTERMS.issued, claim.issued), (DCTERMS.valid, claim.valid)):
        if value is not None:
            graph.add((record, predicate, value))
    if isinstance(claim.credential, URIRef):
        graph.add((record, PROV.wasDerivedFrom, claim.credential))
    graph.add((record, DCTERMS.modified, day))
    graph.add((issuer, RDF.type, LER.LERIssuer))
    return record, graph


def competency_graph(
    alignment: Alignment, base_uri: str, day: Literal, named: set[URIRef]
) -> tuple[URIRef | None, Graph]:
    """A competency (and its framework) that an alignment names. The competency's IRI
    follows from its targetUrl when it has one, so that every credential aligned to the
    same framework item meets at one competency; else from its name, framework and code.
    The framework's IRI follows from its name. `named` holds the competencies and
    frameworks already named (by this batch or an earlier run): the first name stays, so
    that a second spelling never gives one of them two names."""
    graph = Graph()
    label = alignment.name or alignment.code or alignment.url
    if not label:
        return None, graph
    url = alignment.url if alignment.url and _absolute_iri(alignment.url) else None
    competency = URIRef(
        f"{base_uri}id/competency/"
        + (
            _key(url)
            if url
            else _key(alignment.name, normalized(alignment.framework or ""), alignment.code)
        )
    )
    graph.add((competency, RDF.type, LER.Competency))
    if competency not in named:
        named.add(competency)
        graph.add((competency, RDFS.label, _english(label)))
    if url:
        graph.add((competency, SKOS.exactMatch, URIRef(url)))
    if alignment.code:
        graph.add((competency, SKOS.notation, Literal(alignment.code)))
    if alignment.type:
        graph.add((competency, DCTERMS.type, Literal(alignment.type)))
    if alignment.description:
        graph.add((competency, DCTERMS.description, _english(alignment.description)))
    graph.add((competency, DCTERMS.modified, day))
    if alignment.framework:
        framework = URIRef(
            f"{base_uri}id/competency-framework/{slug(alignment.framework)[:80].strip('-')}"
        )
        graph.add((framework, RDF.type, LER.CompetencyFramework))
        if framework not in named:
            named.add(framework)
            graph.add((framework, RDFS.label, _english(alignment.framework)))
        graph.add((framework, DCTERMS.modified, day))
        graph.add((competency, LER.framework, framework))
    return competency, graph


def _absolute_iri(text: str) -> bool:
    """A targetUrl that can stand as an IRI: a scheme and no spaces or brackets."""
    return re.fullmatch(r"[A-Za-z][A-Za-z0-9+.-]*:[^\s<>\"{}|\\^`]+", text) is not None


@dataclass
class DocumentWriter:
    """The triples lerld publishes for one document: its credential and the credentials it
    bundles (a CLR 2.0), their issuers (and parent organizations), achievements, the
    competencies they align to, the associations between them and their endorsements."""

    said: Said
    issuers: Issuers
    relations: Mapping[str, URIRef]
    base_uri: str
    day: Literal
    named: set[URIRef]  # entities already named, shared by every document of the batch
    graph: Graph = field(default_factory=Graph)
    records: dict[URIRef, URIRef] = field(default_factory=dict)
    achievements: dict[URIRef, tuple[URIRef, str]] = field(default_factory=dict)
    by_id: dict[str, URIRef] = field(default_factory=dict)
    organizations: dict[URIRef, tuple[URIRef, str]] = field(default_factory=dict)

    def write(self, root: URIRef) -> URIRef:
        """Raises RejectedDocument when the document or a credential it bundles names no
        usable issuer: a document is kept whole or not at all."""
        record = self.credential(root, root)
        for node, (achievement, _) in self.achievements.items():
            for alignment in self.said.alignments.get(node, ()):
                competency, triples = competency_graph(
                    alignment, self.base_uri, self.day, self.named
                )
                if competency is not None:
                    self.graph += triples
                    self.graph.add((achievement, LER.alignedTo, competency))
        for node in self.records:
            for kind, source, target in self.said.associations.get(node, ()):
                if source in self.by_id and target in self.by_id:
                    relation = self.relations.get(kind, LER.associatedAchievement)
                    self.graph.add((self.by_id[source], relation, self.by_id[target]))
        for node, (endorsed, label) in {**self.achievements, **self.organizations}.items():
            for endorsement in self.said.endorsements.get(node, ()):
                self.endorsement(endorsement, endorsed, label)
        return record

    def credential(self, node: URIRef, root: URIRef) -> URIRef:
        claim = self.said.claims[node]
        where = "it" if node == root else f"a credential it bundles ({claim.credential})"
        if claim.issuer is None:
            raise RejectedDocument("unknown-issuer", f"{where} names no issuer")
        issuer = self.organization(claim.issuer, claim.issuer_name)
        if claim.issuer_node is not None:
            self.organizations[claim.issuer_node] = (issuer, claim.issuer_name or str(claim.issuer))
        if claim.parent is not None:
            try:
                parent = self.organization(claim.parent, claim.parent_name)
            except RejectedDocument:
                parent = None  # a parent with neither a name nor an id says nothing
            if parent is not None and parent != issuer:
                self.graph.add((issuer, LER.parentOrganization, parent))
        record, triples = record_graph(claim, issuer, self.base_uri, self.day)
        self.graph += triples
        self.records[node] = record
        for a in claim.achievements:
            if a.name:
                iri = _achievement_iri(a, issuer, self.base_uri)
                self.achievements[a.node] = (iri, a.name)
                if isinstance(a.original, URIRef):
                    self.by_id.setdefault(str(a.original), iri)
        for bundled in claim.bundled:
            if bundled in self.said.claims:
                included = self.records.get(bundled) or self.credential(bundled, root)
                self.graph.add((record, LER.includesCredential, included))
        return record

    def organization(self, agent: Any, name: str | None) -> URIRef:
        """The organization an issuer, parent organization or endorser is matched to (or
        becomes), with its DID or URL as dcterms:identifier."""
        identifier = str(agent) if isinstance(agent, URIRef) else None
        org = self.issuers.named(name, identifier) if name else self.issuers.nameless(identifier)
        if identifier:
            self.graph.add((org, DCTERMS.identifier, Literal(identifier)))
        if org in self.issuers.new:
            self.graph.add((org, RDF.type, LER.Organization))
            self.graph.add((org, RDFS.label, _english(self.issuers.new[org])))
            self.graph.add((org, DCTERMS.modified, self.day))
        return org

    def endorsement(self, endorsement: Endorsement, endorsed: URIRef, label: str) -> None:
        try:
            endorser = self.organization(endorsement.endorser, endorsement.endorser_name)
        except RejectedDocument:
            return  # an endorser with neither a name nor an id endorses nothing we can name
        iri = URIRef(
            f"{self.base_uri}id/endorsement/" + _key(endorsed, endorser, endorsement.issued)
        )
        name = endorsement.endorser_name or str(endorsement.endorser)
        self.graph.add((iri, RDF.type, LER.Endorsement))
        if iri not in self.named:
            self.named.add(iri)
            self.graph.add((iri, RDFS.label, _english(f"Endorsement of {label} by {name}")))
        self.graph.add((iri, LER.endorsedBy, endorser))
        self.graph.add((iri, LER.endorsementOf, endorsed))
        if endorsement.issued is not None:
            self.graph.add((iri, DCTERMS.issued, endorsement.issued))
        if isinstance(endorsement.original, URIRef):
            self.graph.add((iri, PROV.wasDerivedFrom, endorsement.original))
        self.graph.add((iri, DCTERMS.modified, self.day))


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
        "# Written by `lerld ingest` from Open Badges 3.0 / CLR 2.0 / Verifiable Credential\n"
        "# documents:"
        " what they say about the LER ecosystem, classified by ontology/alignment.ttl.\n"
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
    ontology = sources.graph("ontology")
    closed = closure(ontology, (p.graph for p in parsed.values()))
    found = said(closed, list(parsed.values()))
    # data, not code: the association types the vocabulary names (ler:isParentOf, ...)
    relations = {
        str(p)[len(str(LER)) :]: p
        for p in ontology.subjects(RDFS.subPropertyOf, LER.associatedAchievement)
    }

    previous_file = sources.file(output)
    previous = previous_file.graph if previous_file else Graph()
    data = Graph()
    for f in sources.of_role("data"):
        data += f.graph
    issuers = Issuers.known(data, settings.base_uri)
    named = {s for s in previous.subjects(RDFS.label, None) if isinstance(s, URIRef)}
    new = Graph()
    # named issuers first, so that a nameless one can be matched by a DID they revealed
    for number in sorted(parsed, key=lambda n: _nameless(found.claims.get(parsed[n].root))):
        p = parsed[number]
        if p.root not in found.claims:
            types = ", ".join(sorted(str(t) for t in _asserted_types(p, p.root))) or "none"
            outcomes[number] = Outcome(
                str(paths[number]),
                "not-an-ler",
                f"the alignment does not classify it as a ler:VerifiableLER (its types: {types})",
            )
            continue
        writer = DocumentWriter(found, issuers, relations, settings.base_uri, day_literal, named)
        try:
            record = writer.write(p.root)
        except RejectedDocument as e:
            outcomes[number] = Outcome(str(paths[number]), e.reason, str(e))
            continue
        new += writer.graph
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
