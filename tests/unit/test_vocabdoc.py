"""The vocabulary documentation at /ns (and its version IRI) and the shapes page: generated
from the ontology and the shapes, one anchored section per term, with what a reader of a
pyLODE page expects; checked through the test client and a real `lerld serve`."""

from __future__ import annotations

import pytest
from rdflib import Graph
from rdflib.namespace import OWL, RDF

from lerld.core.terms import LER, SH
from lerld.publish import vocabdoc
from tests.support import Page

BROWSER = {"Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8"}


def source_graph(snapshot, prefix: str) -> Graph:
    names = " ".join(f"<{n}>" for n in snapshot.graphs if n.startswith(prefix))
    return snapshot.store.construct(
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {names} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    )


@pytest.fixture(scope="module")
def ontology(snapshot) -> Graph:
    return source_graph(snapshot, "https://w3id.org/ler/source/ontology/")


@pytest.fixture(scope="module")
def doc(snapshot, ontology) -> vocabdoc.VocabularyDoc:
    examples = vocabdoc.find_examples(snapshot.store, ontology)
    return vocabdoc.vocabulary_view(ontology, examples, lambda iri: "/link?" + iri)


def terms_of(graph: Graph) -> set[str]:
    types = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {
        str(s)[len(str(LER)) :]
        for t in types
        for s in graph.subjects(RDF.type, t)
        if str(s).startswith(str(LER)) and str(s) != str(LER)
    }


def term(doc, fragment: str) -> vocabdoc.TermDoc:
    (found,) = [t for t in doc.classes + doc.properties if t.id == fragment]
    return found


def row(t: vocabdoc.TermDoc, label: str) -> list[str]:
    return [v.label for r in t.rows if r.label == label for v in r.values]


def test_every_class_and_property_is_documented_once(doc, ontology):
    documented = [t.id for t in doc.classes + doc.properties]
    assert sorted(documented) == sorted(terms_of(ontology))
    assert {t.kind for t in doc.classes} == {"Class"}
    assert all(t.definition for t in doc.classes + doc.properties)


def test_metadata_of_the_ontology(doc):
    assert doc.title == "LER Ecosystem Vocabulary"
    assert doc.version == "1.0.0" and doc.version_iri == "https://w3id.org/ler/ns/1.0.0"
    metadata = {r.label: [v.label for v in r.values] for r in doc.metadata}
    assert metadata["Preferred prefix"] == ["ler"]
    assert metadata["Namespace"] == ["https://w3id.org/ler/ns#"]
    assert metadata["Creator"] == ["lerld contributors"]  # its label, from the data
    assert "https://creativecommons.org/publicdomain/zero/1.0/" in metadata["Licence"]
    assert {"Created", "Modified", "Version IRI", "Source", "See also"} <= set(metadata)


def test_class_hierarchy_domains_ranges_and_alignments(doc):
    organization = term(doc, "Organization")
    assert "partner" in row(organization, "In range of")
    aligned = {
        (v.label, v.note) for r in organization.rows if r.label == "Aligned with" for v in r.values
    }
    assert ("schema:Organization", "subclass of · schema.org") in aligned
    assert ("ceterms:CredentialOrganization", "close match · CTDL") in aligned
    assert ("foaf:Organization", "subclass of · FOAF") in aligned

    verifiable = term(doc, "VerifiableLER")
    assert row(verifiable, "Subclass of") == ["Learning and Employment Record"]
    aligned = {v.label for r in verifiable.rows if r.label == "Aligned with" for v in r.values}
    assert {"cred:VerifiableCredential", "ob:AchievementCredential", "clr:ClrCredential"} <= aligned
    assert "Verifiable LER" in row(term(doc, "LearningAndEmploymentRecord"), "Superclass of")
    assert row(term(doc, "LERIssuer"), "Equivalent to") == [
        "issued some Learning and Employment Record"
    ]
    assert "Social Case" in row(term(doc, "BusinessCase"), "Disjoint with")


def test_properties_domain_range_inverse_and_characteristics(doc):
    stage = term(doc, "stage")
    assert stage.kind == "Object property"
    assert row(stage, "Domain") == ["Work Stream"] and row(stage, "Range") == ["Lifecycle Stage"]
    assert row(term(doc, "ledBy"), "Subproperty of") == ["partner"]
    assert "led by" in row(term(doc, "partner"), "Superproperty of")
    assert row(term(doc, "issuedBy"), "Inverse of") == ["issued"]
    assert row(term(doc, "issued"), "Inverse of") == ["issued by"]
    position = term(doc, "position")
    assert position.kind == "Datatype property"
    assert row(position, "Characteristics") == ["functional"]
    assert row(position, "Range") == ["xsd:integer"]


def test_links_to_our_terms_stay_on_the_page_others_go_out(doc):
    organization = term(doc, "Organization")
    hrefs = {v.label: v.href for r in organization.rows for v in r.values}
    assert hrefs["partner"] == "#partner"
    assert hrefs["schema:Organization"] == "/link?https://schema.org/Organization"


def test_examples_come_from_the_data(doc):
    organization = term(doc, "Organization")
    assert len(organization.examples) == vocabdoc.EXAMPLES_PER_TERM
    assert all(
        e.subject.href.startswith("/link?https://w3id.org/ler/id/organization/")
        for e in organization.examples
    )
    assert all(e.subject.label != e.subject.iri for e in organization.examples)  # labelled
    (first, *_) = term(doc, "stage").examples
    assert first.value.iri.startswith("https://w3id.org/ler/id/stage/")
    assert term(doc, "LERIssuer").examples == []  # inferred only: no instance in the data


def test_vocabulary_page_has_an_anchor_for_every_term(fetch, ontology):
    answer = fetch("/ns", **BROWSER)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == "text/html; charset=utf-8"
    page = Page(answer.text)
    assert len(page.ids) == len(set(page.ids))  # ids are unique
    for fragment in terms_of(ontology):
        section = page.by_id(fragment)
        assert section.tag == "section"
        assert f"https://w3id.org/ler/ns#{fragment}" in section.text
    assert "An organization active in the LER ecosystem" in page.by_id("Organization").text
    assert "#Organization" in page.links  # the index links to it


def test_vocabulary_page_shows_version_iri_downloads_and_alternates(fetch):
    page = Page(fetch("/ns", **BROWSER).text)
    assert "https://w3id.org/ler/ns/1.0.0" in page.text
    assert "/ns/1.0.0" in page.links
    for media_type, extension in (
        ("text/turtle", "ttl"),
        ("application/ld+json", "jsonld"),
        ("application/rdf+xml", "rdf"),
        ("application/n-triples", "nt"),
    ):
        assert page.alternates[media_type] == f"/ns.{extension}"
        assert f"/ns.{extension}" in page.links
    assert "/ns/context.jsonld" in page.links and "/shapes" in page.links
    (data,) = page.structured_data
    assert data["@type"] == "DefinedTermSet" and data["version"] == "1.0.0"


def test_version_iri_serves_the_same_documentation(fetch):
    page = Page(fetch("/ns/1.0.0", **BROWSER).text)
    assert "Organization" in page.ids and "stakeholderGroup" in page.ids
    assert page.alternates["text/turtle"] == "/ns/1.0.0.ttl"
    turtle = Graph().parse(data=fetch("/ns/1.0.0.ttl").body, format="turtle")
    assert (LER[""], OWL.versionInfo, None) in turtle
    assert fetch("/ns/0.0.1", **BROWSER).status == 404


def test_shapes_page_documents_every_node_shape(fetch, snapshot):
    answer = fetch("/shapes", **BROWSER)
    assert answer.status == 200
    page = Page(answer.text)
    assert len(page.ids) == len(set(page.ids))
    shapes = source_graph(snapshot, "https://w3id.org/ler/source/shapes/")
    for shape in shapes.subjects(RDF.type, SH.NodeShape):
        assert page.by_id(str(shape).rsplit("#", 1)[1]).tag == "section"
    stakeholder = page.by_id("StakeholderGroupShape")
    assert "/ns#StakeholderGroup" in [e.attrs.get("href") for e in page.elements if e.tag == "a"]
    assert "skos:example" in stakeholder.text and "Warning" in stakeholder.text
    stage = page.by_id("LifecycleStageShape")
    assert "Developing" in stage.text  # the allowed stages, by their labels
    assert page.alternates["text/turtle"] == "/shapes.ttl"
