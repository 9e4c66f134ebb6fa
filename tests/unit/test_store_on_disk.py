"""The embedded store on disk (`--store-path`) keeps its content for the next start: a
content is loaded once into a directory named by its key, opened again (not reloaded) by a
store given the same graphs, and replaced directories are removed; the directory belongs to
one process at a time."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import lerld.stores.oxigraph
from lerld.core.errors import SourceError
from lerld.stores import GraphData
from lerld.stores.oxigraph import OxigraphStore, content_key

REPO = Path(__file__).resolve().parents[2]


def graphs(label: str) -> list[GraphData]:
    turtle = f'<https://example.org/thing> <http://www.w3.org/2000/01/rdf-schema#label> "{label}" .'
    return [GraphData("https://example.org/graph/things", turtle.encode())]


def label_of(store: OxigraphStore) -> str:
    rows = store.select("SELECT ?l WHERE { <https://example.org/thing> ?p ?l }")
    return str(rows[0]["l"])


def directories(root: Path) -> set[str]:
    return {p.name for p in root.iterdir() if p.is_dir()}


def no_loading(*args, **kwargs):
    raise AssertionError("the content was loaded again")


def test_a_new_store_opens_the_content_the_directory_holds(tmp_path, monkeypatch):
    root = tmp_path / "store"
    first = OxigraphStore(root)
    first.replace(graphs("one"))
    first.close()
    kept = directories(root)
    assert kept == {f"content-{content_key(graphs('one'))}"}

    monkeypatch.setattr(lerld.stores.oxigraph, "_load", no_loading)
    again = OxigraphStore(root)
    again.replace(graphs("one"))
    assert label_of(again) == "one"
    again.close()
    assert directories(root) == kept


def test_other_content_is_loaded_and_the_replaced_directory_removed(tmp_path):
    root = tmp_path / "store"
    store = OxigraphStore(root)
    store.replace(graphs("one"))
    store.replace(graphs("two"))
    assert label_of(store) == "two"
    # the replaced one stays a replacement longer: a query may still be reading it
    assert len(directories(root)) == 2
    store.replace(graphs("three"))
    assert directories(root) == {
        f"content-{content_key(graphs('two'))}",
        f"content-{content_key(graphs('three'))}",
    }
    store.close()
    assert directories(root) == {f"content-{content_key(graphs('three'))}"}


def test_a_reload_beside_the_served_store_removes_the_old_content_once_closed(tmp_path):
    """A reload opens a second store on the directory while the first serves; closing the
    first (switched) removes its content, unless the reload found the same content."""
    root = tmp_path / "store"
    served = OxigraphStore(root)
    served.replace(graphs("one"))
    unchanged = OxigraphStore(root)
    unchanged.replace(graphs("one"))
    unchanged.close()  # the version is the one served: it is dropped
    assert label_of(served) == "one"
    reloaded = OxigraphStore(root)
    reloaded.replace(graphs("two"))
    served.close()
    assert directories(root) == {f"content-{content_key(graphs('two'))}"}
    assert label_of(reloaded) == "two"
    reloaded.close()


def test_leftovers_are_removed_and_nothing_else(tmp_path):
    root = tmp_path / "store"
    root.mkdir()
    (root / "loading-0123").mkdir()  # a load a crash cut short
    (root / "loading-0123" / "000001.sst").write_bytes(b"half")
    (root / "snapshot-4567").mkdir()  # lerld's layout before content keys
    (root / "notes").mkdir()  # not lerld's
    (root / "README").write_text("the operator's")
    store = OxigraphStore(root)
    store.replace(graphs("one"))
    assert directories(root) == {f"content-{content_key(graphs('one'))}", "notes"}
    assert (root / "README").read_text() == "the operator's"
    store.close()


def test_a_damaged_content_directory_is_loaded_again(tmp_path):
    root = tmp_path / "store"
    damaged = root / f"content-{content_key(graphs('one'))}"
    damaged.mkdir(parents=True)
    (damaged / "000001.sst").write_bytes(b"not a database")
    store = OxigraphStore(root)
    store.replace(graphs("one"))
    assert label_of(store) == "one"
    store.close()


def test_a_failed_load_leaves_no_directory(tmp_path):
    root = tmp_path / "store"
    store = OxigraphStore(root)
    broken = [GraphData("https://example.org/graph/broken", b"<https://example.org/a> <p")]
    with pytest.raises(SourceError):
        store.replace(broken)
    assert directories(root) == set()
    store.close()


def test_a_failed_load_among_others_names_its_graph_and_leaves_no_directory(tmp_path):
    # graphs are bulk loaded onto disk two at a time: the others may be loading meanwhile
    root = tmp_path / "store"
    store = OxigraphStore(root)
    good = [
        GraphData(f"https://example.org/graph/{i}", f"<urn:s{i}> <urn:p> {i} .".encode())
        for i in range(6)
    ]
    broken = GraphData("https://example.org/graph/broken", b"<https://example.org/a> <p")
    with pytest.raises(SourceError) as raised:
        store.replace([*good[:3], broken, *good[3:]])
    assert "https://example.org/graph/broken" in str(raised.value)
    assert directories(root) == set()
    store.replace(good)
    assert len(store.select("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }")) == 6
    store.close()


def test_the_directory_belongs_to_one_process_at_a_time(tmp_path):
    root = tmp_path / "store"
    other = [
        sys.executable,
        "-c",
        "import sys\n"
        "from lerld.core.errors import StoreUnavailable\n"
        "from lerld.stores.oxigraph import OxigraphStore\n"
        "try:\n"
        f"    OxigraphStore({str(root)!r}).close()\n"
        "except StoreUnavailable as e:\n"
        "    sys.exit(str(e))\n",
    ]
    store = OxigraphStore(root)
    store.replace(graphs("one"))
    refused = subprocess.run(other, capture_output=True, text=True, timeout=60)
    assert refused.returncode == 1
    assert f"the store directory {root.resolve()} is in use by another process" in refused.stderr
    assert label_of(store) == "one"
    store.close()
    allowed = subprocess.run(other, capture_output=True, text=True, timeout=60)
    assert allowed.returncode == 0, allowed.stderr
    # a second store of the same process shares the directory (what a reload does)
    first, second = OxigraphStore(root), OxigraphStore(root)
    first.replace(graphs("one"))
    second.replace(graphs("two"))
    assert (label_of(first), label_of(second)) == ("one", "two")
    first.close()
    second.close()


def test_a_store_that_never_held_content_removes_nothing(tmp_path, monkeypatch):
    """A store opened and closed without content (a start that failed before loading)
    cannot tell what is current: the content the directory kept stays for the next start."""
    root = tmp_path / "store"
    first = OxigraphStore(root)
    first.replace(graphs("one"))
    first.close()
    OxigraphStore(root).close()
    assert directories(root) == {f"content-{content_key(graphs('one'))}"}
    monkeypatch.setattr(lerld.stores.oxigraph, "_load", no_loading)
    again = OxigraphStore(root)
    again.replace(graphs("one"))
    assert label_of(again) == "one"
    again.close()
