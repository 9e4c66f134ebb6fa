"""A remote SPARQL store: any SPARQL 1.1 server (Oxigraph, Fuseki, GraphDB, Virtuoso,
Neptune, ...) behind the Store protocol. The only HTTP client to stores.

Queries go over the SPARQL 1.1 Protocol, loading over the Graph Store HTTP Protocol and
SPARQL 1.1 Update. Servers disagree on what the default graph is (the union of the named
graphs, or a graph of its own), so lerld never relies on it: the published graphs are
listed in a manifest graph that `replace` writes, and every query names its dataset
explicitly (default-graph-uri and named-graph-uri = the published graphs). That also keeps
graphs being loaded out of sight.

replace() never leaves the store half-loaded: each graph is first PUT into a staging
graph, then one SPARQL update (one transaction) drops the old graphs, moves the staging
graphs into place and rewrites the manifest.
"""

from __future__ import annotations

import contextlib
import hashlib
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from lerld.errors import LerldError, MalformedQuery, QueryTimeout, StoreUnavailable
from lerld.formats import NTRIPLES, SPARQL_JSON, Format
from lerld.results import (
    BINDINGS,
    BOOLEAN,
    GRAPH,
    Answer,
    Formats,
    Term,
    read_json,
    write_bindings,
    write_boolean,
)
from lerld.stores import PUBLISHED, Dataset, GraphData, Row
from lerld.terms import PREFIXES

MANIFEST = "urn:lerld:manifest"
STAGING = "urn:lerld:staging:"
DCTERMS = "http://purl.org/dc/terms/"
# Seconds to wait for a connection and for an answer to lerld's own (small) queries.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 60


def _iri(value: str) -> str:
    """An IRI written into SPARQL: always one lerld made itself, checked all the same."""
    if any(c in value for c in '<>"{}|^`\\ \n'):
        raise ValueError(f"not an IRI lerld writes into SPARQL: {value!r}")
    return URIRef(value).n3()


def _from_term(term: Term) -> Node:
    if term.kind == "uri":
        return URIRef(term.value)
    if term.kind == "bnode":
        return BNode(term.value)
    return Literal(term.value, lang=term.lang, datatype=term.datatype)


@dataclass(frozen=True)
class Manifest:
    """What the store publishes: the source graphs and the version of their content."""

    version: str
    graphs: tuple[str, ...]


class RemoteStore:
    """A SPARQL 1.1 server: query endpoint, update endpoint and Graph Store endpoint.

    When only the query endpoint is given and it ends in /query (Oxigraph, Fuseki), the
    others are its siblings /update and /store; otherwise they are the same URL.
    """

    def __init__(
        self,
        endpoint: str,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        query_timeout: float = READ_TIMEOUT,
        managed: bool = True,
    ) -> None:
        """managed: the server holds a dataset that `lerld load` put there (with its
        manifest); False queries any SPARQL endpoint as it is, on its own default dataset."""
        base = endpoint[: -len("/query")] if endpoint.endswith("/query") else None
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or (base + "/update" if base else endpoint)
        self.graph_store = graph_store or (base + "/store" if base else endpoint)
        self.query_timeout = query_timeout
        self.managed = managed
        self._local = threading.local()
        self._manifest: Manifest | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({self.endpoint!r})"

    # --- HTTP ---------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
        return session

    def _request(self, method: str, url: str, timeout: float, **kwargs) -> requests.Response:
        try:
            response = self._session().request(
                method, url, timeout=(min(CONNECT_TIMEOUT, timeout), timeout), **kwargs
            )
        except requests.exceptions.ReadTimeout:
            raise QueryTimeout(timeout) from None
        except requests.exceptions.RequestException as e:
            raise StoreUnavailable(f"the SPARQL store at {url} cannot be reached: {e}") from e
        if response.status_code == 400:
            raise MalformedQuery(response.text.strip() or "the store rejected the request")
        if response.status_code >= 300:
            raise StoreUnavailable(
                f"the SPARQL store at {url} answered {response.status_code}: "
                f"{response.text.strip()[:300]}"
            )
        return response

    def _dataset_params(self, dataset: Dataset) -> list[tuple[str, str]]:
        if dataset.explicit:
            default, named = dataset.default_graphs, dataset.named_graphs
        elif dataset.in_query or not self.managed:
            return []
        else:
            default = named = self.manifest().graphs
        return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]

    def _query(
        self, query: str, accept: str, dataset: Dataset = PUBLISHED, timeout: float = READ_TIMEOUT
    ) -> requests.Response:
        return self._request(
            "POST",
            self.endpoint,
            timeout,
            data=[("query", query), *self._dataset_params(dataset)],
            headers={"Accept": accept},
        )

    def update(self, update: str) -> None:
        """Run one SPARQL update request (one transaction on the server)."""
        self._request(
            "POST",
            self.update_endpoint,
            READ_TIMEOUT,
            data=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    # --- the Store protocol -------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The published graphs and version, as the last `replace` recorded them."""
        if self._manifest is None:
            response = self._query(
                f"SELECT ?version ?graph FROM {_iri(MANIFEST)} WHERE {{ "
                f"{_iri(MANIFEST)} <{DCTERMS}identifier> ?version ; <{DCTERMS}hasPart> ?graph }}",
                SPARQL_JSON.media_type,
                Dataset(in_query=True),
            )
            _, rows = read_json(response.content)
            if not rows:
                raise LerldError(
                    f"the SPARQL store at {self.endpoint} holds no lerld dataset: "
                    "load one with `lerld load --endpoint URL`"
                )
            self._manifest = Manifest(rows[0][0].value, tuple(sorted(row[1].value for row in rows)))
        return self._manifest

    def _own(self, query: str, accept: str) -> requests.Response:
        """One of lerld's own small queries (a page's): a store that does not answer it
        within the time limit is unavailable (503), whatever the reason."""
        try:
            return self._query(query, accept, timeout=self.query_timeout)
        except QueryTimeout:
            raise StoreUnavailable(
                f"the SPARQL store at {self.endpoint} did not answer within "
                f"{self.query_timeout:g} s"
            ) from None

    def ask(self, query: str) -> bool:
        answer = read_json(self._own(query, SPARQL_JSON.media_type).content)
        return bool(answer)

    def select(self, query: str) -> list[Row]:
        answer = read_json(self._own(query, SPARQL_JSON.media_type).content)
        if isinstance(answer, bool):
            raise MalformedQuery("expected a SELECT query")
        variables, rows = answer
        return [
            {name: _from_term(t) for name, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]

    def construct(self, query: str) -> Graph:
        response = self._own(query, NTRIPLES.media_type)
        return Graph().parse(data=response.content, format="nt")

    def query(
        self,
        query: str,
        formats: Formats,
        dataset: Dataset = PUBLISHED,
        max_rows: int | None = None,
    ) -> Answer:
        response = self._query(
            query,
            f"{SPARQL_JSON.media_type}, {NTRIPLES.media_type};q=0.9",
            dataset,
            self.query_timeout,
        )
        form = (
            GRAPH
            if response.headers.get("Content-Type", "").startswith(NTRIPLES.media_type)
            else BINDINGS
        )
        if form == GRAPH:
            lines = [line for line in response.content.splitlines() if line.strip()]
            return self._graph_answer(lines, formats.graph, max_rows)
        try:
            result = read_json(response.content)
        except ValueError as e:
            raise StoreUnavailable(f"the SPARQL store answered with bad results: {e}") from e
        fmt = formats.bindings
        if isinstance(result, bool):
            body = None if fmt is None else write_boolean(fmt, result)
            return Answer(BOOLEAN, fmt, body)
        if fmt is None:
            return Answer(BINDINGS, None, None)
        variables, rows = result
        kept = rows if max_rows is None else rows[:max_rows]
        return Answer(BINDINGS, fmt, write_bindings(fmt, variables, kept), len(kept) < len(rows))

    @staticmethod
    def _graph_answer(lines: list[bytes], fmt: Format | None, max_rows: int | None) -> Answer:
        if fmt is None:
            return Answer(GRAPH, None, None)
        kept = lines if max_rows is None else lines[:max_rows]
        data = b"\n".join(kept) + b"\n"
        if fmt != NTRIPLES:
            graph = Graph().parse(data=data, format="nt")
            for prefix, namespace in PREFIXES.items():
                graph.bind(prefix, namespace)
            data = graph.serialize(format=fmt.rdflib_format, encoding="utf-8")
        return Answer(GRAPH, fmt, data, len(kept) < len(lines))

    # --- loading ------------------------------------------------------------------------

    def graph_names(self) -> list[str]:
        """Every named graph the server holds (published, staging, manifest)."""
        response = self._query(
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }",
            SPARQL_JSON.media_type,
            Dataset(in_query=True),
        )
        _, rows = read_json(response.content)
        return [row[0].value for row in rows if row[0] is not None]

    def replace(self, graphs: Sequence[GraphData]) -> None:
        """Publish these graphs instead of the ones the manifest lists (other graphs the
        server may hold are left alone), in one transaction."""
        load = f"{STAGING}{uuid.uuid4().hex}:"
        self._discard([g for g in self.graph_names() if g.startswith(STAGING)])  # leftovers
        self._manifest = None
        try:
            previous = self.manifest().graphs
        except StoreUnavailable:
            raise
        except LerldError:  # nothing published yet
            previous = ()
        staged = [(f"{load}{i}", g) for i, g in enumerate(graphs)]
        try:
            for name, g in staged:
                data = g.data
                if g.base_iri and g.media_type in ("text/turtle", "application/trig"):
                    data = f"@base {_iri(g.base_iri)} .\n".encode() + data
                self._request(
                    "PUT",
                    self.graph_store,
                    READ_TIMEOUT,
                    params={"graph": name},
                    data=data,
                    headers={"Content-Type": g.media_type},
                )
            self.update(self._switch([*previous, MANIFEST], staged))
        except BaseException:
            self._discard([name for name, _ in staged])
            raise
        self._manifest = Manifest(self._version(graphs), tuple(sorted(g.name for g in graphs)))

    def _switch(self, old: Sequence[str], staged: Sequence[tuple[str, GraphData]]) -> str:
        """The one update that publishes the staged graphs in place of the old ones."""
        manifest = _iri(MANIFEST)
        parts = [f"<{DCTERMS}identifier> {Literal(self._version([g for _, g in staged])).n3()}"]
        parts += [f"<{DCTERMS}hasPart> {_iri(g.name)}" for _, g in staged]
        operations = [f"DROP SILENT GRAPH {_iri(g)}" for g in old]
        operations += [
            f"MOVE SILENT GRAPH {_iri(name)} TO GRAPH {_iri(g.name)}" for name, g in staged
        ]
        operations.append(
            f"INSERT DATA {{ GRAPH {manifest} {{ {manifest} " + " ;\n  ".join(parts) + " } }"
        )
        return " ;\n".join(operations)

    @staticmethod
    def _version(graphs: Sequence[GraphData]) -> str:
        digest = hashlib.sha256()
        for g in sorted(graphs, key=lambda g: g.name):
            digest.update(g.name.encode() + b"\0" + g.data + b"\0")
        return digest.hexdigest()[:20]

    def _discard(self, names: Sequence[str]) -> None:
        """Drop staging graphs, as far as the server lets us (the next load retries)."""
        if names:
            with contextlib.suppress(LerldError):
                self.update(" ;\n".join(f"DROP SILENT GRAPH {_iri(n)}" for n in names))

    def for_worker(self) -> RemoteStore:
        """A forked process can use this very store: its HTTP sessions are per thread."""
        return self

    def close(self) -> None:
        session = getattr(self._local, "session", None)
        if session is not None:
            session.close()
