"""What an editor gets beyond the corpus of broken inputs (tests/broken_inputs.py): checks
that need git history, the editor's guide, `lerld new`, and "suggest an edit"."""

from __future__ import annotations

import subprocess
from pathlib import Path

from lerld.cli import main


def run(capsys, *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def git(project: Path, *args: str) -> None:
    subprocess.run(
        [
            "git",
            "-C",
            str(project),
            "-c",
            "user.name=Editor",
            "-c",
            "user.email=e@example.org",
            *args,
        ],
        check=True,
        capture_output=True,
    )


def committed(project: Path) -> Path:
    git(project, "init", "-q", "-b", "main")
    git(project, "add", "-A")
    git(project, "commit", "-q", "-m", "the map")
    return project


def test_a_change_without_a_new_modified_date_is_reported_at_the_date(project, capsys):
    committed(project)
    path = project / "data" / "organizations.ttl"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"Aspen Institute"@en', '"The Aspen Institute"@en'), "utf-8")
    status, output = run(capsys, "--root", str(project), "validate")
    assert status == 0, output  # a warning: the change still publishes
    lines = path.read_text("utf-8").splitlines()
    line = next(n for n, t in enumerate(lines, 1) if t.startswith("organization:aspen-institute a"))
    assert "dcterms:modified" in lines[line + 1]  # the date, two lines into the description
    assert (
        f"data/organizations.ttl:{line + 2}: organization/aspen-institute (The Aspen Institute)"
        in output
    )
    assert "changed since the last commit, but its dcterms:modified is still 2026-11-23" in output
    # the date bumped: nothing to say
    bumped = path.read_text("utf-8").replace(
        '"The Aspen Institute"@en ;\n    dcterms:modified "2026-11-23"',
        '"The Aspen Institute"@en ;\n    dcterms:modified "2026-12-01"',
    )
    path.write_text(bumped, "utf-8")
    status, output = run(capsys, "--root", str(project), "validate")
    assert "changed since the last commit" not in output
    assert "organization/aspen-institute" not in output


def test_without_git_history_nothing_is_compared(project, capsys):
    path = project / "data" / "organizations.ttl"
    text = path.read_text("utf-8")
    path.write_text(text.replace('"Aspen Institute"@en', '"The Aspen Institute"@en'), "utf-8")
    status, output = run(capsys, "--root", str(project), "validate")
    assert status == 0, output
    assert "changed since the last commit" not in output
