"""A snapshot published in memory (`lerld serve`): its data graph is validated in the very
store that is published, and the shapes join it afterwards, so a cold start holds the graph
once (at 10M triples, ~4.3 GiB) and parses it once."""

from __future__ import annotations

import gc
import shutil
import weakref

import pytest

import lerld.project.snapshot
import lerld.project.validation
import lerld.project.validation.engines
from lerld.core.errors import InvalidData, SourceError
from lerld.core.settings import Settings
from lerld.project.snapshot import build_snapshot, version_of
from lerld.project.sources import graph_data, graph_name, load_sources
from lerld.stores.backends import embedded_store
from lerld.stores.oxigraph import OxigraphStore
from tests.unit.test_snapshot_store_on_disk import BROKEN, project

GRAPHS = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"


def graphs_of(store) -> set[str]:
    return {str(row["g"]) for row in store.select(GRAPHS)}


@pytest.fixture
def watched(monkeypatch):
    """What validation loaded: the graphs of the store it was given, once it returns; and
    every embedded store opened."""
    seen: dict = {"validated": [], "stores": []}
    validate = lerld.project.snapshot.validate

    def watching(sources, inference="none", store=None):
        assert graphs_of(store) == set()  # validation loads the store it is given
        try:
            return validate(sources, inference=inference, store=store)
        finally:
            seen["validated"].append(graphs_of(store))

    def counted(path=None):
        store = embedded_store(path)
        seen["stores"].append(store)
        return store

    monkeypatch.setattr(lerld.project.snapshot, "validate", watching)
    monkeypatch.setattr(lerld.project.snapshot, "embedded_store", counted)
    monkeypatch.setattr(lerld.project.validation, "embedded_store", counted)
    monkeypatch.setattr(lerld.project.validation.engines, "embedded_store", counted)
    return seen


def test_the_store_validated_is_the_store_published_with_the_shapes(tmp_path, monkeypatch, watched):
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")  # cold: every check runs
    root = project(tmp_path / "project")
    snapshot = build_snapshot(Settings(root=root))
    try:
        sources = load_sources(Settings(root=root))
        every = {graph_name(f.relpath) for f in sources.files}
        shapes = {graph_name(f.relpath) for f in sources.of_role("shapes")}
        assert shapes and shapes < every
        # validated: SHACL's data graph alone, in the one store opened
        assert watched["validated"] == [every - shapes]
        assert watched["stores"] == [snapshot.store]
        # published: every source file, the shapes included
        assert graphs_of(snapshot.store) == every == set(snapshot.graphs)
        assert snapshot.report.conforms
        assert snapshot.store.ask("ASK { ?shape a <http://www.w3.org/ns/shacl#NodeShape> }")
    finally:
        snapshot.store.close()


def test_data_that_does_not_validate_is_not_published(tmp_path, monkeypatch, watched):
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    root = project(tmp_path / "project")
    shutil.copy(BROKEN / "missing-label.ttl", root / "data" / "missing-label.ttl")
    with pytest.raises(InvalidData):
        build_snapshot(Settings(root=root))
    (store,) = watched["stores"]
    assert graphs_of(store) == set()  # closed: what it held is gone


def test_graphs_are_added_only_to_a_store_in_memory(tmp_path):
    on_disk = OxigraphStore(tmp_path / "store")
    try:
        with pytest.raises(ValueError, match="in memory"):
            on_disk.add([])
    finally:
        on_disk.close()


def test_a_load_makes_each_files_bytes_when_it_reads_it_and_keeps_none(tmp_path):
    """The stores load the bytes that were read and validated (a held text is not read
    again), each file's bytes made when its graph is read and not kept by the sequence: a
    load of 10M triples holds one file's bytes at a time, not 606 MiB more."""
    root = project(tmp_path / "project")
    sources = load_sources(Settings(root=root))
    graphs = graph_data(sources)
    assert len(graphs) == len(sources.files)
    first = sources.files[0]
    assert first.role == "ontology" and first.held is not None
    first.path.write_text("# changed on disk after it was read\n", "utf-8")
    read = graphs[0]
    assert read.name == graph_name(first.relpath)
    assert read.data == first.text.encode("utf-8")
    assert [g.name for g in graphs[1:3]] == [graph_name(f.relpath) for f in sources.files[1:3]]
    kept = weakref.ref(read)
    del read
    gc.collect()
    assert kept() is None
    assert graphs[0] == graphs[0]  # made again, equal


def test_data_files_are_read_again_when_loaded_and_must_be_what_was_read(
    tmp_path, monkeypatch, watched
):
    """The data files' texts are not held (606 MiB at 10M triples, beside the store being
    loaded): a load reads each again, and a file changed since it was read is an error
    naming it (the reloader reads the sources again), never a mix of two versions."""
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    root = project(tmp_path / "project")
    sources = load_sources(Settings(root=root))
    data = sources.of_role("data")
    assert data and all(f.held is None for f in data)
    assert [g.data for g in graph_data(sources)][-len(data) :] == [
        f.path.read_bytes() for f in data
    ]
    assert data[0].text == data[0].path.read_text("utf-8")

    changed = data[-1]
    read_sources = lerld.project.snapshot.load_sources

    def read_then_edited(settings):
        read = read_sources(settings)
        with changed.path.open("a", encoding="utf-8") as f:
            f.write("\n# an editor saved the file meanwhile\n")
        return read

    monkeypatch.setattr(lerld.project.snapshot, "load_sources", read_then_edited)
    with pytest.raises(SourceError, match="changed while lerld was reading") as raised:
        build_snapshot(Settings(root=root))
    monkeypatch.setattr(lerld.project.snapshot, "load_sources", read_sources)
    assert raised.value.path == changed.relpath
    (store,) = watched["stores"]
    assert graphs_of(store) == set()  # closed, nothing published
    # read again, the edited file is the sources' version: the version published is the
    # version of the files as they are now, not as they were first read
    snapshot = build_snapshot(Settings(root=root))
    try:
        assert snapshot.report.conforms
        assert snapshot.version == version_of(load_sources(Settings(root=root)))
        assert snapshot.version != version_of(sources)
    finally:
        snapshot.store.close()
