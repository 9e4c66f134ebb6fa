"""The store seam: a small protocol that the embedded Oxigraph store and a remote SPARQL
server both implement. Everything above this package only asks SPARQL questions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import Graph
from rdflib.term import Node

Row = dict[str, Node]


@dataclass(frozen=True)
class GraphData:
    """The serialized content of one named graph, as loaded into a store."""

    name: str
    data: bytes
    media_type: str = "text/turtle"
    base_iri: str | None = None


class Store(Protocol):
    """What lerld needs from a SPARQL store. Queries see the union of the loaded graphs
    as their default graph."""

    def replace(self, graphs: Sequence[GraphData]) -> None:
        """Replace the whole content with these graphs, atomically: a query sees either the
        old content or the new, never a mix; on failure the old content stays."""

    def ask(self, query: str) -> bool: ...

    def construct(self, query: str) -> Graph: ...

    def select(self, query: str) -> list[Row]: ...

    def close(self) -> None: ...


def open_store(path: str | None = None) -> Store:
    """The embedded Oxigraph store, in memory or (with a path) on disk."""
    from lerld.stores.oxigraph import OxigraphStore

    return OxigraphStore(path)
