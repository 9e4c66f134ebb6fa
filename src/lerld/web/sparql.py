"""/sparql: the SPARQL 1.1 Protocol endpoint, its Service Description, and the query page.

A query comes by GET ?query=, by POST form-encoded, or by POST application/sparql-query,
with optional default-graph-uri / named-graph-uri. Its answer's format is chosen by the
`format` parameter or by Accept; browsers get the query page with the results as a table.
GET /sparql without a query is the Service Description (RDF) or the query page (HTML).

Queries run through the store's query(): with the embedded store, in QueryWorkers
processes that are stopped at the time limit; with a remote store, on that server.
"""

from __future__ import annotations

import hashlib
import threading
from dataclasses import replace

from flask import Blueprint, Flask, Response, current_app, g, render_template, request, url_for
from rdflib import BNode, Graph, Literal
from werkzeug.datastructures import CombinedMultiDict, MultiDict
from werkzeug.exceptions import UnsupportedMediaType

from lerld import queries, representations
from lerld.errors import LerldError, MalformedQuery, QueryRejected
from lerld.formats import (
    HTML,
    NTRIPLES,
    RDF_FORMATS,
    RESULTS_FORMATS,
    SPARQL_JSON,
    TURTLE,
    Format,
    by_name,
    negotiate,
)
from lerld.results import BOOLEAN, GRAPH, Answer, AnswerCache, Formats, Term, read_json
from lerld.settings import Settings
from lerld.snapshot import Snapshot
from lerld.sparql_service import TRUNCATED_HEADER, limits, limits_text, service_description
from lerld.sparql_workers import QueryWorkers
from lerld.stores import PUBLISHED, Dataset
from lerld.terms import shorten
from lerld.web.http import (
    REQUEST_ID_HEADER,
    Representation,
    context_url,
    error_response,
    in_asked_form,
    public_message,
    status_of,
)
from lerld.web.pages import href

blueprint = Blueprint("sparql", __name__)

BINDINGS_CHOICES = (*RESULTS_FORMATS, HTML)
GRAPH_CHOICES = (*RDF_FORMATS, HTML)
DESCRIPTION_CHOICES = (HTML, *RDF_FORMATS)
READ_ONLY = "this endpoint is read-only: SPARQL updates are refused"

_state_lock = threading.Lock()


def settings() -> Settings:
    return current_app.config["LERLD_SETTINGS"]


def query_workers(snapshot: Snapshot, settings: Settings) -> QueryWorkers:
    """The query processes of a snapshot's embedded store (one pool per snapshot)."""
    with _state_lock:
        workers = snapshot.cache.get(("sparql-workers",))
        if workers is None:
            workers = snapshot.cache[("sparql-workers",)] = QueryWorkers(
                snapshot.store.for_worker,
                settings.sparql_processes,
                settings.sparql_timeout,
                settings.sparql_max_memory,
            )
    return workers


def start_query_workers(app: Flask) -> None:
    """Start the query processes now, while the process has one thread (lerld serve calls
    this before the server forks its workers); otherwise they start on the first query."""
    settings = app.config["LERLD_SETTINGS"]
    if settings.endpoint is None:
        query_workers(app.extensions["lerld"].current, settings).start()


def revive_query_workers(app: Flask) -> bool:
    """Start the current snapshot's query processes again if their supervisor died (in the
    process that started them); whether it had."""
    workers = app.extensions["lerld"].current.cache.get(("sparql-workers",))
    return workers is not None and workers.revive()


def stop_query_workers(snapshot: Snapshot) -> None:
    """Stop the query processes of a snapshot no longer served (in the process that
    started them)."""
    workers = snapshot.cache.get(("sparql-workers",))
    if workers is not None:
        workers.close()


def answer_cache() -> AnswerCache | None:
    """Answers to repeated queries on this snapshot, in this process: on the embedded store
    only (a remote store may change under us), unless turned off."""
    s = settings()
    if s.endpoint or not s.sparql_cache_mb:
        return None
    with _state_lock:
        cache = g.snapshot.cache.get(("sparql-answers",))
        if cache is None:
            cache = g.snapshot.cache[("sparql-answers",)] = AnswerCache(s.sparql_cache_mb << 20)
    return cache


def evaluate(query: str, formats: Formats, dataset: Dataset) -> Answer:
    s = settings()
    engine = g.snapshot.store if s.endpoint else query_workers(g.snapshot, s)
    return engine.query(query, formats, dataset, s.sparql_max_rows)


def named_queries() -> list[queries.NamedQuery]:
    cache = g.snapshot.cache
    if ("named-queries",) not in cache:
        cache[("named-queries",)] = queries.named_queries(settings().root / "sparql")
    return cache[("named-queries",)]


# --- the protocol ----------------------------------------------------------------------


def protocol_request() -> tuple[str | None, Dataset]:
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
    dataset = Dataset(graphs["default-graph-uri"], graphs["named-graph-uri"])
    if texts and not texts[0].strip():
        raise MalformedQuery("the query is empty")
    return (texts[0] if texts else None), dataset


def choose(choices: tuple[Format, ...]) -> Format | None:
    """The format named by the `format` parameter, else the best for Accept."""
    name = request.values.get("format")
    if name:
        return by_name(name, choices)
    return negotiate(request.headers.get("Accept"), choices)


def not_acceptable(choices: tuple[Format, ...]) -> Response:
    available = ", ".join(f"{f.media_type} (format={f.key})" for f in choices)
    return error_response(
        406,
        "Not Acceptable",
        f"this answer is available as {available}: ask for one in the Accept header "
        "or with the format parameter",
    )


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
            return not_acceptable(choices)
        dataset = replace(dataset, in_query=shape.dataset)
        if fmt == HTML:
            return query_page(query, dataset)
        graph = shape.form == GRAPH
        answer = evaluate(
            query, Formats(SPARQL_JSON if graph else fmt, fmt if graph else TURTLE), dataset
        )
        if answer.body is None:
            return not_acceptable(choices)
        if cache and not shape.service:  # a federated answer depends on other servers
            cache.put(key, answer)
    # a JSON-LD answer in the form a profile names (the store's own form otherwise)
    shaped = in_asked_form(Representation(answer.body, answer.fmt), context_url(), keep=False)
    response = Response(shaped.body, content_type=shaped.content_type)
    if answer.truncated:
        response.headers[TRUNCATED_HEADER] = "true"
    response.set_etag(hashlib.sha256(answer.body).hexdigest()[:32])
    return response.make_conditional(request)


# --- the Service Description and the query page ------------------------------------------


def description() -> Response:
    fmt = choose(DESCRIPTION_CHOICES)
    if fmt is None:
        return not_acceptable(DESCRIPTION_CHOICES)
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


def results_view(query: str, dataset: Dataset) -> dict:
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


def query_page(query: str = "", dataset: Dataset = PUBLISHED) -> Response:
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
        query=query or default_query(),
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
            "name": "LER Ecosystem Map SPARQL endpoint",
            "documentation": request.base_url,
        },
    )
    response = Response(body, status=status, content_type=HTML.content_type)
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


def default_query() -> str:
    return (
        "PREFIX ler: <https://w3id.org/ler/ns#>\n"
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n\n"
        "SELECT ?group ?label WHERE {\n"
        "  ?group a ler:StakeholderGroup ; skos:prefLabel ?label ; ler:position ?position .\n"
        "} ORDER BY ?position\n"
    )
