"""Values kept on disk by version (lerld.publish.kept): computed by one process, read by the
others and by a restart; a file that cannot be read or written costs only the computation;
the entity index and VoID read back are what was computed."""

from __future__ import annotations

import json
import multiprocessing
import os
import time
from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

from lerld.core.settings import Settings
from lerld.publish import index, void
from lerld.publish.kept import KEEP_PER_NAME, Codec, KeptValues, version_key

TEXT = Codec(lambda value: {"text": value}, lambda document: document["text"])


def _counting(calls: list[str], value: str = "computed"):
    def compute() -> str:
        calls.append(value)
        return value

    return compute


def test_a_value_is_computed_once_and_read_by_the_next_process(tmp_path):
    calls: list[str] = []
    assert KeptValues(tmp_path).get("index", "k1", _counting(calls), TEXT) == "computed"
    # another process (a worker, a restart) of the same version: read, not computed
    assert KeptValues(tmp_path).get("index", "k1", _counting(calls, "again"), TEXT) == "computed"
    assert calls == ["computed"]
    # another version, or another name: computed
    assert KeptValues(tmp_path).get("index", "k2", _counting(calls, "k2"), TEXT) == "k2"
    assert KeptValues(tmp_path).get("void", "k1", _counting(calls, "void"), TEXT) == "void"
    assert calls == ["computed", "k2", "void"]
    assert not list(tmp_path.glob(".*.tmp"))


def _compute_in_a_process(directory: str, log: str) -> None:
    def compute() -> str:
        with open(log, "a") as f:
            f.write(f"{os.getpid()}\n")
        time.sleep(0.5)  # long enough for the other process to ask meanwhile
        return "the index"

    value = KeptValues(Path(directory)).get("entity-index", "k", compute, TEXT)
    with open(log + ".answers", "a") as f:
        f.write(value + "\n")


def test_processes_asking_at_once_wait_for_the_one_that_computes(tmp_path):
    log = str(tmp_path / "computed")
    context = multiprocessing.get_context("fork")
    workers = [
        context.Process(target=_compute_in_a_process, args=(str(tmp_path / "kept"), log))
        for _ in range(3)
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
        assert w.exitcode == 0
    assert len(Path(log).read_text().split()) == 1  # one process computed
    assert Path(log + ".answers").read_text().splitlines() == ["the index"] * 3


def test_prepare_computes_and_keeps_a_value_once_without_reading_it(tmp_path):
    calls: list[str] = []
    decoded: list[object] = []
    reading = Codec(TEXT.encode, lambda document: decoded.append(document) or document["text"])
    kept = KeptValues(tmp_path)
    assert kept.prepare("index", "k", _counting(calls), reading) is True
    assert kept.prepare("index", "k", _counting(calls, "again"), reading) is False
    assert calls == ["computed"] and decoded == []  # kept, neither computed again nor read
    assert KeptValues(tmp_path).get("index", "k", pytest.fail, reading) == "computed"
    # nothing kept, nothing prepared
    assert KeptValues(None).prepare("index", "k", pytest.fail, TEXT) is False


def _prepare_in_a_process(directory: str, log: str) -> None:
    def compute() -> str:
        with open(log, "a") as f:
            f.write("prepared\n")
        time.sleep(1.0)  # long enough for a worker to ask meanwhile
        return "the index"

    KeptValues(Path(directory)).prepare("entity-index", "k", compute, TEXT)


def test_a_process_asking_while_a_value_is_prepared_waits_and_reads_it(tmp_path):
    log = tmp_path / "computed"
    preparing = multiprocessing.get_context("fork").Process(
        target=_prepare_in_a_process, args=(str(tmp_path / "kept"), str(log))
    )
    preparing.start()
    deadline = time.monotonic() + 30
    while not log.exists() and time.monotonic() < deadline:
        time.sleep(0.01)
    # the worker asks while the preparing process computes: it waits, and reads
    kept = KeptValues(tmp_path / "kept")
    assert kept.get("entity-index", "k", pytest.fail, TEXT) == "the index"
    preparing.join(30)
    assert preparing.exitcode == 0
    assert log.read_text() == "prepared\n"


def test_a_file_that_is_not_what_lerld_wrote_is_computed_again_and_replaced(tmp_path, caplog):
    kept = KeptValues(tmp_path)
    kept.get("index", "k", lambda: "first", TEXT)
    (path,) = tmp_path.glob("index-k.json")
    for broken in (b"{not json", b'{"other": 1}', b"\xff\xfe"):
        path.write_bytes(broken)
        assert kept.get("index", "k", lambda: "again", TEXT) == "again"
        assert json.loads(path.read_bytes()) == {"text": "again"}
    assert "computed again" in caplog.text


def test_a_directory_that_cannot_be_written_only_costs_the_computation(tmp_path):
    blocked = tmp_path / "file"
    blocked.write_text("a file where the directory would be")
    calls: list[str] = []
    kept = KeptValues(blocked / "versions")
    assert kept.get("index", "k", _counting(calls), TEXT) == "computed"
    assert kept.get("index", "k", _counting(calls), TEXT) == "computed"
    assert calls == ["computed", "computed"]


def test_off_keeps_nothing(tmp_path, monkeypatch):
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    kept = KeptValues.from_environment()
    assert kept.directory is None
    calls: list[str] = []
    kept.get("index", "k", _counting(calls), TEXT)
    kept.get("index", "k", _counting(calls), TEXT)
    assert calls == ["computed", "computed"]
    monkeypatch.setenv("LERLD_CACHE_DIR", str(tmp_path))
    assert KeptValues.from_environment().directory == tmp_path / "versions"


def test_only_the_newest_values_of_a_name_are_kept(tmp_path):
    kept = KeptValues(tmp_path)
    for n in range(KEEP_PER_NAME + 2):
        kept.get("index", f"k{n}", lambda: "value", TEXT)
        kept.get("void", f"k{n}", lambda: "value", TEXT)
        time.sleep(0.01)  # distinct modification times
    newest = {f"k{n}" for n in range(2, KEEP_PER_NAME + 2)}
    for name in ("index", "void"):
        assert {p.stem.removeprefix(name + "-") for p in tmp_path.glob(f"{name}-*.json")} == newest
        assert {p.stem.removeprefix(name + "-") for p in tmp_path.glob(f"{name}-*.lock")} == newest


def test_the_key_depends_on_every_part():
    key = version_key("version", "https://w3id.org/ler/", "2026-01-01", "3500")
    assert key == version_key("version", "https://w3id.org/ler/", "2026-01-01", "3500")
    assert key != version_key("version", "https://example.org/", "2026-01-01", "3500")
    assert key != version_key("versio", "n", "https://w3id.org/ler/", "2026-01-01", "3500")


@pytest.fixture(scope="module")
def base_uri() -> str:
    return Settings().base_uri


def test_the_entity_index_read_back_is_the_index(snapshot, base_uri, tmp_path):
    computed = index.entity_index(snapshot.store, base_uri)
    assert len(computed) > 250 and any(e.label for e in computed)
    kept = KeptValues(tmp_path)
    first = kept.get("entity-index", "k", lambda: computed, index.ENTRIES)
    again = kept.get("entity-index", "k", pytest.fail, index.ENTRIES)
    assert first == again == computed
    assert all(isinstance(e, index.Entry) for e in again)
    assert all(e.label is None or isinstance(e.label, index.Label) for e in again)


def test_void_read_back_is_the_graph_with_its_prefixes(snapshot, base_uri, tmp_path):
    computed = void.void_graph(snapshot.store, base_uri, snapshot.modified.date())
    kept = KeptValues(tmp_path)
    first = kept.get("void", "k", lambda: computed, void.GRAPH)
    again = kept.get("void", "k", pytest.fail, void.GRAPH)
    assert isomorphic(first, computed) and isomorphic(again, computed)
    # the process that computed serves what the others read: the same bytes in every format
    for fmt in ("turtle", "json-ld", "xml", "nt"):
        assert first.serialize(format=fmt) == again.serialize(format=fmt)
    assert first.serialize(format="turtle") == computed.serialize(format="turtle")
    used = {
        prefix
        for prefix, _ in Graph()
        .parse(data=computed.serialize(format="turtle"), format="turtle")
        .namespaces()
    }
    assert used <= {prefix for prefix, _ in again.namespaces()}


def test_any_text_is_kept_as_it_was(tmp_path):
    texts = ["plain", "é, 名前, 🎓", "\ud800 a lone surrogate", 'quotes " and \\ and \n']
    kept = KeptValues(tmp_path)
    codec = Codec(lambda value: value, lambda document: document)
    assert kept.get("texts", "k", lambda: texts, codec) == texts
    assert kept.get("texts", "k", pytest.fail, codec) == texts


def test_a_damaged_void_graph_is_computed_again(snapshot, base_uri, tmp_path):
    computed = void.void_graph(snapshot.store, base_uri, snapshot.modified.date())
    kept = KeptValues(tmp_path)
    kept.get("void", "k", lambda: computed, void.GRAPH)
    (path,) = tmp_path.glob("void-k.json")
    path.write_text(json.dumps({"turtle": "@prefix broken <"}), "utf-8")
    assert isomorphic(kept.get("void", "k", lambda: computed, void.GRAPH), computed)
    assert "@prefix" in json.loads(path.read_bytes())["turtle"]  # written again, whole
