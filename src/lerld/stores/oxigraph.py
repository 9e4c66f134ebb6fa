"""The embedded store: pyoxigraph, in memory or on disk. The only importer of pyoxigraph."""

from __future__ import annotations

import contextlib
import csv
import fcntl
import io
import shutil
import threading
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Node

from lerld.core.errors import MalformedQuery, QueryRejected, SourceError, StoreUnavailable
from lerld.core.formats import NTRIPLES, SPARQL_JSON, Format
from lerld.core.terms import PREFIXES
from lerld.core.versions import content_version
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

    replace() loads the new content into a fresh store and then swaps the reference, so
    readers never see a half-loaded dataset. On disk (a path: `--store-path`), each content
    has its own directory, named by the key of what it holds (content_key) once it is
    loaded whole; a replace() with content the directory already holds opens it instead of
    loading it again, so a server that keeps its store on disk restarts without reloading.
    A replaced directory is removed one replacement later (a query may still be reading
    it), unless another store of the process holds it; the last content stays for the next
    start.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.capabilities = Capabilities(
            in_process=True, persistent=path is not None, orders_cheaply=False
        )
        self._root = _StoreRoot.acquire(Path(path)) if path else None
        self._lock = threading.Lock()
        # nothing loaded yet: empty, in memory (a directory is made by replace())
        self._store: ox.Store = ox.Store()
        self._directory: Path | None = None
        self._retired: Path | None = None

    def replace(self, graphs: Sequence[GraphData]) -> None:
        if self._root is None:
            store = ox.Store()
            _load(store, graphs, bulk=False)
            with self._lock:
                self._store = store
            return
        store, directory = self._root.content(graphs)
        with self._lock:
            self._root.release(self._retired)
            self._retired = self._directory
            self._store, self._directory = store, directory
        self._root.prune()

    def add(self, graphs: Sequence[GraphData]) -> None:
        """Load more graphs into the content, in memory only, and not atomically: for a
        store no query reads yet, such as a snapshot's, whose data graph is validated
        before its shapes join it (one copy of the graph in memory, not two)."""
        if self.capabilities.persistent:
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
        # a solution's values in the order of its variables: by position, not by name (a
        # look-up by name costs more than the conversion to rdflib; 10% of a select of
        # 80,000 rows of four terms)
        return [
            {
                name: to_rdflib(value)
                for name, value in zip(names, solution, strict=True)
                if value is not None
            }
            for solution in solutions
        ]

    def select_values(self, query: str) -> list[tuple[str, ...]]:
        # Oxigraph writes the rows as SPARQL CSV (the text of each value, as this method
        # gives it) and the csv module reads them: both in C, without a Python object per
        # term (the 125,000 entities of a million triples: 0.33 s against 1.53 s for their
        # dates as rdflib terms)
        data = self._query(query).serialize(format=ox.QueryResultsFormat.CSV)
        # decoded as read, not into a second copy of the whole text
        rows = csv.reader(io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", newline=""))
        variables = next(rows, [])
        # (a row of one unbound variable is an empty line, which the reader gives as [])
        return [tuple(row) if row else ("",) * len(variables) for row in rows]

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
        """Drop the content; on disk, the directory of the last content a store of this
        process held stays for the next start, the others are removed."""
        with self._lock:
            self._store = ox.Store()
            retired, current = self._retired, self._directory
            self._retired = self._directory = None
        if self._root is not None:
            self._root.release(retired)
            self._root.release(current)
            self._root.close(keep=current)
            self._root = None


def _load(store: ox.Store, graphs: Sequence[GraphData], bulk: bool) -> None:
    """Load graphs into a pyoxigraph store; SourceError names the graph it cannot load.
    On disk, the bulk loader (it writes sorted files directly), two graphs at a time; in
    memory, a plain load, one graph after another (faster than the bulk loader: 5.5 s
    against 8.9 s for a million triples; the store in memory takes one writer at a
    time)."""
    if not bulk:
        for g in graphs:
            _load_graph(store, g, bulk)
        store.flush()
        return
    # The bulk loader parses an input on one thread below 4 cores (as `oxigraph load` does
    # file by file), and bulk loaders write side by side: two at once loaded the 1M
    # project's graphs onto disk in 5.80-5.90 s against 7.24-7.87 s one after another, on
    # 2 cores. A failure waits for the loads under way; those not begun are dropped.
    with ThreadPoolExecutor(BULK_LOADS_AT_ONCE) as pool:
        loads = [pool.submit(_load_graph, store, g, bulk) for g in graphs]
        try:
            for load in loads:
                load.result()
        except BaseException:
            for load in loads:
                load.cancel()
            raise
    store.flush()


# Graphs bulk loaded at once onto disk (see _load).
BULK_LOADS_AT_ONCE = 2


def quads_of(g: GraphData) -> Iterator[ox.Quad]:
    """The statements of one graph's content, one after another, as quads of the default
    graph: what `load` would store in the graph named g.name (the same parser and base
    IRI), without a store (lerld.project.validation.scan). A content the store cannot load
    raises as the parser says (loading it says it better); one with a term over the
    parser's buffer is read again whole: quads yielded before it come twice."""
    try:
        yield from ox.parse(g.data, _FORMATS[g.media_type], base_iri=g.base_iri)
    except MemoryError:
        # a term longer than the parser's 16 MiB buffer, as in _load_graph: the bulk
        # loader has no such limit
        store = ox.Store()
        store.bulk_load(g.data, _FORMATS[g.media_type], base_iri=g.base_iri)
        yield from store


def _load_graph(store: ox.Store, g: GraphData, bulk: bool) -> None:
    options = {"base_iri": g.base_iri, "to_graph": ox.NamedNode(g.name)}
    try:
        if bulk:
            store.bulk_load(g.data, _FORMATS[g.media_type], **options)
            return
        try:
            store.load(g.data, _FORMATS[g.media_type], **options)
        except MemoryError:  # a term longer than load's 16 MiB buffer; it wrote nothing
            # (a transaction): the bulk loader has no such limit, and validation says what
            # is wrong with so long a term
            store.bulk_load(g.data, _FORMATS[g.media_type], **options)
    except SyntaxError as e:
        raise SourceError(
            g.name, getattr(e, "lineno", None), f"the store cannot load it: {e}"
        ) from e


# The directories a store root holds: a content's, named by its key once loaded whole (so a
# directory of that name is always complete); a load under way (or cut short by a crash);
# one of lerld before content keys (a directory per load, never reused).
_CONTENT, _LOADING, _OLD = "content-", "loading-", "snapshot-"
_LOCK_FILE = ".lerld-store.lock"

# Part of every content key: bumped when the same graphs would be loaded differently (how
# the graphs are named, which loader), so that a directory loaded the old way is not reused.
_LAYOUT = b"one named graph per GraphData, bulk loaded; 1"


def content_key(graphs: Sequence[GraphData]) -> str:
    """What identifies a content on disk: every graph's name, format, base and bytes, the
    layout and the pyoxigraph that wrote it."""
    return content_version(
        ((f"{g.name}\0{g.media_type}\0{g.base_iri or ''}", g.data) for g in graphs),
        _LAYOUT,
        ox.__version__.encode(),
    )


class _StoreRoot:
    """A store directory (`--store-path`) this process owns: locked against other processes
    (they would remove each other's content), with the content directories its stores hold.
    One per path and process, shared by the stores opened on it (a reload opens a second)."""

    def __init__(self, path: Path) -> None:
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._lock_file = (path / _LOCK_FILE).open("a+b")
        try:
            fcntl.flock(self._lock_file, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            self._lock_file.close()
            raise StoreUnavailable(
                f"the store directory {path} is in use by another process "
                "(one lerld serve per --store-path)"
            ) from None
        self._users = 0
        self._held: Counter[Path] = Counter()
        self._lock = threading.Lock()

    @classmethod
    def acquire(cls, path: Path) -> _StoreRoot:
        path = path.resolve()
        with _ROOTS_LOCK:
            root = _ROOTS.get(path) or cls(path)
            _ROOTS[path] = root
            root._users += 1
            return root

    def content(self, graphs: Sequence[GraphData]) -> tuple[ox.Store, Path]:
        """A read-only store of these graphs and its directory, held until release(): the
        directory of this content if one is here whole, else a new one loaded with them."""
        target = self.path / f"{_CONTENT}{content_key(graphs)}"
        store = self._open_whole(target)
        if store is not None:
            return store, target
        loading = self.path / f"{_LOADING}{uuid.uuid4().hex}"
        self._hold(loading)
        try:
            writer = ox.Store(str(loading))
            _load(writer, graphs, bulk=True)
            # closing the writer lets RocksDB finish its background work (compactions that
            # delete files), so the read-only handles opened on the directory (this one, a
            # worker's for_worker) never see a file vanish; only then is it named whole
            del writer
            # (a failure: another store of the process loaded the same content meanwhile)
            with contextlib.suppress(OSError):
                loading.rename(target)
            store = self._open_whole(target)
            if store is None:
                raise StoreUnavailable("the store on disk cannot open what it loaded")
            return store, target
        finally:
            self.release(loading)
            _discard(loading)

    def _open_whole(self, directory: Path) -> ox.Store | None:
        """A read-only store of a content directory (held), or None if there is none."""
        with self._lock:
            if not directory.is_dir():
                return None
            try:
                store = ox.Store.read_only(str(directory))
            except OSError:  # damaged (a crash while the disk wrote it): loaded again
                if self._held[directory]:
                    raise
                _discard(directory)
                return None
            self._held[directory] += 1
            return store

    def _hold(self, directory: Path) -> None:
        with self._lock:
            self._held[directory] += 1

    def release(self, directory: Path | None) -> None:
        if directory is not None:
            with self._lock:
                self._held[directory] -= 1

    def prune(self, keep: Path | None = None) -> None:
        """Remove the directories no store of the process holds (but `keep`): those
        replaced, loads a crash cut short, lerld's older layout."""
        with self._lock:
            for entry in self.path.iterdir():
                if (
                    entry.name.startswith((_CONTENT, _LOADING, _OLD))
                    and entry.is_dir()
                    and self._held[entry] <= 0
                    and entry != keep
                ):
                    _discard(entry)

    def close(self, keep: Path | None) -> None:
        """One store of the root closed. The last one keeps `keep` (its last content, for
        the next start), removes the rest and lets another process have the directory; a
        last one that never held content removes nothing (it cannot tell what is current)."""
        # under the registry's lock: a store opened meanwhile in this process must find the
        # root either still open or unlocked, never locked by the root going away
        with _ROOTS_LOCK:
            self._users -= 1
            if self._users:
                self.prune()
                return
            del _ROOTS[self.path]
            if keep is not None:
                self.prune(keep=keep)
            self._lock_file.close()  # releases the lock


# The roots this process has open, by resolved path.
_ROOTS: dict[Path, _StoreRoot] = {}
_ROOTS_LOCK = threading.Lock()


def _discard(directory: Path | None) -> None:
    if directory is not None:
        shutil.rmtree(directory, ignore_errors=True)
