"""Shared fixtures: the repository's own project, and disposable copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lerld.settings import Settings
from lerld.snapshot import build_snapshot
from lerld.sources import load_sources
from lerld.web import create_app
from tests.support import free_port, lerld_command, server

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
