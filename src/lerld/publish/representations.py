"""RDF graphs as bytes in each format of the format table (HTML is the web layer's), and
nodes of plain JSON-LD (explicit values, the context's prefixes only) for the documents
that list many things: the collection's members and the JSON-LD dump."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import Any

from rdflib import RDF, XSD, BNode, Graph, Literal
from rdflib.compare import to_canonical_graph
from rdflib.namespace import split_uri

from lerld.core import jsonld
from lerld.core.formats import JSONLD, NTRIPLES, RDFXML, Format
from lerld.core.terms import PREFIXES


def canonical(graph: Graph) -> Graph:
    """The same graph with blank nodes labelled from their content and its triples in a
    fixed order, so that equal graphs serialize to equal bytes (a reproducible build)."""
    triples = frozenset(graph)
    if any(isinstance(term, BNode) for triple in triples for term in triple):
        triples = _relabelled(triples)
    ordered = Graph()
    for triple in sorted(triples, key=lambda t: tuple(term.n3() for term in t)):
        ordered.add(triple)
    return ordered


@lru_cache(maxsize=32)
def _relabelled(triples: frozenset) -> frozenset:
    """Canonical blank node labels (costly: a document is often rendered in every format)."""
    graph = Graph()
    for triple in triples:
        graph.add(triple)
    return frozenset(to_canonical_graph(graph))


def serialize(graph: Graph, fmt: Format, context: Mapping[str, Any], context_url: str) -> bytes:
    """The graph in an RDF format; JSON-LD is compacted with lerld's context, by URL.
    Equal graphs give equal bytes (see canonical)."""
    graph = canonical(graph)
    if fmt == JSONLD:
        return jsonld.dumps(jsonld.compact(graph, context, context_url))
    if not fmt.is_rdf:
        raise ValueError(f"{fmt.label} is not an RDF format")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=False)
    if fmt == RDFXML:
        return _rdfxml(graph)
    body = graph.serialize(format=fmt.rdflib_format, encoding="utf-8")
    if fmt == NTRIPLES:  # rdflib writes triples in hash order, which varies between runs
        return b"".join(sorted(line + b"\n" for line in body.splitlines() if line))
    return body


def _rdfxml(graph: Graph) -> bytes:
    """RDF/XML with its descriptions in a fixed order (rdflib writes subjects, and names
    unbound namespaces, in hash order, which varies between runs)."""
    unbound = sorted({split_uri(p)[0] for p in graph.predicates()} - set(PREFIXES.values()))
    for number, namespace in enumerate(unbound, 1):
        graph.bind(f"ns{number}", namespace, override=False)
    lines = graph.serialize(format=RDFXML.rdflib_format).splitlines(keepends=True)
    first = next((i for i, line in enumerate(lines) if line.startswith("  <")), None)
    if first is None:  # an empty graph (a catalogue with nothing in it yet): nothing to order
        return "".join(lines).encode("utf-8")
    last = max(i for i, line in enumerate(lines) if line.startswith("</rdf:RDF>"))
    blocks: list[list[str]] = []
    for line in lines[first:last]:
        if line.startswith("  <") and not line.startswith("  </"):
            blocks.append([])
        blocks[-1].append(line)
    body = lines[:first] + [line for block in sorted(blocks) for line in block] + lines[last:]
    return "".join(body).encode("utf-8")


# --- JSON-LD nodes ---------------------------------------------------------------------


def node_object(subject, pairs: Iterable[tuple], context: Mapping[str, Any]) -> dict:
    """A node of JSON-LD that uses the context's prefixes only (no term coercion), so that
    it reads the same under any context that defines them: every value is explicit."""
    node: dict[str, Any] = {"@id": _node_id(subject)}
    ordered = sorted(pairs, key=lambda pair: (pair[0].n3(), pair[1].n3()))
    types = [_compact(str(o), context) for p, o in ordered if p == RDF.type]
    if types:
        node["@type"] = types
    for predicate, value in ordered:
        if predicate != RDF.type:
            node.setdefault(_compact(str(predicate), context), []).append(
                _literal(value) if isinstance(value, Literal) else {"@id": _node_id(value)}
            )
    return node


def _compact(iri: str, context: Mapping[str, Any]) -> str:
    for prefix, namespace in context.get("@context", {}).items():
        if (
            isinstance(namespace, str)
            and namespace.endswith(("#", "/"))
            and iri.startswith(namespace)
            and iri != namespace
        ):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _literal(value: Literal) -> dict:
    if value.language:
        return {"@value": str(value), "@language": value.language}
    if value.datatype and value.datatype != XSD.string:
        return {"@value": str(value), "@type": str(value.datatype)}
    return {"@value": str(value)}


def _node_id(node) -> str:
    return node.n3() if isinstance(node, BNode) else str(node)
