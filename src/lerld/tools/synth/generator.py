"""Generating synthetic entities: a seeded Generator writes one Turtle block per entity
(organizations, initiatives, topics, resources, glossary terms and senses, and the
stakeholder groups' statements), counting the triples. Every link points at an entity that
exists (the real map's, in Pools, or one generated before), and every label is unique
within its kind, so that the project validates."""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from rdflib import RDF, Graph, URIRef

from lerld.core.terms import ENTITY_BASE, LABEL_PREDICATES, LER
from lerld.tools.synth.words import (
    GLOSSARY_ADJECTIVES,
    GLOSSARY_NOUNS,
    INITIATIVE_FORMS,
    OBJECTS,
    ORG_FORMS,
    ORG_WORDS,
    PLACES,
    RESOURCE_FORMS,
    SENTENCES,
    SPEAKERS,
    TOPIC_QUALIFIERS,
    TOPIC_WORDS,
    VERBS,
)

PREFIXES = {
    "ler": "https://w3id.org/ler/ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}
for _kind in (
    "organization",
    "initiative",
    "topic",
    "resource",
    "glossary",
    "glossary-sense",
    "work-stream",
    "recommendation",
    "value-proposition",
    "quote",
    "stakeholder",
    "stage",
    "action-area",
    "scheme",
    "resource-category",
    "standard",
    "framework",
):
    PREFIXES[_kind.replace("-", "")] = ENTITY_BASE + _kind + "/"

GROUPS = (
    "career-navigators",
    "credentialing-organizations",
    "data-standards-organizations",
    "employers",
    "funders",
    "governance",
    "hr-systems",
    "learners-earners",
    "ler-technology-providers",
    "supporting-systems",
)
STAGES = ("developing", "issuing", "using", "adopting")
ACTION_AREAS = (
    "promoting-adoption",
    "building-employer-demand",
    "gathering-data-on-impact",
    "supporting-degree-and-skills-based-systems",
)
INITIATIVE_CLASSES = ("Project", "Programme", "Network", "Report", "StandardsEffort")


@dataclass
class Pools:
    """The entities generated so far (and the real ones), that later entities link to."""

    organizations: list[str] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    initiatives: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    categories: list[str] = field(default_factory=list)
    labels: set[tuple[str, str]] = field(default_factory=set)
    slugs: set[str] = field(default_factory=set)
    positions: dict[str, int] = field(default_factory=dict)
    serial: dict[str, int] = field(default_factory=dict)


def _lit(text: str, lang: str = "en") -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"@{lang}'


def _slug(text: str) -> str:
    out = "".join(c if c.isalnum() else "-" for c in text.lower())
    return "-".join(part for part in out.split("-") if part)[:60].strip("-")


class Generator:
    """Writes synthetic entities, one Turtle block each, counting the triples."""

    def __init__(self, rng: random.Random, pools: Pools) -> None:
        self.rng = rng
        self.pools = pools
        self.triples = 0

    # -- small helpers -------------------------------------------------------------------
    def pick(self, items, k: int = 1) -> list:
        k = min(k, len(items))
        return self.rng.sample(items, k) if k else []

    def date(self) -> str:
        day = date(2023, 1, 1) + timedelta(days=self.rng.randrange(1422))
        return f'"{day.isoformat()}"^^xsd:date'

    def sentence(self) -> str:
        r = self.rng
        return r.choice(SENTENCES).format(
            a=r.choice(VERBS), o=r.choice(OBJECTS), q=r.choice(TOPIC_QUALIFIERS)
        )

    def paragraph(self, sentences: int) -> str:
        return " ".join(self.sentence() for _ in range(sentences))

    def unique(self, kind: str, make: Callable[[], str]) -> str:
        """A label not yet used by an entity of this kind (case- and space-insensitive)."""
        label = make()
        n = 2
        base = label
        while (kind, " ".join(label.casefold().split())) in self.pools.labels:
            label = f"{base} ({n})"
            n += 1
        self.pools.labels.add((kind, " ".join(label.casefold().split())))
        return label

    def new_slug(self, kind: str, label: str) -> str:
        """A slug made from the label, never used before by this kind."""
        base = _slug(label) or kind
        slug, n = base, 2
        while f"{kind}/{slug}" in self.pools.slugs:
            slug, n = f"{base}-{n}", n + 1
        self.pools.slugs.add(f"{kind}/{slug}")
        return slug

    def block(self, subject: str, rdf_type: str, props: list[tuple[str, list[str]]]) -> str:
        lines = [f"{subject} a {rdf_type} ;"]
        body = [(p, values) for p, values in props if values]
        for i, (p, values) in enumerate(body):
            end = " ." if i == len(body) - 1 else " ;"
            lines.append(f"    {p} {' , '.join(values)}{end}")
        self.triples += 1 + sum(len(values) for _, values in body)
        return "\n".join(lines) + "\n"

    def fmt(self, forms, **extra) -> str:
        r = self.rng
        w, v = r.sample(ORG_WORDS, 2)
        return r.choice(forms).format(p=r.choice(PLACES).replace("-", " "), w=w, v=v, **extra)

    # -- entities ------------------------------------------------------------------------
    def organization(self) -> str:
        r, pools = self.rng, self.pools
        label = self.unique("organization", lambda: self.fmt(ORG_FORMS))
        slug = self.new_slug("organization", label)
        words = [w for w in label.split() if w[0].isupper()]
        props = [
            ("rdfs:label", [_lit(label)]),
            ("dcterms:modified", [self.date()]),
            ("skos:altLabel", [_lit("".join(w[0] for w in words))] if r.random() < 0.5 else []),
            (
                "dcterms:description",
                [_lit(self.paragraph(r.randint(1, 3)))] if r.random() < 0.6 else [],
            ),
            (
                "schema:url",
                [f"<https://www.{slug.replace('-', '')[:40]}.example.org/>"]
                if r.random() < 0.9
                else [],
            ),
            (
                "ler:stakeholderGroup",
                [f"stakeholder:{g}" for g in self.pick(GROUPS, r.choice((1, 1, 1, 2)))],
            ),
            ("ler:topic", [self.ref(t) for t in self.pick(pools.topics, r.randint(0, 3))]),
            ("ler:partner", [self.ref(o) for o in self.pick(pools.organizations, r.randint(0, 2))]),
        ]
        iri = PREFIXES["organization"] + slug
        pools.organizations.append(iri)
        return self.block(f"organization:{slug}", "ler:Organization", props)

    def initiative(self) -> str:
        r, pools = self.rng, self.pools
        label = self.unique("initiative", lambda: self.fmt(INITIATIVE_FORMS))
        slug = self.new_slug("initiative", label)
        issued = (
            f'"{r.randint(2015, 2026)}"^^xsd:gYear'
            if r.random() < 0.5
            else f'"{r.randint(2015, 2026)}-{r.randint(1, 12):02d}"^^xsd:gYearMonth'
        )
        orgs = self.pick(pools.organizations, r.randint(2, 6))
        props = [
            ("rdfs:label", [_lit(label)]),
            ("dcterms:description", [_lit(self.paragraph(r.randint(2, 4)))]),
            ("dcterms:modified", [self.date()]),
            ("dcterms:issued", [issued]),
            ("ler:ledBy", [self.ref(orgs[0])]),
            ("ler:partner", [self.ref(o) for o in orgs[1:]]),
            ("ler:funder", [self.ref(o) for o in self.pick(pools.organizations, r.randint(0, 1))]),
            ("ler:topic", [self.ref(t) for t in self.pick(pools.topics, r.randint(1, 3))]),
            ("ler:standard", [self.ref(s) for s in self.pick(pools.standards, r.randint(0, 1))]),
            ("schema:url", [f"<https://{slug[:40]}.example.net/>"] if r.random() < 0.8 else []),
        ]
        pools.initiatives.append(PREFIXES["initiative"] + slug)
        cls = "ler:" + r.choice(INITIATIVE_CLASSES)
        return self.block(f"initiative:{slug}", cls, props)

    def topic(self) -> str:
        r, pools = self.rng, self.pools
        label = self.unique(
            "topic",
            lambda: f"{r.choice(TOPIC_WORDS).capitalize()} {r.choice(TOPIC_QUALIFIERS)}",
        )
        slug = self.new_slug("topic", label)
        props = [
            ("skos:prefLabel", [_lit(label)]),
            ("skos:definition", [_lit(self.paragraph(1))]),
            ("skos:inScheme", ["scheme:topics"]),
            ("dcterms:modified", [self.date()]),
            # broader only to earlier topics: the hierarchy has no cycle
            ("skos:broader", [self.ref(t) for t in self.pick(pools.topics, r.randint(0, 1))]),
            ("skos:related", [self.ref(t) for t in self.pick(pools.topics, r.randint(0, 2))]),
        ]
        pools.topics.append(PREFIXES["topic"] + slug)
        return self.block(f"topic:{slug}", "ler:Topic", props)

    def resource(self) -> str:
        r, pools = self.rng, self.pools
        label = self.unique(
            "resource",
            lambda: r.choice(RESOURCE_FORMS).format(
                t=r.choice(TOPIC_WORDS).capitalize(),
                q=r.choice(TOPIC_QUALIFIERS),
                p=r.choice(PLACES),
            ),
        )
        slug = self.new_slug("resource", label)
        category = r.choice(pools.categories)
        pools.positions[category] = pools.positions.get(category, 100) + 1
        props = [
            ("rdfs:label", [_lit(label)]),
            ("dcterms:modified", [self.date()]),
            ("schema:url", [f"<https://library.example.org/{slug}>"] if r.random() < 0.97 else []),
            ("ler:author", [self.ref(o) for o in self.pick(pools.organizations, r.randint(1, 2))]),
            ("ler:category", [self.ref(category)]),
            ("ler:position", [str(pools.positions[category])]),
            ("ler:topic", [self.ref(t) for t in self.pick(pools.topics, r.randint(1, 3))]),
        ]
        return self.block(f"resource:{slug}", "ler:Resource", props)

    def glossary_term(self) -> str:
        r, pools = self.rng, self.pools
        label = self.unique(
            "glossary",
            lambda: f"{r.choice(GLOSSARY_ADJECTIVES).capitalize()} {r.choice(GLOSSARY_NOUNS)}",
        )
        slug = self.new_slug("glossary", label)
        senses = r.choice((0, 0, 0, 2, 3))
        props = [
            ("skos:prefLabel", [_lit(label)]),
            ("skos:inScheme", ["scheme:glossary"]),
            ("dcterms:modified", [self.date()]),
            ("skos:definition", [] if senses else [_lit(self.paragraph(1))]),
            ("ler:standard", [self.ref(s) for s in self.pick(pools.standards, r.randint(0, 1))]),
        ]
        text = self.block(f"glossary:{slug}", "ler:GlossaryTerm", props)
        for n in range(1, senses + 1):
            text += "\n" + self.block(
                f"glossarysense:{slug}-{n}",
                "ler:TermSense",
                [
                    ("skos:prefLabel", [_lit(f"{label} (sense {n})")]),
                    ("skos:definition", [_lit(self.paragraph(1))]),
                    ("skos:inScheme", ["scheme:glossary"]),
                    ("dcterms:modified", [self.date()]),
                    ("ler:position", [str(n)]),
                    ("ler:senseOf", [f"glossary:{slug}"]),
                ],
            )
        return text

    def statement(self) -> str:
        """A stakeholder group's work stream, recommendation, value proposition or quote."""
        r = self.rng
        group = r.choice(GROUPS)
        kind = r.choices(("ws", "rec", "vp", "quote"), weights=(4, 3, 2, 1))[0]
        label = f"{r.choice(VERBS).capitalize()} {r.choice(OBJECTS)} {r.choice(TOPIC_QUALIFIERS)}"
        common = [
            ("rdfs:label", [_lit(label)]),
            ("dcterms:modified", [self.date()]),
            ("ler:stakeholderGroup", [f"stakeholder:{group}"]),
        ]
        if kind == "quote":
            n = self.counter(f"quote/{group}")
            speaker = r.choice(SPEAKERS)
            return self.block(
                f"quote:{group}-{n}",
                "ler:Quote",
                [
                    ("rdfs:label", [_lit(f"{speaker} on {group.replace('-', ' ')} ({n})")]),
                    *common[1:],
                    ("ler:text", [_lit(self.paragraph(2))]),
                    ("ler:attribution", [_lit(f"{speaker}, {r.randint(2019, 2026)}")]),
                ],
            )
        if kind == "ws":
            stage = r.choice(STAGES)
            n = self.counter(f"work-stream/{group}-{stage}")
            return self.block(
                f"workstream:{group}-{stage}-{n}",
                "ler:WorkStream",
                [*common, ("ler:position", [str(n)]), ("ler:stage", [f"stage:{stage}"])],
            )
        if kind == "rec":
            area = r.choice(ACTION_AREAS)
            short = area.split("-")[0]
            n = self.counter(f"recommendation/{group}-{short}")
            return self.block(
                f"recommendation:{group}-{short}-{n}",
                "ler:Recommendation",
                [*common, ("ler:position", [str(n)]), ("ler:actionArea", [f"actionarea:{area}"])],
            )
        case = r.choice(("business", "social"))
        n = self.counter(f"value-proposition/{group}-{case}")
        return self.block(
            f"valueproposition:{group}-{case}-{n}",
            "ler:BusinessCase" if case == "business" else "ler:SocialCase",
            [
                *common,
                ("dcterms:description", [_lit(self.paragraph(2))]),
                ("ler:position", [str(n)]),
            ],
        )

    def counter(self, key: str) -> int:
        """Numbers after the real map's (which stay below 100): IRIs never collide."""
        self.pools.serial[key] = self.pools.serial.get(key, 100) + 1
        return self.pools.serial[key]

    @staticmethod
    def ref(iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and namespace.startswith(ENTITY_BASE):
                local = iri[len(namespace) :]
                if local and all(c.isalnum() or c == "-" for c in local):
                    return f"{prefix}:{local}"
        return f"<{iri}>"


def real_pools(data: Graph) -> Pools:
    """The real map's entities that generated ones link to, and the labels and slugs
    they already take."""
    pools = Pools()

    def instances(*classes) -> list[str]:
        found = {str(s) for c in classes for s in data.subjects(RDF.type, c)}
        return sorted(i for i in found if i.startswith(ENTITY_BASE))

    pools.organizations = instances(LER.Organization)
    pools.topics = instances(LER.Topic)
    pools.initiatives = instances(LER.Initiative, *(LER[c] for c in INITIATIVE_CLASSES))
    pools.standards = instances(LER.TechnicalStandard, LER.TechnicalFramework)
    pools.categories = instances(LER.ResourceCategory)
    pools.slugs = {str(s)[len(ENTITY_BASE) :] for s in data.subjects() if isinstance(s, URIRef)}
    kinds = {
        "organization": LER.Organization,
        "topic": LER.Topic,
        "resource": LER.Resource,
        "glossary": LER.GlossaryTerm,
    }
    for kind, cls in kinds.items():
        for s in data.subjects(RDF.type, cls):
            for p in LABEL_PREDICATES:
                for label in data.objects(s, p):
                    pools.labels.add((kind, " ".join(str(label).casefold().split())))
    for s in data.subjects(RDF.type, None):
        if isinstance(s, URIRef) and s.startswith(ENTITY_BASE + "initiative/"):
            for label in data.objects(s, LABEL_PREDICATES[1]):
                pools.labels.add(("initiative", " ".join(str(label).casefold().split())))
    return pools
