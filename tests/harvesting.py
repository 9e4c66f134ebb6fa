"""What a registry does with our site, as plain helpers for the harvesting tests: read
JSON-LD offline (our context, served from memory), and map our IRIs to a test server."""

from __future__ import annotations

import json

from rdflib import Graph

from lerld.core.jsonld import default_graph

BASE = "https://w3id.org/ler/"
CONTEXT_URL = BASE + "ns/context.jsonld"


def jsonld_graph(body: bytes | str, context: dict) -> Graph:
    """The default graph of a JSON-LD document whose remote context is lerld's."""
    ntriples = default_graph(json.loads(body), {CONTEXT_URL: context})
    return Graph().parse(data=ntriples, format="nt")


def local(url: str, server_url: str) -> str:
    """w3id.org redirects <base>... to the host; here the test server stands in for it."""
    return server_url + "/" + url[len(BASE) :] if url.startswith(BASE) else url
