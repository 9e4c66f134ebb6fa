"""The store backends, registered in one place: the store a Settings names, the endpoint a
client asks, and the embedded store on its own."""

from __future__ import annotations

from typing import Any

from lerld.core.errors import LerldError, StoreError
from lerld.core.settings import Settings
from lerld.stores import Store
from lerld.stores.oxigraph import OxigraphStore
from lerld.stores.remote import RemoteStore


def embedded_store(path: str | None = None) -> OxigraphStore:
    """The embedded Oxigraph store, in memory or (with a path) on disk."""
    return OxigraphStore(path)


def open_store(settings: Settings) -> Store:
    """The store the settings name: a remote SPARQL server (endpoint), else the embedded
    store (on disk at store_path, or in memory)."""
    if settings.endpoint:
        return _remote_store(settings, query_timeout=settings.sparql_timeout)
    return embedded_store(settings.store_path)


def open_endpoint(settings: Settings) -> Store:
    """The settings' endpoint as a client asks it (`lerld query --endpoint`): the dataset
    that `lerld load` published there (it has a manifest), else any SPARQL endpoint as it
    is, on its own default dataset. It waits for answers as a client does, not for the
    /sparql time limit. Raises StoreError when the store cannot be reached or refuses."""
    store = _remote_store(settings)
    try:
        store.manifest()
    except StoreError:
        raise
    except LerldError:  # no manifest: not a store lerld filled
        return _remote_store(settings, managed=False)
    return store


def _remote_store(settings: Settings, **options: Any) -> RemoteStore:
    assert settings.endpoint
    return RemoteStore(
        settings.endpoint,
        settings.update_endpoint,
        settings.graph_store,
        credentials=settings.store_credentials,
        **options,
    )
