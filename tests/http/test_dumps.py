"""Dumps of the whole published graph, from a real `lerld serve`: media types (gzip as
application/gzip, never Content-Encoding), ETag, Content-Length, 304, HEAD, and contents."""

from __future__ import annotations

import gzip

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

from lerld.core.formats import DUMP_FORMATS, JSONLD, NTRIPLES_GZIP
from tests.harvesting import jsonld_graph


@pytest.fixture(scope="module")
def published(snapshot) -> Graph:
    return snapshot.store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


@pytest.fixture(scope="module")
def dumps(live_server) -> dict:
    return {
        fmt.key: requests.get(f"{live_server.url}/dump.{fmt.extension}", timeout=60)
        for fmt in DUMP_FORMATS
    }


@pytest.mark.parametrize("fmt", DUMP_FORMATS, ids=lambda f: f.key)
def test_dump_headers(dumps, live_server, fmt):
    r = dumps[fmt.key]
    assert r.status_code == 200
    assert r.headers["Content-Type"] == fmt.content_type
    assert "Content-Encoding" not in r.headers
    assert int(r.headers["Content-Length"]) == len(r.content)
    etag = r.headers["ETag"]
    assert etag.startswith('"') and not etag.startswith("W/")
    url = f"{live_server.url}/dump.{fmt.extension}"
    assert requests.get(url, headers={"If-None-Match": etag}, timeout=30).status_code == 304
    head = requests.head(url, timeout=30)
    assert head.headers["ETag"] == etag and head.content == b""
    assert head.headers["Content-Length"] == r.headers["Content-Length"]


def test_gzip_dump_is_gzip_bytes_of_the_ntriples_dump(dumps):
    assert dumps[NTRIPLES_GZIP.key].headers["Content-Type"] == "application/gzip"
    assert gzip.decompress(dumps[NTRIPLES_GZIP.key].content) == dumps["ntriples"].content


@pytest.mark.parametrize(
    "fmt", [f for f in DUMP_FORMATS if f != NTRIPLES_GZIP], ids=lambda f: f.key
)
def test_every_dump_is_the_whole_published_graph(dumps, fmt, published, snapshot):
    body = dumps[fmt.key].content
    if fmt == JSONLD:
        graph = jsonld_graph(body, snapshot.context)
    else:
        graph = Graph().parse(data=body, format=fmt.rdflib_format)
    assert len(graph) == len(published)
    assert isomorphic(graph, published)


def test_ntriples_dump_is_sorted(dumps):
    lines = dumps["ntriples"].text.splitlines()
    assert lines == sorted(lines)


def test_unknown_dump_is_404(client):
    assert client.get("/dump.xml").status_code == 404
