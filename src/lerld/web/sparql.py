"""/sparql: the SPARQL 1.1 Protocol endpoint, its Service Description, and the query page.

A query comes by GET ?query=, by POST form-encoded, or by POST application/sparql-query,
with optional default-graph-uri / named-graph-uri. Its answer's format is chosen by the
`format` parameter or by Accept; browsers get the query page with the results as a table.
GET /sparql without a query is the Service Description (RDF) or the query page (HTML).

Queries run through the store's query(): with the embedded store, in QueryWorkers
processes that are stopped at the time limit; with a remote store, on that server.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import replace
from urllib.parse import parse_qsl

from flask import Blueprint, Response, g, render_template, request, url_for
from rdflib import BNode, Graph, Literal
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import UnsupportedMediaType
from werkzeug.http import http_date, quote_etag

from lerld.core.errors import LerldError, MalformedQuery, QueryRejected
from lerld.core.formats import (
    HTML,
    JSONLD,
    NTRIPLES,
    RDF_FORMATS,
    RESULTS_FORMATS,
    SPARQL_JSON,
    TURTLE,
    Format,
    by_name,
    jsonld_form,
    negotiate,
)
from lerld.core.settings import Settings
from lerld.core.terms import shorten
from lerld.profile import PROFILE
from lerld.publish import representations
from lerld.sparql import queries
from lerld.sparql.service import TRUNCATED_HEADER, limits, limits_text, service_description
from lerld.sparql.workers import QueryWorkers
from lerld.stores import PUBLISHED, QueryDataset, Store
from lerld.stores.results import BOOLEAN, GRAPH, Answer, AnswerCache, Formats, Term, read_json
from lerld.web.http import (
    EVERY_RESPONSE,
    REQUEST_ID_HEADER,
    in_asked_form,
    not_acceptable,
    public_message,
    status_of,
)
from lerld.web.links import context_url, href, settings
from lerld.web.replay import CONDITIONAL_HEADERS
from lerld.web.representation import Representation, etag_of
from lerld.web.state import WebState, state

blueprint = Blueprint("sparql", __name__)

BINDINGS_CHOICES = (*RESULTS_FORMATS, HTML)
GRAPH_CHOICES = (*RDF_FORMATS, HTML)
DESCRIPTION_CHOICES = (HTML, *RDF_FORMATS)
READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"
# The WSGI environ key under which the fast path hands Flask what evaluating gave.
EVALUATED = "lerld.sparql.evaluated"


def in_process(served: WebState) -> bool:
    """Whether the snapshot's store runs queries in this process (the embedded store): then
    client queries run in stoppable query processes, and their answers can be kept."""
    return served.snapshot.store.capabilities.in_process


def query_workers(served: WebState, settings: Settings) -> QueryWorkers:
    """The query processes of a snapshot's in-process store (one pool per snapshot)."""
    return served.query_workers.get(
        lambda: QueryWorkers(
            served.snapshot.store.for_worker,
            settings.sparql_processes,
            settings.sparql_timeout,
            settings.sparql_max_memory,
        )
    )


def answers_of(served: WebState, settings: Settings) -> AnswerCache | None:
    """Answers to repeated queries on this snapshot, in this process: on an in-process
    store only (a remote store may change under us), unless turned off."""
    if not in_process(served) or not settings.sparql_cache_mb:
        return None
    return served.sparql_answers.get(lambda: AnswerCache(settings.sparql_cache_mb << 20))


def answer_cache() -> AnswerCache | None:
    return answers_of(state(), settings())


def engine_of(served: WebState, settings: Settings) -> QueryWorkers | Store:
    """What evaluates client queries: the embedded store's stoppable query processes, or
    the remote store itself."""
    return query_workers(served, settings) if in_process(served) else served.snapshot.store


def evaluate(query: str, formats: Formats, dataset: QueryDataset) -> Answer:
    # the fast path evaluated this request's query already, and handed it over for an
    # answer it does not give itself (an error, a form to reshape): never twice
    done = request.environ.pop(EVALUATED, None)
    if isinstance(done, LerldError):
        raise done
    if done is not None:
        return done
    s = settings()
    return engine_of(state(), s).query(query, formats, dataset, s.sparql_max_rows)


def named_queries() -> list[queries.NamedQuery]:
    return state().named_queries.get(lambda: queries.named_queries(settings().root / "sparql"))


# --- the protocol ----------------------------------------------------------------------


def protocol_request() -> tuple[str | None, QueryDataset]:
    """The query text (None when there is none) and the dataset a request names."""
    request.max_content_length = settings().sparql_max_body
    params: MultiDict = request.args
    texts = params.getlist("query")
    if request.method == "POST":
        kind = request.mimetype
        if kind == "application/sparql-update":
            raise QueryRejected(READ_ONLY)
        if kind == "application/sparql-query":
            texts = [request.get_data(as_text=True), *texts]
        elif kind == "application/x-www-form-urlencoded":
            params = CombinedMultiDict([request.args, request.form])
            texts = params.getlist("query")
        else:
            raise UnsupportedMediaType(
                "send the query as application/sparql-query, or form-encoded "
                "(application/x-www-form-urlencoded) in a 'query' parameter"
            )
    if "update" in params:
        raise QueryRejected(READ_ONLY)
    if len(texts) > 1:
        raise MalformedQuery("more than one query: send exactly one 'query' parameter")
    graphs = {}
    for name in ("default-graph-uri", "named-graph-uri"):
        graphs[name] = tuple(params.getlist(name))
        for iri in graphs[name]:
            if not queries.is_absolute_iri(iri):
                raise MalformedQuery(f"{name} must be an absolute IRI, not {iri!r}")
    dataset = QueryDataset(graphs["default-graph-uri"], graphs["named-graph-uri"])
    if texts and not texts[0].strip():
        raise MalformedQuery("the query is empty")
    return (texts[0] if texts else None), dataset


def choose(choices: tuple[Format, ...]) -> Format | None:
    """The format named by the `format` parameter, else the best for Accept."""
    name = request.values.get("format")
    if name:
        return by_name(name, choices)
    return negotiate(request.headers.get("Accept"), choices)


@blueprint.after_request
def report_limits(response: Response) -> Response:
    """Every /sparql response, errors included, says what the limits are."""
    response.headers.update(limits(settings()))
    return response


@blueprint.route("/sparql", methods=["GET", "POST"])
def endpoint() -> Response:
    query, dataset = protocol_request()
    if query is None:
        if request.method == "POST":
            raise MalformedQuery("no query: send it in the 'query' parameter")
        return description()
    # the same request on the same snapshot gets the same answer
    key = (query, dataset, request.values.get("format"), request.headers.get("Accept"))
    cache = answer_cache()
    answer = cache.get(key) if cache else None
    if answer is None:
        shape = queries.check(query, settings().allow_service)
        choices = GRAPH_CHOICES if shape.form == GRAPH else BINDINGS_CHOICES
        fmt = choose(choices)
        if fmt is None:
            return not_acceptable(choices, by_parameter=True)
        dataset = replace(dataset, in_query=shape.dataset)
        if fmt == HTML:
            return query_page(query, dataset)
        graph = shape.form == GRAPH
        answer = evaluate(
            query, Formats(SPARQL_JSON if graph else fmt, fmt if graph else TURTLE), dataset
        )
        if answer.body is None:
            return not_acceptable(choices, by_parameter=True)
        if cache and not shape.service:  # a federated answer depends on other servers
            cache.put(key, answer)
    # a JSON-LD answer in the form a profile names (the store's own form otherwise)
    shaped = in_asked_form(Representation(answer.body, answer.fmt), context_url(), keep=False)
    response = Response(shaped.body, content_type=shaped.content_type)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    response.set_etag(etag_of(answer.body))
    return response.make_conditional(request)


# --- the Service Description and the query page ------------------------------------------


def description() -> Response:
    fmt = choose(DESCRIPTION_CHOICES)
    if fmt is None:
        return not_acceptable(DESCRIPTION_CHOICES, by_parameter=True)
    if fmt == HTML:
        return query_page()
    graph = service_description(request.base_url, settings(), g.snapshot.graphs)
    body = representations.serialize(graph, fmt, g.snapshot.context, context_url())
    shaped = in_asked_form(Representation(body, fmt), context_url(), keep=False)
    return Response(shaped.body, content_type=shaped.content_type)


def cell(term: Term | None) -> dict:
    """How a term is shown in the results table: entity and web IRIs are links."""
    if term is None:
        return {"text": ""}
    if term.kind == "uri":
        return {"text": shorten(term.value), "href": href(term.value), "iri": term.value}
    if term.kind == "bnode":
        return {"text": f"_:{term.value}"}
    return {
        "text": term.value,
        "lang": term.lang,
        "datatype": shorten(term.datatype) if term.datatype else None,
    }


def graph_rows(body: bytes) -> list[tuple[Term, ...]]:
    graph = Graph().parse(data=body, format="nt")

    def term(node) -> Term:
        if isinstance(node, Literal):
            datatype = node.datatype and str(node.datatype)
            return Term("literal", str(node), node.language, datatype)
        return Term("bnode" if isinstance(node, BNode) else "uri", str(node))

    return sorted(tuple(term(n) for n in triple) for triple in graph)


def results_view(query: str, dataset: QueryDataset) -> dict:
    """The answer to a query as a table (or a yes/no) for the page."""
    answer = evaluate(query, Formats(SPARQL_JSON, NTRIPLES), dataset)
    view: dict = {"truncated": answer.truncated}
    if answer.form == BOOLEAN:
        view["boolean"] = read_json(answer.body)
        return view
    if answer.form == GRAPH:
        variables, rows = ["subject", "predicate", "object"], graph_rows(answer.body)
        others = RDF_FORMATS
    else:
        variables, rows = read_json(answer.body)
        others = RESULTS_FORMATS
    view["count"] = len(rows)
    view["variables"] = variables
    view["rows"] = [[cell(t) for t in row] for row in rows]
    view["downloads"] = [
        {"label": f.label, "href": url_for("sparql.endpoint", query=query, format=f.key)}
        for f in others
    ]
    return view


def query_page(query: str = "", dataset: QueryDataset = PUBLISHED) -> Response:
    """The page for people: the form, the named queries, and the results of `query`."""
    status, results, error = 200, None, None
    if query:
        try:
            results = results_view(query, dataset)
        except LerldError as e:
            status, error = status_of(e), public_message(e)
    body = render_template(
        "sparql.html",
        title="SPARQL endpoint",
        query=query or PROFILE.default_query,
        results=results,
        error=error,
        limits=limits_text(settings()),
        named=[
            {
                "name": q.name,
                "title": q.title,
                "description": q.description,
                "parameters": q.parameters,
                "text": q.text,
                "href": url_for("sparql.endpoint", query=q.text),
            }
            for q in named_queries()
        ],
        alternates=[
            {"label": f.label, "href": f"/sparql?format={f.key}", "media_type": f.media_type}
            for f in RDF_FORMATS
        ],
        structured_data={
            "@context": "https://schema.org",
            "@type": "WebAPI",
            "name": PROFILE.endpoint_title,
            "documentation": request.base_url,
        },
    )
    response = Response(body, status=status, content_type=HTML.content_type)
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


# --- the fast path -------------------------------------------------------------------------

SPARQL_QUERY = "application/sparql-query"


class SparqlFastPath:
    """WSGI middleware: the common SPARQL request answered without Flask.

    A query by GET ?query= or by POST application/sparql-query, answered in a results or
    RDF format, costs a few hundred microseconds of Flask (contexts, routing, werkzeug
    headers, hooks) on top of the query itself, which on small data is most of the time.
    This path gives such a request the same answer (status, every header, body) with the
    same steps: answer cache, queries.check, negotiation, the stoppable query processes
    with their limits. Anything else goes to the Flask route, which stays the reference:
    other methods, the Service Description and the query page, conditional requests,
    graph IRIs in the request, requests it would reject, and JSON-LD in a profile's form.
    An answer evaluated here and not given here (an error, a 406, a form to reshape) is
    handed to the route under EVALUATED, so that no query is evaluated twice.
    tests/http/test_sparql_fast_path.py holds the two paths to the same answers."""

    def __init__(self, app, current: Callable[[], WebState], settings: Settings) -> None:
        """current() is the state of the snapshot being served."""
        self.app = app
        self.current = current
        self.settings = settings
        self.constant = [*limits(settings).items(), *EVERY_RESPONSE, ("Vary", "Accept")]

    def __call__(self, environ: dict, start_response: Callable):
        if environ.get("PATH_INFO") == "/sparql" and not any(
            h in environ for h in CONDITIONAL_HEADERS
        ):
            answered = self.answer(environ)
            if answered is not None:
                start_response(*answered[:2])
                return [answered[2]]
        return self.app(environ, start_response)

    def request(self, environ: dict) -> tuple[str, str | None] | None:
        """The query and `format` parameter of a request this path takes, else None."""
        method = environ["REQUEST_METHOD"]
        try:
            args = parse_qsl(
                environ.get("QUERY_STRING", "").encode("latin-1").decode(),
                keep_blank_values=True,
                errors="werkzeug.url_quote",
            )
        except UnicodeError:
            return None
        names = [name for name, _ in args]
        if len(set(names)) != len(names):
            return None
        params = dict(args)
        if method == "GET" and set(params) <= {"query", "format"} and "query" in params:
            return params["query"], params.get("format")
        if method != "POST" or set(params) - {"format"}:
            return None
        kind = environ.get("CONTENT_TYPE", "").partition(";")[0].strip().lower()
        length = environ.get("CONTENT_LENGTH", "")
        if kind != SPARQL_QUERY or not length.isdigit():
            return None
        if int(length) > self.settings.sparql_max_body:
            return None
        body = environ["wsgi.input"].read(int(length))
        environ["wsgi.input"] = io.BytesIO(body)  # for the route, if it takes the request
        return body.decode(errors="replace"), params.get("format")

    def answer(self, environ: dict) -> tuple[str, list, bytes] | None:
        asked = self.request(environ)
        if asked is None or not asked[0].strip():
            return None
        query, name = asked
        accept = environ.get("HTTP_ACCEPT")
        served, settings = self.current(), self.settings
        key = (query, PUBLISHED, name, accept)
        cache = answers_of(served, settings)
        answer = cache.get(key) if cache else None
        if answer is None:
            try:
                shape = queries.check(query, settings.allow_service)
            except LerldError:
                return None
            choices = GRAPH_CHOICES if shape.form == GRAPH else BINDINGS_CHOICES
            fmt = by_name(name, choices) if name else negotiate(accept, choices)
            if fmt is None or fmt == HTML:
                return None
            graph = shape.form == GRAPH
            formats = Formats(SPARQL_JSON if graph else fmt, fmt if graph else TURTLE)
            dataset = replace(PUBLISHED, in_query=shape.dataset)
            try:
                answer = engine_of(served, settings).query(
                    query, formats, dataset, settings.sparql_max_rows
                )
            except LerldError as e:
                environ[EVALUATED] = e
                return None
            if answer.body is None:
                environ[EVALUATED] = answer
                return None
            if cache and not shape.service:
                cache.put(key, answer)
        if answer.fmt == JSONLD and jsonld_form(accept) is not None:
            environ[EVALUATED] = answer
            return None
        headers = [
            ("Content-Type", answer.fmt.content_type),
            ("Content-Length", str(len(answer.body))),
            ("ETag", quote_etag(etag_of(answer.body))),
        ]
        if answer.truncated:
            headers.append((TRUNCATED_HEADER, "true"))
        if environ["REQUEST_METHOD"] == "GET":  # as werkzeug's make_conditional does
            headers.append(("Date", http_date()))
        return "200 OK", headers + self.constant, answer.body
