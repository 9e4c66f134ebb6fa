"""Listing and incremental harvesting: the Hydra collection of every entity (pages,
filters by type and by date, stable order), the sitemap and robots.txt."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from datetime import date
from urllib.parse import quote

import pytest
import requests

from lerld.core.terms import LER
from lerld.publish import sitemap
from lerld.publish.collection import COLLECTION_FORMATS, page_count
from lerld.publish.index import entity_index
from tests.harvesting import BASE, local

HYDRA = "hydra:"


def entity_iris(snapshot) -> list[str]:
    rows = snapshot.store.select(
        f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER STRSTARTS(STR(?s), '{BASE}id/') }}"
    )
    return sorted(str(r["s"]) for r in rows)


def walk(get, first: str) -> tuple[list[dict], list[dict]]:
    """Every page from the first by hydra:next links: (pages, members)."""
    pages, url = [], first
    while url:
        page = get(url)
        pages.append(page)
        url = page["hydra:view"].get("hydra:next", {}).get("@id")
    return pages, [m for p in pages for m in p["hydra:member"]]


@pytest.fixture
def get(live_server):
    def fetch(url: str) -> dict:
        r = requests.get(local(url, live_server.url), timeout=30)
        assert r.status_code == 200, url
        assert r.headers["Content-Type"] == "application/ld+json; charset=utf-8"
        assert r.headers["ETag"]
        return r.json()

    return fetch


def test_collection_lists_every_entity_once_in_iri_order(get, snapshot):
    pages, members = walk(get, BASE + "entities.jsonld")
    ids = [m["@id"] for m in members]
    assert ids == entity_iris(snapshot)
    assert len(pages) == page_count(len(ids)) > 1
    assert all(p["hydra:totalItems"] == len(ids) for p in pages)
    assert pages[-1]["hydra:view"]["hydra:previous"]["@id"].endswith(
        f"/entities/{len(pages) - 1}.jsonld"
    )


def test_members_have_type_label_and_modified(get):
    members = get(BASE + "entities.jsonld")["hydra:member"]
    for m in members:
        assert m["@type"]
        assert m.get("skos:prefLabel") or m.get("rdfs:label") or m.get("dcterms:title"), m
        assert m["dcterms:modified"][0]["@value"]


def test_filter_by_type_includes_subclasses(get, snapshot):
    _, orgs = walk(get, BASE + "entities.jsonld?type=ler:Organization")
    assert orgs and all("ler:Organization" in m["@type"] for m in orgs)
    _, initiatives = walk(get, BASE + "entities.jsonld?type=" + quote(str(LER.Initiative), safe=""))
    kinds = {
        f"ler:{k}"
        for k in ("Initiative", "Project", "Programme", "Network", "Report", "StandardsEffort")
    }
    assert initiatives and all(kinds & set(m["@type"]) for m in initiatives)
    assert {t for m in initiatives for t in m["@type"]} & {
        "ler:Project",
        "ler:Programme",
        "ler:Network",
    }


def test_filter_since_a_date_gives_what_changed_then(get, snapshot):
    _, everything = walk(get, BASE + "entities.jsonld")
    latest = max(date.fromisoformat(m["dcterms:modified"][0]["@value"]) for m in everything)
    _, changed = walk(get, BASE + f"entities.jsonld?since={latest.isoformat()}")
    expected = [
        m["@id"] for m in everything if m["dcterms:modified"][0]["@value"] >= latest.isoformat()
    ]
    assert [m["@id"] for m in changed] == expected
    future = get(BASE + "entities.jsonld?since=2999-01-01")
    assert future["hydra:totalItems"] == 0 and future["hydra:member"] == []
    assert future["hydra:view"]["@id"].endswith("?since=2999-01-01")


def test_bad_filters_and_pages(live_server):
    assert (
        requests.get(live_server.url + "/entities.jsonld?since=yesterday", timeout=10).status_code
        == 400
    )
    assert requests.get(live_server.url + "/entities/999.jsonld", timeout=10).status_code == 404
    assert requests.get(live_server.url + "/entities/1.jsonld", timeout=10).status_code == 404


def test_search_template_names_the_filters(get):
    search = get(BASE + "entities.jsonld")["hydra:search"]
    assert search["hydra:template"] == BASE + "entities.jsonld{?type,since}"
    assert {m["hydra:variable"] for m in search["hydra:mapping"]} == {"type", "since"}


def test_sitemap_lists_every_entity_document_with_lastmod(live_server, snapshot):
    r = requests.get(live_server.url + "/sitemap.xml", timeout=30)
    assert r.headers["Content-Type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = ET.fromstring(r.content).findall("s:url", ns)
    locs = [u.find("s:loc", ns).text for u in urls]
    assert locs == [iri.replace("/id/", "/doc/", 1) for iri in entity_iris(snapshot)]
    assert all(u.find("s:lastmod", ns) is not None for u in urls)
    robots = requests.get(live_server.url + "/robots.txt", timeout=10).text
    assert f"Sitemap: {BASE}sitemap.xml" in robots


def test_a_large_sitemap_becomes_a_sitemap_index(snapshot):
    index = entity_index(snapshot.store, BASE)
    files = sitemap.sitemap_files(index, BASE, limit=100)
    assert set(files) == {"sitemap.xml"} | {
        f"sitemaps/{n}.xml" for n in range(1, page_count(len(index)) + 1)
    }
    assert b"<sitemapindex" in files["sitemap.xml"]


def test_collection_pages_are_json_ld(get, snapshot):
    from tests.harvesting import jsonld_graph

    page = get(BASE + "entities.jsonld")
    graph = jsonld_graph(json.dumps(page), snapshot.context)
    assert len(graph) > len(page["hydra:member"]) * 3


def test_the_collection_in_turtle_links_turtle_pages_and_lists_every_entity(live_server, snapshot):
    """A Turtle client asks /entities for Turtle and follows hydra:next in Turtle: it gets
    every entity, with the same types as in JSON-LD, and never leaves Turtle."""
    from rdflib import RDF, Graph, Namespace, URIRef

    hydra = Namespace("http://www.w3.org/ns/hydra/core#")
    session = requests.Session()
    url, members, pages = BASE + "entities", set(), 0
    first = session.get(local(url, live_server.url), headers={"Accept": "text/turtle"}, timeout=30)
    assert first.headers["Content-Location"] == "/entities.ttl"
    while url:
        r = session.get(local(url, live_server.url), headers={"Accept": "text/turtle"}, timeout=30)
        assert r.status_code == 200 and r.headers["Content-Type"].startswith("text/turtle"), url
        page = Graph().parse(data=r.content, format="turtle")
        collection = URIRef(BASE + "entities.ttl")
        assert (collection, RDF.type, hydra.Collection) in page
        members |= {str(m) for m in page.objects(collection, hydra.member)}
        pages += 1
        following = list(page.objects(None, hydra.next))
        assert all(
            str(n).startswith(BASE + "entities/") and str(n).endswith(".ttl") for n in following
        )
        url = str(following[0]) if following else None
    assert pages == page_count(len(entity_iris(snapshot))) > 1
    assert sorted(members) == entity_iris(snapshot)
    ntriples = session.get(live_server.url + "/entities.nt", timeout=30)
    assert ntriples.headers["Content-Type"].startswith("application/n-triples")
    assert requests.get(live_server.url + "/entities.html", timeout=30).status_code == 404


def test_the_home_page_links_the_description_the_collection_and_the_dumps_in_every_format(
    live_server,
):
    from lerld.core.formats import DUMP_FORMATS, RDF_FORMATS
    from tests.support import Page

    home = requests.get(live_server.url + "/", headers={"Accept": "text/html"}, timeout=30)
    hrefs = set(Page(home.text).links)
    wanted = {f"/.well-known/void.{f.extension}" for f in RDF_FORMATS}
    wanted |= {f"/entities.{f.extension}" for f in COLLECTION_FORMATS}
    wanted |= {f"/dump.{f.extension}" for f in DUMP_FORMATS}
    assert wanted <= hrefs
    for href in sorted(wanted):
        r = requests.head(live_server.url + href, timeout=60)
        assert r.status_code == 200, href


def test_the_site_has_an_icon(live_server):
    from tests.support import Page

    r = requests.get(live_server.url + "/favicon.ico", timeout=30)
    assert r.status_code == 200 and r.headers["Content-Type"] in (
        "image/vnd.microsoft.icon",
        "image/x-icon",
    )
    assert r.content[:4] == b"\0\0\1\0"  # an ICO file's header
    home = requests.get(live_server.url + "/", headers={"Accept": "text/html"}, timeout=30)
    (icon,) = [e.attrs["href"] for e in Page(home.text).elements if e.attrs.get("rel") == "icon"]
    assert requests.get(live_server.url + icon, timeout=30).content == r.content
