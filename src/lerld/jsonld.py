"""JSON-LD: lerld's hand-designed @context, compaction with pyld, and an offline document
loader (nothing is fetched from the network: known contexts are served from files)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from pyld import jsonld
from rdflib import Graph

CONTEXT_PATH = "ns/context.jsonld"

DocumentLoader = Callable[[str, dict], dict]


def offline_loader(documents: Mapping[str, Any]) -> DocumentLoader:
    """A pyld document loader that answers only for the given URLs, from memory."""

    def load(url: str, options: dict | None = None) -> dict:
        if url not in documents:
            raise jsonld.JsonLdError(
                f"unknown JSON-LD context {url}: lerld never fetches contexts from the network",
                "jsonld.LoadDocumentError",
                {"url": url},
                code="loading document failed",
            )
        return {"contextUrl": None, "documentUrl": url, "document": documents[url]}

    return load


def to_expanded(graph: Graph) -> list[dict]:
    """The graph as expanded JSON-LD (via N-Quads, so blank nodes and datatypes survive)."""
    nquads = graph.serialize(format="nt11")
    return jsonld.from_rdf(nquads, {"format": "application/n-quads"})


def compact(graph: Graph, context: Mapping[str, Any], context_url: str) -> dict:
    """Compacted JSON-LD of a graph that refers to the context by URL."""
    loader = offline_loader({context_url: context})
    compacted = jsonld.compact(
        to_expanded(graph), context_url, {"documentLoader": loader, "compactArrays": True}
    )
    compacted["@context"] = context_url
    return compacted


def dumps(document: Mapping[str, Any]) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False).encode("utf-8")
