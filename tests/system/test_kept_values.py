"""The entity index and VoID are computed once per version and kept (lerld.publish.kept): a
real `lerld serve` with two workers writes them to $LERLD_CACHE_DIR/versions, and a
restart with the same data serves what it reads there instead of computing them again."""

from __future__ import annotations

import json
import os
from pathlib import Path

import requests

from tests.conftest import REPO
from tests.support import free_port, lerld_command, server

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
