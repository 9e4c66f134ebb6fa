"""Hostile text in the data: literals holding <script>, event-handler attributes,
`javascript:` URLs, `</script>` and right-to-left overrides enter through a data file (and
the name of a stakeholder group), validate, and are published. On every HTML page they are
shown as text: no element, attribute or link comes out of them, the embedded JSON-LD keeps
them inside its script element, and in headless Chromium (with the Content-Security-Policy
switched off, so that it is the escaping being tested) nothing they hold ever runs.
Outbound links go only to http(s), even when a `javascript:` schema:url gets past the shapes."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
import requests

from lerld.core.settings import Settings
from lerld.project.snapshot import Snapshot, latest_modified
from lerld.project.sources import graph_name, load_into, load_sources
from lerld.project.validation.report import Report
from lerld.stores.backends import embedded_store
from lerld.web import create_app
from tests.support import Page, free_port, lerld_command, server
from tests.system.test_map_browser import CHROMIUM_ARGS, READY, chromium_path

REPO = Path(__file__).resolve().parents[2]
PAYLOADS = """@prefix ler: <https://w3id.org/ler/ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema: <https://schema.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix organization: <https://w3id.org/ler/id/organization/> .
@prefix stakeholder: <https://w3id.org/ler/id/stakeholder/> .
@prefix glossary: <https://w3id.org/ler/id/glossary/> .
@prefix scheme: <https://w3id.org/ler/id/scheme/> .
@prefix resource: <https://w3id.org/ler/id/resource/> .
@prefix resourcecategory: <https://w3id.org/ler/id/resource-category/> .

organization:hostile a ler:Organization ;
    rdfs:label "Hostile <script>__pwned('label')</script> Org"@en ;
    skos:altLabel "\\"><img src=x onerror=__pwned('alt')>"@en ;
    dcterms:description \"\"\"</script><script>__pwned('breakout')</script> <svg onload=__pwned('svg')> <a href="javascript:__pwned('a')">click</a> ' onmouseover='__pwned('quote') {{7*7}} <!-- <style>*{display:none}</style> <base href="https://evil.example/"> <meta http-equiv="refresh" content="0;url=javascript:__pwned('meta')"> \u202egnp.exe\u202c javascript:__pwned('text')\"\"\"@en ;
    schema:url <https://example.org/'onmouseover=__pwned('href')> ;
    rdfs:seeAlso <javascript:__pwned('seeAlso')> ;
    ler:stakeholderGroup stakeholder:employers ;
    dcterms:modified "2026-11-23"^^xsd:date .

glossary:hostile-term a ler:GlossaryTerm ;
    skos:prefLabel "Hostile <img src=x onerror=__pwned('term')> \u202eterm"@en ;
    skos:definition "A definition with </script><script>__pwned('definition')</script> and \u202etxet desrever\u202c in it."@en ;
    skos:inScheme scheme:glossary ;
    dcterms:modified "2026-11-23"^^xsd:date .

resource:hostile-resource a ler:Resource ;
    rdfs:label "<script>__pwned('resource')</script> Resource"@en ;
    schema:url <https://example.org/resource> ;
    ler:category resourcecategory:on-learning-and-advocacy ;
    ler:position 99 ;
    ler:author organization:hostile ;
    dcterms:modified "2026-11-23"^^xsd:date .
"""
HOSTILE_LABEL = "Hostile <script>__pwned('label')</script> Org"
GROUP_LABEL = "Employers <script>__pwned('group')</script>"
TERM_LABEL = "Hostile <img src=x onerror=__pwned('term')> \u202eterm"  # a stray override
RESOURCE_LABEL = "<script>__pwned('resource')</script> Resource"
RLO = "\u202e"
SELECT_HOSTILE = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label "
    'FILTER(CONTAINS(?label, "__pwned")) }'
)
# Every HTML page that shows the hostile text, and what it must show of it.
PAGES = {
    "/doc/organization/hostile": [HOSTILE_LABEL, "\"><img src=x onerror=__pwned('alt')>", RLO],
    "/doc/glossary/hostile-term": [TERM_LABEL, "</script><script>__pwned('definition')"],
    "/doc/resource/hostile-resource": [RESOURCE_LABEL, HOSTILE_LABEL],
    "/doc/stakeholder/employers": [GROUP_LABEL, HOSTILE_LABEL],
    "/": [GROUP_LABEL],
    "/stakeholders": [GROUP_LABEL],
    "/organizations": [HOSTILE_LABEL],
    "/glossary": [TERM_LABEL, RLO],
    "/resources": [RESOURCE_LABEL],
    "/map/table": [HOSTILE_LABEL, TERM_LABEL, GROUP_LABEL],
    "/sparql?query=" + quote(SELECT_HOSTILE): [HOSTILE_LABEL, RESOURCE_LABEL],
    # reflected: the query page shows the query it was given, the 404 page the path
    "/sparql?query=" + quote("ASK {} # </textarea><script>__pwned('query')</script>"): [
        "</textarea><script>__pwned('query')</script>"
    ],
    "/doc/organization/" + quote("<script>__pwned('path')</script>", safe=""): [],
}
# The elements holding a text with `rlo` whose bidi context is not isolated (in the page).
BIDI_LEAKS = """rlo => {
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  const leaks = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const parent = node.parentElement;
    if (node.data.includes(rlo) && getComputedStyle(parent).unicodeBidi !== "isolate")
      leaks.push(parent.outerHTML.slice(0, 120));
  }
  return leaks;
}"""
# Elements that hostile text could only have become, never the templates.
FOREIGN_TAGS = {"img", "svg", "base", "style", "iframe", "object", "embed", "frame"}
JSON_SCRIPTS = {"application/ld+json", "application/json"}


def hostile_project(root: Path) -> Path:
    for name in ("ontology", "shapes", "data", "sparql"):
        shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("upstream"))
    (root / "data" / "zz-hostile.ttl").write_text(PAYLOADS)
    group = root / "data" / "stakeholders" / "employers.ttl"
    text = group.read_text()
    assert 'skos:prefLabel "Employers"@en' in text
    group.write_text(text.replace('"Employers"@en', json.dumps(GROUP_LABEL) + "@en"))
    return root


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory) -> Iterator:
    root = hostile_project(tmp_path_factory.mktemp("hostile-project"))
    port = free_port()
    log = tmp_path_factory.mktemp("hostile-log") / "serve.log"
    with server(lerld_command("--root", str(root), "serve", "--port", str(port)), port, log) as s:
        yield s


def get_html(url: str) -> requests.Response:
    return requests.get(url, headers={"Accept": "text/html"}, timeout=60)


def assert_inert(page: Page, path: str) -> None:
    """Nothing in the page is markup that the data made."""
    for element in page.elements:
        where = f"{path}: <{element.tag} {element.attrs}>"
        assert element.tag not in FOREIGN_TAGS, where
        assert not [a for a in element.attrs if a.startswith("on")], where
        if element.tag == "meta":
            assert "http-equiv" not in element.attrs, where
        if element.tag == "script":
            assert element.attrs.get("src", "").startswith("/static/") or (
                element.attrs.get("type") in JSON_SCRIPTS and json.loads(element.text) is not None
            ), where
        for name in ("href", "src", "action", "formaction"):
            value = element.attrs.get(name)
            if value is not None:
                scheme = re.match(r"\s*([a-zA-Z][a-zA-Z0-9+.-]*):", value)
                assert scheme is None or scheme.group(1).lower() in ("http", "https"), where


@pytest.mark.parametrize("path", list(PAGES), ids=lambda p: p[:40])
def test_hostile_text_is_shown_as_text(hostile_server, path):
    response = get_html(hostile_server.url + path)
    assert response.status_code in (200, 404), response.status_code
    assert response.headers["Content-Type"].startswith("text/html")
    page = Page(response.text)
    assert_inert(page, path)
    for text in PAGES[path]:
        assert text in page.text, f"{path}: {text!r} is not shown"
    assert "</script><script>__pwned" not in response.text


def test_the_embedded_json_ld_keeps_the_text_whole(hostile_server):
    response = get_html(hostile_server.url + "/doc/organization/hostile")
    (data,) = Page(response.text).structured_data
    assert data["name"] == HOSTILE_LABEL
    assert data["description"].startswith("</script><script>__pwned('breakout')</script>")
    assert RLO in data["description"]
    # only http(s) links, in the data for search engines too
    assert not any("javascript:" in str(v) for k, v in data.items() if k in ("url", "sameAs"))


def test_no_script_from_the_data_runs_in_a_browser(hostile_server):
    from playwright.sync_api import sync_playwright

    fired: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            # no CSP: if the escaping failed, the script would run, and be seen
            context = browser.new_context(bypass_csp=True)
            context.expose_binding("__pwned", lambda source, where=None: fired.append(str(where)))
            page = context.new_page()
            page.on("dialog", lambda dialog: (fired.append("dialog"), dialog.dismiss()))
            for path in [*PAGES, "/map"]:
                page.goto(hostile_server.url + path, wait_until="load")
                if path == "/map":
                    page.wait_for_selector(READY, timeout=60_000)
                    page.fill("#map-search", "Hostile")
                    page.press("#map-search", "Enter")
                    page.wait_for_timeout(500)
                protocols = page.eval_on_selector_all(
                    "a[href], area[href]", "links => links.map(a => a.protocol)"
                )
                assert set(protocols) <= {"http:", "https:"}, (path, set(protocols))
                assert page.evaluate("document.querySelectorAll('img, svg, base').length") == 0
                # a right-to-left override stays inside the element of its value
                assert page.evaluate(BIDI_LEAKS, RLO) == [], path
            page.wait_for_timeout(300)
        finally:
            browser.close()
    assert fired == []


def test_a_javascript_url_never_becomes_a_link(tmp_path):
    """The shapes refuse a javascript: schema:url (tests/corpus/broken/javascript-url.ttl);
    the pages would not link it even if they did not."""
    root = hostile_project(tmp_path)
    (root / "data" / "zz-hostile.ttl").write_text(
        PAYLOADS.replace(
            "<https://example.org/'onmouseover=__pwned('href')>", "<javascript:__pwned('url')>"
        )
    )
    settings = Settings(root=root)
    sources = load_sources(settings)
    store = embedded_store()
    load_into(store, sources)  # not validated: as if the shapes let it through
    snapshot = Snapshot(
        version="unvalidated",
        modified=latest_modified(store),
        graphs=tuple(graph_name(f.relpath) for f in sources.files),
        context=sources.context,
        report=Report((), "none", 0),
        store=store,
    )
    client = create_app(settings, snapshot).test_client()
    for path in ("/doc/organization/hostile", "/organizations", "/map/table"):
        response = client.get(path, headers={"Accept": "text/html"})
        assert response.status_code == 200
        page = Page(response.get_data(as_text=True))
        assert_inert(page, path)
        assert not [link for link in page.links if "pwned" in link], path
    (data,) = Page(client.get("/doc/organization/hostile").get_data(as_text=True)).structured_data
    assert "url" not in data
