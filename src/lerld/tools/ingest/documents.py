"""Reading credential documents: JSON-LD read offline over the contexts lerld ships (a
document that names another remote context is rejected), its default graph only (never the
proof graph), every credential subject a node of its own, every node renamed apart so that
one closure of a batch keeps the documents apart."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from rdflib import RDF, BNode, Graph, URIRef

from lerld.core import jsonld
from lerld.core.errors import RejectedDocument

_ROOT = "urn:lerld:ingest:root"


def known_contexts() -> dict[str, Any]:
    """URL -> context document, for every context file shipped in src/lerld/contexts/."""
    folder = resources.files("lerld").joinpath("contexts")
    table = json.loads(folder.joinpath("contexts.json").read_text(encoding="utf-8"))
    return {
        url: json.loads(folder.joinpath(name).read_text(encoding="utf-8"))
        for url, name in table.items()
    }


def read_document(path: Path) -> Any:
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as e:
        raise RejectedDocument("unreadable", f"not a JSON document: {e}") from e


@dataclass(frozen=True)
class Parsed:
    """One document's default graph, its nodes renamed apart, and the way back."""

    graph: Graph
    root: URIRef
    original: dict[URIRef, Any]


def parse_document(document: Any, contexts: Mapping[str, Any], number: int) -> Parsed:
    """The document's default graph (never its proof graph) with its nodes renamed to
    urn:lerld:ingest:<number>:<n>; rdf:type objects and predicates keep their IRIs."""
    expanded = jsonld.expand(document, contexts)
    if len(expanded) != 1 or not isinstance(expanded[0], dict):
        raise RejectedDocument("invalid-json-ld", "not one credential: expected one top-level node")
    root_id = expanded[0].get("@id")
    expanded[0]["@id"] = _ROOT
    _subjects_apart(expanded)
    parsed = Graph().parse(data=jsonld.default_graph(expanded, contexts), format="nt")
    renamed: dict[Any, URIRef] = {}
    original: dict[URIRef, Any] = {}

    def rename(node):
        if node not in renamed:
            new = URIRef(f"urn:lerld:ingest:{number}:{len(renamed)}")
            renamed[node] = new
            original[new] = URIRef(root_id) if node == URIRef(_ROOT) and root_id else node
        return renamed[node]

    graph = Graph()
    for s, p, o in parsed:
        if isinstance(o, URIRef | BNode) and p != RDF.type:
            o = rename(o)
        graph.add((rename(s), p, o))
    root = rename(URIRef(_ROOT))
    if root_id is None:
        original[root] = None
    return Parsed(graph, root, original)


CREDENTIAL_SUBJECT = "https://www.w3.org/2018/credentials#credentialSubject"


def _subjects_apart(node: Any, count: list[int] | None = None) -> None:
    """Give every credential subject a blank node of its own, in place (expanded JSON-LD).

    A CLR and the credentials it bundles name the same learner: with one node for them,
    what the CLR's subject holds would be read as every bundled credential's too. And the
    subject's id identifies the learner, which lerld never keeps."""
    count = [0] if count is None else count
    if isinstance(node, list):
        for item in node:
            _subjects_apart(item, count)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key == CREDENTIAL_SUBJECT:
                for subject in value if isinstance(value, list) else [value]:
                    if isinstance(subject, dict) and "@value" not in subject:
                        count[0] += 1
                        subject["@id"] = f"_:lerld-subject-{count[0]}"
            _subjects_apart(value, count)
