"""Shared fixtures: the repository's own project, and disposable copies of it to break."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from lerld.settings import Settings
from lerld.sources import load_sources

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
