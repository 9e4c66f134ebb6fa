"""Follow-your-nose: a Linked Data client that knows nothing but links answers as SPARQL does.

The crawler below is what a link-traversal engine does (Comunica's link-traversal, LDSpider,
Tabulator): it dereferences an IRI with `Accept: text/turtle` on a real `lerld serve`
(following the 303 to the document, as any HTTP client does), reads the Turtle, and
dereferences the IRIs that document names, hop by hop. It never asks the SPARQL endpoint
and never reads the dumps or the collection unless a test starts it there. Each question
is then asked of what it gathered (rdflib's SPARQL over the crawled triples) and of the
server's SPARQL endpoint over HTTP; the answers must be equal and not empty.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest
import requests
from rdflib import Graph, URIRef

from lerld.core.terms import LER
from lerld.publish.describe import INBOUND_LIMIT
from tests.harvesting import BASE, local

PREFIXES = """PREFIX ler: <https://w3id.org/ler/ns#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""
ID = BASE + "id/"
# Documents that are not about the graph's entities: the dumps would hand a crawler the
# whole graph at once, which is what this test must not allow.
NOT_FOLLOWED = (BASE + "dump.", BASE + "sparql")
FOAF_PRIMARY_TOPIC = URIRef("http://xmlns.com/foaf/0.1/primaryTopic")


@dataclass
class Crawler:
    """Dereferences IRIs under the base on a test server and keeps every triple it reads."""

    server_url: str
    graph: Graph = field(default_factory=Graph)
    fetched: set[str] = field(default_factory=set)
    session: requests.Session = field(default_factory=requests.Session)

    def dereference(self, iri: str) -> Graph:
        document = iri.split("#")[0]
        if document in self.fetched or not document.startswith(BASE):
            return Graph()
        self.fetched.add(document)
        if document.startswith(NOT_FOLLOWED):
            return Graph()
        r = self.session.get(
            local(document, self.server_url), headers={"Accept": "text/turtle"}, timeout=30
        )
        if r.status_code != 200 or not r.headers["Content-Type"].startswith("text/turtle"):
            return Graph()
        found = Graph().parse(data=r.content, format="turtle", publicID=document)
        self.graph += found
        return found

    def crawl(self, start: Iterable[str], hops: int) -> Graph:
        """Dereference `start`, then `hops` times every IRI the documents read so far name."""
        frontier = set(start)
        for hop in range(hops + 1):
            named: set[str] = set()
            for iri in sorted(frontier):
                for triple in self.dereference(iri):
                    named.update(str(t) for t in triple if isinstance(t, URIRef))
            frontier = {i for i in named if i.split("#")[0] not in self.fetched}
            if hop == hops or not frontier:
                break
        return self.graph


@dataclass(frozen=True)
class Question:
    name: str
    start: str
    query: str


QUESTIONS = [
    Question(
        "organizations of the Employers group",
        ID + "stakeholder/employers",
        "SELECT ?x WHERE { ?x a ler:Organization ; ler:stakeholderGroup <ID/stakeholder/employers> }",
    ),
    Question(
        "work streams of the Issuing stage, with their groups",
        ID + "stage/issuing",
        "SELECT ?x ?group WHERE { ?x a ler:WorkStream ; ler:stage <ID/stage/issuing> ; "
        "ler:stakeholderGroup ?group }",
    ),
    Question(
        "resources by Jobs for the Future",
        ID + "organization/jobs-for-the-future",
        "SELECT ?x WHERE { ?x ler:author <ID/organization/jobs-for-the-future> }",
    ),
    Question(
        "recommendations of the Employers group, by action area",
        ID + "stakeholder/employers",
        "SELECT ?x ?area WHERE { ?x a ler:Recommendation ; "
        "ler:stakeholderGroup <ID/stakeholder/employers> ; ler:actionArea ?area }",
    ),
    Question(
        "value propositions and quotes of the Employers group",
        ID + "stakeholder/employers",
        "SELECT ?x ?type WHERE { ?x ler:stakeholderGroup <ID/stakeholder/employers> ; a ?type "
        "FILTER(?type IN (ler:BusinessCase, ler:SocialCase, ler:Quote)) }",
    ),
    Question(
        "the stakeholder groups of the map and their labels",
        ID + "scheme/stakeholder-groups",
        "SELECT ?x ?label WHERE { <ID/scheme/stakeholder-groups> skos:hasTopConcept ?x . "
        "?x skos:prefLabel ?label }",
    ),
    Question(
        "resources on the topic Learning and Employment Records",
        ID + "topic/learning-and-employment-records",
        "SELECT ?x WHERE { ?x a ler:Resource ; ler:topic <ID/topic/learning-and-employment-records> }",
    ),
    Question(
        "the steps of the how-we-use-LERs scenario and their LER roles",
        ID + "scenario/how-we-use-lers",
        "SELECT ?x ?role WHERE { ?x ler:stepOf <ID/scenario/how-we-use-lers> ; ler:lerRole ?role }",
    ),
    Question(
        "the senses of the glossary term Comprehensive Learner Record",
        ID + "glossary/comprehensive-learner-record",
        "SELECT ?x WHERE { ?x ler:senseOf <ID/glossary/comprehensive-learner-record> }",
    ),
    Question(
        "the partners of the LER Ecosystem Map that belong to a stakeholder group",
        ID + "initiative/ler-ecosystem-map",
        "SELECT ?x ?group WHERE { <ID/initiative/ler-ecosystem-map> ler:partner ?x . "
        "?x ler:stakeholderGroup ?group }",
    ),
]


def answers(rows) -> set[tuple[str, ...]]:
    return {tuple(str(value) for value in row) for row in rows}


def endpoint_answers(server_url: str, query: str) -> set[tuple[str, ...]]:
    r = requests.post(
        server_url + "/sparql",
        data={"query": query},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    assert r.status_code == 200, r.text
    body = r.json()
    names = body["head"]["vars"]
    return {tuple(b[n]["value"] for n in names) for b in body["results"]["bindings"]}


@pytest.mark.parametrize("question", QUESTIONS, ids=lambda q: q.name)
def test_a_link_traversal_client_answers_as_sparql_does(live_server, question):
    query = PREFIXES + question.query.replace("<ID/", f"<{ID}")
    expected = endpoint_answers(live_server.url, query)
    assert expected, f"the question has no answer in the data: {question.name}"
    crawled = Crawler(live_server.url).crawl([question.start], hops=1)
    assert answers(crawled.query(query)) == expected


def entities(snapshot) -> set[str]:
    rows = snapshot.store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}'
    )
    return {str(r["s"]) for r in rows}


def test_every_linked_entity_is_reachable_from_the_root_resource_by_entity_links_alone(
    live_server, snapshot
):
    """From the scheme the dataset names as its root resource, links between entities
    alone (no collection, no dump) lead to every entity that links to or from another."""
    crawler = Crawler(live_server.url)
    crawler.crawl([ID + "scheme/stakeholder-groups"], hops=50)
    rows = snapshot.store.select(
        "SELECT DISTINCT ?s WHERE { { ?s ?p ?o } UNION { ?o ?p ?s } "
        f'FILTER(isIRI(?o) && STRSTARTS(STR(?s), "{ID}") && STRSTARTS(STR(?o), "{ID}") '
        "&& ?s != ?o) }"
    )
    linked = {str(r["s"]) for r in rows}
    assert len(linked) > 300 and linked - crawler.fetched == set()


def test_every_entity_is_reachable_from_the_dataset_description(live_server, snapshot):
    """From /.well-known/void, in Turtle only: its root resource and its collection (whose
    Turtle pages link to the next) reach every entity, even one nothing links to."""
    crawler = Crawler(live_server.url)
    crawler.crawl([BASE + ".well-known/void"], hops=50)
    assert entities(snapshot) - crawler.fetched == set()
    assert BASE + "entities/2.ttl" in crawler.fetched


def test_the_links_to_an_entity_come_a_page_at_a_time_with_a_link_to_the_next():
    """An entity with INBOUND_LIMIT + 5 things pointing at it: its document holds the first
    INBOUND_LIMIT with their labels and links to the next page, which holds the rest."""
    from rdflib import Literal
    from rdflib.namespace import SKOS

    from lerld.publish.describe import HYDRA, describe
    from lerld.stores import GraphData
    from lerld.stores.backends import embedded_store

    target = URIRef(ID + "stakeholder/big")
    data = Graph()
    data.add((target, SKOS.prefLabel, Literal("Big", lang="en")))
    for n in range(INBOUND_LIMIT + 5):
        org = URIRef(f"{ID}organization/o{n:05}")
        data.add((org, URIRef("https://w3id.org/ler/ns#stakeholderGroup"), target))
        data.add((org, SKOS.prefLabel, Literal(f"Org {n}", lang="en")))
    store = embedded_store()
    store.replace(
        [
            GraphData(
                "urn:test", data.serialize(format="nt", encoding="utf-8"), "application/n-triples"
            )
        ]
    )
    first, second = describe(store, str(target)), describe(store, str(target), page=2)
    pointing = {s for s, _, _ in data.triples((None, None, target))}
    in_first = set(first.subjects(URIRef(str(LER) + "stakeholderGroup"), target))
    in_second = set(second.subjects(URIRef(str(LER) + "stakeholderGroup"), target))
    assert len(in_first) == INBOUND_LIMIT and in_first | in_second == pointing
    assert all(first.value(s, SKOS.prefLabel) is not None for s in in_first)
    page_two = URIRef(BASE + "doc/stakeholder/big?page=2")
    assert (URIRef(BASE + "doc/stakeholder/big"), HYDRA.next, page_two) in first
    assert (target, URIRef("http://www.w3.org/2000/01/rdf-schema#seeAlso"), page_two) in first
    assert not list(second.triples((None, HYDRA.next, None)))
    assert len(describe(store, str(target), page=3)) == 0


def test_a_store_that_orders_slowly_gives_the_same_pages(tmp_path, monkeypatch):
    """The embedded store orders rows slowly (Capabilities.orders_cheaply): the links to an
    entity are asked of it unordered and ordered by lerld. Its pages, in memory and on
    disk, must be those of a store that orders them itself (SPARQL ORDER BY, here
    Oxigraph made to), IRIs beyond ASCII and several predicates included."""
    import dataclasses

    import lerld.publish.describe
    from lerld.publish.describe import describe
    from lerld.stores import GraphData
    from lerld.stores.backends import embedded_store

    monkeypatch.setattr(lerld.publish.describe, "INBOUND_LIMIT", 4)
    target = URIRef(ID + "stakeholder/big")
    names = [
        "zeta",
        "Zeta",
        "alpha",
        "\u00e9t\u00e9",
        "\u00e9te",
        "e",
        "\U0001d49c",
        "\uffef",
        "a-b",
        "a_b",
    ]
    predicates = [URIRef(str(LER) + name) for name in ("stakeholderGroup", "audience", "partner")]
    data = Graph()
    for n, name in enumerate(names):
        for predicate in predicates[: 1 + n % 3]:
            data.add((URIRef(f"{ID}organization/{name}"), predicate, target))
    triples = [
        GraphData(
            "urn:test", data.serialize(format="nt", encoding="utf-8"), "application/n-triples"
        )
    ]
    in_memory, on_disk, sparql = (
        embedded_store(),
        embedded_store(str(tmp_path / "store")),
        embedded_store(),
    )
    assert not in_memory.capabilities.orders_cheaply and not on_disk.capabilities.orders_cheaply
    sparql.capabilities = dataclasses.replace(sparql.capabilities, orders_cheaply=True)

    def pages(store) -> list[list[tuple]]:
        store.replace(triples)
        found, page = [], 1
        while graph := describe(store, str(target), page=page):
            found.append(
                sorted((str(s), str(p)) for s, p, o in graph if o == target and p in predicates)
            )
            page += 1
        return found

    ordered = pages(sparql)
    assert pages(in_memory) == ordered and pages(on_disk) == ordered
    assert len(ordered) == -(-len(data) // 4) > 3
    assert sorted(pair for page in ordered for pair in page) == sorted(
        (str(s), str(p)) for s, p, _ in data
    )
    on_disk.close()


def test_every_scheme_names_its_top_concepts_and_they_name_it(snapshot):
    """skos:hasTopConcept and skos:topConceptOf are inverses: the data states both, so a
    client that reads only a scheme's own triples finds its top concepts."""
    one_way = snapshot.store.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?c ?s WHERE { "
        "{ ?c skos:topConceptOf ?s FILTER NOT EXISTS { ?s skos:hasTopConcept ?c } } UNION "
        "{ ?s skos:hasTopConcept ?c FILTER NOT EXISTS { ?c skos:topConceptOf ?s } } }"
    )
    assert one_way == []
    pairs = snapshot.store.select(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#> "
        "SELECT ?s ?c WHERE { ?s skos:hasTopConcept ?c }"
    )
    assert len(pairs) >= 30


def test_a_client_follows_the_next_pages_of_a_document_over_http(monkeypatch):
    """With pages of 10, the Employers group's document and its next pages, fetched over
    HTTP by following hydra:next, hold every triple that points at the group, once."""
    import lerld.publish.describe
    from lerld.core.settings import Settings
    from lerld.project.snapshot import build_snapshot
    from lerld.web import create_app
    from tests.conftest import REPO

    monkeypatch.setattr(lerld.publish.describe, "INBOUND_LIMIT", 10)
    settings = Settings(root=REPO)
    client = create_app(settings, build_snapshot(settings)).test_client()  # its own cache
    hydra_next = URIRef("http://www.w3.org/ns/hydra/core#next")
    employers = URIRef(ID + "stakeholder/employers")
    url, pointing, pages = BASE + "doc/stakeholder/employers", [], 0
    while url:
        r = client.get(url[len(BASE) - 1 :], headers={"Accept": "text/turtle"})
        assert r.status_code == 200 and r.content_type.startswith("text/turtle"), url
        assert r.headers["Content-Location"] == url[len(BASE) - 1 :].replace(
            "employers", "employers.ttl", 1
        )
        graph = Graph().parse(data=r.data, format="turtle")
        pointing += [(s, p) for s, p, _ in graph.triples((None, None, employers))]
        pages += 1
        following = list(graph.objects(URIRef(url), hydra_next))
        url = str(following[0]) if following else None
    rows = client.application.extensions["lerld"].current.store.select(
        f"SELECT ?s ?p WHERE {{ ?s ?p {employers.n3()} FILTER(isIRI(?s)) }}"
    )
    # each page is a document about the group: its foaf:primaryTopic points at it too
    assert sorted(p for p in pointing if p[1] != FOAF_PRIMARY_TOPIC) == sorted(
        (r["s"], r["p"]) for r in rows
    )
    assert pages == -(-len(rows) // 10) > 3
    assert client.get(f"/doc/stakeholder/employers?page={pages + 1}").status_code == 404
    assert client.get("/doc/stakeholder/employers?page=0").status_code == 400
    assert client.get("/doc/stakeholder/employers.html?page=2").status_code == 404
