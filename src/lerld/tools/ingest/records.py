"""The triples lerld publishes for a document: its credential records, achievements,
competencies and frameworks, endorsements and organizations (equal content, equal IRI);
merged with what earlier runs wrote, and written as Turtle."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from lerld.core.errors import RejectedDocument
from lerld.core.terms import LER, PREFIXES
from lerld.tools.ingest.classify import (
    AchievementClaim,
    Alignment,
    Claim,
    Endorsement,
    Said,
)
from lerld.tools.ingest.issuers import Issuers, normalized, slug

PROV = Namespace("http://www.w3.org/ns/prov#")


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
    for predicate, value in (
        (DCTERMS.issued, claim.issued),
        (DCTERMS.valid, claim.valid),
    ):
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
        for node, (endorsed, label) in {
            **self.achievements,
            **self.organizations,
        }.items():
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
            self.organizations[claim.issuer_node] = (
                issuer,
                claim.issuer_name or str(claim.issuer),
            )
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
