"""A remote SPARQL store: any SPARQL 1.1 server (Oxigraph, Fuseki, GraphDB, Virtuoso,
Neptune, ...) behind the Store protocol. The only HTTP client to stores.

Queries go over the SPARQL 1.1 Protocol, loading over the Graph Store HTTP Protocol and
SPARQL 1.1 Update. Servers disagree on what the default graph is (the union of the named
graphs, or a graph of its own), so lerld never relies on it: the published graphs are
listed in a manifest graph that `replace` writes, and every query names its dataset
explicitly. That also keeps graphs being loaded out of sight. The default graph is one
graph, UNION, that `replace` fills with the union of the published graphs: a dataset of
many default graphs costs Virtuoso ~70x more per query (0.5-2 s for a page's describe)
than one graph. The published graphs are named (named-graph-uri) only for a query that
says GRAPH: without GRAPH, named graphs change nothing.

replace() never leaves the store half-loaded: each graph is first PUT into a staging
graph, then one SPARQL update (one transaction) drops the old graphs, moves the staging
graphs into place and rewrites the manifest.
"""

from __future__ import annotations

import contextlib
import re
import threading
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit, urlunsplit

import requests
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node
from requests.auth import AuthBase, HTTPBasicAuth, HTTPDigestAuth

from lerld.core.errors import (
    LerldError,
    MalformedQuery,
    QueryTimeout,
    StoreFailed,
    StoreRefused,
    StoreUnavailable,
)
from lerld.core.formats import NTRIPLES, SPARQL_JSON, Format
from lerld.core.terms import PREFIXES
from lerld.core.versions import content_version
from lerld.stores import PUBLISHED, Capabilities, GraphData, QueryDataset, Row
from lerld.stores.oxigraph import query_form
from lerld.stores.results import (
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

MANIFEST = "urn:lerld:manifest"
UNION = "urn:lerld:union"  # the default graph: the union of the published graphs
UNION_OF = "urn:lerld:unionGraph"  # manifest -> UNION; absent in manifests before it
STAGING = "urn:lerld:staging:"
DCTERMS = "http://purl.org/dc/terms/"
# A query that may use named graphs (an IRI or a literal saying "graph" only costs time).
_NAMES_GRAPHS = re.compile(r"graph", re.IGNORECASE)
# Accept for a query whose form lerld does not know (another endpoint's own dialect).
ANY_FORM = f"{SPARQL_JSON.media_type}, {NTRIPLES.media_type};q=0.9"
# A blank node label that Turtle, N-Triples and the SPARQL CSV/TSV formats all accept.
_BNODE_LABEL = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_-]*")
# Seconds to wait for a connection and for an answer to lerld's own (small) queries.
CONNECT_TIMEOUT = 5
READ_TIMEOUT = 60


def _iri(value: str) -> str:
    """An IRI written into SPARQL: always one lerld made itself, checked all the same."""
    if any(c in value for c in '<>"{}|^`\\ \n'):
        raise ValueError(f"not an IRI lerld writes into SPARQL: {value!r}")
    return URIRef(value).n3()


def public_url(url: str) -> str:
    """A store's URL as lerld may print it to its operator: without user:password@."""
    parts = urlsplit(url)
    if parts.username is None and parts.password is None:
        return url
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _triple_lines(ntriples: bytes) -> list[bytes]:
    """The triples of an N-Triples answer, one a line: without blank lines and comments
    (Virtuoso answers an empty graph with "# Empty NT")."""
    return [
        line
        for line in ntriples.splitlines()
        if (text := line.strip()) and not text.startswith(b"#")
    ]


def _portable(term: Term | None) -> Term | None:
    """A term of a store's answer as every format can write it: a blank node label that is
    not one in Turtle, N-Triples, CSV and TSV (Virtuoso's "nodeID://b10119") is rewritten
    to one that is, the same label to the same label."""
    if term is None or term.kind != "bnode" or _BNODE_LABEL.fullmatch(term.value):
        return term
    return Term("bnode", "b" + re.sub(r"[^A-Za-z0-9]", "_", term.value))


def _text(term: Term | None) -> str:
    """A term as Store.select_values gives it."""
    if term is None:
        return ""
    return f"_:{term.value}" if term.kind == "bnode" else term.value


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
    union: str | None = None  # None: a store loaded before UNION existed


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
        credentials: tuple[str, str] | None = None,
    ) -> None:
        """managed: the server holds a dataset that `lerld load` put there (with its
        manifest); False queries any SPARQL endpoint as it is, on its own default dataset.
        credentials: (user, password), sent to any of the endpoints that asks for them,
        in the scheme it asks for (Digest or Basic); never printed."""
        base = endpoint[: -len("/query")] if endpoint.endswith("/query") else None
        self.capabilities = Capabilities(in_process=False, persistent=True)
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint or (base + "/update" if base else endpoint)
        self.graph_store = graph_store or (base + "/store" if base else endpoint)
        self.query_timeout = query_timeout
        self.managed = managed
        self.credentials = credentials
        self._auth: AuthBase | None = None
        self._auth_lock = threading.Lock()
        self._local = threading.local()
        self._manifest: Manifest | None = None

    def __repr__(self) -> str:
        return f"RemoteStore({public_url(self.endpoint)!r})"

    # --- HTTP ---------------------------------------------------------------------------

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = self._local.session = requests.Session()
            session.trust_env = False  # never a ~/.netrc password the operator did not name
        return session

    def _auth_for(self, response: requests.Response) -> AuthBase | None:
        """The auth that answers the store's challenge (Digest or Basic), learnt once per
        store; None when there is no credential or no challenge lerld can answer."""
        if self.credentials is None:
            return None
        challenge = response.headers.get("WWW-Authenticate", "").lstrip().lower()
        with self._auth_lock:
            if challenge.startswith("digest"):
                if not isinstance(self._auth, HTTPDigestAuth):
                    self._auth = HTTPDigestAuth(*self.credentials)
            elif challenge.startswith("basic"):
                if not isinstance(self._auth, HTTPBasicAuth):
                    self._auth = HTTPBasicAuth(*self.credentials)
            else:
                return None
            return self._auth

    def _send(self, method: str, url: str, timeout: float, auth, kwargs) -> requests.Response:
        try:
            return self._session().request(
                method, url, timeout=(min(CONNECT_TIMEOUT, timeout), timeout), auth=auth, **kwargs
            )
        except requests.exceptions.ReadTimeout:
            raise QueryTimeout(timeout) from None
        except requests.exceptions.RequestException as e:
            raise StoreUnavailable(
                "the SPARQL store cannot be reached", f"at {public_url(url)}: {e}"
            ) from e

    def _request(
        self, method: str, url: str, timeout: float, what: str, **kwargs
    ) -> requests.Response:
        """One request to the store: credentials when it asks for them (the scheme it
        names), and its failures as lerld's errors (see _failure). `what` names the
        request in messages (QUERY, UPDATE, Graph Store PUT)."""
        auth = self._auth
        response = self._send(method, url, timeout, auth, kwargs)
        if response.status_code == 401 and auth is None:  # the first challenge: answer it
            auth = self._auth_for(response)
            if auth is not None:
                response = self._send(method, url, timeout, auth, kwargs)
        if response.status_code >= 300:
            raise self._failure(response, url, what)
        return response

    def _failure(self, response: requests.Response, url: str, what: str) -> LerldError:
        """The error for a store's answer other than 2xx. Credentials asked for or refused
        (401, 403) and the store's own failures are StoreFailed (a gateway's 502), a store
        that says it is unavailable StoreUnavailable (503); what the store said, its URL and
        the query it rewrote go to the detail only. A 400 is MalformedQuery only for a
        query that is not SPARQL 1.1 (the message then is the local parser's, about the
        query's own lines): the store rejecting well-formed SPARQL is the store's limit."""
        status = response.status_code
        where = f"at {public_url(url)}"
        text = response.text.strip()[:2000]
        said = f"it answered {status}" + (f": {text}" if text else "")
        if status in (401, 403):
            if self.credentials is None:
                return StoreRefused(
                    f"the SPARQL store asks for credentials for {what}",
                    f"{where}: set LERLD_STORE_USER and LERLD_STORE_PASSWORD "
                    f"(or --store-password-file); {said}",
                )
            return StoreRefused(
                f"the SPARQL store refused the credentials for {what}",
                f"{where} (user {self.credentials[0]!r}); {said}",
            )
        if status == 503:
            return StoreUnavailable("the SPARQL store is unavailable", f"{where}: {said}")
        return StoreFailed(
            f"the SPARQL store failed to carry out the {what} (it answered {status})",
            f"{where}: {said}",
            status,
        )

    def _dataset_params(self, query: str, dataset: QueryDataset) -> list[tuple[str, str]]:
        if dataset.explicit:
            default, named = dataset.default_graphs, dataset.named_graphs
        elif dataset.in_query or not self.managed:
            return []
        else:
            manifest = self.manifest()
            default = (manifest.union,) if manifest.union else manifest.graphs
            named = manifest.graphs if _NAMES_GRAPHS.search(query) else ()
        return [("default-graph-uri", g) for g in default] + [("named-graph-uri", g) for g in named]

    def _query(
        self,
        query: str,
        accept: str,
        dataset: QueryDataset = PUBLISHED,
        timeout: float = READ_TIMEOUT,
    ) -> requests.Response:
        try:
            return self._request(
                "POST",
                self.endpoint,
                timeout,
                "QUERY",
                data=[("query", query), *self._dataset_params(query, dataset)],
                headers={"Accept": accept},
            )
        except StoreFailed as e:
            if e.status == 400:
                query_form(query)  # MalformedQuery if the query is not SPARQL 1.1
            raise

    def update(self, update: str) -> None:
        """Run one SPARQL update request (one transaction on the server)."""
        self._request(
            "POST",
            self.update_endpoint,
            READ_TIMEOUT,
            "UPDATE",
            data=update.encode("utf-8"),
            headers={"Content-Type": "application/sparql-update; charset=utf-8"},
        )

    # --- the Store protocol -------------------------------------------------------------

    def manifest(self) -> Manifest:
        """The published graphs and version, as the last `replace` recorded them."""
        if self._manifest is None:
            response = self._query(
                f"SELECT ?version ?graph ?union FROM {_iri(MANIFEST)} WHERE {{ "
                f"{_iri(MANIFEST)} <{DCTERMS}identifier> ?version ; <{DCTERMS}hasPart> ?graph "
                f"OPTIONAL {{ {_iri(MANIFEST)} {_iri(UNION_OF)} ?union }} }}",
                SPARQL_JSON.media_type,
                QueryDataset(in_query=True),
            )
            _, rows = read_json(response.content)
            if not rows:
                raise LerldError(
                    f"the SPARQL store at {public_url(self.endpoint)} holds no lerld dataset: "
                    "load one with `lerld load --endpoint URL`"
                )
            union = rows[0][2].value if rows[0][2] is not None else None
            self._manifest = Manifest(
                rows[0][0].value, tuple(sorted(row[1].value for row in rows)), union
            )
        return self._manifest

    def _own(self, query: str, accept: str) -> requests.Response:
        """One of lerld's own small queries (a page's): a store that does not answer it
        within the time limit is unavailable (503), whatever the reason."""
        try:
            return self._query(query, accept, timeout=self.query_timeout)
        except QueryTimeout:
            raise StoreUnavailable(
                f"the SPARQL store did not answer within {self.query_timeout:g} s",
                f"at {public_url(self.endpoint)}",
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

    def select_values(self, query: str) -> list[tuple[str, ...]]:
        answer = read_json(self._own(query, SPARQL_JSON.media_type).content)
        if isinstance(answer, bool):
            raise MalformedQuery("expected a SELECT query")
        return [tuple(_text(t) for t in row) for row in answer[1]]

    def construct(self, query: str) -> Graph:
        response = self._own(query, NTRIPLES.media_type)
        return Graph().parse(data=response.content, format="nt")

    def query(
        self,
        query: str,
        formats: Formats,
        dataset: QueryDataset = PUBLISHED,
        max_rows: int | None = None,
    ) -> Answer:
        try:
            form: str | None = query_form(query)
        except MalformedQuery:
            if self.managed:  # the same answer as the embedded store: not SPARQL 1.1
                raise
            form = None  # another endpoint may speak its own dialect: its answer tells
        # One type by the query's form, never a list: Virtuoso serialises any form into the
        # first type an Accept header names (solutions as "N-Triples", graphs as JSON).
        accept = {GRAPH: NTRIPLES.media_type, None: ANY_FORM}.get(form, SPARQL_JSON.media_type)
        response = self._query(query, accept, dataset, self.query_timeout)
        if form is None:
            content_type = response.headers.get("Content-Type", "")
            form = GRAPH if content_type.startswith(NTRIPLES.media_type) else BINDINGS
        if form == GRAPH:
            return self._graph_answer(_triple_lines(response.content), formats.graph, max_rows)
        try:
            result = read_json(response.content)
        except ValueError as e:
            raise StoreFailed(
                "the SPARQL store answered with unreadable results", f"{e}", response.status_code
            ) from e
        fmt = formats.bindings
        if isinstance(result, bool):
            body = None if fmt is None else write_boolean(fmt, result)
            return Answer(BOOLEAN, fmt, body)
        if fmt is None:
            return Answer(BINDINGS, None, None)
        variables, rows = result
        kept = [tuple(map(_portable, row)) for row in rows[:max_rows]]
        return Answer(BINDINGS, fmt, write_bindings(fmt, variables, kept), len(kept) < len(rows))

    @staticmethod
    def _graph_answer(lines: list[bytes], fmt: Format | None, max_rows: int | None) -> Answer:
        if fmt is None:
            return Answer(GRAPH, None, None)
        kept = lines[:max_rows]
        data = b"".join(line + b"\n" for line in kept)
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
            # not GRAPH ?g { }: Virtuoso finds no graph for an empty group
            "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            SPARQL_JSON.media_type,
            QueryDataset(in_query=True),
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
                    "Graph Store PUT",
                    params={"graph": name},
                    data=data,
                    headers={"Content-Type": g.media_type},
                )
            self.update(self._switch([*previous, MANIFEST, UNION], staged))
        except BaseException:
            self._discard([name for name, _ in staged])
            raise
        self._manifest = Manifest(
            self._version(graphs), tuple(sorted(g.name for g in graphs)), UNION
        )

    def _switch(self, old: Sequence[str], staged: Sequence[tuple[str, GraphData]]) -> str:
        """The one update that publishes the staged graphs in place of the old ones."""
        manifest = _iri(MANIFEST)
        parts = [f"<{DCTERMS}identifier> {Literal(self._version([g for _, g in staged])).n3()}"]
        parts += [f"<{DCTERMS}hasPart> {_iri(g.name)}" for _, g in staged]
        parts.append(f"{_iri(UNION_OF)} {_iri(UNION)}")
        operations = [f"DROP SILENT GRAPH {_iri(g)}" for g in old]
        operations += [
            f"MOVE SILENT GRAPH {_iri(name)} TO GRAPH {_iri(g.name)}" for name, g in staged
        ]
        # ADD copies the very nodes (blank nodes too): GRAPH ?g and the default graph
        # share them, as in the embedded store's union default graph.
        operations += [f"ADD SILENT GRAPH {_iri(g.name)} TO GRAPH {_iri(UNION)}" for _, g in staged]
        operations.append(
            f"INSERT DATA {{ GRAPH {manifest} {{ {manifest} " + " ;\n  ".join(parts) + " } }"
        )
        return " ;\n".join(operations)

    @staticmethod
    def _version(graphs: Sequence[GraphData]) -> str:
        return content_version((g.name, g.data) for g in sorted(graphs, key=lambda g: g.name))

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
