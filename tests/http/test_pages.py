"""The HTML pages for people, through the Flask test client AND a real `lerld serve`: the home
page, the stakeholder pages, the Learn & Work Ecosystem Library-style pages of organizations,
initiatives and topics, the catalogues, their structured data, their alternates, and that
literal values are shown as text, never as markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from lerld.cli import build_parser
from lerld.core.settings import Settings
from lerld.project.snapshot import build_snapshot
from lerld.web import create_app, links
from tests.support import Page

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}
ID = "https://w3id.org/ler/id/"
RDF_TYPES = {
    "text/turtle": "ttl",
    "application/ld+json": "jsonld",
    "application/rdf+xml": "rdf",
    "application/n-triples": "nt",
}


def doc_path(node) -> str:
    """The local document of an entity IRI."""
    return "/doc/" + str(node)[len(ID) :]


def page(fetch, path: str) -> Page:
    answer = fetch(path, **BROWSER)
    assert answer.status == 200, path
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    return Page(answer.text)


def select(snapshot, query: str) -> list[dict]:
    prefixes = (
        "PREFIX ler: <https://w3id.org/ler/ns#> "
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
        "PREFIX dcterms: <http://purl.org/dc/terms/> "
    )
    return snapshot.store.select(prefixes + query)


def labels_in_order(snapshot, query: str) -> list[str]:
    return [str(r["label"]) for r in select(snapshot, query)]


def in_order(text: str, items: list[str]) -> bool:
    """The items appear in the text one after the other, in this order."""
    position = 0
    for item in items:
        found = text.find(item, position)
        if found < 0:
            return False
        position = found + len(item)
    return True


# --- the home page and the stakeholder pages ---------------------------------------------


def test_home_shows_the_groups_the_stages_and_the_action_areas_in_order(fetch, snapshot):
    home = page(fetch, "/")
    for kind, count in (("StakeholderGroup", 10), ("LifecycleStage", 4), ("ActionArea", 4)):
        labels = labels_in_order(
            snapshot,
            f"SELECT ?label WHERE {{ ?x a ler:{kind} ; skos:prefLabel ?label ; ler:position ?p }} ORDER BY ?p",
        )
        assert len(labels) == count
        assert in_order(home.text, labels), kind
    assert "/doc/stakeholder/employers" in home.links
    assert "/doc/stage/issuing" in home.links
    assert "/doc/action-area/promoting-adoption" in home.links
    assert "What are LERs?" in home.text
    assert "digital records of a person’s learning and work experiences" in home.text


def test_employers_page_is_laid_out_like_the_maps_stakeholder_page(fetch, snapshot):
    employers = page(fetch, "/doc/stakeholder/employers")
    assert "An individual, company or organization that pays for work." in employers.text
    assert "Large, medium and small enterprise businesses" in employers.text  # examples
    roles = employers.by_id("roles").text
    issuing = labels_in_order(
        snapshot,
        "SELECT ?label WHERE { ?w ler:stakeholderGroup <https://w3id.org/ler/id/stakeholder/employers> ;"
        " ler:stage <https://w3id.org/ler/id/stage/issuing> ; rdfs:label ?label ; ler:position ?p } ORDER BY ?p",
    )
    assert len(issuing) == 3
    assert issuing[1] == "Issue LERs to document employees’ skills development and achievements"
    assert in_order(roles, ["Issuing", *issuing, "Using"])
    assert in_order(roles, ["Developing", "Issuing", "Using", "Adopting"])
    areas = employers.by_id("action-areas").text
    assert in_order(
        areas,
        [
            "Building Employer Demand",
            "Scale LER issuing and increase employer demand",  # the area's definition
            "Partner in research and pilots on data collection",
            "Work with HR Systems including HRIS and ATS",
        ],
    )
    quote = next(e for e in employers.elements if e.tag == "figure")
    assert "By moving towards a system where individuals and employers" in quote.text
    assert "American Workforce Policy Advisory Board, 2020, p.8" in quote.text
    business = employers.by_id("business-case").text
    assert in_order(
        business,
        [
            "Lowering cost to find and hire top talent",
            "Opportunity to attract",
            "Support retention",
        ],
    )
    assert "Leadership as DEIB-forward employer" in employers.by_id("social-case").text
    assert "/doc/organization/walmart" in employers.links  # organizations of the group


def test_every_stakeholder_page_has_its_statements(client, snapshot):
    rows = select(
        snapshot,
        "SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE { ?g a ler:StakeholderGroup . "
        "?s ler:stakeholderGroup ?g . FILTER NOT EXISTS { ?s a ler:Organization } } GROUP BY ?g",
    )
    assert len(rows) == 10
    for row in rows:
        path = doc_path(row["g"])
        linked = [link for link in Page(client.get(path).text).links if "/doc/" in link]
        statements = {
            link
            for link in linked
            if link.split("/")[2] in ("work-stream", "recommendation", "value-proposition", "quote")
        }
        assert len(statements) >= int(row["n"]) - 1, path  # a quote is shown, not linked


def test_stage_page_lists_every_groups_work_streams(fetch):
    issuing = page(fetch, "/doc/stage/issuing")
    assert in_order(
        issuing.text,
        [
            "Learners & Earners",
            "Employers",
            "Adopt a skills-based approach to training",
            "Issue LERs to document employees’ skills development and achievements",
        ],
    )


# --- Library-style pages: organizations, initiatives, topics -------------------------------


def test_organization_page_shows_relations_both_ways_date_and_edit_link(fetch, snapshot):
    dcc = page(fetch, "/doc/organization/digital-credentials-consortium")
    assert "/doc/organization/mit-open-learning" in dcc.links  # hosted by
    leads = dcc.by_id("in-ler:ledBy").text
    assert "LER Ecosystem Map" in leads and "Leads" in leads
    authored = labels_in_order(
        snapshot,
        "SELECT ?label WHERE { ?r ler:author <https://w3id.org/ler/id/organization/digital-credentials-consortium> ;"
        " rdfs:label ?label } ORDER BY ?label",
    )
    assert authored
    for title in authored:
        assert title in dcc.by_id("in-ler:author").text
    assert "Last updated: 2026-11-23" in dcc.text
    # no repository configured (the test checkout has no forge remote): no edit link;
    # with one, tests/http/test_editing.py checks the link to the entity's lines
    assert "Suggest an edit" not in dcc.text


def test_initiative_page_lists_partners_funders_and_topics(fetch, snapshot):
    ler_map = page(fetch, "/doc/initiative/ler-ecosystem-map")
    partners = select(
        snapshot,
        "SELECT ?o WHERE { <https://w3id.org/ler/id/initiative/ler-ecosystem-map> ler:partner ?o }",
    )
    assert len(partners) == 12
    for row in partners:
        assert doc_path(row["o"]) in ler_map.links
    assert in_order(ler_map.text, ["Led by", "Digital Credentials Consortium", "Partners"])
    assert "Funders Walmart" in ler_map.text
    assert "/doc/topic/skills-based-hiring" in ler_map.links
    assert "/doc/initiative/ler-ecosystem-map-v2" in ler_map.links
    assert "Suggest an edit" not in ler_map.text  # no repository configured


def test_topic_page_lists_what_is_about_it(fetch, snapshot):
    topic = page(fetch, "/doc/topic/skills-based-hiring")
    about = select(
        snapshot,
        "SELECT ?s WHERE { ?s ler:topic <https://w3id.org/ler/id/topic/skills-based-hiring> }",
    )
    assert len(about) > 5
    for row in about:
        assert doc_path(row["s"]) in topic.links
    assert "Resources" in topic.text and "Initiatives" in topic.text
    assert "/doc/topic/workforce-development" in topic.links  # broader


# --- catalogues ------------------------------------------------------------------------


def test_glossary_lists_every_term_its_senses_and_aligned_standard_terms(fetch, snapshot):
    glossary = page(fetch, "/glossary")
    terms = labels_in_order(
        snapshot,
        "SELECT ?label WHERE { ?t a ler:GlossaryTerm ; skos:prefLabel ?label } ORDER BY LCASE(?label)",
    )
    assert len(terms) == 15 and in_order(glossary.text, terms)
    assert in_order(
        glossary.text,
        ["Verifiable Credential (sense 1)", "Verifiable Credential (sense 2)", "tamper-evident"],
    )
    assert "https://www.w3.org/2018/credentials#VerifiableCredential" in glossary.links
    assert (
        "https://purl.imsglobal.org/spec/vc/ob/vocab.html#AchievementCredential" in glossary.links
    )
    assert "/doc/standard/open-badges-3-0" in glossary.links
    (data,) = glossary.structured_data
    assert data["@type"] == "DefinedTermSet" and len(data["hasDefinedTerm"]) == 15


def test_resources_catalogue_by_category(fetch, snapshot):
    resources = page(fetch, "/resources")
    rows = select(
        snapshot,
        "SELECT ?r ?category ?label WHERE { ?r a ler:Resource ; rdfs:label ?label ; ler:category ?c ."
        " ?c skos:prefLabel ?category ; ler:position ?cp . ?r ler:position ?rp } ORDER BY ?cp ?rp",
    )
    assert len(rows) == 26
    categories = list(dict.fromkeys(str(r["category"]) for r in rows))
    assert len(categories) == 4
    expected = []
    for category in categories:
        expected += [category] + [str(r["label"]) for r in rows if str(r["category"]) == category]
    assert in_order(resources.text, expected)


def test_technical_guidance_standards_advantages_and_seven_principles(fetch, snapshot):
    guidance = page(fetch, "/technical-guidance")
    principles = labels_in_order(
        snapshot,
        "SELECT ?label WHERE { ?p a ler:InteroperabilityPrinciple ; rdfs:label ?label ; ler:position ?n } ORDER BY ?n",
    )
    assert len(principles) == 7
    assert in_order(guidance.text, principles)
    assert in_order(guidance.text, ["Identity provided by L/Earner", "Could be a decentralized id"])
    for standard in (
        "Open Badges 3.0",
        "Comprehensive Learner Record 2.0",
        "W3C Verifiable Credentials",
    ):
        assert standard in guidance.text
    assert "The recommended path towards LER interoperability" in guidance.text


def test_lers_explained_scenario_in_order_with_roles(fetch, snapshot):
    explained = page(fetch, "/lers-explained")
    steps = labels_in_order(
        snapshot,
        "SELECT ?label WHERE { ?s a ler:ScenarioStep ; rdfs:label ?label ; ler:position ?n } ORDER BY ?n",
    )
    assert len(steps) == 6 and in_order(explained.text, steps)
    assert in_order(explained.text, ["Issuer issues credential", "Role Issuer"])
    for role in ("Learner/Earner", "Issuer", "Verifier/Consumer"):
        assert role in explained.text


@pytest.mark.parametrize(
    "path,kinds",
    [
        ("/stakeholders", ("StakeholderGroup",)),
        ("/organizations", ("Organization",)),
        ("/topics", ("Topic",)),
        ("/initiatives", ("Project", "Programme", "Network", "Report", "StandardsEffort")),
    ],
)
def test_library_catalogues_list_every_entity(client, snapshot, path, kinds):
    listing = Page(client.get(path, headers=BROWSER).text)
    values = " ".join(f"ler:{k}" for k in kinds)
    rows = select(snapshot, f"SELECT DISTINCT ?x WHERE {{ VALUES ?t {{ {values} }} ?x a ?t }}")
    assert rows
    for row in rows:
        assert doc_path(row["x"]) in listing.links


# --- every page: formats, structured data, security -----------------------------------------

CATALOGUE_PATHS = (
    "/",
    "/stakeholders",
    "/glossary",
    "/resources",
    "/technical-guidance",
    "/lers-explained",
    "/organizations",
    "/initiatives",
    "/topics",
    "/ns",
    "/shapes",
)


@pytest.mark.parametrize("path", CATALOGUE_PATHS)
def test_every_page_links_its_formats_and_embeds_structured_data(fetch, path):
    answer = fetch(path, **BROWSER)
    assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")
    result = Page(answer.text)
    stem = "/index" if path == "/" else path
    for media_type, extension in RDF_TYPES.items():
        assert result.alternates[media_type] == f"{stem}.{extension}"
        assert f"{stem}.{extension}" in result.links
    (data,) = result.structured_data
    for thing in data if isinstance(data, list) else [data]:  # the home page adds a Dataset
        assert thing["@context"] == "https://schema.org" and thing["name"]
    assert 'lang="en"' in answer.text and "<main" in answer.text and "<nav" in answer.text
    assert " style=" not in answer.text  # the CSP allows no inline styles


def test_every_entity_page_has_structured_data_alternates_and_no_unsafe_links(client, snapshot):
    rows = select(
        snapshot, f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), '{ID}')) }}"
    )
    assert len(rows) > 350
    for row in rows:
        path = doc_path(row["s"])
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 200, path
        result = Page(response.text)
        (data,) = result.structured_data
        assert data["@id"] == str(row["s"]) and data["name"], path
        assert result.alternates["text/turtle"] == path + ".ttl"
        assert path + ".jsonld" in result.links
        h1 = [e for e in result.elements if e.tag == "h1"]
        assert len(h1) == 1 and h1[0].text.strip(), path
        assert all(link.startswith(("/", "#", "http://", "https://")) for link in result.links)


@pytest.mark.parametrize("path", ["/glossary", "/resources", "/index"])
def test_catalogue_pages_are_documents_too(fetch, snapshot, path):
    answer = fetch(path, Accept="text/turtle")
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/turtle; charset=utf-8"
    assert answer.headers["Content-Location"] == f"{path}.ttl"
    graph = Graph().parse(data=answer.body, format="turtle")
    assert isomorphic(graph, Graph().parse(data=fetch(f"{path}.nt").body, format="nt"))
    html = fetch(path if path != "/index" else "/", **BROWSER)
    etag = html.headers["ETag"]
    assert (
        fetch(path if path != "/index" else "/", **{"If-None-Match": etag, **BROWSER}).status == 304
    )
    assert fetch(f"{path}.xyz").status == 404


def test_glossary_document_holds_every_term(client, snapshot):
    graph = Graph().parse(data=client.get("/glossary.ttl").data, format="turtle")
    terms = select(snapshot, "SELECT ?t WHERE { ?t a ler:GlossaryTerm }")
    for row in terms:
        assert (URIRef(str(row["t"])), None, None) in graph


def test_navigation_shows_only_pages_that_exist(client):
    home = Page(client.get("/", headers=BROWSER).text)
    nav = next(e for e in home.elements if e.tag == "nav" and e.attrs.get("aria-label") == "Main")
    navigation = [
        e.attrs["href"] for e in home.elements if e.tag == "a" and e.text.strip() in nav.text
    ]
    for href in ("/stakeholders", "/glossary", "/resources", "/technical-guidance", "/ns"):
        assert href in navigation
    for href in set(navigation):
        assert client.get(href, headers=BROWSER).status_code == 200, href


# --- escaping and links from hostile data -------------------------------------------------

HOSTILE = """\
@prefix ler: <https://w3id.org/ler/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<https://w3id.org/ler/id/organization/hostile> a ler:Organization ;
    rdfs:label "<script>alert('label')</script> & Sons"@en ;
    dcterms:description "Ends a script: </script><script>alert('description')</script>"@en ;
    dcterms:source <javascript:alert('link')> ;
    ler:stakeholderGroup <https://w3id.org/ler/id/stakeholder/employers> ;
    dcterms:modified "2026-11-24"^^xsd:date .
"""


def test_literals_with_markup_are_shown_as_text_and_unsafe_iris_not_linked(project):
    (project / "data" / "hostile.ttl").write_text(HOSTILE)
    settings = Settings(root=project, edit_url="https://example.org/edit/{path}")
    client = create_app(settings, build_snapshot(settings)).test_client()
    label = "<script>alert('label')</script> & Sons"
    for path in ("/doc/organization/hostile", "/doc/stakeholder/employers", "/organizations"):
        response = client.get(path, headers=BROWSER)
        assert response.status_code == 200
        assert "<script>alert" not in response.text, path
        assert "&lt;script&gt;alert(&#39;label&#39;)&lt;/script&gt; &amp; Sons" in response.text
        result = Page(response.text)
        assert label in result.text, path  # readable, as text
        assert not [link for link in result.links if not link.startswith(("/", "#", "http"))]
        (data,) = result.structured_data  # the label cannot end the script block
        assert data["name"]
    hostile = Page(client.get("/doc/organization/hostile", headers=BROWSER).text)
    (data,) = hostile.structured_data
    assert data["name"] == label
    assert data["description"].startswith("Ends a script: </script>")
    assert "javascript:alert('link')" in hostile.text  # shown, not linked
    assert "https://example.org/edit/data/hostile.ttl" in hostile.links  # the edit-URL setting


# --- the edit-URL setting -------------------------------------------------------------------


def test_edit_url_flag_and_validation():
    args = build_parser().parse_args(["serve", "--edit-url", "https://example.org/{path}"])
    assert args.edit_url == "https://example.org/{path}"
    assert build_parser().parse_args(["serve"]).edit_url is None  # derived, or no link
    for bad in (
        "javascript:alert(1)/{path}",
        "https://example.org/no-placeholder",
        "https://x/{oops}",
    ):
        with pytest.raises(SystemExit):
            build_parser().parse_args(["serve", "--edit-url", bad])
        with pytest.raises(ValueError):
            Settings(root=Path("."), edit_url=bad)


@pytest.mark.parametrize(
    "iri,expected",
    [
        ("https://w3id.org/ler/id/stakeholder/employers", "/doc/stakeholder/employers"),
        ("https://w3id.org/ler/ns#Organization", "/ns#Organization"),
        ("https://w3id.org/ler/ns#", "/ns#"),
        ("https://w3id.org/ler/ns", "/ns"),
        ("https://w3id.org/ler/ns/1.0.0", "/ns/1.0.0"),
        ("https://w3id.org/ler/shapes#QuoteShape", "/shapes#QuoteShape"),
        ("https://schema.org/Organization", "https://schema.org/Organization"),
        ("javascript:alert(1)", None),
        ("mailto:someone@example.org", None),
        ("file:///etc/passwd", None),
    ],
)
def test_links_go_to_our_pages_or_to_http_iris_only(app, iri, expected):
    with app.test_request_context("/"):
        assert links.href(iri) == expected
