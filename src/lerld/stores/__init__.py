"""The store seam: a small protocol that the embedded Oxigraph store and a remote SPARQL
server both implement, with the capabilities each declares. Everything above this package
only asks SPARQL questions. The backends are registered in one place: stores/backends.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from rdflib import Graph
from rdflib.term import Node

from lerld.stores.results import Answer, Formats

Row = dict[str, Node]


@dataclass(frozen=True)
class GraphData:
    """The serialized content of one named graph, as loaded into a store."""

    name: str
    data: bytes
    media_type: str = "text/turtle"
    base_iri: str | None = None


@dataclass(frozen=True)
class QueryDataset:
    """The RDF dataset a query runs on. By default, the published dataset: the default graph
    is the union of the source graphs, and the source graphs are the named graphs. Lists of
    graphs (the protocol's default-graph-uri / named-graph-uri) replace it; in_query says
    the query names its own dataset (FROM / FROM NAMED), which then applies."""

    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    in_query: bool = False

    @property
    def explicit(self) -> bool:
        return bool(self.default_graphs or self.named_graphs)


PUBLISHED = QueryDataset()


@dataclass(frozen=True)
class Capabilities:
    """What a store can do, declared by each implementation, so that the layers above ask
    instead of testing which store they hold."""

    # Queries run in this process, on content only lerld changes: a client query must run in
    # a killable worker process to be stopped at its time limit, and an answer stays true
    # for as long as the snapshot (so it can be cached).
    in_process: bool
    # The content outlives the process (a store on disk, a server).
    persistent: bool
    # ORDER BY over many rows costs the store little (else the caller asks for the rows
    # unordered and orders them). Oxigraph compares terms by their text, looked up at every
    # comparison: the first 1,001 of the 72,000 links to one thing at 10M triples, in
    # order, took it 1.25 s in memory and 104 s on disk (RocksDB), against 0.36 s and 3 s
    # for all of them unordered, sorted in Python. A server sends the rows it sorted.
    orders_cheaply: bool = True


def in_order_of(rows: list[Row], *variables: str) -> list[Row]:
    """Rows as `ORDER BY` these variables orders them when they hold IRIs (SPARQL compares
    IRIs by their text, code point by code point, as Python compares str): what a caller
    asks of a store that does not order cheaply (Capabilities.orders_cheaply)."""
    return sorted(rows, key=lambda row: tuple(str(row.get(v, "")) for v in variables))


class Store(Protocol):
    """What lerld needs from a SPARQL store. Queries see the union of the loaded graphs
    as their default graph."""

    capabilities: Capabilities

    def replace(self, graphs: Sequence[GraphData]) -> None:
        """Replace the whole content with these graphs, atomically: a query sees either the
        old content or the new, never a mix; on failure the old content stays."""

    def ask(self, query: str) -> bool: ...

    def construct(self, query: str) -> Graph: ...

    def select(self, query: str) -> list[Row]: ...

    def select_values(self, query: str) -> list[tuple[str, ...]]:
        """The rows of a SELECT as text, by the order of its variables: an IRI's text, a
        literal's lexical form (no language or datatype: a query that needs them asks
        LANG() or DATATYPE()), a blank node as _: and the store's own label, "" for an
        unbound variable. For many rows whose kinds the query knows: rdflib terms cost
        several times the store's own time (lerld.publish.index). The rows are held whole
        (Oxigraph: the CSV bytes too), so not for a scan whose peak memory counts."""

    def query(
        self,
        query: str,
        formats: Formats,
        dataset: QueryDataset = PUBLISHED,
        max_rows: int | None = None,
    ) -> Answer:
        """Evaluate a client's query into its answer, serialized in the accepted format for
        its form, with at most max_rows solutions or triples (truncated says if more
        existed). Raises MalformedQuery with the parser's message."""

    def for_worker(self) -> Store:
        """The same content for a process forked from this one (which must not use a
        database handle its parent opened): this store, or a new handle on its content."""

    def close(self) -> None: ...
