"""Content negotiation per RFC 9110 with the Accept headers real clients send
(tests/accept_headers.py), through the Flask test client and a real `lerld serve`: types
and parameter names case-insensitive, charset and unknown parameters ignored, q weighed,
the JSON-LD profiles choosing the form of the JSON-LD, the lenient aliases."""

from __future__ import annotations

import json

import pytest
import requests
from rdflib.compare import isomorphic

from lerld.core.formats import (
    COMPACTED,
    DEFAULT_FORM,
    DOCUMENT_FORMATS,
    EXPANDED,
    FLATTENED,
    JSONLD,
    NTRIPLES,
    RESULTS_FORMATS,
    SPARQL_JSON,
    TURTLE,
    JsonLdForm,
    jsonld_form,
    negotiate,
    parse_accept,
)
from tests.accept_headers import ROWS, Row
from tests.harvesting import jsonld_graph
from tests.support import Answer


@pytest.fixture(params=["test-client", "live-server"])
def get(request, client):
    """get(path, accept, query=None) -> Answer, following redirects (the 303 of /id/)."""
    if request.param == "test-client":

        def via_client(path, accept, query=None):
            r = client.get(
                path,
                headers={"Accept": accept},
                query_string={"query": query} if query else None,
                follow_redirects=True,
            )
            return Answer(r.status_code, r.headers, r.data)

        return via_client
    live = request.getfixturevalue("live_server")

    def via_http(path, accept, query=None):
        r = requests.get(
            live.url + path,
            headers={"Accept": accept},
            params={"query": query} if query else None,
            timeout=60,
        )
        return Answer(r.status_code, r.headers, r.content)

    return via_http


def test_the_table_has_forty_real_world_headers():
    assert len({row.accept for row in ROWS}) >= 40
    assert len({row.client for row in ROWS}) == len(ROWS)


@pytest.mark.parametrize("row", ROWS, ids=lambda row: row.id)
def test_real_world_accept_header(get, snapshot, row: Row):
    answer = get(row.path, row.accept, row.query)
    if row.expected is None:
        assert answer.status == 406, answer.text[:300]
        return
    assert answer.status == 200, answer.text[:300]
    content_type = answer.headers["Content-Type"]
    assert content_type.split(";")[0] == row.expected
    assert "Accept" in answer.headers["Vary"]
    if row.profile:
        assert f'profile="{row.profile}"' in content_type
    else:
        assert "profile=" not in content_type
    if row.expected == JSONLD.media_type and row.path != "/ns/context.jsonld":
        # the same triples in every form
        asked = jsonld_graph(answer.body, snapshot.context)
        compacted = get(row.path, JSONLD.media_type, row.query)
        assert isomorphic(asked, jsonld_graph(compacted.body, snapshot.context))
        assert len(asked) > 0
        document = json.loads(answer.body)
        if row.profile in (EXPANDED, FLATTENED):
            assert isinstance(document, list) and "@context" not in json.dumps(document)
        elif row.profile or row.path != "/sparql":  # /sparql: the store's form by default
            assert isinstance(document, dict) and "@context" in document


def test_every_jsonld_form_of_a_document_has_its_own_etag(get):
    etags = set()
    for form in (COMPACTED, EXPANDED, FLATTENED, f"{FLATTENED} {COMPACTED}"):
        answer = get("/doc/stakeholder/employers", f'application/ld+json;profile="{form}"')
        assert answer.status == 200
        etags.add(answer.headers["ETag"])
    assert len(etags) == 4


def test_a_document_with_parameters_on_each_of_its_formats_is_never_406(get):
    """The issue's 'done when': any format of the site named with parameters."""
    for fmt in DOCUMENT_FORMATS:
        for params in ("charset=utf-8", "CHARSET=UTF-8", 'foo="bar, baz"', "level=1;q=0.8"):
            for path in ("/id/stakeholder/employers", "/ns", "/shapes", "/.well-known/void"):
                accept = f"{fmt.media_type.upper()}; {params}"
                answer = get(path, accept)
                assert answer.status == 200, (path, accept)
                assert answer.headers["Content-Type"].startswith(fmt.media_type), (path, accept)


# --- the negotiation itself, on plain values ---------------------------------------------


def test_parameters_are_parsed_case_insensitively_with_quoted_values():
    [r] = parse_accept('Application/LD+JSON ; Profile="a b" ; Q=0.5')
    assert (r.type, r.subtype, r.q, r.params) == ("application", "ld+json", 0.5, {"profile": "a b"})
    [r] = parse_accept('text/turtle;x="a \\"quoted\\", comma";charset=utf-8')
    assert r.params == {"x": 'a "quoted", comma', "charset": "utf-8"}


def test_malformed_elements_are_left_out():
    assert parse_accept(";;;,,q=abc/*;q=2") == []
    assert parse_accept("text/turtle;q=2, */html") == []
    assert [r.subtype for r in parse_accept("text/turtle;q=abc, text/html")] == ["html"]


def test_most_specific_range_decides_a_format_weight():
    # text/turtle is refused by name even though text/* accepts it
    assert negotiate("text/*, text/turtle;q=0, text/html;q=0") is None
    assert negotiate("text/turtle;q=0, */*;q=0.5") == DOCUMENT_FORMATS[0]
    assert negotiate("text/html;q=0.1, text/*;q=0.9") == TURTLE


def test_equal_weights_go_to_the_server_order():
    assert negotiate("application/n-triples, text/turtle") == TURTLE
    assert negotiate("application/*") == JSONLD


def test_aliases_count_only_when_named():
    assert negotiate("application/json") == JSONLD
    assert negotiate("text/plain") == NTRIPLES
    assert negotiate("application/*;q=0.5, application/json") == JSONLD
    # the SPARQL results' own alias for application/json
    assert negotiate("application/json", RESULTS_FORMATS) == SPARQL_JSON


@pytest.mark.parametrize(
    "accept,form",
    [
        ("application/ld+json", None),
        (f"application/ld+json;profile={EXPANDED}", JsonLdForm(compacted=False)),
        (f'application/ld+json;profile="{FLATTENED}"', JsonLdForm(flattened=True, compacted=False)),
        (f'application/ld+json;profile="{COMPACTED} {FLATTENED}"', JsonLdForm(flattened=True)),
        (f'application/ld+json;profile="{EXPANDED} {COMPACTED}"', DEFAULT_FORM),
        ('application/ld+json;profile="https://www.w3.org/ns/activitystreams"', None),
        # the highest weighted range that names a form decides
        (
            f'application/ld+json;profile="{EXPANDED}";q=0.5, '
            f'application/ld+json;profile="{FLATTENED}";q=0.9',
            JsonLdForm(flattened=True, compacted=False),
        ),
        # a refused profile is no choice; plain JSON names no form
        (f'application/ld+json;profile="{EXPANDED}";q=0, application/json', None),
        (f"application/json;profile={EXPANDED}", None),
    ],
)
def test_jsonld_profiles(accept, form):
    assert jsonld_form(accept) == form
