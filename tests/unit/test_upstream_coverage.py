"""Every text item of the upstream LER Ecosystem Map v2 is present in data/, in place.

The upstream Jekyll data files (copied to data/upstream/) are read independently
of the bootstrap script; corrections.yml lists the few upstream mistakes that
data/ corrects, and each correction must be recorded on its entity.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
import yaml
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, SKOS

from lerld.core.terms import LER, SCHEMA

UPSTREAM = Path(__file__).resolve().parents[2] / "data" / "upstream"
MAP = UPSTREAM / "ler-ecosystem-map-v2" / "_data"
ID = "https://w3id.org/ler/id/"


def normal(text) -> str:
    """Upstream and data/ compared as plain text: entities decoded, tags and spacing dropped."""
    text = html.unescape(str(text))
    text = re.sub(r"<[^>]+>", " ", text)
    return " ".join(text.split())


def upstream(name: str) -> dict:
    return yaml.safe_load((MAP / name).read_text())


CORRECTIONS = yaml.safe_load((UPSTREAM / "corrections.yml").read_text())["corrections"]


def expected(text, context: str | None = None) -> list[str]:
    text = normal(text)
    for c in CORRECTIONS:
        if normal(c["upstream"]) == text and c.get("context") in (None, context):
            return [normal(t) for t in c["corrected"]]
    return [text]


def items(value) -> list:
    if value in (None, ""):
        return []
    return value if isinstance(value, list) else [value]


@pytest.fixture(scope="module")
def data(sources):
    return sources.graph("data")


def literals(graph, subject, predicate) -> set[str]:
    return {normal(o) for o in graph.objects(subject, predicate) if isinstance(o, Literal)}


def statements(graph, cls, group, link, target) -> list[str]:
    """Labels of the statements of one group in one stage or action area, in order."""
    found = [
        (int(graph.value(s, LER.position)), normal(graph.value(s, RDFS.label)))
        for s in graph.subjects(RDF.type, cls)
        if graph.value(s, LER.stakeholderGroup) == group and graph.value(s, link) == target
    ]
    return [text for _, text in sorted(found)]


STAGES = {
    "Developing": "developing",
    "Issuing": "issuing",
    "Using": "using",
    "Adopting": "adopting",
}
AREAS = {
    "promoting": "promoting-adoption",
    "building": "building-employer-demand",
    "gathering": "gathering-data-on-impact",
    "supporting": "supporting-degree-and-skills-based-systems",
}
GROUPS = upstream("stakeholders-list.yml")["stakeholders"]


def group_iri(item) -> URIRef:
    return URIRef(f"{ID}stakeholder/{item['url'].strip()}")


def test_all_ten_stakeholder_groups(data):
    assert len(GROUPS) == 10
    assert len(set(data.subjects(RDF.type, LER.StakeholderGroup))) == 10


@pytest.mark.parametrize("item", GROUPS, ids=[g["url"].strip() for g in GROUPS])
def test_stakeholder_group(data, item):
    group = group_iri(item)
    assert normal(item["name"]) in literals(data, group, SKOS.prefLabel)
    assert literals(data, group, SKOS.definition) == {normal(item["definition"])}
    assert literals(data, group, SKOS.example) == {normal(item["examples"])}

    for section in item.get("sections") or []:
        stage = URIRef(f"{ID}stage/{STAGES[section['title'].strip()]}")
        want = [t for b in items(section["bullets"]) for t in expected(b)]
        assert statements(data, LER.WorkStream, group, LER.stage, stage) == want

    for area in item.get("action-areas") or []:
        action_area = URIRef(f"{ID}action-area/{AREAS[area['title']]}")
        want = [t for b in items(area["bullets"]) for t in expected(b)]
        assert statements(data, LER.Recommendation, group, LER.actionArea, action_area) == want

    for key, cls in (("business-case", LER.BusinessCase), ("social-case", LER.SocialCase)):
        found = {
            (normal(data.value(v, RDFS.label)), normal(data.value(v, DCTERMS.description)))
            for v in data.subjects(RDF.type, cls)
            if data.value(v, LER.stakeholderGroup) == group
        }
        want = {(normal(c["title"]), expected(c["description"])[0]) for c in item.get(key) or []}
        assert found == want

    quotes = [
        q
        for q in data.subjects(RDF.type, LER.Quote)
        if data.value(q, LER.stakeholderGroup) == group
    ]
    if item.get("quote-text"):
        assert len(quotes) == 1
        assert literals(data, quotes[0], LER.text) == {normal(item["quote-text"]).strip('“”" ')}
        assert literals(data, quotes[0], LER.attribution) == {normal(item["quote-description"])}
    else:
        assert quotes == []


def test_action_areas(data):
    for action in upstream("action-items-content.yml")["actions"]:
        area = URIRef(f"{ID}action-area/{AREAS[action['name']]}")
        labels = literals(data, area, SKOS.prefLabel) | literals(data, area, SKOS.altLabel)
        assert normal(action["title"]) in labels
        assert literals(data, area, SKOS.definition) == {normal(action["description"])}


def test_lifecycle_stages(data):
    stages = set(data.subjects(RDF.type, LER.LifecycleStage))
    assert stages == {URIRef(f"{ID}stage/{s}") for s in STAGES.values()}


GLOSSARY = upstream("glossary-list.yml")["terms"]


@pytest.mark.parametrize("item", GLOSSARY, ids=[t["term"] for t in GLOSSARY])
def test_glossary_term(data, item):
    terms = [
        t
        for t in data.subjects(RDF.type, LER.GlossaryTerm)
        if normal(item["term"]) in literals(data, t, SKOS.prefLabel)
    ]
    assert len(terms) == 1, item["term"]
    term = terms[0]
    if item.get("definition"):
        assert literals(data, term, SKOS.definition) == set(expected(item["definition"]))
    senses = sorted(
        (int(data.value(s, LER.position)), normal(data.value(s, SKOS.definition)))
        for s in data.subjects(LER.senseOf, term)
    )
    assert [text for _, text in senses] == [normal(t) for t in items(item.get("list"))]


def test_glossary_is_complete(data):
    assert len(set(data.subjects(RDF.type, LER.GlossaryTerm))) == len(GLOSSARY)


RESOURCES = [
    (cat["name"], site)
    for cat in upstream("resources-list.yml")["resources"]
    for site in cat["sites"]
]


@pytest.mark.parametrize(
    "category,site", RESOURCES, ids=[normal(s["title"])[:40] for _, s in RESOURCES]
)
def test_resource(data, category, site):
    title = normal(site["title"])
    found = [
        r for r in data.subjects(RDF.type, LER.Resource) if title in literals(data, r, RDFS.label)
    ]
    assert len(found) == 1, title
    resource = found[0]
    assert normal(category) in literals(data, data.value(resource, LER.category), SKOS.prefLabel)
    links = {str(u) for u in data.objects(resource, SCHEMA.url)}
    assert links == set(expected(site["url"], context=title) if site.get("url") else [])

    def plain(name: str) -> str:
        return name.casefold().removeprefix("the ")

    authors = {
        plain(normal(name))
        for a in data.objects(resource, LER.author)
        for name in [*data.objects(a, RDFS.label), *data.objects(a, SKOS.altLabel)]
    }
    for name in re.split(r",\s*(?:and\s+)?", normal(site["author"])):
        assert plain(expected(name)[0]) in authors, (name, authors)


def test_resource_catalogue_is_complete(data):
    assert len(set(data.subjects(RDF.type, LER.Resource))) == len(RESOURCES)


def test_every_correction_is_recorded_on_its_entity(data):
    notes = " ".join(normal(o) for o in data.objects(None, SKOS.editorialNote))
    for c in CORRECTIONS:
        assert normal(c["upstream"]) in notes, c["upstream"]


SEEDS = UPSTREAM / "seeds"
# Organizations named by the seed texts, as each text spells them -> their entity.
SEED_ORGANIZATIONS = {
    "learn-work-ecosystem-library-mapping-lers.txt": {
        "Digital Credentials Consortium (DCC)": "digital-credentials-consortium",
        "MIT Open Learning": "mit-open-learning",
        "NationSwell": "nationswell",
        "American Association of Collegiate Registrars and Admissions Officers (AACRAO)": "aacrao",
        "Brookings Institution": "brookings-institution",
        "Competency-Based Education Network (C-BEN)": "competency-based-education-network",
        "Digital Promise": "digital-promise",
        "Jobs For The Future (JFF)": "jobs-for-the-future",
        "National Association of Workforce Boards (NAWB)": "national-association-of-workforce-boards",
        "National Governors Association (NGA)": "national-governors-association",
        "T3 Innovation Network": "t3-innovation-network",
        "U.S. Chamber of Commerce Foundation": "us-chamber-of-commerce-foundation",
        "Society for Resource Management Foundation (SHRM)": "shrm-foundation",
        "Walmart": "walmart",
    },
    "mit-open-learning-ler-map-v2-post.txt": {
        "Aspen Institute": "aspen-institute",
        "Credential Engine": "credential-engine",
        "Trusted Learner Network": "trusted-learner-network",
        "Arizona State University": "arizona-state-university",
        "Walmart": "walmart",
        "Society for Human Resource Management Foundation": "shrm-foundation",
    },
}


@pytest.mark.parametrize("seed", sorted(SEED_ORGANIZATIONS))
def test_organizations_of_the_seed_texts(data, seed):
    text = (SEEDS / seed).read_text()
    partners = set(data.objects(URIRef(f"{ID}initiative/ler-ecosystem-map"), LER.partner)) | {
        o
        for v in ("ler-ecosystem-map-v1", "ler-ecosystem-map-v2")
        for p in (LER.partner, LER.funder, LER.contributor, LER.ledBy)
        for o in data.objects(URIRef(f"{ID}initiative/{v}"), p)
    }
    for name, slug in SEED_ORGANIZATIONS[seed].items():
        assert name in text, name
        org = URIRef(f"{ID}organization/{slug}")
        assert (org, RDF.type, LER.Organization) in data, slug
        assert (
            org in partners
            or (org, LER.hostedBy, None) in data
            or any((p, LER.hostedBy, org) in data for p in partners)
        ), slug


def test_entities_have_stable_readable_iris_and_dates(data):
    subjects = {s for s in data.subjects() if isinstance(s, URIRef)}
    assert subjects, "no entities"
    for s in subjects:
        assert re.fullmatch(r"https://w3id\.org/ler/id/[a-z-]+/[a-z0-9]+(-[a-z0-9]+)*", str(s)), s
        assert data.value(s, DCTERMS.modified) is not None, s


def test_text_is_clean(data):
    for o in data.objects():
        if isinstance(o, Literal) and o.datatype is None:
            text = str(o)
            assert not re.search(r"</?[a-z][^>]*>|&[a-z]+;|&#x?[0-9a-f]+;", text, re.I), text
            assert "  " not in text and text == text.strip(), repr(text)
