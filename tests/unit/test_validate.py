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


def test_the_checks_of_single_terms_in_one_scan(project, capsys, monkeypatch):
    """Markup, a future dcterms:modified, a file: IRI and a literal too long to publish are
    each reported, once although two files state them (one scan of the triples finds all)."""
    from lerld.project.validation.integrity import MAX_LITERAL_LENGTH

    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    text = (
        "@prefix dcterms: <http://purl.org/dc/terms/> .\n"
        "@prefix organization: <https://w3id.org/ler/id/organization/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'organization:aacrao rdfs:comment "a <b>bold</b> claim" ;\n'
        '  dcterms:modified "2999-01-01"^^<http://www.w3.org/2001/XMLSchema#date> ;\n'
        f'  rdfs:seeAlso <local-notes> ;\n  rdfs:comment "{"x" * (MAX_LITERAL_LENGTH + 1)}" .\n'
    )
    for name in ("zz-one.ttl", "zz-two.ttl"):
        (project / "data" / name).write_text(text, "utf-8")
    assert main(["--root", str(project), "validate", "--format", "json"]) == 1
    report = json.loads(capsys.readouterr().out)
    found = [
        (f["constraint"], f["path"])
        for e in report["entities"]
        if e["focus"].endswith("/organization/aacrao")
        for f in e["findings"]
        if f["constraint"].startswith("integrity:")
        and f["constraint"] != "integrity:described-twice"
    ]
    assert sorted(found) == [
        ("integrity:future-date", "dcterms:modified"),
        ("integrity:markup", "rdfs:comment"),
        ("integrity:unpublishable", "rdfs:comment"),
        ("integrity:unpublishable", "rdfs:seeAlso"),
    ]
