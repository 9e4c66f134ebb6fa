"""A snapshot: one validated version of the sources, loaded into its own store.

The snapshot is the unit of state: the server swaps whole snapshots, so a request that
holds one sees one consistent version of the graph from start to end.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from lerld.core.errors import InvalidData
from lerld.core.settings import Settings
from lerld.core.versions import content_version
from lerld.project import releases
from lerld.project.releases import Release
from lerld.project.sources import (
    Sources,
    graph_data,
    graph_name,
    load_context,
    load_sources,
    loaded_by,
)
from lerld.project.validation import validate
from lerld.project.validation.report import Report
from lerld.stores import Store
from lerld.stores.backends import embedded_store

if TYPE_CHECKING:
    from lerld.stores.remote import RemoteStore


@dataclass(frozen=True)
class Snapshot:
    """One published version: its identity, when it last changed, and its store."""

    version: str
    modified: datetime
    graphs: tuple[str, ...]
    context: dict = field(repr=False)
    report: Report = field(repr=False)
    store: Store = field(repr=False, compare=False)
    # The vocabulary's frozen releases, oldest first: read from the project, not the store.
    releases: tuple[Release, ...] = field(default=(), repr=False, compare=False)


def version_of(sources: Sources) -> str:
    """Each file's path and bytes (by the digest taken when it was read), and the context."""
    return content_version(
        ((f.relpath, f.digest.encode()) for f in sources.files),
        repr(sorted(sources.context.items())).encode(),
    )


def latest_modified(store: Store) -> datetime:
    """The most recent dcterms:modified date of the published graph, as a UTC instant."""
    rows = store.select(
        "SELECT (MAX(STR(?m)) AS ?latest) WHERE { ?s <http://purl.org/dc/terms/modified> ?m }"
    )
    latest = rows[0].get("latest") if rows else None
    day = date.fromisoformat(str(latest)[:10]) if latest else date(1970, 1, 1)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def build_snapshot(settings: Settings, store: Store | None = None) -> Snapshot:
    """Read, validate and load the sources. Raises SourceError or InvalidData; on failure
    nothing is loaded anywhere."""
    sources = load_sources(settings)
    if store is not None or settings.store_path is not None:
        # Published elsewhere (on disk, a remote store): validation loads a store of its
        # own only when its cache does not know these sources, so a start with the cache
        # never holds the whole graph in memory (10M triples: ~4.3 GiB) for nothing.
        report = validate(sources, inference=settings.inference)
        if not report.conforms:
            raise InvalidData(report)
        target = store or embedded_store(settings.store_path)
        try:  # (on disk, a content the directory holds already is opened, not loaded again)
            target.replace(graph_data(sources))
        except BaseException:
            if store is None:
                target.close()
            raise
        return _snapshot(sources, report, target)
    # Parse once, and hold the graph once: validation loads the data graph (ontology and
    # data) into a fresh embedded store that it queries, and the shapes join it once it
    # passes; the published store (in memory) is that one (at 10M triples, ~4.3 GiB held
    # once).
    loaded = embedded_store()
    try:
        report = validate(sources, inference=settings.inference, store=loaded)
        if report.conforms:
            loaded_by(loaded.add, replace(sources, files=sources.of_role("shapes")))
    except BaseException:
        loaded.close()
        raise
    if not report.conforms:
        loaded.close()
        raise InvalidData(report)
    return _snapshot(sources, report, loaded)


def _snapshot(sources: Sources, report: Report, store: Store) -> Snapshot:
    return Snapshot(
        version=version_of(sources),
        modified=latest_modified(store),
        graphs=tuple(graph_name(f.relpath) for f in sources.files),
        context=sources.context,
        report=report,
        store=store,
        releases=releases.load(sources.root),
    )


def published_snapshot(settings: Settings, store: RemoteStore) -> Snapshot:
    """A snapshot of what a remote store already publishes (`lerld load` put it there):
    nothing is loaded, and only the JSON-LD context is read from the project."""
    manifest = store.manifest()
    rows = store.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    return Snapshot(
        version=manifest.version,
        modified=latest_modified(store),
        graphs=manifest.graphs,
        context=load_context(settings.root),
        report=Report((), settings.inference, int(rows[0]["n"])),
        store=store,
        releases=releases.load(settings.root),
    )
