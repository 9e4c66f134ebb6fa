"""The SPARQL fast path (lerld.web.sparql.SparqlFastPath) gives exactly the Flask route's
answers: for a matrix of requests (GET and POST, every results and RDF format, Accept and
the format parameter, JSON-LD forms, conditional requests, truncated answers, errors,
requests the fast path leaves to the route), the status, every header and the body are
the same either way; and the requests it is meant for never reach Flask."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import pytest
from werkzeug.test import Client
from werkzeug.wrappers import Response

from lerld.core.settings import Settings
from lerld.web import create_app
from lerld.web.sparql import SparqlFastPath

REPO = Path(__file__).resolve().parents[2]
EMPLOYERS = "https://w3id.org/ler/id/stakeholder/employers"
LOOKUP = f"SELECT ?p ?o WHERE {{ <{EMPLOYERS}> ?p ?o }} ORDER BY ?p ?o"
ASK = f"ASK {{ <{EMPLOYERS}> a ?type }}"
CONSTRUCT = f"CONSTRUCT {{ <{EMPLOYERS}> ?p ?o }} WHERE {{ <{EMPLOYERS}> ?p ?o }}"
DESCRIBE = f"DESCRIBE <{EMPLOYERS}>"
FROM = (
    "SELECT (COUNT(*) AS ?n) FROM <https://w3id.org/ler/graph/data/glossary.ttl> WHERE { ?s ?p ?o }"
)
MANY = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o LIMIT 50"
EXPANDED = 'application/ld+json;profile="http://www.w3.org/ns/json-ld#expanded"'
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"

# (name, method, query string parameters, body, request headers, taken by the fast path)
CASES = [
    ("select json", "GET", {"query": LOOKUP}, None, {"Accept": "application/sparql-results+json"}, True),
    ("select no accept", "GET", {"query": LOOKUP}, None, {}, True),
    ("select any", "GET", {"query": LOOKUP}, None, {"Accept": "*/*"}, True),
    ("select xml", "GET", {"query": LOOKUP}, None, {"Accept": "application/sparql-results+xml"}, True),
    ("select csv", "GET", {"query": LOOKUP}, None, {"Accept": "text/csv"}, True),
    ("select tsv weighted", "GET", {"query": LOOKUP}, None, {"Accept": "text/tab-separated-values;q=0.9, text/csv;q=0.1"}, True),
    ("select format param", "GET", {"query": LOOKUP, "format": "csv"}, None, {"Accept": "application/sparql-results+json"}, True),
    ("select many rows", "GET", {"query": MANY}, None, {"Accept": "application/sparql-results+json"}, True),
    ("ask json", "GET", {"query": ASK}, None, {"Accept": "application/sparql-results+json"}, True),
    ("ask xml", "GET", {"query": ASK}, None, {"Accept": "application/sparql-results+xml"}, True),
    ("construct turtle", "GET", {"query": CONSTRUCT}, None, {"Accept": "text/turtle"}, True),
    ("construct n-triples", "GET", {"query": CONSTRUCT}, None, {"Accept": "application/n-triples"}, True),
    ("construct rdf/xml", "GET", {"query": CONSTRUCT}, None, {"Accept": "application/rdf+xml"}, True),
    ("construct json-ld", "GET", {"query": CONSTRUCT}, None, {"Accept": "application/ld+json"}, True),
    ("construct json-ld expanded", "GET", {"query": CONSTRUCT}, None, {"Accept": EXPANDED}, False),
    ("describe", "GET", {"query": DESCRIBE}, None, {"Accept": "text/turtle"}, True),
    ("from in the query", "GET", {"query": FROM}, None, {"Accept": "application/sparql-results+json"}, True),
    ("post sparql-query", "POST", {}, LOOKUP, {"Content-Type": "application/sparql-query", "Accept": "text/csv"}, True),
    ("post sparql-query charset", "POST", {"format": "json"}, ASK, {"Content-Type": "application/sparql-query; charset=utf-8"}, True),
    ("post form", "POST", {}, urlencode({"query": LOOKUP}), {"Content-Type": "application/x-www-form-urlencoded"}, False),
    ("post update", "POST", {}, "INSERT DATA { <a:b> <a:b> <a:b> }", {"Content-Type": "application/sparql-update"}, False),
    ("post query twice", "POST", {"query": ASK}, ASK, {"Content-Type": "application/sparql-query"}, False),
    ("post no type", "POST", {}, ASK, {}, False),
    ("head", "HEAD", {"query": LOOKUP}, None, {"Accept": "text/csv"}, False),
    ("browser", "GET", {"query": LOOKUP}, None, {"Accept": BROWSER}, False),
    ("not acceptable", "GET", {"query": LOOKUP}, None, {"Accept": "image/png"}, False),
    ("bad format param", "GET", {"query": LOOKUP, "format": "bogus"}, None, {}, False),
    ("graph format for a select", "GET", {"query": LOOKUP}, None, {"Accept": "text/turtle"}, False),
    ("syntax error", "GET", {"query": "SELECT WHERE {"}, None, {"Accept": "application/sparql-results+json"}, False),
    ("syntax error for a browser", "GET", {"query": "SELECT * WHERE { ?s ?p }"}, None, {"Accept": BROWSER}, False),
    ("update by get", "GET", {"query": "DELETE WHERE { ?s ?p ?o }"}, None, {}, False),
    ("update parameter", "GET", {"update": "CLEAR ALL"}, None, {}, False),
    ("service", "GET", {"query": "SELECT * { SERVICE <http://example.org/s> { ?s ?p ?o } }"}, None, {}, False),
    ("empty query", "GET", {"query": "  "}, None, {}, False),
    ("two queries", "GET", [("query", ASK), ("query", ASK)], None, {}, False),
    ("graph iri parameter", "GET", {"query": LOOKUP, "default-graph-uri": "https://w3id.org/ler/graph/data/glossary.ttl"}, None, {}, False),
    ("no query", "GET", {}, None, {"Accept": "text/turtle"}, False),
    ("conditional", "GET", {"query": LOOKUP}, None, {"Accept": "text/csv", "If-None-Match": "*"}, False),
    ("other path", "GET", {"query": LOOKUP}, None, {"Accept": "text/csv"}, False),
]  # fmt: skip


@pytest.fixture(scope="module", params=["cache", "no-cache-5-rows"])
def paths(request, snapshot):
    """(the middleware chain with the fast path over a counted Flask app, Flask alone,
    the calls that reached Flask through the fast path)."""
    options = {} if request.param == "cache" else {"sparql_cache_mb": 0, "sparql_max_rows": 5}
    app = create_app(Settings(root=REPO, **options), snapshot)
    found = app.wsgi_app
    while not isinstance(found, SparqlFastPath):
        found = found.app
    flask_app, calls = found.app, []

    def counted(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return flask_app(environ, start_response)

    fast = SparqlFastPath(counted, found.current, found.settings)
    return Client(fast, Response), Client(flask_app, Response), calls


def ask(client: Client, method, params, body, headers, path="/sparql"):
    query = urlencode(params)
    return client.open(path, method=method, query_string=query, data=body, headers=headers)


def comparable(response) -> tuple:
    """Status, headers (those whose value is a moment's: only whether they are there) and body."""
    headers = sorted(
        (name, "(present)" if name in ("Date", "X-Request-Id") else value)
        for name, value in response.headers.items()
    )
    return response.status_code, headers, response.get_data()


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_the_fast_path_answers_as_the_flask_route_does(paths, case):
    fast, flask, calls = paths
    name, method, params, body, headers, taken = case
    path = "/sparql/x" if name == "other path" else "/sparql"
    calls.clear()
    by_fast = ask(fast, method, params, body, headers, path)
    assert bool(calls) != taken, f"{name}: the fast path {'left' if taken else 'took'} it"
    by_flask = ask(flask, method, params, body, headers, path)
    assert comparable(by_fast) == comparable(by_flask)
    # and the same again (answered from the cache, when there is one)
    again = ask(fast, method, params, body, headers, path)
    assert comparable(again) == comparable(by_flask)


def test_cases_cover_answers_errors_and_truncation(paths):
    """The matrix above is not vacuous: it holds successes in every family, a truncated
    answer (with 5 rows at most), 304-free conditional handling, 4xx errors."""
    fast, _, _ = paths
    statuses = {}
    for name, method, params, body, headers, _ in CASES:
        statuses[name] = ask(fast, method, params, body, headers).status_code
    assert statuses["select json"] == statuses["construct turtle"] == 200
    assert statuses["syntax error"] == 400 and statuses["update by get"] == 403
    assert statuses["not acceptable"] == 406 and statuses["head"] == 200
    many = ask(fast, "GET", {"query": MANY}, None, {"Accept": "text/csv"})
    truncated = many.headers.get("SPARQL-Results-Truncated") == "true"
    assert truncated == (fast.application.settings.sparql_max_rows == 5)


def test_an_answer_it_evaluated_is_not_evaluated_again(paths, monkeypatch):
    """An answer the fast path hands to the route (a JSON-LD form to reshape, an error) is
    the one it evaluated: the query processes are asked once."""
    fast, _, calls = paths
    settings = fast.application.settings
    snapshot = fast.application.current()
    from lerld.web import sparql

    engine = sparql.engine_of(snapshot, settings)
    asked = []
    original = type(engine).query

    def counting(self, *args, **kwargs):
        asked.append(args[0])
        return original(self, *args, **kwargs)

    monkeypatch.setattr(type(engine), "query", counting)
    query = CONSTRUCT + " # once"
    calls.clear()
    response = ask(fast, "GET", {"query": query}, None, {"Accept": EXPANDED})
    assert response.status_code == 200 and "expanded" in response.headers["Content-Type"]
    assert calls and asked == [query]
    asked.clear()
    response = ask(fast, "GET", {"query": "SELECT * WHERE { ?s ?p }"}, None, {})
    assert response.status_code == 400 and len(asked) == 1
