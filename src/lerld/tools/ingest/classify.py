"""What a batch of documents says in LER terms: the OWL RL closure of the documents with the
vocabulary's axioms (ontology/alignment.ttl decides what is an LER, an achievement, an
alignment), and the claims that ingest*.rq select from it: credentials, issuers,
achievements, alignments, associations and endorsements. No code here names an Open
Badges or CLR type."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

import owlrl
from rdflib import OWL, RDF, RDFS, Graph, Literal, URIRef

from lerld.tools.ingest.documents import Parsed

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
                    types=asserted_types(owner[record], node),
                    name=_name(r.achievementName for r in rows),
                    type=_first(r.achievementType for r in rows),
                )
            )
        found[record] = Claim(
            node=record,
            credential=original[record],
            types=asserted_types(owner[record], record),
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


def asserted_types(parsed: Parsed, node) -> tuple[URIRef, ...]:
    return tuple(sorted(t for t in parsed.graph.objects(node, RDF.type) if isinstance(t, URIRef)))
