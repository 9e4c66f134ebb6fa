"""Vocabulary releases: release 1.0.0 of the real project answers what /ns/1.0.0 answered
before releases existed (tests/releases/served-1.0.0/), `lerld release` makes a 1.1.0 in a
copy of the project (an added, a deprecated and a changed term) and refuses to overwrite;
both releases resolve in every format on the dynamic server, a remote Oxigraph store and
the static build behind nginx and Apache; the changelog between them is those three
changes; `lerld validate` catches every edit of the bad-edit corpus at its FILE:LINE."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import requests
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL

from lerld import cli
from lerld.core.formats import DOCUMENT_FORMATS, JSONLD, RDF_FORMATS
from lerld.core.settings import Settings
from lerld.project import releases
from lerld.project.snapshot import build_snapshot
from lerld.web import create_app
from tests.conftest import REPO, SOURCE_DIRS
from tests.support import Answer, free_port, lerld_command, parse, server, store_server
from tests.system.test_build import apache, nginx  # noqa: F401 -- run on this module's `built`

SERVED = Path(__file__).parents[1] / "releases" / "served-1.0.0"
LER = "https://w3id.org/ler/ns#"
VERSIONS = ("1.0.0", "1.1.0")
# Release 1.1.0 of the fixture project: ler:termNamespace added, ler:vocabulary deprecated
# in its favour, ler:compatibleWith's definition reworded.
ADDED, DEPRECATED, CHANGED = LER + "termNamespace", LER + "vocabulary", LER + "compatibleWith"
OLD_DEFINITION = (
    "A standard whose documents this standard's documents also are, or with which they work: "
    "Open Badges 3.0 and CLR 2.0 credentials are W3C Verifiable Credentials."
)
NEW_DEFINITION = "A standard that this standard builds on or works with."
NEW_TERM = """
ler:termNamespace
    a owl:ObjectProperty ;
    rdfs:label "term namespace"@en ;
    rdfs:comment "The namespace of the RDF vocabulary in which a technical standard defines its terms."@en ;
    rdfs:domain ler:TechnicalStandard ;
    rdfs:isDefinedBy <https://w3id.org/ler/ns#> .
"""


def copy_project(root: Path) -> Path:
    for name in SOURCE_DIRS:
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("upstream"))
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text("utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), "utf-8")


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


def edit_1_1_0(root: Path) -> None:
    ler = root / "ontology" / "ler.ttl"
    edit(ler, OLD_DEFINITION, NEW_DEFINITION)
    edit(
        ler,
        "ler:vocabulary\n    a owl:ObjectProperty ;\n",
        "ler:vocabulary\n    a owl:ObjectProperty ;\n    owl:deprecated true ;\n"
        "    dcterms:isReplacedBy ler:termNamespace ;\n",
    )
    ler.write_text(ler.read_text("utf-8") + NEW_TERM, "utf-8")
    edit(
        root / "ontology" / "context.jsonld",
        '    "vocabulary": {"@id": "ler:vocabulary", "@type": "@id"},\n',
        '    "vocabulary": {"@id": "ler:vocabulary", "@type": "@id"},\n'
        '    "termNamespace": {"@id": "ler:termNamespace", "@type": "@id"},\n',
    )


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory) -> Path:
    """A copy of the project with release 1.0.0 (the repository's) and 1.1.0, made by
    `lerld release` from the edited working copy."""
    root = copy_project(tmp_path_factory.mktemp("two-releases"))
    edit_1_1_0(root)
    assert cli.main(["--root", str(root), "release", "1.1.0", "--date", "2026-12-05"]) == 0
    return root


@pytest.fixture(scope="module")
def fixture_app(two_releases):
    settings = Settings(root=two_releases)
    app = create_app(settings, build_snapshot(settings))
    app.config["TESTING"] = True
    return app


def release_urls() -> list[str]:
    urls = []
    for version in VERSIONS:
        for stem in (f"/ns/{version}", f"/ns/{version}/alignment", f"/ns/{version}/shapes"):
            urls += [f"{stem}.{f.extension}" for f in DOCUMENT_FORMATS]
        urls.append(f"/ns/{version}/context.jsonld")
    return urls + [f"/ns/changes.{f.extension}" for f in DOCUMENT_FORMATS]


# --- the real project ----------------------------------------------------------------------


def test_the_project_has_release_1_0_0_served_as_before(client):
    assert [r.version for r in releases.load(REPO)] == ["1.0.0"]
    names = {"ns_1.0.0": "/ns/1.0.0", "ns_alignment": "/ns/1.0.0/alignment"}
    names |= {"shapes": "/ns/1.0.0/shapes", "context": "/ns/1.0.0/context"}
    files = [f for f in sorted(SERVED.iterdir()) if f.suffix != ".md"]
    assert len(files) == 13
    for f in files:
        answer = client.get(names[f.stem] + f.suffix)
        assert answer.status_code == 200, f.name
        assert answer.data == f.read_bytes(), f"{f.name} changed"


def test_release_folders_are_not_sources(sources):
    assert not [f.relpath for f in sources.files if f.relpath.startswith("ontology/releases/")]


def test_the_current_page_lists_the_releases_and_an_unknown_version_names_them(client):
    page = client.get("/ns", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/ns/1.0.0"' in page and 'href="/ns/changes"' in page
    missing = client.get("/ns/0.9.0", headers={"Accept": "text/plain"})
    assert missing.status_code == 404
    assert "0.9.0" in missing.get_data(as_text=True)
    assert "published versions are 1.0.0" in missing.get_data(as_text=True)


# --- lerld release -------------------------------------------------------------------------


def test_release_sets_the_header_and_refuses_to_overwrite(two_releases, capsys):
    frozen = releases.find(releases.load(two_releases), "1.1.0")
    header = frozen.ontology
    ns = URIRef(LER)
    assert header.value(ns, OWL.versionInfo) == Literal("1.1.0")
    assert header.value(ns, OWL.versionIRI) == URIRef("https://w3id.org/ler/ns/1.1.0")
    assert header.value(ns, OWL.priorVersion) == URIRef("https://w3id.org/ler/ns/1.0.0")
    assert str(header.value(ns, DCTERMS.issued)) == "2026-12-05"
    # the citation names the version it cites (the working copy's named 1.0.0)
    assert str(header.value(ns, DCTERMS.bibliographicCitation)).startswith(
        "lerld contributors (2026). LER Ecosystem Vocabulary, version 1.1.0. "
        "https://w3id.org/ler/ns/1.1.0. "
    )
    # the working copy says the same, and release 1.0.0 is untouched
    assert (two_releases / "ontology/ler.ttl").read_bytes() == (
        two_releases / "ontology/releases/1.1.0/ler.ttl"
    ).read_bytes()
    assert (two_releases / "ontology/releases/1.0.0/ler.ttl").read_bytes() == (
        REPO / "ontology/releases/1.0.0/ler.ttl"
    ).read_bytes()
    assert (two_releases / "ontology/releases/1.1.0/shapes/ler-shapes.ttl").is_file()
    before = {p: p.read_bytes() for p in (two_releases / "ontology").rglob("*") if p.is_file()}
    for version, refusal in (("1.1.0", "never overwritten"), ("1.0.5", "not higher")):
        assert cli.main(["--root", str(two_releases), "release", version]) != 0
        assert refusal in capsys.readouterr().err
    assert before == {
        p: p.read_bytes() for p in (two_releases / "ontology").rglob("*") if p.is_file()
    }


# --- the changelog -------------------------------------------------------------------------


def test_the_changelog_between_the_releases_is_exactly_the_three_changes(two_releases):
    old, new = releases.load(two_releases)
    changes = releases.diff(old.ontology, new.ontology)
    assert [(c.kind, c.term, c.aspect) for c in changes] == [
        ("changed", CHANGED, "definition"),
        ("added", ADDED, None),
        ("deprecated", DEPRECATED, None),
    ]
    deprecated = changes[2]
    assert deprecated.replaced_by == (ADDED,)
    assert changes[0].before == (OLD_DEFINITION + "@en",)
    assert changes[0].after == (NEW_DEFINITION + "@en",)
    assert [c.impact for c in changes] == ["patch", "minor", "minor"]


def test_changes_are_published_as_html_turtle_and_json_ld(fixture_app):
    client = fixture_app.test_client()
    turtle = Graph().parse(data=client.get("/ns/changes.ttl").data, format="turtle")
    chg = releases.CHANGES
    step = URIRef("https://w3id.org/ler/ns/1.1.0")
    parts = set(turtle.subjects(DCTERMS.isPartOf, step))
    assert {turtle.value(p, chg["term"]) for p in parts} == {
        URIRef(ADDED),
        URIRef(DEPRECATED),
        URIRef(CHANGED),
    }
    assert turtle.value(step, OWL.priorVersion) == URIRef("https://w3id.org/ler/ns/1.0.0")
    answer = client.get("/ns/changes.jsonld")
    snapshot = fixture_app.extensions["lerld"].current
    jsonld = parse(Answer(200, answer.headers, answer.data), JSONLD, snapshot)
    assert len(jsonld) == len(turtle)
    page = client.get("/ns/changes", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert "ler:termNamespace" in page and "definition changed" in page


def test_the_documentation_gives_each_terms_history_and_marks_deprecation(fixture_app):
    page = fixture_app.test_client().get("/ns", headers={"Accept": "text/html"}).get_data(True)
    assert "introduced in 1.0.0; definition changed in 1.1.0" in page
    assert "introduced in 1.1.0" in page
    section = page[page.index('id="vocabulary"') :]
    section = section[: section.index("</section>")]
    assert "deprecated" in section and "Replaced by" in section and "#termNamespace" in section
    context = fixture_app.test_client().get("/ns/context.jsonld").get_json()["@context"]
    assert context["vocabulary"] == {"@id": "ler:vocabulary", "@type": "@id"}


def test_data_using_a_deprecated_term_warns_at_its_line(two_releases, capsys):
    assert cli.main(["--root", str(two_releases), "validate"]) == 0
    output = capsys.readouterr().out
    data = two_releases / "data" / "technical-guidance.ttl"
    line = line_of(data, "ler:vocabulary <https://www.w3.org/2018/credentials#>")
    assert at_line(output, "data/technical-guidance.ttl", line, "Warning", "uses ler:vocabulary")
    assert "use ler:termNamespace instead" in output


# --- every release in every format, everywhere -----------------------------------------------


def test_both_releases_resolve_in_every_format_on_the_dynamic_server(fixture_app):
    client = fixture_app.test_client()
    for url in release_urls():
        assert client.get(url).status_code == 200, url
    for version in VERSIONS:
        for fmt in DOCUMENT_FORMATS:  # by negotiation too
            answer = client.get(f"/ns/{version}", headers={"Accept": fmt.media_type})
            assert answer.status_code == 200 and answer.mimetype == fmt.media_type
    old = Graph().parse(data=client.get("/ns/1.0.0.ttl").data, format="turtle")
    new = Graph().parse(data=client.get("/ns/1.1.0.ttl").data, format="turtle")
    assert (URIRef(ADDED), None, None) not in old and (URIRef(ADDED), None, None) in new
    assert client.get("/ns/1.2.0").status_code == 404
    # release 1.0.0 is the repository's, byte for byte, next to a later release
    assert client.get("/ns/1.0.0.ttl").data == (SERVED / "ns_1.0.0.ttl").read_bytes()
    assert client.get("/ns/1.0.0.jsonld").data == (SERVED / "ns_1.0.0.jsonld").read_bytes()


def expected_answers(fixture_app) -> dict[str, bytes]:
    client = fixture_app.test_client()
    return {url: client.get(url).data for url in release_urls()}


def same_everywhere(fetch: Callable[[str, dict], requests.Response], expected, html=True):
    for url, body in expected.items():
        answer = fetch(url, {})
        assert answer.status_code == 200, url
        if html or not url.endswith(".html"):
            assert answer.content == body, url
    for version in VERSIONS:
        for fmt in RDF_FORMATS:
            answer = fetch(f"/ns/{version}", {"Accept": fmt.media_type})
            assert answer.status_code == 200, (version, fmt.media_type)
            assert answer.content == expected[f"/ns/{version}.{fmt.extension}"]


def http(url: str) -> Callable[[str, dict], requests.Response]:
    session = requests.Session()
    return lambda path, headers: session.get(url + path, headers=headers, timeout=30)


def test_both_releases_resolve_on_a_real_lerld_serve(two_releases, fixture_app, tmp_path):
    port = free_port()
    command = lerld_command("--root", str(two_releases), "serve", "--port", str(port))
    with server(command, port, tmp_path / "serve.log") as running:
        same_everywhere(http(running.url), expected_answers(fixture_app))


@pytest.mark.parametrize("engine", ["oxigraph", "virtuoso"])
def test_both_releases_resolve_on_a_remote_store(two_releases, fixture_app, tmp_path, engine):
    with store_server(engine, tmp_path / "store") as store:
        loaded = store.load(two_releases)
        assert loaded.returncode == 0, loaded.stderr
        port = free_port()
        command = lerld_command(
            "--root", str(two_releases), "serve", "--port", str(port), "--endpoint", store.query
        )
        with server(command, port, tmp_path / "serve.log") as running:
            same_everywhere(http(running.url), expected_answers(fixture_app))


@pytest.fixture(scope="module")
def built(fixture_app, tmp_path_factory):
    """The fixture project's static site (test_build's nginx and apache serve it)."""
    from lerld.tools.build import crawl, write

    out = tmp_path_factory.mktemp("build") / "site"
    site = crawl(fixture_app)
    write(site, out)
    return site, out, None, ""


@pytest.mark.parametrize("web_server", ["nginx", "apache"])
def test_both_releases_resolve_in_the_static_build(built, fixture_app, web_server, request):
    site, _, _, _ = built
    assert not [p for p in site.broken if p.startswith("/ns")]
    running = request.getfixturevalue(web_server)
    same_everywhere(http(running.url), expected_answers(fixture_app))


# --- the bad-edit corpus -------------------------------------------------------------------

COMPATIBLE_WITH_BLOCK = (
    'ler:compatibleWith\n    a owl:ObjectProperty ;\n    rdfs:label "compatible with"@en ;\n'
)


def set_version(ler: Path, version: str) -> None:
    """The working copy's owl:versionInfo and owl:versionIRI, from 1.0.0 to `version`."""
    edit(ler, '"1.0.0"', f'"{version}"')
    edit(ler, "<https://w3id.org/ler/ns/1.0.0> ;", f"<https://w3id.org/ler/ns/{version}> ;")


def removed_term(root: Path) -> tuple[str, int]:
    ler = root / "ontology/ler.ttl"
    text = ler.read_text("utf-8")
    start = text.index("ler:compatibleWith\n")
    end = text.index("\n\n", start) + 2
    ler.write_text(text[:start] + text[end:], "utf-8")
    release = root / "ontology/releases/1.0.0/ler.ttl"
    return "ontology/releases/1.0.0/ler.ttl", line_of(release, "ler:compatibleWith")


def renamed_term(root: Path) -> tuple[str, int]:
    ler = root / "ontology/ler.ttl"
    edit(ler, "ler:compatibleWith\n", "ler:worksWith\n")
    return "ontology/ler.ttl", line_of(ler, "ler:worksWith")


def deprecated_without_replacement(root: Path) -> tuple[str, int]:
    ler = root / "ontology/ler.ttl"
    edit(
        ler,
        "ler:vocabulary\n    a owl:ObjectProperty ;\n",
        "ler:vocabulary\n    a owl:ObjectProperty ;\n    owl:deprecated true ;\n",
    )
    set_version(ler, "1.1.0")
    return "ontology/ler.ttl", line_of(ler, "    owl:deprecated true ;")


def version_not_bumped(root: Path) -> tuple[str, int]:
    ler = root / "ontology/ler.ttl"
    edit(ler, OLD_DEFINITION, NEW_DEFINITION)
    return "ontology/ler.ttl", line_of(ler, "owl:versionInfo")


def version_lowered(root: Path) -> tuple[str, int]:
    ler = root / "ontology/ler.ttl"
    set_version(ler, "0.9.0")
    return "ontology/ler.ttl", line_of(ler, "owl:versionInfo")


def domain_changed(root: Path) -> tuple[str, int]:
    ler = root / "ontology/ler.ttl"
    edit(
        ler,
        "    rdfs:domain ler:TechnicalStandard ;\n    rdfs:range ler:TechnicalStandard ;",
        "    rdfs:domain ler:TechnicalFramework ;\n    rdfs:range ler:TechnicalStandard ;",
    )
    set_version(ler, "1.1.0")
    start = line_of(ler, "ler:compatibleWith")
    rows = ler.read_text("utf-8").splitlines()
    return "ontology/ler.ttl", start + next(
        n for n, row in enumerate(rows[start - 1 :]) if "rdfs:domain" in row
    )


def context_term_removed(root: Path) -> tuple[str, int]:
    edit(
        root / "ontology/context.jsonld",
        '    "compatibleWith": {"@id": "ler:compatibleWith", "@type": "@id", "@container": "@set"},\n',
        "",
    )
    return "ontology/context.jsonld", 1


BAD_EDITS = {
    # edit -> (severity, words of the message)
    removed_term: ("Violation", "is no longer defined in ontology/"),
    renamed_term: ("Violation", "looks renamed to ler:worksWith"),
    deprecated_without_replacement: ("Warning", "deprecated without a replacement or a reason"),
    version_not_bumped: ("Violation", "set owl:versionInfo to 1.0.1"),
    version_lowered: ("Violation", "lower than the last release, 1.0.0"),
    domain_changed: ("Warning", "a major change under semantic versioning"),
    context_term_removed: ("Violation", 'the JSON-LD context term "compatibleWith"'),
}


@pytest.mark.parametrize("bad_edit", BAD_EDITS, ids=lambda f: f.__name__)
def test_validate_catches_each_bad_edit_at_its_line(bad_edit, tmp_path, capsys):
    root = copy_project(tmp_path)
    file, line = bad_edit(root)
    severity, words = BAD_EDITS[bad_edit]
    status = cli.main(["--root", str(root), "validate"])
    output = capsys.readouterr().out
    assert status == (1 if severity == "Violation" else 0), output
    assert at_line(output, file, line, severity, words), output


def at_line(output: str, file: str, line: int, severity: str, words: str) -> bool:
    """Whether `lerld validate`'s text has a finding at FILE:LINE: on its own row, or on the
    row of the entity it is about (a finding at its entity's line is listed under it)."""
    rows = output.splitlines()
    if any(words in r and f"{severity}:" in r and f"{file}:{line}:" in r for r in rows):
        return True
    for n, row in enumerate(rows):
        if row.startswith(f"{file}:{line}: "):
            for below in rows[n + 1 :]:
                if not below.startswith("  "):
                    break
                if words in below and f"{severity}:" in below:
                    return True
    return False
