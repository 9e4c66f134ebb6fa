"""HTTP mechanics shared by every blueprint: representations with their headers, conditional
requests, CORS and security headers, and the error responses (404, 406, 405, 503)."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Callable, Mapping, Sequence

from flask import Flask, Response, current_app, g, render_template, request
from rdflib import Graph
from werkzeug.exceptions import HTTPException, NotAcceptable
from werkzeug.http import HTTP_STATUS_CODES

from lerld.core import jsonld
from lerld.core.errors import (
    LerldError,
    MalformedQuery,
    QueryRejected,
    QueryTimeout,
    StoreError,
    StoreFailed,
    StoreUnavailable,
    UnknownQuery,
)
from lerld.core.formats import (
    DOCUMENT_FORMATS,
    HTML,
    JSONLD,
    Format,
    alternate_relation,
    jsonld_form,
    negotiate,
)
from lerld.publish import representations
from lerld.web.links import context_url
from lerld.web.representation import Representation
from lerld.web.state import state

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)
JSONLD_CONTEXT_REL = "http://www.w3.org/ns/json-ld#context"
# The HTTP status of each error the library raises while answering a request.
STATUS_OF: dict[type[LerldError], int] = {
    MalformedQuery: 400,
    QueryRejected: 403,
    UnknownQuery: 404,
    QueryTimeout: 504,
    StoreUnavailable: 503,
    StoreFailed: 502,  # reachable, but it rejected or failed lerld's request: a bad gateway
}
# The header that carries the id under which a store's failure is logged in full.
REQUEST_ID_HEADER = "X-Request-Id"
_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
# Seconds a client should wait before trying again when the store is unavailable.
RETRY_AFTER = 5


class NoAcceptableFormat(NotAcceptable):
    """None of the formats a resource has is acceptable to the client."""

    def __init__(self, formats: Sequence[Format]) -> None:
        super().__init__()
        self.formats = tuple(formats)


def cached(key: tuple, render: Callable[[], Representation]) -> Representation:
    """A representation rendered once per snapshot: snapshots are immutable."""
    return state().documents.get(key, render)


def choose_format(explicit: Format | None, formats: Sequence[Format] = DOCUMENT_FORMATS) -> Format:
    """The extension's format if there is one, else the best for the Accept header (or 406)."""
    if explicit is not None:
        return explicit
    fmt = negotiate(request.headers.get("Accept"), formats)
    if fmt is None:
        raise NoAcceptableFormat(formats)
    return fmt


def in_asked_form(
    representation: Representation, context_url: str, keep: bool = True
) -> Representation:
    """A JSON-LD representation in the form the Accept header's profile names (expanded,
    flattened...); any other representation, or one asked in no form, as it is. With
    `keep`, the reshaped document is kept for the snapshot (a document's, not a query's)."""
    form = jsonld_form(request.headers.get("Accept"))
    if representation.fmt != JSONLD or form is None:
        return representation

    def render() -> Representation:
        document = json.loads(representation.body)
        reshaped = jsonld.reshape(document, form, g.snapshot.context, context_url)
        if reshaped is document:
            return representation
        return Representation(jsonld.dumps(reshaped), JSONLD, form.profile)

    if not keep:
        return render()
    return cached(("jsonld-form", form.key, representation.etag), render)


def link_header(links: Sequence[tuple[str, str, str]]) -> str:
    return ", ".join(f'<{url}>; rel="{rel}"; type="{media_type}"' for url, rel, media_type in links)


def respond(
    representation: Representation,
    document_path: str,
    formats: Sequence[Format] = DOCUMENT_FORMATS,
    negotiated: bool = True,
    context_url: str | None = None,
    query: str = "",
) -> Response:
    """A document response: Content-Type, ETag, Last-Modified, alternates, conditional 304.
    `query` is the query string of every URL of the document (a page of a paged one).
    A JSON-LD document with lerld's context (`context_url`) comes in the form the client's
    profile asks for."""
    if context_url:
        representation = in_asked_form(representation, context_url)
    fmt = representation.fmt
    response = Response(representation.body, content_type=representation.content_type)
    response.set_etag(representation.etag)
    response.last_modified = g.snapshot.modified
    links = [
        (f"{document_path}.{f.extension}{query}", alternate_relation(f), f.media_type)
        for f in formats
        if f != fmt
    ]
    if context_url and fmt.key == "jsonld":
        links.append((context_url, JSONLD_CONTEXT_REL, "application/ld+json"))
    response.headers["Link"] = link_header(links)
    # the file of the extension holds the default form only
    if negotiated and representation.profile is None:
        response.headers["Content-Location"] = f"{document_path}.{fmt.extension}{query}"
    return response.make_conditional(request)


def graph_document(
    path: str,
    explicit: Format | None,
    graph: Callable[[], Graph],
    page: Callable[[Graph], str],
    query: str = "",
    formats: Sequence[Format] = DOCUMENT_FORMATS,
    context: Mapping | None = None,
) -> Response:
    """A document whose every representation comes from one graph: HTML is page(graph), the
    RDF formats serialize it. Rendered once per snapshot, format and `query` (the query
    string of a page of a paged document). JSON-LD is compacted with `context` (a frozen
    release's), by default the snapshot's."""
    fmt = choose_format(explicit, formats)
    compact_with = g.snapshot.context if context is None else context

    def render() -> Representation:
        data = graph()
        if fmt == HTML:
            return Representation(page(data).encode("utf-8"), fmt)
        return Representation(
            representations.serialize(data, fmt, compact_with, context_url()), fmt
        )

    return respond(
        cached((path + query, fmt.key), render),
        path,
        formats=formats,
        negotiated=explicit is None,
        query=query,
        context_url=context_url(),
    )


def wants_html() -> bool:
    accept = request.headers.get("Accept")
    return negotiate(accept, (HTML,)) is not None and negotiate(accept) == HTML


def error_response(
    status: int,
    title: str,
    message: str,
    extra_headers: dict | None = None,
    page_for_browsers: bool = True,
) -> Response:
    """HTML for browsers, a short plain-text message for everyone else."""
    if page_for_browsers and wants_html():
        body = render_template("error.html", status=status, title=title, message=message)
        response = Response(body, status=status, content_type=HTML.content_type)
    else:
        response = Response(
            f"{status} {title}: {message}\n",
            status=status,
            content_type="text/plain; charset=utf-8",
        )
    response.headers.update(extra_headers or {})
    return response


def request_id() -> str:
    """This request's id: the one a proxy in front gave it (X-Request-Id) when it looks
    like one, else a new one."""
    if "request_id" not in g:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if _REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]
    return g.request_id


def public_message(error: LerldError) -> str:
    """What a client may read about an error. A store's failure is logged in full (its
    URL, what it said, the query it rewrote) under the request id; the client gets the
    short message and the id, which the response carries too (X-Request-Id)."""
    if not isinstance(error, StoreError):
        return str(error)
    current_app.logger.error("request %s: %s", request_id(), error.full())
    return f"{error} (request id {request_id()})"


def status_of(error: LerldError) -> int:
    return next((code for kind, code in STATUS_OF.items() if isinstance(error, kind)), 500)


def not_acceptable(
    formats: Sequence[Format] = DOCUMENT_FORMATS, by_parameter: bool = False
) -> Response:
    """406: the formats there are, and how to ask for one. A document's are named by the
    extensions of its URL (its 406 is plain text, for every client); the SPARQL endpoint's
    by its `format` parameter (a page for browsers, as its other errors)."""
    if by_parameter:
        available = ", ".join(f"{f.media_type} (format={f.key})" for f in formats)
        message = (
            f"this answer is available as {available}: ask for one in the Accept header "
            "or with the format parameter"
        )
    else:
        available = ", ".join(f.media_type for f in formats)
        message = (
            f"this document is available as {available}.\nAsk for one of them in the Accept "
            f"header, or add its extension to the URL "
            f"({', '.join('.' + f.extension for f in formats)})."
        )
    return error_response(406, "Not Acceptable", message, page_for_browsers=by_parameter)


# The headers every response carries (common_headers; the SPARQL fast path adds them too).
EVERY_RESPONSE = (
    ("Access-Control-Allow-Origin", "*"),
    (
        "Access-Control-Expose-Headers",
        "Link, ETag, Last-Modified, Content-Location, Location, Retry-After, X-Request-Id, "
        "SPARQL-Time-Limit, SPARQL-Max-Rows, SPARQL-Max-Body, SPARQL-Results-Truncated",
    ),
    ("X-Content-Type-Options", "nosniff"),
)


def common_headers(response: Response) -> Response:
    headers = response.headers
    for name, value in EVERY_RESPONSE:
        headers[name] = value
    response.vary.add("Accept")
    if request.method == "OPTIONS":
        headers["Access-Control-Allow-Methods"] = headers.get("Allow", "GET, HEAD, OPTIONS")
        headers["Access-Control-Allow-Headers"] = (
            "Accept, Content-Type, If-None-Match, If-Modified-Since"
        )
        headers["Access-Control-Max-Age"] = "86400"
    if response.mimetype == "text/html":
        headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
    return response


def install(app: Flask) -> None:
    app.after_request(common_headers)

    @app.errorhandler(NotAcceptable)
    def handle_406(error: NotAcceptable) -> Response:
        return not_acceptable(getattr(error, "formats", DOCUMENT_FORMATS))

    @app.errorhandler(HTTPException)
    def handle_http(error: HTTPException) -> Response:
        kept = {k: v for k, v in error.get_headers() if k in ("Allow", "Retry-After")}
        return error_response(error.code or 500, error.name, error.description or "", kept)

    @app.errorhandler(LerldError)
    def handle_lerld(error: LerldError) -> Response:
        status = status_of(error)
        message = public_message(error)
        extra = {REQUEST_ID_HEADER: request_id()} if "request_id" in g else {}
        if status == 503:
            extra["Retry-After"] = str(RETRY_AFTER)
        return error_response(status, HTTP_STATUS_CODES[status], message, extra)
