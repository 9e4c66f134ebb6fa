"""RDF graphs as bytes in each format of the format table (HTML is the web layer's)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rdflib import Graph

from lerld import jsonld
from lerld.formats import JSONLD, Format
from lerld.terms import PREFIXES


def serialize(graph: Graph, fmt: Format, context: Mapping[str, Any], context_url: str) -> bytes:
    """The graph in an RDF format; JSON-LD is compacted with lerld's context, by URL."""
    if fmt == JSONLD:
        return jsonld.dumps(jsonld.compact(graph, context, context_url))
    if not fmt.is_rdf:
        raise ValueError(f"{fmt.label} is not an RDF format")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    return graph.serialize(format=fmt.rdflib_format, encoding="utf-8")
