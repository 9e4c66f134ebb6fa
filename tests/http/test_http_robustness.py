"""HTTP robustness, on the production server (Granian, raw requests: no client normalises
the paths) and on the Flask application itself: path traversal (plain, encoded, double
encoded, overlong UTF-8, backslashes, NUL) on /static and every route, over-long URLs and
headers, malformed Accept, If-None-Match and If-Modified-Since, unknown methods. Each gets a
clear 4xx (or the document, for a header it may ignore), never a 500 and never a file outside
the published set; every HTML response carries the security headers."""

from __future__ import annotations

import contextlib
import http.client
import re
import socket
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest

from tests.support import Answer, Page

ROUTES = ("/static/", "/static/map/", "/doc/", "/id/", "/ns/", "/shapes/", "/map/", "/", "/sparql/")
TRAVERSALS = (
    "../../../../etc/passwd",
    "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "..%2f..%2f..%2f..%2fetc%2fpasswd",
    "%252e%252e%252f%252e%252e%252fetc%252fpasswd",
    "..\\..\\..\\..\\etc\\passwd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd",
    "....//....//etc/passwd",
    "/etc/passwd",
    "../templates/base.html",
    "..%2ftemplates%2fbase.html",
    "../../cli.py",
    "../../../../pyproject.toml",
    "lerld.css%00.txt",
    "%00",
    "%ff%fe",
    "%",
)
# What a file outside the published set would show: system files, the project, the code.
OUTSIDE = (b"root:x:0:", b"[project]", b"{% block", b"{% extends", b"def main(")
CONDITIONAL_HEADERS = (
    {"Accept": ";;;"},
    {"Accept": "text/html;q=abc"},
    {"Accept": "*/*;q=-1"},
    {"Accept": ""},
    {"Accept": "text/turtle;q=0.5;q=0.9;level=1;;,"},
    {"Accept": ",".join(f"type/sub{i};q=0.{i % 10}" for i in range(3000))},
    {"If-None-Match": "garbage"},
    {"If-None-Match": 'W/"'},
    {"If-None-Match": '"unterminated'},
    {"If-None-Match": ", ".join(f'"{i}"' for i in range(2000))},
    {"If-Modified-Since": "not a date"},
    {"If-Modified-Since": "Mon, 99 Foo 99999 99:99:99 GMT"},
    {"If-Modified-Since": "Thu, 01 Jan 1970 00:00:00 GMT", "If-None-Match": "*"},
    {"If-Match": "nonsense", "If-Unmodified-Since": "yesterday"},
    {"Range": "bytes=999999999-"},
    {"Range": "bytes=-,-,-"},
)
METHODS = ("PROPFIND", "BREW", "TRACE", "PATCH", "DELETE", "PUT", "CONNECT", "M-SEARCH")
HTML_PAGES = (
    "/",
    "/glossary",
    "/resources",
    "/organizations",
    "/doc/stakeholder/employers",
    "/doc/organization/digital-credentials-consortium",
    "/ns",
    "/shapes",
    "/sparql",
    "/sparql?query=ASK%20%7B%7D",
    "/map",
    "/map/table",
)


def raw(url: str) -> Callable[..., Answer]:
    """A client that sends the method, path and headers exactly as given."""
    host, port = urlsplit(url).hostname, urlsplit(url).port

    def send(path: str, method: str = "GET", body: bytes | None = None, **headers) -> Answer:
        connection = http.client.HTTPConnection(host, port, timeout=60)
        try:
            connection.putrequest(method, path, skip_accept_encoding=True)
            for name, value in headers.items():
                connection.putheader(name.replace("_", "-"), value)
            if body is not None:
                connection.putheader("Content-Length", str(len(body)))
            # A server may answer (413) before reading the whole body: its answer is read below.
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                connection.endheaders(body)
            response = connection.getresponse()
            return Answer(response.status, response.headers, response.read())
        finally:
            connection.close()

    return send


@pytest.fixture(params=["test-client", "production-server"])
def send(request, client) -> Callable[..., Answer]:
    if request.param == "production-server":
        return raw(request.getfixturevalue("live_server").url)

    def via_client(path: str, method: str = "GET", body: bytes | None = None, **headers):
        named = {name.replace("_", "-"): value for name, value in headers.items()}
        r = client.open(path, method=method, data=body, headers=named)
        return Answer(r.status_code, r.headers, r.data)

    return via_client


def assert_not_outside(answer: Answer, what: str) -> None:
    assert answer.status != 500, what
    assert not any(marker in answer.body for marker in OUTSIDE), what


@pytest.mark.parametrize("route", ROUTES)
def test_traversal_never_leaves_the_published_set(send, route):
    for attempt in TRAVERSALS:
        path = route + attempt
        answer = send(path, Accept="text/html")
        assert answer.status in (400, 404, 405, 308), (path, answer.status)
        assert_not_outside(answer, path)
        if answer.status == 308:  # merged slashes: the target is served by the same rules
            target = urlsplit(answer.headers["Location"]).path
            assert send(target).status in (400, 404), target
    assert send("/static/lerld.css").status == 200


def test_over_long_urls_and_headers_are_refused(live_server):
    send = raw(live_server.url)
    assert send("/doc/" + "a" * 60_000).status == 404  # long, within the limit
    for answer in (
        send("/doc/" + "a" * 70_000),
        send("/sparql?query=" + "a" * 1_000_000),
        send("/", X_Big="a" * 70_000),
        send("/", **{f"X-Header-{i}": "v" for i in range(120)}),
    ):
        assert answer.status in (414, 431), answer.status
    assert send("/", **{f"X-Header-{i}": "v" for i in range(90)}).status == 200


@pytest.mark.parametrize("request_bytes", [
    b"GARBAGE\r\n\r\n",
    b"GET / HTTP/9.9\r\nHost: x\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX: a\x00b\r\n\r\n",
    b"GET /\x01\x7f HTTP/1.1\r\nHost: x\r\n\r\n",
    b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 5\r\n\r\nabc",
])  # fmt: skip
def test_malformed_requests_get_400(live_server, request_bytes):
    parts = urlsplit(live_server.url)
    with socket.create_connection((parts.hostname, parts.port), timeout=30) as connection:
        connection.sendall(request_bytes)
        status_line = connection.recv(200).split(b"\r\n", 1)[0]
    assert re.match(rb"HTTP/1\.[01] 4\d\d", status_line), status_line


@pytest.mark.parametrize("headers", CONDITIONAL_HEADERS, ids=lambda h: str(h)[:40])
def test_malformed_negotiation_and_conditional_headers(send, headers):
    for path in ("/doc/stakeholder/employers", "/doc/stakeholder/employers.ttl", "/sparql"):
        answer = send(path, **headers)
        assert answer.status in (200, 304, 406, 412, 416), (path, answer.status)
        assert_not_outside(answer, path)


@pytest.mark.parametrize("method", METHODS)
def test_unknown_methods_get_405(send, method):
    for path in ("/doc/stakeholder/employers", "/", "/sparql", "/static/lerld.css"):
        answer = send(path, method=method, Accept="text/html")
        assert answer.status in (400, 405, 501), (method, path, answer.status)
        assert b"TRACE" not in answer.body or method != "TRACE"  # nothing is echoed


def assert_security_headers(answer: Answer, what: str) -> None:
    headers = answer.headers
    assert headers.get("X-Content-Type-Options") == "nosniff", what
    if not headers.get("Content-Type", "").startswith("text/html"):
        return
    policy = dict(
        [*part.split(" ", 1), ""][:2]
        for part in (p.strip() for p in headers["Content-Security-Policy"].split(";"))
        if part
    )
    scripts = policy.get("script-src", policy.get("default-src", ""))
    assert "'unsafe-inline'" not in scripts and "'unsafe-eval'" not in scripts, what
    assert policy.get("object-src") == "'none'" and "frame-ancestors" in policy, what
    assert headers.get("Referrer-Policy"), what
    for element in Page(answer.body.decode("utf-8")).elements:  # inline scripts: data only
        if element.tag == "script" and "src" not in element.attrs:
            assert element.attrs.get("type") in ("application/ld+json", "application/json")


def test_every_html_response_has_the_security_headers(send):
    answers = {path: send(path, Accept="text/html") for path in HTML_PAGES}
    answers["404"] = send("/doc/stakeholder/nobody", Accept="text/html")
    answers["405"] = send("/doc/stakeholder/employers", method="PUT", Accept="text/html")
    answers["400"] = send("/sparql?query=SELECT", Accept="text/html")
    answers["403"] = send("/sparql?update=CLEAR%20ALL", Accept="text/html")
    answers["413"] = send(
        "/sparql",
        method="POST",
        body=b"ASK {}" + b" " * 2_000_000,
        Accept="text/html",
        Content_Type="application/sparql-query",
    )
    answers["415"] = send(
        "/sparql", method="POST", body=b"ASK {}", Accept="text/html", Content_Type="text/plain"
    )
    answers["406"] = send("/doc/stakeholder/employers", Accept="image/png")
    answers["data"] = send("/doc/stakeholder/employers", Accept="text/turtle")
    expected = {"404": 404, "405": 405, "400": 400, "403": 403, "413": 413, "415": 415}
    expected |= {"406": 406, "data": 200}
    for what, answer in answers.items():
        assert answer.status == expected.get(what, 200), (what, answer.status)
        assert_security_headers(answer, what)


def test_a_forged_host_does_not_reach_other_clients(live_server):
    send = raw(live_server.url)
    for headers in ({"Host": "evil.example"}, {"X-Forwarded-Host": "evil.example"}):
        for path in ("/doc/stakeholder/employers", "/", "/sparql"):
            send(path, Accept="text/html", **headers)
    for path in ("/doc/stakeholder/employers", "/", "/sparql"):
        assert b"evil.example" not in send(path, Accept="text/html").body
