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

from lerld.core.errors import MalformedQuery, QueryRejected, SourceError, StoreUnavailable
from lerld.core.formats import NTRIPLES, SPARQL_JSON, Format
from lerld.core.terms import PREFIXES
from lerld.stores import PUBLISHED, Capabilities, GraphData, QueryDataset, Row
from lerld.stores.results import (
    BINDINGS,
    BOOLEAN,
    GRAPH,
    Answer,
    Formats,
    Term,
    first_solutions,
    most_solutions,
    write_bindings,
    write_boolean,
)

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


def to_term(term) -> Term | None:
    """A pyoxigraph term as a result Term (None stays None: an unbound variable)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return Term("uri", term.value)
    if isinstance(term, ox.BlankNode):
        return Term("bnode", term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Term("literal", term.value, term.language)
        datatype = term.datatype.value
        return Term("literal", term.value, None, None if datatype == str(XSD.string) else datatype)
    raise QueryRejected("RDF 1.2 triple terms in query results are not supported")


def _dataset_options(dataset: QueryDataset) -> dict:
    if dataset.explicit:
        return {
            "default_graph": [ox.NamedNode(g) for g in dataset.default_graphs],
            "named_graphs": [ox.NamedNode(g) for g in dataset.named_graphs],
        }
    return {"use_default_graph_as_union": not dataset.in_query}


def query_form(query: str) -> str:
    """The form of a SPARQL 1.1 query (BINDINGS, BOOLEAN or GRAPH), by Oxigraph's parser;
    MalformedQuery with the parser's message (lines and columns of this very text) when it
    is not SPARQL 1.1. A remote store uses it to ask for the right format and to say what
    is wrong with a client's query in the same words as the embedded store. Nothing is
    evaluated: pyoxigraph evaluates lazily, on an empty store."""
    try:
        result = ox.Store().query(query)
    except SyntaxError as e:
        raise MalformedQuery(str(e)) from e
    if isinstance(result, ox.QueryBoolean):
        return BOOLEAN
    return BINDINGS if isinstance(result, ox.QuerySolutions) else GRAPH


def evaluate(
    store: ox.Store, query: str, formats: Formats, dataset: QueryDataset, max_rows: int | None
) -> Answer:
    """A client's query on a pyoxigraph store, answered in the accepted format."""
    try:
        result = store.query(query, **_dataset_options(dataset))
    except SyntaxError as e:
        raise MalformedQuery(str(e)) from e
    except OSError as e:
        raise StoreUnavailable(f"the store failed to evaluate the query: {e}") from e
    form = (
        BOOLEAN
        if isinstance(result, ox.QueryBoolean)
        else BINDINGS
        if isinstance(result, ox.QuerySolutions)
        else GRAPH
    )
    fmt = formats.for_form(form)
    if fmt is None:
        return Answer(form, None, None)
    if form == BOOLEAN:
        return Answer(form, fmt, write_boolean(fmt, bool(result)))
    if form == GRAPH:
        return _graph_answer(result, fmt, max_rows)
    if fmt == SPARQL_JSON:
        body, truncated = _serialized(result, ox.QueryResultsFormat.JSON), False
        if max_rows is not None and most_solutions(body) > max_rows:
            body, truncated = first_solutions(body, max_rows)
        return Answer(form, fmt, body, truncated)
    limit = max_rows if max_rows is not None else -1
    try:
        rows = []
        for solution in result:
            if len(rows) == limit:
                break
            rows.append(tuple(map(to_term, solution)))
        truncated = len(rows) == limit and next(result, None) is not None
    except OSError as e:
        raise StoreUnavailable(f"the store failed to evaluate the query: {e}") from e
    names = [v.value for v in result.variables]
    return Answer(form, fmt, write_bindings(fmt, names, rows), truncated)


def _graph_answer(result: ox.QueryTriples, fmt: Format, max_rows: int | None) -> Answer:
    """Triples serialized by Oxigraph. N-Triples first, one line per triple: the line count
    is the triple count, so the answer is cut there without a Python object per triple."""
    lines = _serialized(result, ox.RdfFormat.N_TRIPLES)
    truncated = max_rows is not None and lines.count(b"\n") > max_rows
    if truncated:
        lines = b"".join(line + b"\n" for line in lines.split(b"\n", max_rows)[:max_rows])
    if fmt == NTRIPLES:
        return Answer(GRAPH, fmt, lines, truncated)
    triples = ox.parse(lines, format=ox.RdfFormat.N_TRIPLES)
    body = ox.serialize(
        triples, format=ox.RdfFormat.from_media_type(fmt.media_type), prefixes=PREFIXES
    )
    return Answer(GRAPH, fmt, body, truncated)


def _serialized(result: ox.QuerySolutions | ox.QueryTriples, fmt) -> bytes:
    """An answer serialized by Oxigraph, without a Python object per solution or triple.
    Its SPARQL JSON is byte for byte that of results.write_bindings, so every store answers
    alike (tests/unit/test_results.py, tests/system/test_remote_store.py)."""
    try:
        return result.serialize(format=fmt)
    except OSError as e:
        raise StoreUnavailable(f"the store failed to evaluate the query: {e}") from e


class OxigraphStore:
    """pyoxigraph behind the Store protocol.

    replace() loads the new content into a fresh store (a new directory on disk) and then
    swaps the reference, so readers never see a half-loaded dataset. On disk, the directory
    of the previous content is removed one replacement later, once no query can still be
    reading it.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.capabilities = Capabilities(in_process=True, persistent=path is not None)
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
            _load(store, graphs, bulk=directory is not None)
        except SourceError:
            _discard(directory)
            raise
        if directory is not None:
            # Loaded, it never changes: closing the writer lets RocksDB finish its background
            # work (compactions that delete files), so that the read-only handles every
            # process opens on the directory (for_worker) never see a file vanish.
            del store  # the only reference: the writer is closed here
            store = ox.Store.read_only(str(directory))
        with self._lock:
            _discard(self._retired)
            self._retired = self._directory
            self._store, self._directory = store, directory

    def add(self, graphs: Sequence[GraphData]) -> None:
        """Load more graphs into the content, in memory only, and not atomically: for a
        store no query reads yet, such as a snapshot's, whose data graph is validated
        before its shapes join it (one copy of the graph in memory, not two)."""
        if self._directory is not None:
            raise ValueError("graphs are added only to a store in memory")
        _load(self._store, graphs, bulk=False)

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

    def query(
        self,
        query: str,
        formats: Formats,
        dataset: QueryDataset = PUBLISHED,
        max_rows: int | None = None,
    ) -> Answer:
        return evaluate(self._store, query, formats, dataset, max_rows)

    def for_worker(self) -> OxigraphStore:
        """The same content for a process forked from this one: in memory, this very store
        (shared copy-on-write); on disk, a read-only handle of the current directory, since
        a forked process must not use its parent's database handle."""
        if self._directory is None:
            return self
        view = OxigraphStore.__new__(OxigraphStore)
        view.capabilities = self.capabilities
        view._root, view._lock, view._retired = None, threading.Lock(), None
        view._store, view._directory = ox.Store.read_only(str(self._directory)), None
        return view

    def close(self) -> None:
        with self._lock:
            self._store = ox.Store()
            for directory in (self._retired, self._directory):
                _discard(directory)
            self._retired = self._directory = None


def _load(store: ox.Store, graphs: Sequence[GraphData], bulk: bool) -> None:
    """Load graphs into a pyoxigraph store; SourceError names the graph it cannot load.
    On disk, the bulk loader (it writes sorted files directly); in memory, a plain load is
    faster (5.5 s against 8.9 s for a million triples)."""
    load = store.bulk_load if bulk else store.load
    try:
        for g in graphs:
            options = {"base_iri": g.base_iri, "to_graph": ox.NamedNode(g.name)}
            try:
                load(g.data, _FORMATS[g.media_type], **options)
            except MemoryError:  # a term longer than load's 16 MiB buffer; it wrote
                # nothing (a transaction): the bulk loader has no such limit, and
                # validation says what is wrong with so long a term
                store.bulk_load(g.data, _FORMATS[g.media_type], **options)
        store.flush()
    except SyntaxError as e:
        raise SourceError(
            g.name, getattr(e, "lineno", None), f"the store cannot load it: {e}"
        ) from e


def _discard(directory: Path | None) -> None:
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
