"""Live reload on a real `lerld serve` (Granian, two web workers, query processes): a good new
version is published in every process at once, requests during the switch each see one
version, SIGHUP does the same as --reload, every case of the bad-input corpus is logged and
not published (the last good version stays served), and memory stays bounded over reloads.
A remote store's new version (`lerld load`) is followed the same way."""

from __future__ import annotations

import os
import re
import shutil
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from lerld.tools.processes import process_tree
from tests.broken_inputs import REFUSED
from tests.support import free_port, lerld_command, oxigraph_command, pss_mib, server
from tests.system.test_remote_store import load as lerld_load

REPO = Path(__file__).resolve().parents[2]
MARKER = "data/zz-reload.ttl"
MARKER_PAGE = "/doc/organization/reload-marker"
JSON = "application/sparql-results+json"
COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
LABELS = (
    "SELECT ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    'FILTER(STRSTARTS(?label, "Reload ")) } ORDER BY ?label'
)
REPORT = re.compile(r"^lerld: reload(?:ed)?:", re.M)
VERSION = re.compile(r"Reload (?:Marker|Initiative) v(\d+)")


def marker(version: int) -> str:
    """An organization and an initiative that is its partner, both named for the version: a
    page of the one shows the other, so a page made from two versions would show both."""
    return f"""@prefix ler: <https://w3id.org/ler/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix schema: <https://schema.org/> .
@prefix organization: <https://w3id.org/ler/id/organization/> .
@prefix initiative: <https://w3id.org/ler/id/initiative/> .
@prefix stakeholder: <https://w3id.org/ler/id/stakeholder/> .

organization:reload-marker a ler:Organization ;
    rdfs:label "Reload Marker v{version}"@en ;
    dcterms:description "The reload marker, version v{version}."@en ;
    schema:url <https://example.org/reload> ;
    ler:stakeholderGroup stakeholder:funders ;
    dcterms:modified "2026-11-23"^^xsd:date .

initiative:reload-initiative a ler:Project ;
    rdfs:label "Reload Initiative v{version}"@en ;
    dcterms:description "The initiative of the reload marker, version v{version}."@en ;
    ler:partner organization:reload-marker ;
    schema:url <https://example.org/reload-initiative> ;
    dcterms:modified "2026-11-23"^^xsd:date .
"""


def copy_project(root: Path) -> Path:
    for name in ("ontology", "shapes", "data", "sparql"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("upstream"))
    (root / MARKER).write_text(marker(1))
    return root


class Reloading:
    """A running `lerld serve --reload` and its project."""

    def __init__(self, running, root: Path) -> None:
        self.running, self.root = running, root
        self.url, self.pid = running.url, running.process.pid

    def reports(self) -> int:
        return len(REPORT.findall(self.running.output()))

    def wait_for_report(self, offset: int, timeout: float = 90) -> str:
        """The log from `offset` to the end of the next reload report (waits for it)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            tail = self.running.output()[offset:]
            found = REPORT.search(tail)
            end = tail.find("\n", found.end()) if found else -1
            if end >= 0:
                return tail[: end + 1]
            time.sleep(0.1)
        raise TimeoutError(f"no reload report:\n{self.running.output()[-3000:]}")

    def change(self, edit: Callable[[], None]) -> str:
        """Make a change in the project and return the reload report it causes."""
        offset = len(self.running.output())
        edit()
        return self.wait_for_report(offset)

    def version(self) -> int:
        """The marker version a page shows (asserting the page shows only one)."""
        page = requests.get(self.url + MARKER_PAGE, timeout=30)
        assert page.status_code == 200
        versions = set(VERSION.findall(page.text))
        assert len(versions) == 1, versions
        return int(versions.pop())

    def sparql(self, query: str) -> list[dict]:
        response = requests.get(
            self.url + "/sparql", params={"query": query}, headers={"Accept": JSON}, timeout=30
        )
        assert response.status_code == 200, response.text
        return response.json()["results"]["bindings"]


@pytest.fixture(scope="module")
def reloading(tmp_path_factory):
    root = copy_project(tmp_path_factory.mktemp("reload-project"))
    port = free_port()
    command = lerld_command(
        "--root", str(root), "serve", "--port", str(port), "--reload", "--workers", "2"
    )
    log = tmp_path_factory.mktemp("reload-log") / "serve.log"
    # its own cache: every version it publishes is new to it, and so prepared
    env = {**os.environ, "LERLD_CACHE_DIR": str(tmp_path_factory.mktemp("reload-cache"))}
    with server(command, port, log, probe_path=MARKER_PAGE, env=env) as running:
        yield Reloading(running, root)


def test_a_good_version_is_published_in_every_process(reloading):
    assert reloading.version() == 1
    before = process_tree(reloading.pid)
    report = reloading.change(lambda: (reloading.root / MARKER).write_text(marker(2)))
    assert "lerld: reloaded: serving version" in report, report
    # the new version's VoID and entity index are prepared as it is published
    (version,) = re.findall(r"serving version (\w+)", report)
    deadline = time.monotonic() + 60
    while f"lerld: prepared for version {version}: void" not in reloading.running.output():
        assert time.monotonic() < deadline, reloading.running.output()[-3000:]
        time.sleep(0.1)
    # every process but the master is new: web workers and query processes alike
    after = process_tree(reloading.pid)
    assert before & after == {reloading.pid}, (before, after)
    assert len(after) >= 1 + 2 + 1 + 2  # master, 2 workers, query supervisor, 2 executors
    for _ in range(12):  # pages from both workers, answers from the query processes
        assert reloading.version() == 2
        labels = [row["label"]["value"] for row in reloading.sparql(LABELS)]
        assert labels == ["Reload Initiative v2", "Reload Marker v2"]


def test_requests_during_a_switch_each_see_one_version(reloading):
    start = reloading.version()
    stop = threading.Event()
    seen: list[tuple[float, int]] = []
    failures: list[str] = []

    def get(session: requests.Session, path: str, **kwargs) -> requests.Response:
        try:
            return session.get(reloading.url + path, timeout=30, **kwargs)
        except requests.ConnectionError:  # a keep-alive connection an old worker closed:
            return session.get(reloading.url + path, timeout=30, **kwargs)  # clients retry

    def client(path: str, params: dict | None, accept: str) -> None:
        with requests.Session() as session:
            while not stop.is_set():
                sent = time.monotonic()
                response = get(session, path, params=params, headers={"Accept": accept})
                versions = set(VERSION.findall(response.text))
                if response.status_code != 200 or len(versions) != 1:
                    failures.append(f"{path} {response.status_code} {versions}")
                else:
                    seen.append((sent, int(versions.pop())))

    clients = [
        threading.Thread(target=client, args=(MARKER_PAGE, None, "text/html")),
        threading.Thread(target=client, args=(MARKER_PAGE, None, "text/turtle")),
        threading.Thread(target=client, args=("/sparql", {"query": LABELS}, JSON)),
    ]
    for thread in clients:
        thread.start()
    try:
        time.sleep(1)
        report = reloading.change(lambda: (reloading.root / MARKER).write_text(marker(start + 1)))
        switched = time.monotonic()
        time.sleep(1)
    finally:
        stop.set()
        for thread in clients:
            thread.join()
    assert "lerld: reloaded" in report, report
    assert failures == []
    assert {v for _, v in seen} == {start, start + 1}
    # once the switch is over, every process answers with the new version
    assert {v for sent, v in seen if sent > switched} == {start + 1}


def test_sighup_reloads_a_server_without_reload(tmp_path):
    root = copy_project(tmp_path / "project")
    port = free_port()
    command = lerld_command("--root", str(root), "serve", "--port", str(port))
    with server(command, port, tmp_path / "serve.log", probe_path=MARKER_PAGE) as running:
        served = Reloading(running, root)
        (root / MARKER).write_text(marker(7))
        time.sleep(2.5)  # without --reload, nothing watches the files
        assert served.reports() == 0 and served.version() == 1
        report = served.change(lambda: running.process.send_signal(signal.SIGHUP))
        assert "lerld: reloaded" in report
        assert served.version() == 7
        # nothing changed since: nothing is published
        report = served.change(lambda: running.process.send_signal(signal.SIGHUP))
        assert "is unchanged" in report


def test_bad_versions_are_logged_and_never_published(reloading):
    """Every case of the corpus that is refused, one after the other: each is reported with
    its file and line, and the last good version goes on being served, in full."""
    good = reloading.version()
    count = reloading.sparql(COUNT)[0]["n"]["value"]
    placed: Path | None = None
    for case in REFUSED:

        def place(case=case) -> None:
            nonlocal placed
            if placed is not None and placed != reloading.root / case.target:
                placed.unlink()
            placed = case.place(reloading.root)

        report = reloading.change(place)
        assert "still serving version" in report, f"{case.name}:\n{report}"
        for text in case.expected:
            assert text in report, f"{case.name}: expected {text!r} in:\n{report}"
        assert reloading.version() == good, case.name
        assert reloading.sparql(COUNT)[0]["n"]["value"] == count, case.name
    assert placed is not None
    report = reloading.change(placed.unlink)
    assert "is unchanged" in report
    # and a good version after all that is published
    report = reloading.change(lambda: (reloading.root / MARKER).write_text(marker(good + 1)))
    assert "lerld: reloaded" in report
    assert reloading.version() == good + 1


def test_memory_stays_bounded_over_reloads(reloading):
    version = reloading.version()
    reloading.change(lambda: (reloading.root / MARKER).write_text(marker(version + 1)))
    before = pss_mib(reloading.pid)
    for n in range(2, 8):
        report = reloading.change(
            lambda n=n: (reloading.root / MARKER).write_text(marker(version + n))
        )
        assert "lerld: reloaded" in report
    after = pss_mib(reloading.pid)
    assert reloading.version() == version + 7
    assert after < before * 1.25 + 20, (before, after)


def test_a_store_on_disk_is_reloaded_too(tmp_path):
    """Each worker opens the store on disk for itself (a database handle opened before a
    fork deadlocks after it), before and after a reload."""
    root = copy_project(tmp_path / "project")
    port = free_port()
    command = lerld_command(
        "--root", str(root), "serve", "--port", str(port), "--reload",
        "--store-path", str(tmp_path / "store"),
    )  # fmt: skip
    with server(command, port, tmp_path / "serve.log", probe_path=MARKER_PAGE) as running:
        served = Reloading(running, root)
        assert served.version() == 1
        report = served.change(lambda: (root / MARKER).write_text(marker(2)))
        assert "lerld: reloaded" in report
        for _ in range(6):
            assert served.version() == 2
            labels = [row["label"]["value"] for row in served.sparql(LABELS)]
            assert labels == ["Reload Initiative v2", "Reload Marker v2"]
    assert len(list((tmp_path / "store").iterdir())) <= 2  # the old version's are gone


def test_a_store_on_disk_is_kept_for_the_next_start(tmp_path):
    """A restart (after a stop, or a crash of the whole process group) opens the content
    the directory holds instead of loading it again; a changed version is loaded, and the
    old one removed."""
    root = copy_project(tmp_path / "project")
    store = tmp_path / "store"

    def start(log: str):
        port = free_port()
        command = lerld_command(
            "--root", str(root), "serve", "--port", str(port), "--store-path", str(store)
        )  # fmt: skip
        return server(command, port, tmp_path / log, probe_path=MARKER_PAGE)

    def labels(running) -> list[str]:
        return [row["label"]["value"] for row in Reloading(running, root).sparql(LABELS)]

    def content() -> dict[str, tuple[int, int]]:
        """The database files of the one content directory, with their size and mtime."""
        (directory,) = (p for p in store.iterdir() if p.is_dir())
        return {
            f"{directory.name}/{f.name}": (f.stat().st_size, f.stat().st_mtime_ns)
            for f in directory.iterdir()
            if f.suffix == ".sst" or f.name.startswith("MANIFEST")
        }

    with start("first.log") as running:
        assert labels(running) == ["Reload Initiative v1", "Reload Marker v1"]
    loaded = content()
    assert any(name.endswith(".sst") for name in loaded)
    with start("after-stop.log") as running:
        assert labels(running) == ["Reload Initiative v1", "Reload Marker v1"]
        os.killpg(running.process.pid, signal.SIGKILL)  # a crash: no clean-up at all
        running.process.wait(timeout=15)
    assert content() == loaded
    with start("after-crash.log") as running:
        assert labels(running) == ["Reload Initiative v1", "Reload Marker v1"]
    assert content() == loaded
    (root / MARKER).write_text(marker(2))
    with start("changed.log") as running:
        assert labels(running) == ["Reload Initiative v2", "Reload Marker v2"]
    assert content().keys().isdisjoint(loaded)


# --- a remote store: `lerld load` publishes, `lerld serve --endpoint --reload` follows ----------


def test_serve_on_a_remote_store_follows_each_load(tmp_path):
    root = copy_project(tmp_path / "project")
    ox_port, port = free_port(), free_port()
    endpoint = f"http://127.0.0.1:{ox_port}/query"

    def load() -> None:
        result = lerld_load(root, endpoint)
        assert result.returncode == 0, result.stderr

    with server(oxigraph_command(tmp_path / "db", ox_port), ox_port, tmp_path / "ox.log"):
        load()
        command = lerld_command(
            "--root", str(root), "serve", "--port", str(port), "--endpoint", endpoint, "--reload"
        )
        with server(command, port, tmp_path / "serve.log", probe_path=MARKER_PAGE) as running:
            served = Reloading(running, root)
            assert served.version() == 1
            (root / MARKER).write_text(marker(2))
            time.sleep(1.5)  # the files are not what it serves: the store is
            assert served.reports() == 0 and served.version() == 1
            assert "lerld: reloaded" in served.change(load)
            assert served.version() == 2


def test_a_new_record_of_published_iris_is_a_new_version_to_look_at(tmp_path):
    """Validation compares the sources with published.tsv (an IRI recorded there and
    described nowhere stops publication): a changed record is looked at like a changed
    source file."""
    from lerld.core.settings import Settings
    from lerld.project.published import RECORD
    from lerld.serve.reload import fingerprint

    root = tmp_path / "project"
    for name in ("ontology", "shapes", "data"):
        shutil.copytree(REPO / name, root / name)
    settings = Settings(root=root)
    without = fingerprint(settings)
    (root / RECORD).write_text((REPO / RECORD).read_text("utf-8"), "utf-8")
    recorded = fingerprint(settings)
    assert recorded != without
    with (root / RECORD).open("a", encoding="utf-8") as record:
        record.write("https://w3id.org/ler/id/organization/gone\tlive\t2026-11-23\t2026-11-23\t-\n")
    assert fingerprint(settings) != recorded
