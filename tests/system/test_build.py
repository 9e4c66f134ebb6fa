"""`lerld build`: the static site is the dynamic one byte for byte, reproducible, and
served by plain static file servers it passes the dereferencing tests that need no
content negotiation (python -m http.server), and with its server rules the 303 and
single-type negotiation tests too: nginx with OUT/.nginx/*.conf, Apache httpd with
OUT/.htaccess. Both servers are required (.ci/run installs them): missing, the tests fail."""

from __future__ import annotations

import hashlib
import os
import subprocess
from pathlib import Path

import pytest
import requests
from rdflib import Graph
from rdflib.compare import isomorphic

import lerld
from lerld.core.formats import DOCUMENT_FORMATS, DUMP_FORMATS, RDF_FORMATS, alternate_relation
from lerld.publish import describe
from lerld.tools.build import file_for, write
from tests.accept_headers import ROWS, SAME
from tests.conftest import REPO
from tests.http import test_linkeddata as dereferencing  # the same tests, on the static site
from tests.http.test_linkeddata import Answer, entity_paths, parse
from tests.support import apache_server, free_port, lerld_command, nginx_server, server

STATIC_TESTS = (
    dereferencing.test_entity_iri_is_a_thing_303_to_its_document,
    dereferencing.test_entity_iri_with_extension_303_to_that_format,
    dereferencing.test_extension_overrides_accept,
    dereferencing.test_head_has_headers_and_no_body,
    dereferencing.test_last_modified_is_an_http_date,
    dereferencing.test_strong_etag_and_conditional_requests,
)


def tree(root: Path) -> dict[str, str]:
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


@pytest.fixture(scope="session")
def built(app, tmp_path_factory):
    """The site built in this process, while `lerld build` builds it again in another."""
    from lerld.tools.build import crawl

    root = tmp_path_factory.mktemp("build")
    again = root / "again"
    log = root / "again.log"
    with open(log, "wb") as out:
        other = subprocess.Popen(
            lerld_command("--root", str(REPO), "build", str(again)),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    site = crawl(app)
    write(site, root / "site")
    assert other.wait(timeout=600) == 0, log.read_text()
    return site, root / "site", again, log.read_text()


def test_build_is_reproducible(built):
    site, out, again, _ = built
    assert tree(out) == tree(again)
    assert os.stat(out / "dump.nt").st_mtime == site.modified


def test_build_reports_broken_links(built):
    site, _, _, output = built
    for path in site.broken:
        assert path in output


def test_static_files_are_the_dynamic_answers(built, client, snapshot):
    site, out, _, _ = built
    paths = entity_paths(snapshot)
    for path in paths[::25]:
        doc = path.replace("/id/", "/doc/", 1)
        for fmt in DOCUMENT_FORMATS:
            assert (out / f"{doc[1:]}.{fmt.extension}").read_bytes() == client.get(
                f"{doc}.{fmt.extension}"
            ).data
    for path in ["/sitemap.xml", "/entities.jsonld", "/ns/context.jsonld", "/robots.txt", "/map"]:
        assert (out / file_for(path)).read_bytes() == client.get(path).data, path
    for fmt in DUMP_FORMATS:
        assert (out / f"dump.{fmt.extension}").exists()
    for fmt in DOCUMENT_FORMATS:
        assert (out / f".well-known/void.{fmt.extension}").exists()
        assert (out / f"ns.{fmt.extension}").exists()
    assert (out / "index.html").exists() and (out / "404.html").exists()
    for fmt in DOCUMENT_FORMATS:  # the alignment module's IRI, which the vocabulary links to
        assert f"ns/alignment.{fmt.extension}" in site.files
    # every asset of the pages, the map's JavaScript modules (imported by map.js) included
    static = Path(lerld.__file__).parent / "web" / "static"
    for asset in static.rglob("*"):
        if asset.is_file():
            assert f"static/{asset.relative_to(static).as_posix()}" in site.files, asset
    assert (out / ".htaccess").exists() and (out / ".nginx" / "server.conf").exists()
    assert len([p for p in site.files if p.startswith("doc/")]) == len(paths) * len(
        DOCUMENT_FORMATS
    )


def test_refuses_to_overwrite_a_directory_that_is_not_a_build(tmp_path):
    from lerld.tools.build import BuildError, Site

    (tmp_path / "precious.txt").write_text("keep me")
    with pytest.raises(BuildError):
        write(Site({}, 0.0, {}), tmp_path)
    assert (tmp_path / "precious.txt").exists()


# --- a plain static file server ------------------------------------------------------------


@pytest.fixture(scope="module")
def plain_server(built, tmp_path_factory):
    _, out, _, _ = built
    port = free_port()
    log = tmp_path_factory.mktemp("plain") / "http.log"
    command = [
        "python3",
        "-m",
        "http.server",
        str(port),
        "--bind",
        "127.0.0.1",
        "--directory",
        str(out),
    ]
    with server(command, port, log, probe_path="/index.html") as running:
        yield running


def test_plain_static_server_serves_every_format_by_extension(plain_server, snapshot):
    session = requests.Session()
    for path in entity_paths(snapshot)[::9]:
        doc = path.replace("/id/", "/doc/", 1)
        for fmt in RDF_FORMATS:
            r = session.get(f"{plain_server.url}{doc}.{fmt.extension}", timeout=30)
            assert r.status_code == 200 and r.headers["Content-Type"].startswith(fmt.media_type)
            graph = parse(Answer(200, r.headers, r.content), fmt, snapshot)
            assert isomorphic(
                graph, describe.describe(snapshot.store, "https://w3id.org/ler" + path)
            )
    gz = session.get(plain_server.url + "/dump.nt.gz", timeout=30)
    assert gz.headers["Content-Type"] == "application/gzip"
    dump = Graph().parse(
        data=session.get(plain_server.url + "/dump.nt", timeout=30).content, format="nt"
    )
    assert len(dump) == len(snapshot.store.construct("CONSTRUCT WHERE { ?s ?p ?o }"))


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS, ids=lambda f: f.key)
def test_plain_static_server_passes_the_extension_tests(plain_server, fmt):
    dereferencing.test_extension_overrides_accept(http_fetch(plain_server.url), fmt)


def test_plain_static_server_last_modified(plain_server, snapshot):
    dereferencing.test_last_modified_is_an_http_date(http_fetch(plain_server.url), snapshot)


# --- nginx and Apache with the build's rules --------------------------------------------------


def http_fetch(url: str):
    session = requests.Session()

    def fetch(path, method="GET", **headers):
        r = session.request(method, url + path, headers=headers, allow_redirects=False, timeout=30)
        return Answer(r.status_code, r.headers, r.content)

    return fetch


@pytest.fixture(scope="module")
def nginx(built, tmp_path_factory):
    _, out, _, _ = built
    with nginx_server(out, tmp_path_factory.mktemp("nginx")) as running:
        yield running


@pytest.fixture(scope="module")
def apache(built, tmp_path_factory):
    _, out, _, _ = built
    with apache_server(out, tmp_path_factory.mktemp("apache")) as running:
        yield running


@pytest.fixture(scope="module", params=["nginx", "apache"])
def with_rules(request):
    """The build served with its own server rules, by each server they are written for."""
    return request.getfixturevalue(request.param)


@pytest.mark.parametrize("test", STATIC_TESTS, ids=lambda t: t.__name__)
def test_with_rules_passes_the_dereferencing_tests(with_rules, snapshot, test):
    fetch = http_fetch(with_rules.url)
    arguments = {"fetch": fetch, "snapshot": snapshot}
    names = test.__code__.co_varnames[: test.__code__.co_argcount]
    if "fmt" in names:
        for fmt in DOCUMENT_FORMATS:
            test(**{n: arguments.get(n, fmt) for n in names})
    else:
        test(**{n: arguments[n] for n in names})


@pytest.mark.parametrize("fmt", DOCUMENT_FORMATS, ids=lambda f: f.key)
def test_with_rules_negotiates_one_named_type(with_rules, fmt):
    url = with_rules.url
    r = requests.get(
        url + "/doc/stakeholder/employers", headers={"Accept": fmt.media_type}, timeout=30
    )
    assert r.status_code == 200
    assert r.headers["Content-Type"] == fmt.content_type
    assert r.headers["Content-Location"] == f"/doc/stakeholder/employers.{fmt.extension}"
    assert "Accept" in r.headers["Vary"] and r.headers["Access-Control-Allow-Origin"] == "*"
    assert "Content-Location" in r.headers["Access-Control-Expose-Headers"]
    for other in DOCUMENT_FORMATS:
        assert (
            f'</doc/stakeholder/employers.{other.extension}>; rel="{alternate_relation(other)}"; '
            f'type="{other.media_type}"' in r.headers["Link"]
        )
    # /ns and /map are negotiated beside directories of the same name (ns/alignment.ttl)
    for path in ["/ns", "/map", "/.well-known/void"]:
        r = requests.get(url + path, headers={"Accept": fmt.media_type}, timeout=30)
        assert (r.status_code, r.headers["Content-Type"]) == (200, fmt.content_type), path
    r = requests.get(url + "/id/stakeholder/astronauts", allow_redirects=False, timeout=30)
    assert r.status_code == 404


def test_with_rules_serves_the_dumps_as_they_are(with_rules):
    for fmt in DUMP_FORMATS:  # dump.nt.gz: application/gzip, no charset, no Content-Encoding
        r = requests.head(f"{with_rules.url}/dump.{fmt.extension}", timeout=30)
        assert r.status_code == 200 and r.headers["Content-Type"] == fmt.content_type, fmt
        assert "Content-Encoding" not in r.headers, fmt


def test_with_rules_keeps_the_build_files_to_itself(with_rules):
    for path in ["/.htaccess", "/.lerld-build", "/.nginx/server.conf", "/.nginx/http.conf"]:
        assert requests.get(with_rules.url + path, timeout=30).status_code in (403, 404), path


STATIC_ROWS = [row for row in ROWS if row.static is not None and row.path != "/sparql"]


@pytest.mark.parametrize("row", STATIC_ROWS, ids=lambda row: row.id)
def test_with_rules_negotiates_real_world_accept_headers(with_rules, row):
    """tests/accept_headers.py under nginx and Apache: what the rules can do (the first
    document format the header names, with any parameters)."""
    r = requests.get(with_rules.url + row.path, headers={"Accept": row.accept}, timeout=30)
    expected = row.expected if row.static == SAME else row.static
    assert r.status_code == 200
    assert r.headers["Content-Type"].split(";")[0] == expected
