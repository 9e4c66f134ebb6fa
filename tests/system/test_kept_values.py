"""The entity index and VoID are computed once per version and kept (lerld.publish.kept): a
real `lerld serve` with two workers prepares them in a process of its own as it publishes
the version, before anyone asks (lerld.serve.runtime.Preparations), and a restart with the
same data serves what it reads there instead of computing them again."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import requests

from lerld.tools.processes import process_tree
from tests.conftest import REPO
from tests.support import free_port, lerld_command, parent_of, server, until

TURTLE = {"Accept": "text/turtle"}
JSONLD = {"Accept": "application/ld+json"}


def _serve(cache: Path, log: Path):
    port = free_port()
    command = lerld_command("--root", str(REPO), "serve", "--port", str(port), "--workers", "2")
    env = {**os.environ, "LERLD_CACHE_DIR": str(cache)}
    return server(command, port, log, probe_path="/ns", env=env)


def _answers(url: str, path: str, headers: dict, times: int = 12) -> set[tuple[str, bytes]]:
    # a connection each: the two workers take them in turns the kernel chooses
    answers = set()
    for _ in range(times):
        r = requests.get(url + path, headers=headers, timeout=60)
        assert r.status_code == 200, r.text
        answers.add((r.headers["ETag"], r.content))
    return answers


def test_a_restart_serves_the_index_and_void_kept_by_the_first_start(tmp_path):
    cache = tmp_path / "cache"
    with _serve(cache, tmp_path / "first.log") as first:
        void = _answers(first.url, "/.well-known/void", TURTLE)
        entities = _answers(first.url, "/entities", JSONLD)
    assert len(void) == 1 and len(entities) == 1  # every worker answered the same
    kept = {p.name.split("-")[0]: p for p in (cache / "versions").glob("*.json")}
    assert sorted(kept) == ["entity", "void"]
    written = {p: p.stat().st_mtime_ns for p in kept.values()}

    with _serve(cache, tmp_path / "again.log") as again:
        assert _answers(again.url, "/.well-known/void", TURTLE) == void
        assert _answers(again.url, "/entities", JSONLD) == entities
    assert {p: p.stat().st_mtime_ns for p in kept.values()} == written  # read, not computed

    # what a restart serves is what it reads: a label changed in the kept index shows
    document = json.loads(kept["entity"].read_bytes())
    labelled = next(row for row in document["entries"] if row[2] is not None)
    labelled[2][2] = "A label only the kept index has"
    kept["entity"].write_text(json.dumps(document), "utf-8")
    with _serve(cache, tmp_path / "read.log") as third:
        (page,) = _answers(third.url, "/entities", JSONLD, times=4)
    assert b"A label only the kept index has" in page[1]


def _prepared(cache: Path, timeout: float = 60) -> dict[str, Path]:
    """The kept files of the prepared values, once both are there."""

    def kept() -> dict[str, Path]:
        return {p.name.split("-")[0]: p for p in (cache / "versions").glob("*.json")}

    assert until(lambda: sorted(kept()) == ["entity", "void"], timeout), sorted(
        (cache / "versions").glob("*")
    )
    return kept()


def _children(pid: int) -> set[int]:
    """The processes forked by the server's first process (web workers, query supervisor,
    preparing process), zombies included."""
    return {child for child in process_tree(pid) - {pid} if parent_of(child) == pid}


def test_serve_prepares_the_index_and_void_of_a_version_before_anyone_asks(tmp_path):
    cache = tmp_path / "cache"
    with _serve(cache, tmp_path / "serve.log") as running:
        # nothing asked but the probe (/ns): a process of the server computes both
        kept = _prepared(cache)
        written = {p: p.stat().st_mtime_ns for p in kept.values()}
        assert until(lambda: "lerld: prepared for version" in running.output(), 30), (
            running.output()
        )
        assert "void (" in running.output() and "entity-index (" in running.output()
        # once done, the preparing process is gone (reaped: no zombie is left behind)
        pid = running.process.pid
        # two web workers and the query supervisor
        assert until(lambda: len(_children(pid)) == 3, 10), _children(pid)
        # the workers serve what was prepared, read, not computed again
        (void,) = _answers(running.url, "/.well-known/void", TURTLE, times=6)
        (entities,) = _answers(running.url, "/entities", JSONLD, times=6)
        assert b"void:Dataset" in void[1] or b"void#Dataset" in void[1]
        assert {p: p.stat().st_mtime_ns for p in kept.values()} == written

    # a restart of the same version has nothing to prepare
    with _serve(cache, tmp_path / "again.log") as again:
        assert _answers(again.url, "/entities", JSONLD, times=2) == {entities}
        time.sleep(1.5)
        assert "lerld: prepared" not in again.output()
    assert {p: p.stat().st_mtime_ns for p in kept.values()} == written


def test_nothing_is_prepared_when_nothing_is_kept(tmp_path):
    port = free_port()
    command = lerld_command("--root", str(REPO), "serve", "--port", str(port), "--workers", "2")
    env = {**os.environ, "LERLD_CACHE_DIR": "off"}
    with server(command, port, tmp_path / "off.log", probe_path="/ns", env=env) as running:
        time.sleep(1.5)
        assert len(_children(running.process.pid)) == 3
        assert requests.get(running.url + "/entities", headers=JSONLD, timeout=60).ok
    assert "lerld: prepared" not in running.output()
