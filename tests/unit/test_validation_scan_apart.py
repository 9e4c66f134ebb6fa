"""The scan of the source files in a process of its own (lerld.project.validation.scan,
large sources): the same report as the scan in the validating process, an error that says
so when the process fails, no process left behind, and a caller's script not run again.
(It leaves when the validating process is killed as the preparing process does:
lerld.core.children.leave_with_parent, tests/unit/test_preparations.py.)"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap

import pytest

from lerld.cli import main
from lerld.core.settings import Settings
from lerld.project.sources import data_graph_of, load_sources
from lerld.project.validation import scan
from tests.broken_inputs import CORPUS, from_file

# The corpus's cases that the scan's checks report (each alone would stop at its first
# finding's file; together they are one project with a finding of each).
SCANNED_CASES = (
    "dangling-link",
    "duplicate-label",
    "future-date",
    "markup-in-text",
    "relative-iri",
    "undefined-term",
    "untyped-subject",
    "described-twice",
)


def _validate_json(project, capsys, monkeypatch, apart: bool) -> dict:
    monkeypatch.setenv("LERLD_CACHE_DIR", "off")
    monkeypatch.setattr(scan, "SCAN_APART_BYTES", 0 if apart else 2**62)
    main(["--root", str(project), "validate", "--format", "json"])
    return json.loads(capsys.readouterr().out)


def _scanning_processes(monkeypatch) -> list[subprocess.Popen]:
    """The scanning processes started from now on (subprocess.Popen is watched: the
    processes of other commands, git's, are not listed)."""
    started = []
    popen = subprocess.Popen

    def watched(command, *args, **kwargs):
        process = popen(command, *args, **kwargs)
        if command[1:] == ["-c", scan._SCAN_APART]:
            started.append(process)
        return process

    monkeypatch.setattr(scan.subprocess, "Popen", watched)
    return started


def _with_every_scanned_case(project) -> None:
    for name in SCANNED_CASES:
        case = from_file(CORPUS / f"{name}.ttl")
        (project / "data" / f"zz-{name}.ttl").write_bytes(case.content())


def test_the_scan_in_a_process_of_its_own_reports_what_it_reports_in_process(
    project, capsys, monkeypatch
):
    _with_every_scanned_case(project)
    started = _scanning_processes(monkeypatch)
    in_process = _validate_json(project, capsys, monkeypatch, apart=False)
    assert started == []
    apart = _validate_json(project, capsys, monkeypatch, apart=True)
    assert len(started) == 1 and started[0].returncode == 0
    constraints = {f["constraint"] for e in apart["entities"] for f in e["findings"]}
    assert {
        "integrity:dangling-link",
        "integrity:duplicate-label",
        "integrity:future-date",
        "integrity:markup",
        "integrity:unpublishable",
        "integrity:undefined-term",
        "integrity:untyped",
    } <= constraints
    assert apart == in_process


def test_a_scan_that_ends_without_an_answer_is_an_error_that_says_so(project, monkeypatch):
    monkeypatch.setattr(scan, "SCAN_APART_BYTES", 0)
    monkeypatch.setattr(scan, "_SCAN_APART", "import sys; sys.stdin.buffer.read(); sys.exit(3)")
    sources = load_sources(Settings(root=project))
    with (
        pytest.raises(RuntimeError, match=r"scan of the sources ended \(exit code 3\)"),
        scan.Scanning(data_graph_of(sources).files) as scanning,
    ):
        scanning.found(sources.graph("ontology"))


def test_a_scan_that_fails_says_where(project, monkeypatch):
    """The process's own traceback reaches the validating process."""
    monkeypatch.setattr(scan, "SCAN_APART_BYTES", 0)
    sources = load_sources(Settings(root=project))
    files = data_graph_of(sources).files
    changed = next(f for f in files if f.role == "data")
    changed.path.write_text(changed.path.read_text() + "\n# edited meanwhile\n")
    with (
        pytest.raises(RuntimeError, match=r"(?s)scan of the sources failed:.*changed while"),
        scan.Scanning(files) as scanning,
    ):
        scanning.found(sources.graph("ontology"))


def test_leaving_the_block_ends_the_process_whatever_happened(project, monkeypatch):
    monkeypatch.setattr(scan, "SCAN_APART_BYTES", 0)
    started = _scanning_processes(monkeypatch)
    sources = load_sources(Settings(root=project))
    with pytest.raises(KeyboardInterrupt), scan.Scanning(data_graph_of(sources).files):
        assert started[0].poll() is None  # scanning: the load would be under way
        raise KeyboardInterrupt  # as a load that fails or is interrupted
    (process,) = started
    assert process.returncode == -signal.SIGKILL  # killed and reaped: no zombie left


def test_a_script_without_a_main_guard_validates_large_sources(project, tmp_path):
    """The process is a new interpreter that imports lerld only: a caller's script is not
    run again in it (multiprocessing's spawn would import it as its main module)."""
    script = tmp_path / "validate_it.py"
    script.write_text(
        textwrap.dedent(f"""\
            from pathlib import Path
            from lerld.core.settings import Settings
            from lerld.project.sources import load_sources
            from lerld.project.validation import scan, validate
            scan.SCAN_APART_BYTES = 0
            sources = load_sources(Settings(root=Path({str(project)!r})))
            print("validated:", validate(sources).conforms)
            """)
    )
    done = subprocess.run(
        [sys.executable, str(script)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "LERLD_CACHE_DIR": "off"},
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["validated: True"]


def test_without_an_interpreter_to_start_the_scan_runs_in_process(project, capsys, monkeypatch):
    """An embedded Python (sys.executable empty or gone) validates all the same."""
    _with_every_scanned_case(project)
    expected = _validate_json(project, capsys, monkeypatch, apart=False)
    started = _scanning_processes(monkeypatch)
    monkeypatch.setattr(scan.sys, "executable", "/nonexistent/python")
    assert _validate_json(project, capsys, monkeypatch, apart=True) == expected
    assert started == []
