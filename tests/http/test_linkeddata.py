"""Dereferencing and content negotiation, through the Flask test client AND a real
`lerld serve` process: 303, conneg, extensions, headers, 304, 406, 404, HEAD, OPTIONS, CORS."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime

import pytest
import requests
from rdflib.compare import isomorphic

from lerld.core.formats import DOCUMENT_FORMATS, RDF_FORMATS, alternate_relation
from lerld.publish import describe
from tests.support import Answer, parse

EMPLOYERS = "/id/stakeholder/employers"
BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"
)


def test_entity_iri_is_a_thing_303_to_its_document(fetch):
    answer = fetch(EMPLOYERS, Accept="text/turtle")
    assert answer.status == 303
    assert answer.headers["Location"].endswith("/doc/stakeholder/employers")
    assert "Accept" in answer.headers["Vary"]


def test_entity_iri_with_extension_303_to_that_format(fetch):
    answer = fetch(EMPLOYERS + ".ttl")
    assert answer.status == 303
    assert answer.headers["Location"].endswith("/doc/stakeholder/employers.ttl")


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS, ids=lambda f: f.key)
def test_conneg_by_accept(fetch, fmt):
    answer = fetch("/doc/stakeholder/employers", Accept=fmt.media_type)
    assert answer.status == 200
    assert answer.headers["Content-Type"] == f"{fmt.media_type}; charset=utf-8"
    assert "Accept" in answer.headers["Vary"]
    assert answer.headers["Content-Location"] == f"/doc/stakeholder/employers.{fmt.extension}"
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    links = answer.headers["Link"]
    for other in DOCUMENT_FORMATS:
        if other != fmt:
            assert (
                f'</doc/stakeholder/employers.{other.extension}>; rel="{alternate_relation(other)}"; '
                f'type="{other.media_type}"' in links
            )
    if fmt.key == "jsonld":
        assert (
            '<https://w3id.org/ler/ns/context.jsonld>; rel="http://www.w3.org/ns/json-ld#context"'
            in links
        )


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS, ids=lambda f: f.key)
def test_extension_overrides_accept(fetch, fmt):
    answer = fetch(f"/doc/stakeholder/employers.{fmt.extension}", Accept="application/n-triples")
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith(fmt.media_type)


@pytest.mark.parametrize(
    "accept,expected",
    [
        (BROWSER_ACCEPT, "text/html"),
        ("*/*", "text/html"),
        ("", "text/html"),
        ("text/turtle;q=0.5, application/ld+json;q=0.9", "application/ld+json"),
        ("application/*", "application/ld+json"),
        ("text/*;q=0.1, application/n-triples", "application/n-triples"),
        ("application/x-turtle", "text/turtle"),
        ("text/html;q=0, */*;q=0.5", "text/turtle"),
    ],
)
def test_negotiation_q_values_and_wildcards(fetch, accept, expected):
    answer = fetch("/doc/stakeholder/employers", Accept=accept)
    assert answer.status == 200
    assert answer.headers["Content-Type"].startswith(expected)


def test_unsatisfiable_accept_gets_406_listing_formats(fetch):
    answer = fetch("/doc/stakeholder/employers", Accept="image/png")
    assert answer.status == 406
    for fmt in DOCUMENT_FORMATS:
        assert fmt.media_type in answer.text


def test_strong_etag_and_conditional_requests(fetch):
    first = fetch("/doc/stakeholder/employers.ttl")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    assert fetch("/doc/stakeholder/employers.ttl", **{"If-None-Match": etag}).status == 304
    assert fetch("/doc/stakeholder/employers.ttl", **{"If-None-Match": '"other"'}).status == 200
    last_modified = first.headers["Last-Modified"]
    assert (
        fetch("/doc/stakeholder/employers.ttl", **{"If-Modified-Since": last_modified}).status
        == 304
    )
    # different formats are different representations
    assert fetch("/doc/stakeholder/employers.nt").headers["ETag"] != etag


def test_last_modified_is_an_http_date(fetch, snapshot):
    answer = fetch("/doc/stakeholder/employers.ttl")
    assert answer.headers["Last-Modified"] == format_datetime(snapshot.modified, usegmt=True)


def test_a_document_answered_again_is_dated_when_it_is_sent(live_server):
    """Answers kept whole for a snapshot (lerld.web.replay) keep no Date: the server dates
    each (RFC 9110 6.6.1), where a kept one would give the first answer's time."""
    url = live_server.url + "/doc/stakeholder/employers"
    with requests.Session() as session:
        for _ in range(4):  # each worker records it
            assert session.get(url, headers={"Accept": "text/turtle"}, timeout=30).ok
        time.sleep(2.5)  # a kept Date would be 2 s old at least
        before = datetime.now(UTC).replace(microsecond=0)
        answers = [
            session.get(url, headers={"Accept": "text/turtle"}, timeout=30) for _ in range(4)
        ]
    for answer in answers:
        dated = parsedate_to_datetime(answer.headers["Date"])
        # the server may date by a clock it ticks each second
        assert before - timedelta(seconds=1) <= dated <= datetime.now(UTC), answer.headers["Date"]
        assert len(answer.raw.headers.getlist("Date")) == 1


def test_head_has_headers_and_no_body(fetch):
    get = fetch("/doc/stakeholder/employers.ttl")
    head = fetch("/doc/stakeholder/employers.ttl", method="HEAD")
    assert head.status == 200 and head.body == b""
    assert head.headers["ETag"] == get.headers["ETag"]
    assert head.headers["Content-Type"] == get.headers["Content-Type"]


def test_options_answers_with_allow_and_cors(fetch):
    answer = fetch("/doc/stakeholder/employers", method="OPTIONS", Origin="https://example.org")
    assert answer.status == 200
    assert "GET" in answer.headers["Allow"]
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert "GET" in answer.headers["Access-Control-Allow-Methods"]


def test_unknown_iri_404_html_for_browsers_text_otherwise(fetch):
    browser = fetch("/id/stakeholder/astronauts", Accept=BROWSER_ACCEPT)
    assert browser.status == 404 and browser.headers["Content-Type"].startswith("text/html")
    machine = fetch("/doc/stakeholder/astronauts", Accept="text/turtle")
    assert machine.status == 404 and machine.headers["Content-Type"].startswith("text/plain")
    assert "https://w3id.org/ler/id/stakeholder/astronauts" in machine.text
    assert fetch("/id/not a valid path").status == 404
    assert fetch("/id/stakeholder/employers/extra").status == 404


def test_unknown_method_is_405_with_allow(fetch):
    answer = fetch("/doc/stakeholder/employers", method="DELETE")
    assert answer.status == 405
    assert "GET" in answer.headers["Allow"]


def entity_paths(snapshot) -> list[str]:
    rows = snapshot.store.select(
        "SELECT DISTINCT ?s WHERE { ?s ?p ?o FILTER(STRSTARTS(STR(?s), 'https://w3id.org/ler/id/')) }"
    )
    return sorted(str(r["s"])[len("https://w3id.org/ler") :] for r in rows)


def test_every_entity_dereferences_and_every_representation_is_its_description(client, snapshot):
    paths = entity_paths(snapshot)
    assert len(paths) > 350
    for path in paths:
        iri = "https://w3id.org/ler" + path
        expected = describe.describe(snapshot.store, iri)
        assert client.get(path).status_code == 303, path
        doc = path.replace("/id/", "/doc/", 1)
        for fmt in RDF_FORMATS:
            r = client.get(f"{doc}.{fmt.extension}")
            assert r.status_code == 200, (doc, fmt.key)
            assert isomorphic(parse(Answer(200, r.headers, r.data), fmt, snapshot), expected), (
                doc,
                fmt.key,
            )
        assert client.get(f"{doc}.html").status_code == 200


def test_live_server_serves_every_entity_in_every_format(live_server, snapshot):
    session = requests.Session()
    for path in entity_paths(snapshot)[::7]:
        doc = live_server.url + path.replace("/id/", "/doc/", 1)
        for fmt in RDF_FORMATS:
            r = session.get(doc, headers={"Accept": fmt.media_type}, timeout=30)
            assert r.status_code == 200
            graph = parse(Answer(200, r.headers, r.content), fmt, snapshot)
            assert isomorphic(
                graph, describe.describe(snapshot.store, "https://w3id.org/ler" + path)
            )


def test_served_by_a_production_server(live_server):
    r = requests.get(live_server.url + "/", timeout=10)
    assert r.headers["Server"].startswith("granian")
