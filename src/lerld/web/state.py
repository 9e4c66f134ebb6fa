"""The web layer's state: the snapshot the app serves (SnapshotHolder, which the processes
forked from it share) and what it computes once per snapshot (WebState, one typed field per
value: snapshots are immutable, so each is computed at most once and dropped with them).

Also the per-snapshot values that more than one blueprint reads (the entity index, the
VoID graph, the tombstones)."""

from __future__ import annotations

import dataclasses
import functools
import mmap
import struct
import threading
import time
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from flask import Flask, g
from rdflib import Graph

from lerld.project import published, releases
from lerld.project.snapshot import Snapshot
from lerld.publish import editing, index, void
from lerld.publish.kept import Codec, KeptValues, version_key
from lerld.sparql.queries import NamedQuery
from lerld.sparql.workers import QueryWorkers
from lerld.stores.results import AnswerCache
from lerld.web.links import base_uri
from lerld.web.replay import ReplayEntries
from lerld.web.representation import Representation

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)
_UNSET = object()


class Lazy(Generic[T]):
    """One value, computed on first use. Under a lock: threads that ask at once wait for the
    one computation (a query pool must be forked once; an index is worth computing once)."""

    __slots__ = ("_lock", "_value")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._value: object = _UNSET

    def get(self, compute: Callable[[], T]) -> T:
        value = self._value
        if value is _UNSET:
            with self._lock:
                value = self._value
                if value is _UNSET:
                    value = self._value = compute()
        return value  # type: ignore[return-value]

    @property
    def computed(self) -> T | None:
        """The value if it has been computed, else None (computing nothing)."""
        return None if self._value is _UNSET else self._value  # type: ignore[return-value]


class Table(Generic[K, T]):
    """Values by key, each computed on first use. Without a lock, so that renderings run in
    parallel: two threads rendering one key at once make equal values, and one is kept."""

    __slots__ = ("_entries",)

    def __init__(self) -> None:
        self._entries: dict[K, T] = {}

    def get(self, key: K, compute: Callable[[], T], keep: Callable[[T], bool] | None = None) -> T:
        """The value of `key`; a computed one is kept unless keep(value) is false."""
        found = self._entries.get(key)
        if found is None:
            found = compute()
            if keep is None or keep(found):
                self._entries[key] = found
        return found


@dataclass(frozen=True, eq=False)
class WebState:
    """What the web layer holds for one snapshot, in one process."""

    snapshot: Snapshot
    # rendered representations, by path and format (and JSON-LD form)
    documents: Table[tuple, Representation] = field(default_factory=Table)
    # answers replayed whole by the fast path for documents (lerld.web.replay)
    replay: ReplayEntries = field(default_factory=ReplayEntries)
    # further pages of an entity's document, by (IRI, page)
    further_pages: Table[tuple[str, int], Graph] = field(default_factory=Table)
    entity_index: Lazy[tuple[index.Entry, ...]] = field(default_factory=Lazy)
    subclasses: Lazy[dict[str, frozenset[str]]] = field(default_factory=Lazy)
    void: Lazy[Graph] = field(default_factory=Lazy)
    published_graph: Lazy[Graph] = field(default_factory=Lazy)
    sitemaps: Lazy[dict[str, bytes]] = field(default_factory=Lazy)
    tombstones: Lazy[dict[str, published.Tombstone]] = field(default_factory=Lazy)
    changelog: Lazy[list[releases.Step]] = field(default_factory=Lazy)
    editing_guide: Lazy[editing.Guide] = field(default_factory=Lazy)
    map_network: Lazy[Graph] = field(default_factory=Lazy)
    named_queries: Lazy[list[NamedQuery]] = field(default_factory=Lazy)
    # the stoppable query processes of an in-process store, and answers to repeated queries
    query_workers: Lazy[QueryWorkers] = field(default_factory=Lazy)
    sparql_answers: Lazy[AnswerCache] = field(default_factory=Lazy)


def state() -> WebState:
    """The state of the snapshot the current request is answered from."""
    return g.state


# --- values more than one blueprint reads ----------------------------------------------


@dataclass(frozen=True)
class KeptValue(Generic[T]):
    """A value computed from a version of the data as served (its snapshot and base URI),
    once for every process of the server and its restarts (lerld.publish.kept)."""

    name: str
    compute: Callable[[Snapshot, str], T]
    codec: Codec[T]

    def key(self, snapshot: Snapshot, base: str) -> str:
        return version_key(
            snapshot.version, base, snapshot.modified.isoformat(), str(snapshot.report.triples)
        )

    def get(self, snapshot: Snapshot, base: str) -> T:
        compute = functools.partial(self.compute, snapshot, base)
        return KeptValues.from_environment().get(
            self.name, self.key(snapshot, base), compute, self.codec
        )

    def prepare(self, snapshot: Snapshot, base: str) -> bool:
        """Compute and keep it unless it is kept already; whether it computed it."""
        compute = functools.partial(self.compute, snapshot, base)
        return KeptValues.from_environment().prepare(
            self.name, self.key(snapshot, base), compute, self.codec
        )


ENTITY_INDEX = KeptValue(
    "entity-index", lambda snapshot, base: index.entity_index(snapshot.store, base), index.ENTRIES
)
VOID = KeptValue(
    "void",
    lambda snapshot, base: void.void_graph(snapshot.store, base, snapshot.modified.date()),
    void.GRAPH,
)
# What `lerld serve` computes for its workers as it publishes a version (prepare_kept_values),
# in this order: VoID first, which the home page needs.
PREPARED = (VOID, ENTITY_INDEX)


def prepare_kept_values(snapshot: Snapshot, base: str) -> dict[str, float]:
    """Compute and keep the values of PREPARED that are not kept yet, holding none of them
    (the workers read them when asked); the seconds each computed one took, by name."""
    took = {}
    for value in PREPARED:
        started = time.monotonic()
        if value.prepare(snapshot, base):
            took[value.name] = time.monotonic() - started
    return took


def entity_index() -> tuple[index.Entry, ...]:
    """The index of the entities (lerld.publish.index), computed by one process of the
    server for this version of the data and kept (lerld.publish.kept)."""
    return state().entity_index.get(lambda: ENTITY_INDEX.get(g.snapshot, base_uri()))


def tombstones() -> dict[str, published.Tombstone]:
    return state().tombstones.get(lambda: published.tombstones(g.snapshot.store))


def void_graph() -> Graph:
    """The VoID + DCAT description of the published dataset."""
    return state().void.get(lambda: VOID.get(g.snapshot, base_uri()))


# --- the snapshot being served ---------------------------------------------------------

_GENERATION = struct.Struct("Q")
# The longest a worker forked with a new snapshot holds a request until it is published.
PUBLISH_WAIT = 10.0


class SnapshotHolder:
    """The snapshot being served, with its state; replaced whole, read once per request.

    `lerld serve` forks its worker processes from the process that holds this, and never
    swaps the snapshot of a worker: a new version is served by new workers
    (lerld.serve.runtime). Versions are numbered (`generation`); `published`, in memory
    that every process forked from here shares, is the generation the server answers with.
    A worker whose snapshot is newer holds its requests until it is published, so that no
    answer of the new version is given while old workers still take requests.
    """

    def __init__(self, snapshot: Snapshot) -> None:
        self._state = WebState(snapshot)
        self._lock = threading.Lock()
        self.generation = 1
        self._published = mmap.mmap(-1, _GENERATION.size)
        self.publish()

    @property
    def current(self) -> Snapshot:
        return self._state.snapshot

    @property
    def state(self) -> WebState:
        return self._state

    @property
    def published(self) -> int:
        return _GENERATION.unpack_from(self._published)[0]

    def swap(self, new: WebState) -> WebState:
        """Make `new` current, as a new generation not yet published; the state it replaces."""
        with self._lock:
            old, self._state = self._state, new
            self.generation += 1
        return old

    def for_worker(self) -> None:
        """In a worker process just forked from this one: the snapshot's store as the worker
        may use it (a store on disk opened again, read-only: a database handle opened before
        the fork is not safe to use after it). The state stays the one forked."""
        snapshot = self._state.snapshot
        own = snapshot.store.for_worker()
        if own is not snapshot.store:
            self._state = dataclasses.replace(
                self._state, snapshot=dataclasses.replace(snapshot, store=own)
            )

    def publish(self) -> None:
        """Every process answers with the current generation from now on."""
        _GENERATION.pack_into(self._published, 0, self.generation)

    def wait_until_published(self, timeout: float = PUBLISH_WAIT) -> None:
        deadline = time.monotonic() + timeout
        while self.published < self.generation and time.monotonic() < deadline:
            time.sleep(0.005)


def holder_of(app: Flask) -> SnapshotHolder:
    return app.extensions["lerld"]
