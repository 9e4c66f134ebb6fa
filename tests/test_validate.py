"""`lerld validate` on the repository's own data, in every inference mode and format."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys

import pytest

from lerld.cli import main


@pytest.mark.parametrize("inference", ["none", "rdfs", "owlrl"])
def test_repository_data_conforms(repo_root, capsys, inference):
    assert main(["--root", str(repo_root), "validate", "--inference", inference]) == 0
    out = capsys.readouterr().out
    assert out.strip().splitlines()[-1].startswith("conforms: 0 violation(s)")
    assert f"(inference: {inference})" in out


def test_json_report_is_machine_readable(repo_root, capsys):
    assert main(["--root", str(repo_root), "validate", "--format", "json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["conforms"] is True
    assert report["counts"]["violation"] == 0
    assert report["triples"] > 2500
    # warnings are listed by entity with the file and line that describe it
    warned = {e["focus"]: e for e in report["entities"]}
    entry = warned[
        "https://w3id.org/ler/id/resource/credentialing-everything-a-primer-on-learning-and-employment-records"
    ]
    assert entry["file"] == "data/resources.ttl"
    assert isinstance(entry["line"], int)
    assert entry["findings"][0]["severity"] == "Warning"


def _tree_digest(root):
    digest = hashlib.sha256()
    for path in sorted(
        p for d in ("ontology", "shapes", "data") for p in (root / d).rglob("*") if p.is_file()
    ):
        digest.update(path.as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def test_validation_changes_nothing_on_disk(project):
    before = _tree_digest(project)
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "lerld.cli",
            "--root",
            str(project),
            "validate",
            "--inference",
            "owlrl",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert _tree_digest(project) == before


def test_console_script_is_installed(repo_root):
    result = subprocess.run(
        ["lerld", "--root", str(repo_root), "validate"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
