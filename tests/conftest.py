"""Shared fixtures: the repository's own project, and disposable copies of it to break.

Tests live in folders by kind: unit/ (plain values and files), http/ (the WSGI application
in process), system/ (real processes). Every test in system/, and every test elsewhere that
asks for a fixture starting a real process, is marked `system`: `pytest -m "not system"`
runs the fast rest."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from lerld.core.settings import Settings
from lerld.project.snapshot import build_snapshot
from lerld.project.sources import load_sources
from lerld.web import create_app
from tests.support import (
    Answer,
    StoreServer,
    free_port,
    lerld_command,
    oxigraph_command,
    server,
    store_server,
)

REPO = Path(__file__).resolve().parent.parent
SOURCE_DIRS = ("ontology", "shapes", "data")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return REPO


@pytest.fixture(scope="session")
def sources():
    return load_sources(Settings(root=REPO))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A copy of the project's sources in a temporary directory, free to edit."""
    for name in SOURCE_DIRS:
        shutil.copytree(REPO / name, tmp_path / name, ignore=shutil.ignore_patterns("upstream"))
    return tmp_path


@pytest.fixture(scope="session")
def snapshot():
    return build_snapshot(Settings(root=REPO))


@pytest.fixture(scope="session")
def app(snapshot):
    app = create_app(Settings(root=REPO), snapshot)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """A real `lerld serve` (production server) on a free loopback port, for the session."""
    port = free_port()
    log = tmp_path_factory.mktemp("live") / "serve.log"
    with server(
        lerld_command("--root", str(REPO), "serve", "--port", str(port)), port, log
    ) as running:
        yield running


@pytest.fixture(params=["test-client", "live-server"])
def fetch(request, client):
    """fetch(path, method="GET", **headers) -> Answer, without following redirects: once
    through the Flask test client, once through a real `lerld serve`."""
    if request.param == "test-client":

        def via_client(path, method="GET", **headers):
            r = client.open(path, method=method, headers=headers)
            return Answer(r.status_code, r.headers, r.data)

        return via_client
    live = request.getfixturevalue("live_server")

    def via_http(path, method="GET", **headers):
        r = requests.request(
            method, live.url + path, headers=headers, allow_redirects=False, timeout=30
        )
        return Answer(r.status_code, r.headers, r.content)

    return via_http


# --- a real Oxigraph server as a remote SPARQL store (the SPARQL endpoint's tests) ------


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    """A real `oxigraph serve` on disk on a free loopback port, loaded by `lerld load`."""
    directory = tmp_path_factory.mktemp("oxigraph")
    port = free_port()
    with server(oxigraph_command(directory / "db", port), port, directory / "oxigraph.log") as ox:
        load = subprocess.run(
            lerld_command("--root", str(REPO), "load", "--endpoint", ox.url + "/query"),
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert load.returncode == 0, load.stderr
        yield ox


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    """A real Virtuoso 7 with its default security (writes only with Digest credentials),
    on a free loopback port, loaded by `lerld load` with the dba account's credentials."""
    with store_server("virtuoso", tmp_path_factory.mktemp("virtuoso")) as running:
        load = running.load(REPO)
        assert load.returncode == 0, load.stderr
        yield running


@pytest.fixture(scope="session")
def oxigraph_store(oxigraph_server) -> StoreServer:
    url = oxigraph_server.url
    return StoreServer("oxigraph", oxigraph_server, url + "/query", url + "/update", url + "/store")


@pytest.fixture(scope="session", params=["oxigraph", "virtuoso"])
def loaded_store(request) -> StoreServer:
    """Each real SPARQL server the remote store is tested on, loaded with the project."""
    return request.getfixturevalue("oxigraph_store" if request.param == "oxigraph" else "virtuoso")


def serve_remote(store: StoreServer, log: Path, port: int | None = None):
    """A real `lerld serve --endpoint` serving what a store publishes (reading anonymously,
    as Virtuoso's /sparql allows; credentials only where the store asks for them)."""
    port = port or free_port()
    command = lerld_command(
        "--root", str(REPO), "serve", "--port", str(port), "--endpoint", store.query
    )
    return server(command, port, log, env=store.env())


@pytest.fixture(scope="session")
def remote_server(oxigraph_store, tmp_path_factory):
    """A real `lerld serve --endpoint` serving what the Oxigraph server publishes."""
    with serve_remote(oxigraph_store, tmp_path_factory.mktemp("remote") / "serve.log") as running:
        yield running


@pytest.fixture(scope="session")
def virtuoso_server(virtuoso, tmp_path_factory):
    """A real `lerld serve --endpoint` serving what the Virtuoso server publishes."""
    with serve_remote(virtuoso, tmp_path_factory.mktemp("virtuoso-serve") / "serve.log") as running:
        yield running


@pytest.fixture(scope="session")
def remote_site(loaded_store, request):
    """`lerld serve --endpoint` on each engine of loaded_store."""
    name = "remote_server" if loaded_store.engine == "oxigraph" else "virtuoso_server"
    return request.getfixturevalue(name)


@pytest.fixture(params=["embedded", "remote", "virtuoso"])
def sparql_server(request):
    """A real lerld server: on its embedded store, then on a remote Oxigraph server and on
    a remote Virtuoso."""
    names = {"embedded": "live_server", "remote": "remote_server", "virtuoso": "virtuoso_server"}
    return request.getfixturevalue(names[request.param])


INGEST_DAY = "2026-11-24"


@pytest.fixture(scope="session")
def ingested_project(tmp_path_factory):
    """A copy of the project with the 90 test credentials ingested (`lerld ingest`), and
    the Result: data/ingested/credentials.ttl is published like every other source."""
    from datetime import date

    from lerld.tools.ingest import document_paths, ingest

    root = tmp_path_factory.mktemp("ingested")
    for name in SOURCE_DIRS:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("upstream"))
    result = ingest(
        Settings(root=root),
        document_paths([REPO / "tests" / "credentials"]),
        day=date.fromisoformat(INGEST_DAY),
    )
    return root, result


@pytest.fixture(scope="session")
def ingested_server(ingested_project, tmp_path_factory):
    """A real `lerld serve` of the project with the ingested credentials."""
    root, _ = ingested_project
    port = free_port()
    log = tmp_path_factory.mktemp("ingested-live") / "serve.log"
    with server(
        lerld_command("--root", str(root), "serve", "--port", str(port)), port, log
    ) as running:
        yield running


# Fixtures that start a real process: a test that uses one is a system test wherever it lives.
PROCESS_FIXTURES = frozenset(
    {
        "live_server",
        "oxigraph_server",
        "virtuoso",
        "oxigraph_store",
        "loaded_store",
        "remote_server",
        "virtuoso_server",
        "remote_site",
        "sparql_server",
        "ingested_server",
    }
)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        in_system = item.path.parent.name == "system"
        callspec = getattr(item, "callspec", None)
        live = callspec is not None and callspec.params.get("fetch") == "live-server"
        if in_system or live or PROCESS_FIXTURES.intersection(item.fixturenames):
            item.add_marker(pytest.mark.system)
