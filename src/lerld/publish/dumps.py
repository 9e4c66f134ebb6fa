"""The dumps: the whole published graph (the union of every source graph: ontology,
shapes, data) in each dump format, the same bytes for the same graph.
"""

from __future__ import annotations

import gzip
from collections.abc import Mapping
from typing import Any

from rdflib import Graph

from lerld.core import jsonld
from lerld.core.formats import JSONLD, NTRIPLES, NTRIPLES_GZIP, Format
from lerld.publish import representations
from lerld.stores import Store


def dump_path(fmt: Format) -> str:
    return f"dump.{fmt.extension}"


def published_graph(store: Store) -> Graph:
    """Every triple of the published graph, with blank nodes labelled from their content
    (the same graph always gives the same bytes)."""
    return representations.canonical(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))


def dump(graph: Graph, fmt: Format, context: Mapping[str, Any], context_url: str) -> bytes:
    """The published graph in one dump format. N-Triples lines are sorted, and the gzip
    file carries no name or time, so a dump of the same graph is the same bytes."""
    if fmt == NTRIPLES_GZIP:
        return gzip.compress(dump(graph, NTRIPLES, context, context_url), mtime=0)
    if fmt == JSONLD:
        return jsonld.dumps(jsonld_dump(graph, context, context_url))
    return representations.serialize(graph, fmt, context, context_url)


def jsonld_dump(graph: Graph, context: Mapping[str, Any], context_url: str) -> dict:
    """The graph as one JSON-LD document with lerld's context, one node per subject in
    subject order: linear in the size of the graph, unlike general compaction."""
    nodes = sorted(set(graph.subjects()), key=lambda s: s.n3())
    return {
        "@context": context_url,
        "@graph": [
            representations.node_object(s, graph.predicate_objects(s), context) for s in nodes
        ],
    }
