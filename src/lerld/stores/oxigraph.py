"""The embedded store: pyoxigraph, in memory or on disk. The only importer of pyoxigraph."""

from __future__ import annotations

import shutil
import threading
import uuid
from collections.abc import Sequence
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from lerld.errors import SourceError
from lerld.stores import GraphData, Row

_FORMATS = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/n-quads": ox.RdfFormat.N_QUADS,
    "application/trig": ox.RdfFormat.TRIG,
}


def to_rdflib(term) -> Node:
    """A pyoxigraph term as the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


class OxigraphStore:
    """pyoxigraph behind the Store protocol.

    replace() loads the new content into a fresh store (a new directory on disk) and then
    swaps the reference, so readers never see a half-loaded dataset. On disk, the directory
    of the previous content is removed one replacement later, once no query can still be
    reading it.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self._root = Path(path) if path else None
        self._lock = threading.Lock()
        self._store, self._directory = self._new_store()
        self._retired: Path | None = None

    def _new_store(self) -> tuple[ox.Store, Path | None]:
        if self._root is None:
            return ox.Store(), None
        directory = self._root / f"snapshot-{uuid.uuid4().hex}"
        directory.mkdir(parents=True)
        return ox.Store(str(directory)), directory

    def replace(self, graphs: Sequence[GraphData]) -> None:
        store, directory = self._new_store()
        try:
            for g in graphs:
                store.bulk_load(
                    g.data,
                    _FORMATS[g.media_type],
                    base_iri=g.base_iri,
                    to_graph=ox.NamedNode(g.name),
                )
            store.flush()
        except SyntaxError as e:
            _discard(directory)
            raise SourceError(
                g.name, getattr(e, "lineno", None), f"the store cannot load it: {e}"
            ) from e
        with self._lock:
            _discard(self._retired)
            self._retired = self._directory
            self._store, self._directory = store, directory

    def _query(self, query: str):
        return self._store.query(query, use_default_graph_as_union=True)

    def ask(self, query: str) -> bool:
        return bool(self._query(query))

    def construct(self, query: str) -> Graph:
        graph = Graph()
        for t in self._query(query):
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        return graph

    def select(self, query: str) -> list[Row]:
        solutions = self._query(query)
        names = [v.value for v in solutions.variables]
        return [
            {name: to_rdflib(value) for name in names if (value := solution[name]) is not None}
            for solution in solutions
        ]

    def close(self) -> None:
        with self._lock:
            self._store = ox.Store()
            for directory in (self._retired, self._directory):
                _discard(directory)
            self._retired = self._directory = None


def _discard(directory: Path | None) -> None:
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
