"""JSON-LD: lerld's hand-designed @context, compaction with pyld, and an offline document
loader (nothing is fetched from the network: known contexts are served from files)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from pyld import jsonld
from rdflib import Graph

from lerld.core.errors import RejectedDocument, UnknownContext
from lerld.core.formats import DEFAULT_FORM, JsonLdForm

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


XSD = "http://www.w3.org/2001/XMLSchema#"
# JSON numbers beyond 2^53 lose precision in JavaScript: larger integers stay typed strings.
SAFE_INTEGER = 2**53


def native_value(value: dict) -> dict:
    """A canonical xsd:integer or xsd:boolean value object as a JSON number or boolean
    ("position": 2, not "2"). Only canonical forms are converted, so that JSON-LD -> RDF
    gives back the very same literal; anything else stays a typed string."""
    lexical, datatype = value.get("@value"), value.get("@type")
    canonical_integer = re.fullmatch(r"-?[1-9][0-9]*|0", str(lexical))
    if datatype == XSD + "integer" and canonical_integer and abs(int(lexical)) < SAFE_INTEGER:
        return {"@value": int(lexical)}
    if datatype == XSD + "boolean" and lexical in ("true", "false"):
        return {"@value": lexical == "true"}
    return value


def with_native_values(node: Any) -> Any:
    if isinstance(node, list):
        return [with_native_values(item) for item in node]
    if isinstance(node, dict):
        if "@value" in node:
            return native_value(node)
        return {key: with_native_values(value) for key, value in node.items()}
    return node


def to_expanded(graph: Graph) -> list[dict]:
    """The graph as expanded JSON-LD (via N-Quads, so blank nodes and datatypes survive),
    with integers and booleans as JSON numbers and booleans."""
    # sorted: rdflib writes triples in hash order, and values keep their input order
    nquads = "".join(sorted(graph.serialize(format="nt11").splitlines(keepends=True)))
    return with_native_values(jsonld.from_rdf(nquads, {"format": "application/n-quads"}))


def compact(graph: Graph, context: Mapping[str, Any], context_url: str) -> dict:
    """Compacted JSON-LD of a graph that refers to the context by URL."""
    loader = offline_loader({context_url: context})
    compacted = jsonld.compact(
        to_expanded(graph), context_url, {"documentLoader": loader, "compactArrays": True}
    )
    compacted["@context"] = context_url
    return compacted


def reshape(document: Any, form: JsonLdForm, context: Mapping[str, Any], context_url: str) -> Any:
    """A JSON-LD document in another form: expanded, flattened, or compacted (flattened or
    not) with the document's own @context, or lerld's (by URL) when it has none. A URL
    stays a URL: the context is never inlined. Nothing is fetched: lerld's context is given.
    A document already in the form asked is returned as it is."""
    own = document.get("@context") if isinstance(document, dict) else None
    if form == DEFAULT_FORM and own is not None:
        return document
    documents = {context_url: context}
    if not form.compacted:
        flattening = form.flattened
        return _process(
            lambda doc, options: (
                jsonld.flatten(doc, None, options) if flattening else jsonld.expand(doc, options)
            ),
            document,
            documents,
        )
    with_context = own or context_url
    operation = jsonld.flatten if form.flattened else jsonld.compact
    shaped = _process(
        lambda doc, options: operation(doc, with_context, options), document, documents
    )
    shaped["@context"] = with_context
    return shaped


def dumps(document: Any) -> bytes:
    return json.dumps(document, indent=2, ensure_ascii=False, sort_keys=False).encode("utf-8")


def _process(operation: Callable, document: Any, documents: Mapping[str, Any], **options) -> Any:
    """Run a pyld operation with only `documents` (URL -> context document) to load from.
    Raises UnknownContext naming the first remote context that is not among them, and
    RejectedDocument(invalid-json-ld) for anything else pyld refuses."""
    missing: list[str] = []
    offline = offline_loader(documents)

    def load(url: str, options: dict | None = None) -> dict:
        if url not in documents:
            missing.append(url)
        return offline(url, options)

    try:
        return operation(document, {"documentLoader": load, **options})
    except jsonld.JsonLdError as e:
        if missing:
            raise UnknownContext(missing[0]) from e
        raise RejectedDocument("invalid-json-ld", f"not valid JSON-LD: {e}") from e


def expand(document: Any, documents: Mapping[str, Any]) -> list[dict]:
    """The expanded form of a JSON-LD document whose contexts are all in `documents`."""
    return _process(jsonld.expand, document, documents)


def default_graph(document: Any, documents: Mapping[str, Any]) -> str:
    """The default graph of a JSON-LD document (expanded or not) as N-Triples; its named
    graphs (a Verifiable Credential's proof is one) are left out."""
    dataset = _process(jsonld.to_rdf, document, documents)
    return jsonld.serialize_nquads({"@default": dataset.get("@default", [])})
