"""A snapshot: one validated version of the sources, loaded into its own store.

The snapshot is the unit of state: the server swaps whole snapshots, so a request that
holds one sees one consistent version of the graph from start to end.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from lerld.errors import InvalidData
from lerld.settings import Settings
from lerld.sources import Sources, load_sources
from lerld.stores import GraphData, Store, open_store
from lerld.terms import DEFAULT_BASE_URI
from lerld.validation import Report, validate

SOURCE_GRAPH_BASE = DEFAULT_BASE_URI + "source/"


@dataclass(frozen=True)
class Snapshot:
    """One published version: its identity, when it last changed, and its store."""

    version: str
    modified: datetime
    graphs: tuple[str, ...]
    context: dict = field(repr=False)
    report: Report = field(repr=False)
    store: Store = field(repr=False, compare=False)
    cache: dict = field(default_factory=dict, repr=False, compare=False)


def graph_name(relpath: str) -> str:
    """The named graph that holds one source file: .../source/<path in the project>."""
    return SOURCE_GRAPH_BASE + relpath


def source_of(graph: str) -> str | None:
    """The project path of the source file a named graph holds."""
    return graph[len(SOURCE_GRAPH_BASE) :] if graph.startswith(SOURCE_GRAPH_BASE) else None


def graph_data(sources: Sources) -> list[GraphData]:
    return [
        GraphData(
            name=graph_name(f.relpath),
            data=f.text.encode("utf-8"),
            base_iri=f.path.resolve().as_uri(),
        )
        for f in sources.files
    ]


def version_of(sources: Sources) -> str:
    digest = hashlib.sha256()
    for f in sources.files:
        digest.update(f.relpath.encode() + b"\0" + f.text.encode() + b"\0")
    digest.update(repr(sorted(sources.context.items())).encode())
    return digest.hexdigest()[:20]


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
    report = validate(sources, inference=settings.inference)
    if not report.conforms:
        raise InvalidData(report)
    store = store or open_store(settings.store_path)
    store.replace(graph_data(sources))
    return Snapshot(
        version=version_of(sources),
        modified=latest_modified(store),
        graphs=tuple(graph_name(f.relpath) for f in sources.files),
        context=sources.context,
        report=report,
        store=store,
    )
