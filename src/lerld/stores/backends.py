"""The store backends, registered in one place: the store a Settings names, and the
embedded store on its own."""

from __future__ import annotations

from lerld.core.settings import Settings
from lerld.stores import Store
from lerld.stores.oxigraph import OxigraphStore
from lerld.stores.remote import RemoteStore


def embedded_store(path: str | None = None) -> Store:
    """The embedded Oxigraph store, in memory or (with a path) on disk."""
    return OxigraphStore(path)


def open_store(settings: Settings) -> Store:
    """The store the settings name: a remote SPARQL server (endpoint), else the embedded
    store (on disk at store_path, or in memory)."""
    if settings.endpoint:
        return RemoteStore(
            settings.endpoint,
            settings.update_endpoint,
            settings.graph_store,
            query_timeout=settings.sparql_timeout,
            credentials=settings.store_credentials,
        )
    return embedded_store(settings.store_path)
