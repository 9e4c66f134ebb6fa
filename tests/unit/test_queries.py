"""The named queries (sparql/*.rq): their headers, their answers checked against the data,
safe parameter binding, the endpoint's read-only policy, and `lerld query`."""

from __future__ import annotations

import csv
import io

import pytest
from rdflib import Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from lerld.cli import main
from lerld.core.errors import MalformedQuery, QueryRejected
from lerld.core.formats import SPARQL_JSON, TURTLE
from lerld.core.terms import LER
from lerld.sparql import queries
from lerld.stores import QueryDataset
from lerld.stores.results import BINDINGS, BOOLEAN, GRAPH, Formats, read_json

SCHEMA = Namespace("https://schema.org/")
ID = "https://w3id.org/ler/id/"


@pytest.fixture(scope="module")
def named(repo_root) -> dict[str, queries.NamedQuery]:
    return {q.name: q for q in queries.named_queries(repo_root / "sparql")}


@pytest.fixture(scope="module")
def run(named, snapshot):
    """run(name, **params) -> list of {variable: value} (or a bool, or a graph)."""

    def run_query(name: str, **params: str):
        text = queries.bind(named[name], params)
        shape = queries.check(text)
        if shape.form == GRAPH:
            return snapshot.store.construct(text)
        answer = snapshot.store.query(text, Formats(SPARQL_JSON, TURTLE), QueryDataset())
        result = read_json(answer.body)
        if isinstance(result, bool):
            return result
        variables, rows = result
        return [
            {v: t.value for v, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]

    return run_query


def count(sources, predicate, obj) -> int:
    graph = sources.graph("data")
    return len(set(graph.subjects(predicate, obj)))


# --- the files -------------------------------------------------------------------------


def test_at_least_twelve_named_queries_with_headers(named):
    assert len(named) >= 12
    forms = {q.form for q in named.values()}
    assert forms == {BINDINGS, BOOLEAN, GRAPH}
    for query in named.values():
        assert query.title and query.description, query.name
        assert query.text.lstrip().startswith("#"), query.name
        for parameter in query.parameters:
            assert parameter.type in queries.PARAMETER_TYPES
            assert parameter.description and parameter.default


def test_every_named_query_is_documented(named, repo_root):
    documented = (repo_root / "docs" / "sparql.md").read_text()
    for name in named:
        assert f"`{name}`" in documented, name


# --- their answers, against the data ------------------------------------------------------


def test_stage_work_streams(run):
    issuing = run("stage-work-streams")
    employers = [r["workStreamLabel"] for r in issuing if r["groupLabel"] == "Employers"]
    assert employers == [
        "Adopt a skills-based approach to training, talent development, and retention, "
        "adopting or mapping jobs to skills frameworks",
        "Issue LERs to document employees’ skills development and achievements",
        "Train supervisors on how to utilize LER tools to issue LERs for incumbent workers "
        "and those participating in work-based learning opportunities",
    ]
    assert issuing[0]["groupLabel"] == "Learners & Earners"  # the map's order of groups
    using = run("stage-work-streams", stage=ID + "stage/using")
    learners = [r["workStreamLabel"] for r in using if r["groupLabel"] == "Learners & Earners"]
    assert learners[0] == "Curate and share skills using LERs"
    assert {r["workStream"] for r in using}.isdisjoint({r["workStream"] for r in issuing})


def test_lifecycle_matrix(run, sources):
    rows = run("lifecycle-matrix")
    cells = {(r["groupLabel"], r["stageLabel"]): int(r["workStreams"]) for r in rows}
    assert cells[("Employers", "Issuing")] == 3
    assert cells[("Learners & Earners", "Using")] == 2
    assert sum(cells.values()) == count(sources, RDF.type, LER.WorkStream)


def test_action_area_groups(run):
    rows = run("action-area-groups")
    employers = {
        r["actionAreaLabel"]: int(r["recommendations"])
        for r in rows
        if r["groupLabel"] == "Employers"
    }
    assert employers == {
        "Promoting Adoption": 2,
        "Building Employer Demand": 6,
        "Gathering Data on Impact": 1,
        "Supporting Degree and Skills Based Systems": 4,
    }
    assert rows[0]["actionAreaLabel"] == "Promoting Adoption"


def test_group_recommendations(run):
    rows = run("group-recommendations")
    assert len(rows) == 13
    assert rows[0]["recommendation"] == ID + "recommendation/employers-promoting-1"
    assert [r["position"] for r in rows if r["actionAreaLabel"] == "Building Employer Demand"] == [
        str(n) for n in range(1, 7)
    ]
    funders = run("group-recommendations", group=ID + "stakeholder/funders")
    assert funders and all("/funders-" in r["recommendation"] for r in funders)


def test_stakeholder_overview(run, sources):
    rows = {r["groupLabel"]: r for r in run("stakeholder-overview")}
    assert len(rows) == 10
    graph = sources.graph("data")
    employers = URIRef(ID + "stakeholder/employers")

    def of(kind):
        return sum(
            1
            for s in graph.subjects(LER.stakeholderGroup, employers)
            if (s, RDF.type, kind) in graph
        )

    assert int(rows["Employers"]["workStreams"]) == of(LER.WorkStream) == 11
    assert int(rows["Employers"]["recommendations"]) == of(LER.Recommendation) == 13
    assert int(rows["Employers"]["valuePropositions"]) == of(LER.BusinessCase) + of(LER.SocialCase)
    assert int(rows["Employers"]["organizations"]) == of(LER.Organization)


def test_value_propositions(run, sources):
    business = run("value-propositions")
    social = run("value-propositions", kind="ler:SocialCase")
    assert len(business) == count(sources, RDF.type, LER.BusinessCase)
    assert len(social) == count(sources, RDF.type, LER.SocialCase)
    employers = [r for r in business if r["groupLabel"] == "Employers"]
    assert employers[0]["label"] == "Lowering cost to find and hire top talent"
    assert employers[0]["description"].startswith(
        "LERs enable employers to identify desired skills"
    )


def test_initiative_roles(run):
    rows = {
        (r["initiativeLabel"], r["role"], r["organizationLabel"]) for r in run("initiative-roles")
    }
    assert ("LER Ecosystem Map", "leads", "Digital Credentials Consortium") in rows
    assert ("LER Ecosystem Map", "funder", "Walmart") in rows
    assert ("LER Ecosystem Map, version 1", "contributor", "NationSwell") in rows
    assert ("JFFLabs", "host", "Jobs for the Future") in rows


def test_organization_involvement(run):
    rows = {(r["relation"], r["thingLabel"]) for r in run("organization-involvement")}
    assert ("author", "5 Steps to Unlocking a Skills-Based Future for Everyone") in rows
    assert ("hosted by", "JFFLabs") in rows
    assert ("partner", "LER Ecosystem Map") in rows
    assert ("contributor", "LER Ecosystem Map, version 2") in rows
    walmart = {
        (r["relation"], r["thingLabel"])
        for r in run("organization-involvement", organization="organization:walmart")
    }
    assert ("funder", "LER Ecosystem Map") in walmart
    assert ("stakeholder group", "Employers") in walmart


def test_organizations_by_group(run, sources):
    rows = run("organizations-by-group")
    walmart = next(r for r in rows if r["organizationLabel"] == "Walmart")
    assert walmart["groupLabel"] == "Employers"
    assert walmart["website"] == "https://corporate.walmart.com/"
    assert len(rows) == len(
        set(sources.graph("data").subject_objects(LER.stakeholderGroup))
        & {
            (o, g)
            for o in sources.graph("data").subjects(RDF.type, LER.Organization)
            for g in sources.graph("data").objects(o, LER.stakeholderGroup)
        }
    )


def test_resources_by_author(run, sources):
    rows = run("resources-by-author")
    graph = sources.graph("data")
    jff = URIRef(ID + "organization/jobs-for-the-future")
    authored = {str(graph.value(r, RDFS.label)) for r in graph.subjects(LER.author, jff)}
    assert rows[0]["organizationLabel"] == "Jobs for the Future"  # the most prolific
    assert int(rows[0]["resources"]) == len(authored) == 6
    assert set(rows[0]["titles"].split(" | ")) == authored


def test_topic_resources(run):
    rows = {(r["topic"], r["resourceLabel"], r["categoryLabel"]) for r in run("topic-resources")}
    assert (
        ID + "topic/skills-based-hiring",
        "Breaking the Paper Ceiling: Skills and Credentials, Not Degrees, Are the Future of Hiring",
        "On Employment, Workforce and Governance",
    ) in rows


def test_topic_initiatives(run):
    rows = {(r["topic"], r["kind"], r["thing"]) for r in run("topic-initiatives")}
    assert (ID + "topic/digital-wallets", "initiative", ID + "initiative/jfflabs") in rows
    assert (ID + "topic/interoperability", "related topic", ID + "topic/open-standards") in rows
    assert (
        ID + "topic/verifiable-credentials",
        "standard",
        ID + "standard/verifiable-credentials",
    ) in rows


def test_glossary_alignments(run):
    rows = {(r["termLabel"], r["vocabulary"], r["match"]) for r in run("glossary-alignments")}
    assert (
        "Assertion",
        "Open Badges 3.0",
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential",
    ) in rows
    assert (
        "Verifiable Credential",
        "W3C Verifiable Credentials",
        "https://www.w3.org/2018/credentials#VerifiableCredential",
    ) in rows
    assert (
        "Credential",
        "Credential Transparency Description Language",
        "https://purl.org/ctdl/terms/Credential",
    ) in rows
    assert all(not m.startswith("https://w3id.org/ler/") for _, _, m in rows)


def test_glossary(run):
    rows = run("glossary")
    assertion = next(r for r in rows if r["termLabel"] == "Assertion")
    assert assertion["definition"] == "A statement in a credential about a person's achievement."
    assert assertion["standards"] == "Open Badges 3.0"
    clr = [
        r for r in rows if r["termLabel"] == "Comprehensive Learner Record (CLR)" and "sense" in r
    ]
    assert len(clr) == 3


def test_technical_standards(run):
    rows = run("technical-standards")
    ob3 = next(r for r in rows if r["standardLabel"] == "Open Badges 3.0")
    assert ob3["developerLabel"] == "1EdTech Consortium"
    assert ob3["compatibleWithLabel"] == "W3C Verifiable Credentials"
    assert ob3["replacesLabel"] == "Open Badges 2.0"
    assert ob3["vocabulary"] == "https://purl.imsglobal.org/spec/vc/ob/vocab.html#"


def test_quotes(run, sources):
    rows = run("quotes")
    assert len(rows) == count(sources, RDF.type, LER.Quote)
    funders = next(r for r in rows if r["groupLabel"] == "Funders")
    assert funders["attribution"] == "Sean Murphy, Director, Walmart"


@pytest.mark.parametrize("stage", ["developing", "issuing", "using", "adopting"])
def test_groups_without_work_in_stage(run, sources, stage):
    graph = sources.graph("data")
    stage_iri = URIRef(ID + "stage/" + stage)
    with_work = {
        graph.value(ws, LER.stakeholderGroup) for ws in graph.subjects(LER.stage, stage_iri)
    }
    groups = set(graph.subjects(RDF.type, LER.StakeholderGroup))
    assert run("groups-without-work-in-stage", stage=str(stage_iri)) is bool(groups - with_work)


def test_organizations_as_schema_org(run):
    graph = run("organizations-schema-org")
    walmart = URIRef(ID + "organization/walmart")
    assert (walmart, RDF.type, SCHEMA.Organization) in graph
    assert (walmart, SCHEMA.name, Literal("Walmart", lang="en")) in graph
    assert (
        URIRef(ID + "organization/digital-credentials-consortium"),
        SCHEMA.memberOf,
        URIRef(ID + "initiative/ler-ecosystem-map"),
    ) in graph
    assert not list(graph.triples((None, SKOS.prefLabel, None)))


# --- parameters are bound by type, never pasted -------------------------------------------


@pytest.mark.parametrize(
    "value",
    [
        "https://w3id.org/ler/id/stage/issuing> } ; DROP ALL ; #",
        "stage:issuing }",
        "javascript alert(1)",
        "",
    ],
)
def test_iri_parameters_are_checked(named, value):
    with pytest.raises(MalformedQuery):
        queries.bind(named["stage-work-streams"], {"stage": value})


def test_parameters_become_terms(named):
    text = queries.bind(named["stage-work-streams"], {"stage": "stage:using"})
    assert "VALUES ?stage { <https://w3id.org/ler/id/stage/using> }" in text
    query = queries.parse_named_query(
        "t",
        "# title: t\n# description: d\n# param: ?x string — a string\n# param: ?n integer — a number\n"
        'SELECT * WHERE { VALUES ?x { "a" } VALUES ?n { 1 } }',
    )
    bound = queries.bind(query, {"x": 'say "hi" } ; DROP ALL', "n": "42"})
    assert 'VALUES ?x { "say \\"hi\\" } ; DROP ALL" }' in bound
    assert 'VALUES ?n { "42"^^<http://www.w3.org/2001/XMLSchema#integer> }' in bound
    with pytest.raises(MalformedQuery):
        queries.bind(query, {"n": "1 } ; DROP ALL"})
    with pytest.raises(MalformedQuery):
        queries.bind(query, {"y": "1"})


def test_a_parameter_needs_its_values_block():
    with pytest.raises(MalformedQuery):
        queries.parse_named_query("t", "# title: t\n# description: d\n# param: ?x iri — x\nASK {}")


# --- the read-only policy -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "form"),
    [
        ("PREFIX ex: <http://example.org/>\nselect * { ?s ?p ?o }", BINDINGS),
        ("BASE <http://x/> ASK {}", BOOLEAN),
        ("CONSTRUCT WHERE { ?s ?p ?o }", GRAPH),
        ("# a comment\nDESCRIBE <http://x/>", GRAPH),
    ],
)
def test_query_forms(query, form):
    assert queries.check(query).form == form


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "drop all",
        "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused(update):
    with pytest.raises(QueryRejected, match="read-only"):
        queries.check(update)


def test_service_is_found_only_where_it_is_a_keyword():
    with pytest.raises(QueryRejected, match="SERVICE"):
        queries.check("SELECT * { SERVICE <http://x/sparql> { ?s ?p ?o } }")
    with pytest.raises(QueryRejected):
        queries.check("SELECT * { service silent ?endpoint { ?s ?p ?o } }")
    assert queries.check("SELECT * { SERVICE <http://1.1.1.1/> { ?s ?p ?o } }", allow_service=True)
    harmless = [
        'SELECT * { ?s ?p "SERVICE <http://x/>" }',
        "SELECT * { ?s ?p '''multi\nSERVICE''' }",
        "SELECT * { ?s <http://x/SERVICE> ?o } # SERVICE <http://y/>",
        "SELECT ?service { ?service ex:SERVICE ?o }",
    ]
    for query in harmless:
        assert not queries.check(query).service, query


def test_dataset_clauses_are_noticed():
    assert queries.check("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }").dataset
    assert not queries.check('SELECT * WHERE { ?s ?p "FROM" }').dataset


# --- lerld query -----------------------------------------------------------------------------


def test_lerld_query_prints_a_table_and_csv(capsys, repo_root):
    assert (
        main(
            [
                "--root",
                str(repo_root),
                "query",
                "stage-work-streams",
                "--param",
                "stage=stage:using",
            ]
        )
        == 0
    )
    table = capsys.readouterr().out
    assert "workStreamLabel" in table and "stakeholder/employers" in table
    assert "Train hiring managers and supervisors" in table
    assert (
        main(
            [
                "--root",
                str(repo_root),
                "query",
                str(repo_root / "sparql" / "quotes.rq"),
                "--format",
                "csv",
            ]
        )
        == 0
    )
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert any(r["attribution"] == "Sean Murphy, Director, Walmart" for r in rows)


def test_lerld_query_against_an_endpoint(
    capsys, live_server, remote_server, oxigraph_server, repo_root
):
    for url in (live_server.url + "/sparql", oxigraph_server.url + "/query"):
        assert (
            main(
                [
                    "--root",
                    str(repo_root),
                    "query",
                    "groups-without-work-in-stage",
                    "--endpoint",
                    url,
                ]
            )
            == 0
        )
        assert capsys.readouterr().out.strip() == "no"
        code = main(
            [
                "--root",
                str(repo_root),
                "query",
                "organizations-schema-org",
                "--endpoint",
                url,
                "--format",
                "ntriples",
            ]
        )
        assert code == 0
        assert "<https://schema.org/Organization>" in capsys.readouterr().out


def test_lerld_query_errors(capsys, repo_root):
    assert main(["--root", str(repo_root), "query", "no-such-query"]) == 2
    assert "no named query" in capsys.readouterr().err
    assert main(["--root", str(repo_root), "query", "quotes", "--format", "turtle"]) == 2
    assert "does not fit" in capsys.readouterr().err
    assert (
        main(
            ["--root", str(repo_root), "query", "quotes", "--endpoint", "http://127.0.0.1:9/sparql"]
        )
        == 3
    )
