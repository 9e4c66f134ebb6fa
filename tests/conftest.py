"""Shared fixtures: the repository's own project, and disposable copies of it to break."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import requests

from lerld.settings import Settings
from lerld.snapshot import build_snapshot
from lerld.sources import load_sources
from lerld.web import create_app
from tests.support import Answer, free_port, lerld_command, oxigraph_command, server

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
def remote_server(oxigraph_server, tmp_path_factory):
    """A real `lerld serve --endpoint` serving what the Oxigraph server publishes."""
    port = free_port()
    log = tmp_path_factory.mktemp("remote") / "serve.log"
    command = lerld_command(
        "--root",
        str(REPO),
        "serve",
        "--port",
        str(port),
        "--endpoint",
        oxigraph_server.url + "/query",
    )
    with server(command, port, log) as running:
        yield running


@pytest.fixture(params=["embedded", "remote"])
def sparql_server(request):
    """A real lerld server: on its embedded store, then on a remote Oxigraph server."""
    return request.getfixturevalue(
        "live_server" if request.param == "embedded" else "remote_server"
    )


INGEST_DAY = "2026-11-24"


@pytest.fixture(scope="session")
def ingested_project(tmp_path_factory):
    """A copy of the project with the 90 test credentials ingested (`lerld ingest`), and
    the Result: data/ingested/credentials.ttl is published like every other source."""
    from datetime import date

    from lerld.ingest import document_paths, ingest

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
