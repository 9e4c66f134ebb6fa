"""`lerld ingest` on CLR 2.0 and on Open Badges 3.0 credentials with alignments and
endorsements (tests/credentials-skills/: 1EdTech's own CLR 2.0 example and fixtures
written from the Open Badges 3.0 specification's examples): a CLR's achievements, the
credentials it bundles and its associations; skills as competencies and frameworks;
endorsements; the named queries, pages and map that show them; and never the learner."""

from __future__ import annotations

import copy
import json
import shutil
from datetime import date
from pathlib import Path

import pytest
from rdflib import RDF, RDFS, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, SKOS

from lerld.core.formats import SPARQL_JSON, TURTLE
from lerld.core.settings import Settings
from lerld.core.terms import LER
from lerld.project.snapshot import build_snapshot
from lerld.sparql import queries
from lerld.stores import QueryDataset
from lerld.stores.results import Formats, read_json
from lerld.tools.ingest import document_paths, ingest
from lerld.web import create_app
from tests.conftest import INGEST_DAY, REPO, SOURCE_DIRS

SKILLS = REPO / "tests" / "credentials-skills"
OUTPUT = "data/ingested/credentials.ttl"
PROV = Namespace("http://www.w3.org/ns/prov#")
CLR = Namespace("https://purl.imsglobal.org/spec/vc/clr/vocab.html#")
CASE_ITEM = URIRef("https://caseregistry.imsglobal.org/uri/74f5bb7d-d7cc-11e8-824f-0242ac160002")


def copy_project(root: Path) -> Path:
    for name in SOURCE_DIRS:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("upstream"))
    return root


@pytest.fixture(scope="module")
def skills(tmp_path_factory):
    """A copy of the project with tests/credentials-skills/ ingested: (root, result, graph)."""
    root = copy_project(tmp_path_factory.mktemp("skills"))
    result = ingest(
        Settings(root=root), document_paths([SKILLS]), day=date.fromisoformat(INGEST_DAY)
    )
    return root, result, Graph().parse(root / OUTPUT)


def record_of(result, name: str) -> URIRef:
    (outcome,) = [o for o in result.outcomes if o.path.endswith(name)]
    assert outcome.ingested, outcome
    return URIRef(outcome.record)


def labels(graph: Graph, nodes) -> set[str]:
    return {str(graph.value(n, RDFS.label)) for n in nodes}


def derived(graph: Graph, source: str) -> URIRef:
    (node,) = graph.subjects(PROV.wasDerivedFrom, URIRef(source))
    return node


def test_every_fixture_is_ingested_and_the_project_validates(skills):
    _, result, _ = skills
    assert result.rejected == () and result.ingested == len(result.outcomes) == 5
    assert result.report.conforms


def test_the_1edtech_clr_example_with_its_achievements_bundled_credential_and_association(
    skills,
):
    _, result, graph = skills
    clr = record_of(result, "clr20-simple.json")
    assert (clr, RDF.type, CLR.ClrCredential) in graph and (
        clr,
        RDF.type,
        LER.VerifiableLER,
    ) in graph
    assert graph.value(clr, PROV.wasDerivedFrom) == URIRef("http://example.edu/credentials/3732")
    assert labels(graph, [graph.value(clr, LER.issuedBy)]) == {"Example University"}
    achievements = set(graph.objects(clr, LER.achievement))
    assert labels(graph, achievements) == {"Achievement 1", "Achievement 2"}
    # the bundled achievement credential, a record of its own with its own issuer
    (bundled,) = graph.objects(clr, LER.includesCredential)
    assert graph.value(bundled, PROV.wasDerivedFrom) == URIRef(
        "http://example.com/credentials/3527"
    )
    assert labels(graph, graph.objects(bundled, LER.achievement)) == {"Teamwork"}
    assert labels(graph, [graph.value(bundled, LER.issuedBy)]) == {"Example Corp"}
    # ... and not the CLR's: a learner shared by both never carries one's claims to the other
    assert not achievements & set(graph.objects(bundled, LER.achievement))
    # the association: Achievement 1 isParentOf Achievement 2
    first = derived(graph, "urn:uuid:a7467ef6-56cb-11ec-bf63-0242ac130002")
    second = derived(graph, "urn:uuid:dd887f0a-56cb-11ec-bf63-0242ac130002")
    assert list(graph.objects(first, LER.isParentOf)) == [second]
    # named after what it attests, never after its own name ("Sample Transcript")
    assert str(graph.value(clr, RDFS.label)) == "Credential: Achievement 1, Achievement 2"
    assert "Sample Transcript" not in result.turtle


def test_a_bundled_credential_is_the_record_it_would_be_on_its_own(skills, tmp_path):
    _, result, graph = skills
    clr = record_of(result, "clr20-simple.json")
    document = json.loads((SKILLS / "clr20-simple.json").read_text())
    (alone,) = document["credentialSubject"]["verifiableCredential"]
    path = tmp_path / "teamwork.json"
    path.write_text(json.dumps(alone))
    project = copy_project(tmp_path / "project")
    (outcome,) = ingest(Settings(root=project), [path], write=False).outcomes
    assert URIRef(outcome.record) == graph.value(clr, LER.includesCredential)


def test_an_older_clr_gives_a_programme_structure(skills):
    """A CLR of 2022-2023 names clr/v2p0/context.json and ob/v3p0/context.json."""
    _, result, graph = skills
    record = record_of(result, "clr20-2022-programme.json")
    bsn = derived(graph, "https://example.edu/achievements/bsn")
    nurs101 = derived(graph, "https://example.edu/achievements/nurs-101")
    nurs201 = derived(graph, "https://example.edu/achievements/nurs-201")
    assert set(graph.objects(record, LER.achievement)) == {bsn, nurs101, nurs201}
    assert set(graph.objects(bsn, LER.isParentOf)) == {nurs101, nurs201}
    assert list(graph.objects(nurs101, LER.precedes)) == [nurs201]
    assert graph.value(bsn, DCTERMS.type) == Literal("BachelorDegree")
    assert (bsn, RDF.type, LER.Achievement) in graph


def test_alignments_become_competencies_and_frameworks_where_credentials_meet(skills):
    _, _, graph = skills
    # two issuers' achievements aligned to the same CASE item meet at one competency
    (case_item,) = graph.subjects(SKOS.exactMatch, CASE_ITEM)
    aligned = set(graph.subjects(LER.alignedTo, case_item))
    assert labels(graph, aligned) == {"Text analysis", "Close reading"}
    issuers = {
        graph.value(r, LER.issuedBy) for a in aligned for r in graph.subjects(LER.achievement, a)
    }
    assert labels(graph, issuers) == {"Example University", "Example Reading Academy"}
    assert graph.value(case_item, SKOS.notation) == Literal("74f5bb7d-d7cc-11e8-824f-0242ac160002")
    assert graph.value(case_item, DCTERMS.type) == Literal("CFItem")
    alabama = graph.value(case_item, LER.framework)
    assert (alabama, RDF.type, LER.CompetencyFramework) in graph
    assert str(graph.value(alabama, RDFS.label)) == "Alabama Course of Study: English Language Arts"
    # a competency without a targetUrl still meets its framework (a hashed IRI of its own)
    in_alabama = set(graph.subjects(LER.framework, alabama))
    assert (
        labels(graph, in_alabama) >= {"Determine a central idea of a text"} and len(in_alabama) == 2
    )
    # CTDL competency, O*NET code, and the alignment of a result description
    linear = derived(graph, "https://example.com/achievements/math/linear-1")
    targets = {str(graph.value(c, DCTERMS.type)) for c in graph.objects(linear, LER.alignedTo)}
    assert targets == {"ceasn:Competency", "ext:ONETCode", "CFItem"}
    assert "Final Project" in labels(graph, graph.objects(linear, LER.alignedTo))
    for competency in graph.subjects(RDF.type, LER.Competency):
        assert str(competency).startswith("https://w3id.org/ler/id/competency/")


def test_endorsements_say_who_endorses_what_and_when_never_their_proof(skills):
    _, result, graph = skills
    (endorsement,) = graph.subjects(RDF.type, LER.Endorsement)
    linear = derived(graph, "https://example.com/achievements/math/linear-1")
    assert graph.value(endorsement, LER.endorsementOf) == linear
    endorser = graph.value(endorsement, LER.endorsedBy)
    assert labels(graph, [endorser]) == {"State Department of Education"}
    assert (endorser, RDF.type, LER.Organization) in graph
    assert (endorser, RDF.type, LER.LERIssuer) not in graph  # an endorsement is no LER
    issued = graph.value(endorsement, DCTERMS.issued)
    assert str(issued) == "2010-01-01T00:00:00+00:00" and str(issued.datatype).endswith("#dateTime")
    document = json.loads((SKILLS / "ob3-skill-assertion-ctdl.json").read_text())
    (endorsed,) = document["credentialSubject"]["achievement"]["endorsement"]
    assert endorsed["proof"][0]["proofValue"] not in result.turtle
    assert "endorses this achievement" not in result.turtle  # nor its comment


def test_an_issuers_parent_organization_is_an_organization_relation(skills):
    _, result, graph = skills
    issuer = graph.value(record_of(result, "ob3-skill-assertion-ctdl.json"), LER.issuedBy)
    parent = graph.value(issuer, LER.parentOrganization)
    assert labels(graph, [parent]) == {"1EdTech University System"}
    assert (parent, RDF.type, LER.Organization) in graph
    assert graph.value(parent, DCTERMS.identifier) == Literal("https://1edtech.edu/issuers/system")


# --- named queries, pages, map -------------------------------------------------------------


@pytest.fixture(scope="module")
def skills_snapshot(skills):
    root, _, _ = skills
    return build_snapshot(Settings(root=root))


def run(snapshot, name: str) -> list[dict[str, str]]:
    named = queries.find_query(name, REPO / "sparql")
    answer = snapshot.store.query(
        queries.bind(named, {}), Formats(SPARQL_JSON, TURTLE), QueryDataset()
    )
    variables, rows = read_json(answer.body)
    return [
        {v: t.value for v, t in zip(variables, row, strict=True) if t is not None} for row in rows
    ]


def test_named_query_competency_alignments(skills_snapshot):
    rows = run(skills_snapshot, "competency-alignments")
    case = [r for r in rows if r.get("target") == str(CASE_ITEM)]
    assert {(r["achievementLabel"], r["issuerLabel"]) for r in case} == {
        ("Text analysis", "Example University"),
        ("Close reading", "Example Reading Academy"),
    }
    assert {r["frameworkLabel"] for r in case} == {"Alabama Course of Study: English Language Arts"}
    frameworks = {r.get("frameworkLabel") for r in rows}
    assert frameworks == {
        "Alabama Course of Study: English Language Arts",
        "Example Industry Group Mathematics Competencies",
        "O*NET-SOC Taxonomy",
        "1EdTech University Program and Course Catalog",
    }


def test_named_query_framework_issuers(skills_snapshot):
    rows = run(skills_snapshot, "framework-issuers")
    alabama = {
        r["issuerLabel"]: (int(r["competencies"]), int(r["achievements"]), int(r["credentials"]))
        for r in rows
        if r["frameworkLabel"] == "Alabama Course of Study: English Language Arts"
    }
    assert alabama == {"Example Reading Academy": (2, 1, 1), "Example University": (1, 1, 1)}


def test_named_query_programme_structure(skills_snapshot):
    rows = run(skills_snapshot, "programme-structure")
    found = {(r["sourceLabel"], r["relation"], r["targetLabel"]) for r in rows}
    assert found == {
        ("Achievement 1", "is parent of", "Achievement 2"),
        ("Bachelor of Science in Nursing", "is parent of", "NURS 101 Foundations of Nursing"),
        ("Bachelor of Science in Nursing", "is parent of", "NURS 201 Pathophysiology"),
        ("NURS 101 Foundations of Nursing", "precedes", "NURS 201 Pathophysiology"),
    }
    assert {r["issuerLabel"] for r in rows} == {"Example University", "Example College of Nursing"}


def test_named_query_endorsements(skills_snapshot):
    (row,) = run(skills_snapshot, "endorsements")
    assert (row["endorserLabel"], row["endorsedLabel"]) == (
        "State Department of Education",
        "Linear equations and inequalities",
    )
    assert row["issued"].startswith("2010-01-01")


@pytest.fixture(scope="module")
def skills_client(skills, skills_snapshot):
    root, _, _ = skills
    return create_app(Settings(root=root), skills_snapshot).test_client()


def doc_path(iri: str) -> str:
    return iri[len("https://w3id.org/ler") :].replace("/id/", "/doc/", 1)


def test_achievement_competency_and_framework_pages(skills_client, skills):
    _, _, graph = skills
    (case_item,) = graph.subjects(SKOS.exactMatch, CASE_ITEM)
    framework = graph.value(case_item, LER.framework)
    text_analysis = derived(graph, "https://1edtech.edu/achievements/1")
    html = {"Accept": "text/html"}
    achievement = skills_client.get(doc_path(str(text_analysis)), headers=html)
    assert achievement.status_code == 200
    assert "Aligned to" in achievement.text and doc_path(str(case_item)) in achievement.text
    competency = skills_client.get(doc_path(str(case_item)), headers=html)
    assert competency.status_code == 200
    assert "Achievements aligned to it" in competency.text
    assert doc_path(str(framework)) in competency.text
    page = skills_client.get(doc_path(str(framework)), headers=html)
    assert page.status_code == 200 and doc_path(str(case_item)) in page.text
    listing = skills_client.get("/skills", headers=html)
    assert listing.status_code == 200
    for node in (framework, case_item, text_analysis):
        assert doc_path(str(node)) in listing.text


def test_the_map_shows_achievements_competencies_and_frameworks_when_present(skills_client, client):
    network = Graph().parse(data=skills_client.get("/map.nt").data, format="nt")
    for cls in (LER.Achievement, LER.Competency, LER.CompetencyFramework):
        assert set(network.subjects(RDF.type, cls)), cls
    assert set(network.subject_objects(LER.alignedTo)) and set(
        network.subject_objects(LER.framework)
    )
    page = skills_client.get("/map", headers={"Accept": "text/html"}).text
    assert 'data-kind="competency-framework"' in page
    # the map's own data has none: no empty kinds in its legend
    assert 'data-kind="competency"' not in client.get("/map", headers={"Accept": "text/html"}).text


# --- privacy --------------------------------------------------------------------------------

PERSON = "Zebulon Quixote-Planted"
PLANTED = (
    PERSON,
    "Zebulon",
    "Quixote-Planted",
    "did:example:zebulon-planted-4242",
    "zebulon.planted@example.net",
    "https://example.net/photos/zebulon-planted.png",
    "+1-555-0142-4242",
    "LIC-PLANTED-4242",
    "1999-04-24",
    "student-id-planted-4242",
    "42 Planted Lane",
)


def planted_subject(types: list[str]) -> dict:
    """A credential subject with a person in every field a subject (and a Profile) has."""
    return {
        "id": "did:example:zebulon-planted-4242",
        "type": types,
        "name": PERSON,
        "givenName": "Zebulon",
        "familyName": "Quixote-Planted",
        "email": "zebulon.planted@example.net",
        "phone": "+1-555-0142-4242",
        "dateOfBirth": "1999-04-24",
        "address": {"type": ["Address"], "streetAddress": "42 Planted Lane"},
        "image": {"id": "https://example.net/photos/zebulon-planted.png", "type": "Image"},
        "licenseNumber": "LIC-PLANTED-4242",
        "narrative": f"{PERSON} completed the programme.",
        "role": f"Student {PERSON}",
        "term": f"Fall, {PERSON}",
        "identifier": [
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": "zebulon.planted@example.net",
                "identityType": "emailAddress",
            },
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": PERSON,
                "identityType": "ext:name",
            },
            {
                "type": "IdentityObject",
                "hashed": False,
                "identityHash": "student-id-planted-4242",
                "identityType": "studentId",
            },
        ],
    }


def test_no_subject_data_is_ever_written(tmp_path):
    """A person's name and identifiers in every field a subject can have, in an OB3
    credential, a CLR named after the learner and the credentials it bundles: none of it
    is in the output, yet the documents are ingested."""
    clr = json.loads((SKILLS / "clr20-simple.json").read_text())
    clr["name"] = f"{PERSON}'s Comprehensive Learner Record"
    clr["description"] = f"Transcript of {PERSON}"
    subject = {**planted_subject(["ClrSubject", "Profile"]), **clr["credentialSubject"]}
    subject.update({k: v for k, v in planted_subject(["ClrSubject", "Profile"]).items()})
    subject["achievement"] = clr["credentialSubject"]["achievement"]
    subject["association"] = clr["credentialSubject"]["association"]
    subject["verifiableCredential"] = clr["credentialSubject"]["verifiableCredential"]
    for bundled in subject["verifiableCredential"]:
        achievement = bundled["credentialSubject"]["achievement"]
        bundled["name"] = f"{PERSON}'s Teamwork Badge"
        bundled["credentialSubject"] = {
            **planted_subject(["AchievementSubject", "Profile"]),
            "achievement": achievement,
        }
    clr["credentialSubject"] = subject
    badge = json.loads((SKILLS / "ob3-skill-assertion-ctdl.json").read_text())
    achievement = badge["credentialSubject"]["achievement"]
    badge["name"] = f"{PERSON}: linear equations"
    badge["credentialSubject"] = {
        **planted_subject(["AchievementSubject", "Profile"]),
        "achievement": achievement,
        "result": [
            {
                "type": ["Result"],
                "value": "A",
                "resultDescription": "urn:uuid:f6ab24cd-86e8-4eaf-b8c6-ded74e8fd41c",
            }
        ],
        "source": {
            "id": "https://example.net/zebulon-planted",
            "type": ["Profile"],
            "name": PERSON,
        },
    }
    paths = []
    for name, document in (("clr.json", clr), ("badge.json", badge)):
        paths.append(tmp_path / name)
        paths[-1].write_text(json.dumps(document))
    project = copy_project(tmp_path / "project")
    result = ingest(Settings(root=project), paths, write=False)
    assert result.ingested == 2, result.outcomes
    graph = Graph().parse(data=result.turtle)
    assert (
        len(set(graph.subjects(RDF.type, LER.VerifiableLER))) == 3
    )  # the CLR, its badge, the badge
    for planted in PLANTED:
        assert planted.casefold() not in result.turtle.casefold(), planted
    # the very same documents without the planted person give the very same graph
    plain = copy.deepcopy(badge)
    plain["credentialSubject"] = {"type": ["AchievementSubject"], "achievement": achievement}
    plain["name"] = "Linear equations"
    (tmp_path / "plain.json").write_text(json.dumps(plain))
    alone = ingest(Settings(root=project), [paths[1]], write=False)
    without = ingest(Settings(root=project), [tmp_path / "plain.json"], write=False)
    assert alone.turtle == without.turtle
