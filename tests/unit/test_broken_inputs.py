"""The corpus of bad inputs (tests/broken_inputs.py) against `lerld validate` and `lerld load`:
each gets its exit status and a message naming the file and line, and `lerld load` leaves the
store publishing the last good version. (`lerld serve --reload`: tests/system/test_reload.py.)"""

from __future__ import annotations

from pathlib import Path

import pytest

from lerld.cli import main
from lerld.stores.remote import RemoteStore
from tests.broken_inputs import CASES, REFUSED, Case
from tests.support import free_port, oxigraph_command, server

REPO = Path(__file__).resolve().parents[2]
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def run(capsys, *argv: str) -> tuple[int, str]:
    status = main(list(argv))
    captured = capsys.readouterr()
    return status, captured.out + captured.err


def check(case: Case, status: int, output: str) -> None:
    assert status == case.exit_status, output
    for text in case.expected:
        assert text in output, f"expected {text!r} in:\n{output}"
    assert "Traceback" not in output  # a mistake in the data never looks like a crash
    # every finding once: no finding line repeats under one entity
    groups: list[list[str]] = []
    for line in output.splitlines():
        if line.startswith("  ") and groups:
            groups[-1].append(line)
        else:
            groups.append([])
    for findings in groups:
        assert len(findings) == len(set(findings)), f"a finding printed twice:\n{output}"


def test_corpus_is_not_empty():
    assert len(CASES) >= 25
    kinds = {c.target.split("/")[0] for c in CASES}
    assert kinds == {"data", "shapes", "ontology"}


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_broken_input_is_reported(project, case, capsys):
    case.place(project)
    check(case, *run(capsys, "--root", str(project), "validate"))


def test_the_repository_data_alone_is_fine(project, capsys):
    status, output = run(capsys, "--root", str(project), "validate")
    assert status == 0, output


# --- lerld load: nothing of a bad version reaches the store ---------------------------------


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    """A real Oxigraph server publishing the repository's data (`lerld load`)."""
    directory = tmp_path_factory.mktemp("load-corpus")
    port = free_port()
    with server(oxigraph_command(directory / "db", port), port, directory / "ox.log") as ox:
        endpoint = ox.url + "/query"
        assert main(["--root", str(REPO), "load", "--endpoint", endpoint]) == 0
        yield endpoint


def state(endpoint: str) -> tuple[str, int]:
    store = RemoteStore(endpoint)
    return store.manifest().version, int(store.select(COUNT)[0]["n"])


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_load_refuses_broken_input_and_keeps_the_last_good_version(
    project, case, capsys, published
):
    before = state(published)
    case.place(project)
    status, output = run(capsys, "--root", str(project), "load", "--endpoint", published)
    check(case, status, output)
    assert "published version" not in output
    assert state(published) == before
    store = RemoteStore(published)
    assert not [g for g in store.graph_names() if g.startswith("urn:lerld:staging:")]
