"""A snapshot published on disk (`lerld serve --store-path`): validated before it is
published, and, with the validation cache, started without loading the whole graph into
memory first (at 10M triples that copy alone is ~4.3 GiB)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

import lerld.project.snapshot
import lerld.project.validation
from lerld.core.errors import InvalidData, SourceError
from lerld.core.settings import Settings
from lerld.project.snapshot import build_snapshot

REPO = Path(__file__).resolve().parents[2]
BROKEN = REPO / "tests" / "corpus" / "broken"
EMPLOYERS = "https://w3id.org/ler/id/stakeholder/employers"


def project(root: Path) -> Path:
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("upstream"))
    return root


def employers(snapshot) -> bool:
    return snapshot.store.ask(f"ASK {{ <{EMPLOYERS}> ?p ?o }}")


def test_a_start_with_the_cache_loads_only_the_store_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("LERLD_CACHE_DIR", str(tmp_path / "cache"))
    root = project(tmp_path / "project")
    settings = Settings(root=root, store_path=str(tmp_path / "store"))
    first = build_snapshot(settings)  # cold: validates (and fills the cache)
    assert first.report.conforms and employers(first)
    first.store.close()

    def no_memory_copy(*args, **kwargs):
        raise AssertionError("the sources were loaded into a store in memory")

    monkeypatch.setattr(lerld.project.validation, "load_into", no_memory_copy)
    again = build_snapshot(settings)
    assert again.version == first.version and again.report == first.report
    assert employers(again)
    assert again.modified == first.modified
    again.store.close()


@pytest.mark.parametrize("broken", ["missing-label.ttl", "syntax-error.ttl"])
def test_a_store_on_disk_never_publishes_what_does_not_validate(tmp_path, monkeypatch, broken):
    monkeypatch.setenv("LERLD_CACHE_DIR", str(tmp_path / "cache"))
    root = project(tmp_path / "project")
    shutil.copy(BROKEN / broken, root / "data" / broken)
    with pytest.raises((InvalidData, SourceError)) as raised:
        build_snapshot(Settings(root=root, store_path=str(tmp_path / "store")))
    assert broken in str(raised.value) or isinstance(raised.value, InvalidData)
    assert not (tmp_path / "store").exists() or not any((tmp_path / "store").iterdir())
