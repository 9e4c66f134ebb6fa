"""Published entity IRIs never vanish silently (src/lerld/published.py): the record of what
was published, `lerld validate` against it, tombstones answered 301/303/410 by the dynamic
server, remote stores (Oxigraph server, Virtuoso) and the static build under nginx and
Apache, harvesters told of removals (the collection's ?since=, the sitemap), and the
w3id.org rules.

The fixture project is a copy of the repository's, recorded as published on RECORDED; then
an editor renames one organization (with sed, links included) and withdraws another
(tests/departures.py)."""

from __future__ import annotations

import contextlib
import shutil
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from lerld import cli
from lerld.core.formats import DOCUMENT_FORMATS, HTML
from lerld.core.settings import Settings
from lerld.project import published
from lerld.project.snapshot import build_snapshot
from lerld.project.sources import graph_name, load_context, load_sources
from lerld.project.validation import validate
from lerld.stores import GraphData
from lerld.stores.backends import embedded_store
from lerld.tools.build import build, w3id_rules
from lerld.web import create_app
from tests.conftest import REPO, SOURCE_DIRS
from tests.departures import (
    BASE,
    DAY,
    NEW,
    OLD,
    REASON,
    RECORDED,
    WITHDRAWN,
    add_tombstones,
    rename_and_withdraw,
)
from tests.harvesting import jsonld_graph
from tests.support import (
    ServerProcess,
    apache_server,
    free_port,
    lerld_command,
    nginx_server,
    server,
    store_server,
)

AS = Namespace("https://www.w3.org/ns/activitystreams#")
RS = "{http://www.openarchives.org/rs/terms/}"
SITE = BASE.removesuffix("id/")
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def copy_project(target: Path, source: Path = REPO) -> Path:
    for name in SOURCE_DIRS:
        shutil.copytree(source / name, target / name, ignore=shutil.ignore_patterns("upstream"))
    if (source / published.RECORD).exists():
        shutil.copy(source / published.RECORD, target / published.RECORD)
    return target


@pytest.fixture(scope="module")
def recorded(tmp_path_factory) -> Path:
    """The project, recorded as published on RECORDED by `lerld record-published`."""
    root = copy_project(tmp_path_factory.mktemp("recorded"))
    (root / published.RECORD).unlink(missing_ok=True)
    assert cli.main(["--root", str(root), "record-published", "--date", RECORDED]) == 0
    return root


@pytest.fixture
def edited(recorded, tmp_path) -> Path:
    """A copy of the recorded project to edit."""
    return copy_project(tmp_path, recorded)


@pytest.fixture(scope="module")
def departed(recorded, tmp_path_factory) -> Path:
    """The recorded project after the rename and the withdrawal, with their tombstones."""
    root = copy_project(tmp_path_factory.mktemp("departed"), recorded)
    rename_and_withdraw(root)
    add_tombstones(root)
    return root


def report_of(root: Path):
    return validate(load_sources(Settings(root=root)))


def findings(report, constraint: str) -> list:
    return [f for f in report.findings if f.constraint == constraint]


# --- the record ---------------------------------------------------------------------------


def test_the_record_lists_every_entity_iri(recorded):
    snapshot = build_snapshot(Settings(root=recorded))
    rows = published.read_record(recorded)
    subjects = snapshot.store.select(
        f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{BASE}")) }}'
    )
    assert {r.iri for r in rows} == {str(row["s"]) for row in subjects}
    assert {(r.state, r.first.isoformat()) for r in rows} == {("live", RECORDED)}
    # recording again changes nothing, and keeps the day each IRI was first recorded
    text = (recorded / published.RECORD).read_text()
    again = published.record_published(load_sources(Settings(root=recorded)))
    assert (again.added, again.changed) == ((), ())
    assert (recorded / published.RECORD).read_text() == text


def test_the_real_project_records_its_entity_iris():
    """The repository's published.tsv lists every entity IRI it publishes, and none has
    vanished (an edit that adds entities records them with `lerld record-published`)."""
    rows = published.read_record(REPO)
    assert rows is not None, "published.tsv is missing: run `lerld record-published`"
    sources = load_sources(Settings(root=REPO))
    now = published.described_by(sources)
    assert set(now) <= {r.iri for r in rows}
    assert {r.iri: (r.state, r.modified, r.content) for r in rows if r.iri in now} == {
        iri: (e.state, e.modified, e.content) for iri, e in now.items()
    }
    assert not [f for f in report_of(REPO).findings if f.constraint.startswith("published:")]


def hashes(graph: Graph) -> dict[str, str]:
    """The content hash of each entity `graph` describes, as a data file of a project."""
    store = embedded_store()
    try:
        data = graph.serialize(format="nt", encoding="utf-8")
        store.replace([GraphData(graph_name("data/one.ttl"), data, "application/n-triples")])
        described = published.described(store, [graph_name("data/one.ttl")])
        return {iri: e.content for iri, e in described.items()}
    finally:
        store.close()


def test_the_content_hash_ignores_how_the_turtle_is_written(recorded):
    path = recorded / "data" / "organizations.ttl"
    graph = Graph().parse(path)
    rewritten = Graph().parse(data=graph.serialize(format="turtle"), format="turtle")
    before = hashes(graph)
    assert len(before) > 10 and hashes(rewritten) == before
    one = URIRef(BASE + OLD)
    graph.set((one, DCTERMS.modified, Literal("2030-01-01", datatype=XSD.date)))
    assert hashes(graph) == before  # the date is not the content
    graph.add((one, SKOS.altLabel, Literal("Registrars", lang="en")))
    after = hashes(graph)
    assert after[str(one)] != before[str(one)]
    assert {k: v for k, v in after.items() if k != str(one)} == {
        k: v for k, v in before.items() if k != str(one)
    }


def test_a_broken_record_is_reported_at_its_line(edited, capsys):
    path = edited / published.RECORD
    lines = path.read_text().splitlines()
    lines[7] = lines[7].replace("\tlive\t", "\tmaybe\t")
    path.write_text("\n".join(lines) + "\n")
    assert cli.main(["--root", str(edited), "validate"]) == cli.EXIT_SOURCE_ERROR
    assert f"{published.RECORD}:8: expected five tab-separated fields" in capsys.readouterr().err


# --- validate against the record -------------------------------------------------------------


def test_a_changed_record_is_checked_with_a_warm_cache(edited, tmp_path, monkeypatch):
    """The validation cache knows the record: a line added to it after a validation (an IRI
    that no file describes) is reported by the next one, the data unchanged."""
    monkeypatch.setenv("LERLD_CACHE_DIR", str(tmp_path / "cache"))
    assert not findings(report_of(edited), "published:vanished")
    gone = BASE + "organization/never-described"
    with (edited / published.RECORD).open("a", encoding="utf-8") as record:
        record.write(f"{gone}\tlive\t{RECORDED}\t{RECORDED}\t-\n")
    assert [f.focus for f in findings(report_of(edited), "published:vanished")] == [gone]


def test_validate_refuses_a_rename_until_a_tombstone_is_added(edited, capsys):
    rename_and_withdraw(edited)
    assert cli.main(["--root", str(edited), "validate"]) == cli.EXIT_INVALID
    out = capsys.readouterr().out
    lines = (edited / published.RECORD).read_text().splitlines()
    for stem in (OLD, WITHDRAWN):
        line = next(n for n, text in enumerate(lines, 1) if text.startswith(BASE + stem + "\t"))
        assert f"{published.RECORD}:{line}: {stem}\n  Violation: was published" in out
    # the initiatives whose links sed rewrote changed without a new dcterms:modified
    report = report_of(edited)
    unbumped = {f.focus for f in findings(report, "published:modified-not-bumped")}
    assert BASE + "initiative/ler-ecosystem-map" in unbumped
    assert all(
        f.file == "data/initiatives.ttl" and f.line for f in report.findings if f.focus in unbumped
    )

    add_tombstones(edited)
    assert cli.main(["--root", str(edited), "validate"]) == cli.EXIT_OK
    assert not findings(report_of(edited), "published:vanished")


def test_a_withdrawn_tombstone_must_stay(departed, tmp_path):
    root = copy_project(tmp_path, departed)
    assert cli.main(["--root", str(root), "record-published"]) == 0
    rows = {r.iri: r.state for r in published.read_record(root)}
    assert (rows[BASE + OLD], rows[BASE + WITHDRAWN]) == ("replaced", "withdrawn")
    (root / "data" / "tombstones.ttl").unlink()
    vanished = {f.focus for f in findings(report_of(root), "published:vanished")}
    assert vanished == {BASE + OLD, BASE + WITHDRAWN}


STUB = """
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ler: <https://w3id.org/ler/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix as: <https://www.w3.org/ns/activitystreams#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""


@pytest.mark.parametrize(
    "tombstones, message",
    [
        (  # the hand-made stub that used to show up as a second live organization
            f'<{BASE}{OLD}> a ler:Organization ; rdfs:label "AACRAO (old)"@en ; '
            f'dcterms:modified "{DAY}"^^xsd:date ; dcterms:isReplacedBy <{BASE}{NEW}> .',
            "type it as:Tombstone only",
        ),
        (
            f"<{BASE}{OLD}> a as:Tombstone ; as:formerType ler:Organization ; "
            f'dcterms:modified "{DAY}"^^xsd:date .',
            "A tombstone says what happened",
        ),
        (
            f"<{BASE}{OLD}> a as:Tombstone ; as:formerType ler:Organization ; "
            f'dcterms:modified "{DAY}"^^xsd:date ; dcterms:isReplacedBy <{BASE}{WITHDRAWN}> .\n'
            f"<{BASE}{WITHDRAWN}> a as:Tombstone ; as:formerType ler:Organization ; "
            f'dcterms:modified "{DAY}"^^xsd:date ; skos:changeNote "gone"@en .',
            "not another tombstone",
        ),
        (
            f"<{BASE}{OLD}> a as:Tombstone , ler:Organization ; as:formerType ler:Organization ; "
            f'dcterms:modified "{DAY}"^^xsd:date ; dcterms:isReplacedBy <{BASE}{NEW}> .',
            "its only rdf:type is as:Tombstone",
        ),
    ],
    ids=["stub", "no-replacement-no-reason", "replaced-by-a-tombstone", "still-typed"],
)
def test_a_bad_tombstone_is_a_violation_at_its_line(edited, tombstones, message):
    rename_and_withdraw(edited)
    (edited / "data" / "tombstones.ttl").write_text(STUB + tombstones + "\n")
    report = report_of(edited)
    assert not report.conforms
    found = [f for f in report.findings if message in f.message]
    assert found and all(f.file == "data/tombstones.ttl" and f.line for f in found), (
        report.to_text()
    )


def test_links_to_a_tombstone_are_warned_of(edited):
    organizations = edited / "data" / "organizations.ttl"
    # the organization alone is renamed: the initiatives still link to the old IRI
    organizations.write_text(
        organizations.read_text().replace(
            "organization:aacrao a ler:Organization",
            "organization:aacrao-registrars a ler:Organization",
        )
    )
    add_tombstones(edited)
    report = report_of(edited)
    # the shapes refuse the link (a partner is an organization, and a tombstone is none);
    # the record's check says what to link to instead
    warned = findings(report, "published:link-to-tombstone")
    assert {f.focus for f in warned} >= {BASE + "initiative/ler-ecosystem-map"}
    assert all(f.severity == "Warning" and f.file == "data/initiatives.ttl" for f in warned)
    lines = (edited / "data" / "initiatives.ttl").read_text().splitlines()
    assert all("organization:aacrao " in lines[f.line - 1] for f in warned)


def test_content_changed_without_a_new_date_is_warned_of(edited):
    path = edited / "data" / "organizations.ttl"
    path.write_text(
        path.read_text().replace('"1EdTech Consortium"@en', '"1EdTech Consortium Inc."@en')
    )
    (warning,) = findings(report_of(edited), "published:modified-not-bumped")
    assert warning.focus == BASE + "organization/1edtech" and warning.severity == "Warning"
    line = path.read_text().splitlines()[warning.line - 1]
    assert (warning.file, line.strip()) == (
        "data/organizations.ttl",
        'dcterms:modified "2026-11-23"^^xsd:date ;',
    )


# --- answering for departed IRIs -----------------------------------------------------------


def fetch(url: str, path: str, accept: str | None = None) -> requests.Response:
    headers = {"Accept": accept} if accept else {}
    return requests.get(url + path, headers=headers, allow_redirects=False, timeout=30)


def check_departures(url: str, negotiates: bool = True) -> None:
    """The renamed entity's IRI and document redirect to its replacement's document, in
    every format; the withdrawn one's are 410 Gone, with a body that says when and why."""
    for fmt in DOCUMENT_FORMATS:
        r = fetch(url, f"/id/{OLD}.{fmt.extension}")
        assert (r.status_code, urlsplit(r.headers["Location"]).path) == (
            303,
            f"/doc/{NEW}.{fmt.extension}",
        )
        r = fetch(url, f"/doc/{OLD}.{fmt.extension}")
        assert (r.status_code, urlsplit(r.headers["Location"]).path) == (
            301,
            f"/doc/{NEW}.{fmt.extension}",
        )
        for where in ("id", "doc"):
            r = fetch(url, f"/{where}/{WITHDRAWN}.{fmt.extension}")
            assert r.status_code == 410, (where, fmt.key)
            assert r.headers["Content-Type"].split(";")[0] == fmt.media_type
            assert_says_when_and_why(r, fmt)
    r = fetch(url, f"/id/{OLD}", "text/turtle")
    assert (r.status_code, urlsplit(r.headers["Location"]).path) == (303, f"/doc/{NEW}")
    r = fetch(url, f"/doc/{OLD}", "text/turtle")
    assert (r.status_code, urlsplit(r.headers["Location"]).path) == (301, f"/doc/{NEW}")
    # a Linked Data client that follows the redirects gets the replacement, which says
    # what it replaces
    r = requests.get(url + f"/id/{OLD}", headers={"Accept": "text/turtle"}, timeout=30)
    assert (r.status_code, [h.status_code for h in r.history]) == (200, [303])
    graph = Graph().parse(data=r.content, format="turtle")
    assert (URIRef(BASE + OLD), DCTERMS.isReplacedBy, URIRef(BASE + NEW)) in graph
    if negotiates:
        for fmt in DOCUMENT_FORMATS:
            for where in ("id", "doc"):
                r = fetch(url, f"/{where}/{WITHDRAWN}", fmt.media_type)
                assert r.status_code == 410
                assert r.headers["Content-Type"].split(";")[0] == fmt.media_type
                assert_says_when_and_why(r, fmt)
    assert fetch(url, f"/doc/{NEW}.ttl").status_code == 200


def assert_says_when_and_why(r: requests.Response, fmt) -> None:
    if fmt == HTML:
        assert REASON in r.text and DAY in r.text and "410 Gone" in r.text
        return
    if fmt.key == "jsonld":  # as a registry reads it: pyld, lerld's context offline
        graph = jsonld_graph(r.content, load_context(REPO))
    else:
        graph = Graph().parse(data=r.content, format=fmt.rdflib_format)
    gone = URIRef(BASE + WITHDRAWN)
    assert (gone, RDF.type, AS.Tombstone) in graph
    assert (gone, SKOS.changeNote, Literal(REASON, lang="en")) in graph
    assert (gone, DCTERMS.modified, Literal(DAY, datatype=XSD.date)) in graph


@pytest.fixture(scope="module")
def dynamic(departed, tmp_path_factory):
    port = free_port()
    log = tmp_path_factory.mktemp("departed-live") / "serve.log"
    command = lerld_command("--root", str(departed), "serve", "--port", str(port))
    with server(command, port, log) as running:
        yield running


@contextlib.contextmanager
def served_from(engine: str, departed: Path, directory: Path) -> Iterator[ServerProcess]:
    """`lerld serve --endpoint` (read-only) on a real Oxigraph server or Virtuoso that
    `lerld load` filled."""
    with store_server(engine, directory) as store:
        load = store.load(departed)
        assert load.returncode == 0, load.stderr
        port = free_port()
        command = lerld_command(
            "--root", str(departed), "serve", "--port", str(port), "--endpoint", store.query
        )
        with server(command, port, directory / "serve.log") as running:
            yield running


@pytest.fixture(scope="module")
def oxigraph(departed, tmp_path_factory):
    with served_from("oxigraph", departed, tmp_path_factory.mktemp("departed-oxigraph")) as s:
        yield s


@pytest.fixture(scope="module")
def virtuoso(departed, tmp_path_factory):
    with served_from("virtuoso", departed, tmp_path_factory.mktemp("departed-virtuoso")) as s:
        yield s


@pytest.fixture(scope="module", params=["dynamic", "oxigraph", "virtuoso"])
def live(request):
    return request.getfixturevalue(request.param)


def test_the_server_answers_for_departed_iris(live):
    check_departures(live.url)


@pytest.fixture(scope="module")
def site(departed, tmp_path_factory):
    settings = Settings(root=departed)
    app = create_app(settings, build_snapshot(settings))
    out = tmp_path_factory.mktemp("departed-site") / "site"
    built = build(app, out)
    return out, built


@pytest.fixture(scope="module", params=["nginx", "apache"])
def static(request, site, tmp_path_factory):
    out, _ = site
    run = nginx_server if request.param == "nginx" else apache_server
    with run(out, tmp_path_factory.mktemp(request.param)) as running:
        yield running


def test_the_static_build_answers_for_departed_iris(static, site):
    _, built = site
    assert built.departed == {OLD: NEW, WITHDRAWN: None}
    assert not built.broken
    check_departures(static.url)
    assert fetch(static.url, f"/gone/doc/{WITHDRAWN}.ttl").status_code == 404


# --- not a live entity ------------------------------------------------------------------------


def test_tombstones_are_not_live_entities(dynamic):
    url = dynamic.url
    first = requests.get(url + "/entities.jsonld", timeout=30).json()
    members = []
    page = first
    while True:
        members += [m["@id"] for m in page["hydra:member"]]
        following = page["hydra:view"].get("hydra:next")
        if not following:
            break
        page = requests.get(url + urlsplit(following["@id"]).path, timeout=30).json()
    assert BASE + NEW in members
    assert BASE + OLD not in members and BASE + WITHDRAWN not in members
    assert first["hydra:totalItems"] == len(members)
    organizations = requests.get(
        url + "/organizations", headers={"Accept": "text/html"}, timeout=30
    )
    assert f'href="/doc/{NEW}"' in organizations.text
    assert f'href="/doc/{OLD}"' not in organizations.text
    assert f'href="/doc/{WITHDRAWN}"' not in organizations.text
    network = Graph().parse(data=requests.get(url + "/map.nt", timeout=30).content, format="nt")
    assert URIRef(BASE + NEW) in set(network.subjects())
    assert not {URIRef(BASE + OLD), URIRef(BASE + WITHDRAWN)} & set(network.subjects())
    void = Graph().parse(
        data=requests.get(url + "/.well-known/void.ttl", timeout=30).content, format="turtle"
    )
    entities = void.value(
        URIRef(SITE + ".well-known/void#dataset"), URIRef("http://rdfs.org/ns/void#entities")
    )
    assert int(entities) == len(members)
    page = requests.get(url + f"/doc/{NEW}", headers={"Accept": "text/html"}, timeout=30)
    assert "Replaces" in page.text and f'href="/doc/{OLD}"' in page.text


# --- harvesters learn removals -----------------------------------------------------------------


def test_a_harvest_since_before_the_change_learns_both(live, departed):
    url = live.url
    context = build_snapshot(Settings(root=departed)).context
    since = RECORDED
    for extension in ("jsonld", "ttl"):
        r = requests.get(f"{url}/entities.{extension}?since={since}", timeout=30)
        assert r.status_code == 200
        graph = (
            jsonld_graph(r.content, context)
            if extension == "jsonld"
            else Graph().parse(data=r.content, format="turtle")
        )
        rows = {
            (str(row.kind), str(row.object), str(row.target or ""), row.day.toPython().date())
            for row in graph.query(
                """SELECT ?kind ?object ?target ?day WHERE {
                    ?activity a ?kind ; as:object ?object ; as:published ?day .
                    OPTIONAL { ?activity as:target ?target } }""",
                initNs={"as": AS},
            )
        }
        assert rows == {
            (str(AS.Move), BASE + OLD, BASE + NEW, date.fromisoformat(DAY)),
            (str(AS.Delete), BASE + WITHDRAWN, "", date.fromisoformat(DAY)),
        }, extension
    # the type filter applies to what the removed entities were
    r = requests.get(f"{url}/entities.jsonld?since={since}&type=ler:Topic", timeout=30).json()
    assert "as:items" not in r
    # a harvest after the change has nothing to learn of them
    r = requests.get(f"{url}/entities.jsonld?since=2026-12-02", timeout=30).json()
    assert "as:items" not in r


def test_the_sitemap_lists_removals_as_a_resourcesync_change_list(live):
    root = ET.fromstring(requests.get(live.url + "/sitemap.xml", timeout=30).content)
    urls = {u.findtext(f"{SITEMAP}loc"): u for u in root.iter(f"{SITEMAP}url")}
    for stem in (OLD, WITHDRAWN):
        entry = urls[f"{SITE}doc/{stem}"]
        assert entry.findtext(f"{SITEMAP}lastmod") == DAY
        assert entry.find(f"{RS}md").get("change") == "deleted"
    moved = urls[f"{SITE}doc/{OLD}"].find(f"{RS}ln")
    assert (moved.get("rel"), moved.get("href")) == (
        "successor-version",
        f"{SITE}doc/{NEW}",
    )
    assert urls[f"{SITE}doc/{NEW}"].find(f"{RS}md") is None


# --- w3id.org ------------------------------------------------------------------------------------

HOST = "https://ler.example.org/"


@pytest.fixture(scope="module")
def w3id(tmp_path_factory):
    """Apache as w3id.org: the rules `lerld w3id` writes, at ler/.htaccess."""
    root = tmp_path_factory.mktemp("w3id") / "site"
    (root / "ler").mkdir(parents=True)
    (root / "index.html").write_text("w3id\n")
    assert cli.main(["w3id", HOST, "--out", str(root / "ler" / ".htaccess")]) == 0
    assert (root / "ler" / ".htaccess").read_text() == w3id_rules(HOST)
    with apache_server(root, tmp_path_factory.mktemp("w3id-apache")) as running:
        yield running


@pytest.mark.parametrize(
    "path, accept, status, location",
    [
        ("/ler/id/stakeholder/employers", "text/turtle", 303, "doc/stakeholder/employers"),
        ("/ler/id/stakeholder/employers", None, 303, "doc/stakeholder/employers"),
        ("/ler/id/stakeholder/employers.jsonld", None, 303, "doc/stakeholder/employers.jsonld"),
        (f"/ler/id/{WITHDRAWN}", "text/html", 303, f"doc/{WITHDRAWN}"),
        ("/ler/ns", "text/html,application/xhtml+xml;q=0.9,*/*;q=0.8", 303, "ns.html"),
        ("/ler/ns", "text/turtle", 303, "ns.ttl"),
        ("/ler/ns", "application/ld+json", 303, "ns.jsonld"),
        ("/ler/ns", "application/rdf+xml", 303, "ns.rdf"),
        ("/ler/ns", "application/n-triples", 303, "ns.nt"),
        ("/ler/ns", "*/*", 303, "ns"),
        ("/ler/ns", None, 303, "ns"),
        ("/ler/ns/1.0.0", "text/turtle", 303, "ns/1.0.0.ttl"),
        ("/ler/ns/1.1.0", "application/ld+json;profile=x", 303, "ns/1.1.0.jsonld"),
        ("/ler/ns/alignment", "text/turtle", 303, "ns/alignment.ttl"),
        ("/ler/ns/1.0.0/alignment", "application/rdf+xml", 303, "ns/1.0.0/alignment.rdf"),
        ("/ler/ns/context.jsonld", "text/turtle", 302, "ns/context.jsonld"),
        ("/ler/ns.ttl", "text/html", 302, "ns.ttl"),
        ("/ler/doc/stakeholder/employers.ttl", None, 302, "doc/stakeholder/employers.ttl"),
        ("/ler/", "text/html", 302, ""),
        ("/ler/sitemap.xml", None, 302, "sitemap.xml"),
    ],
)
def test_w3id_redirects_to_the_deployed_host(w3id, path, accept, status, location):
    r = fetch(w3id.url, path, accept)
    assert (r.status_code, r.headers.get("Location")) == (status, HOST + location)
