"""`lerld synth`: a synthetic project that validates, and the same seed gives the same bytes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from lerld.tools.synth import SynthError, synth


def tree(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(repo_root, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synth") / "project"
    result = synth(repo_root, out, triples=6000, seed=7)
    assert 6000 <= result.triples < 6100
    assert result.real_triples < result.triples
    return out


def test_the_synthetic_project_validates(synthetic, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "lerld.cli", "--root", str(synthetic), "validate"],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "LERLD_CACHE_DIR": "off"},
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr
    assert "conforms: 0 violation(s)" in done.stdout


def test_it_stands_as_a_project(synthetic):
    for role in ("ontology", "shapes", "data/map", "data/synthetic"):
        assert any((synthetic / role).glob("*.ttl")), role
    kinds = {p.name.rsplit("-", 1)[0] for p in (synthetic / "data" / "synthetic").glob("*.ttl")}
    assert kinds >= {"organizations", "initiatives", "topics", "resources", "glossary"}


def test_the_same_seed_gives_the_same_bytes(repo_root, synthetic, tmp_path):
    again = synth(repo_root, tmp_path / "again", triples=6000, seed=7)
    assert tree(again.out) == tree(synthetic)
    other = synth(repo_root, tmp_path / "other", triples=6000, seed=8)
    assert tree(other.out) != tree(synthetic)


def test_it_never_writes_into_the_project(repo_root, tmp_path):
    with pytest.raises(SynthError):
        synth(repo_root, repo_root / "data" / "synthetic", triples=3000)
    with pytest.raises(SynthError):
        synth(repo_root, repo_root, triples=3000)
    occupied = tmp_path / "occupied"
    occupied.mkdir()
    (occupied / "notes.txt").write_text("mine")
    with pytest.raises(SynthError):
        synth(repo_root, occupied, triples=3000)


def test_outside_a_project_it_says_so_and_writes_nothing(tmp_path):
    out = tmp_path / "synthetic"
    with pytest.raises(SynthError, match=r"not a lerld project \(no ontology/ directory\)"):
        synth(tmp_path / "empty", out, triples=3000)
    assert not out.exists()
