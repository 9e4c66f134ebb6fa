"""Every kind of page in a real browser (Debian's Chromium through Playwright, as in
test_map_browser.py) on a real `lerld serve`: it loads with no console error, no failed
request and no request that leaves the site.

The kinds of pages: the home page, every catalogue (list) page, the page of one entity of
every kind the graph has (chosen from the store, never written down), the vocabulary, the
shapes, the dataset description, the SPARQL page with a result, the map and its table,
and the 404 page (whose own 404 status Chromium reports on the console: that one message
is expected there and nowhere else). A browser is a client too: a console error (a missing favicon, a script
the Content-Security-Policy blocks, a broken stylesheet) is a defect.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote

import pytest

from lerld.profile import PROFILE
from lerld.publish import pagedata
from tests.system.test_map_browser import READY
from tests.system.test_map_browser import browser as browser

ID = "https://w3id.org/ler/id/"
MISSING = "/no-such-page"
SPARQL_QUERY = (
    "PREFIX ler: <https://w3id.org/ler/ns#> SELECT ?group WHERE { ?group a ler:StakeholderGroup }"
)


def entity_pages(store) -> list[str]:
    """One entity page per kind of entity (PROFILE.kinds), the first by IRI."""
    paths = []
    for kind in PROFILE.kinds:
        types = " ".join(t.n3() for t in kind.types)
        rows = store.select(
            f"SELECT ?s WHERE {{ VALUES ?t {{ {types} }} ?s a ?t "
            f'FILTER(STRSTARTS(STR(?s), "{ID}")) }} ORDER BY ?s LIMIT 1'
        )
        if rows:
            paths.append("/doc/" + str(rows[0]["s"])[len(ID) :])
    return paths


def page_paths(store) -> list[str]:
    catalogues = [f"/{c.name}" for c in PROFILE.catalogues if c.name != "index"]
    return [
        "/",
        *catalogues,
        *entity_pages(store),
        "/ns",
        "/shapes",
        "/.well-known/void",
        "/sparql?query=" + quote(SPARQL_QUERY),
        "/map",
        "/map/table",
        MISSING,
    ]


@dataclass
class Visit:
    """What the browser saw while it loaded one page."""

    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    status: int = 0


def visit(browser, site: str, path: str) -> Visit:
    seen = Visit()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()

    def console(message) -> None:
        # Chromium reports a document's own 4xx status on the console; for the 404 page
        # that status is the right answer, not an error of the page
        own_status = message.location.get("url") == site + path and message.text.startswith(
            "Failed to load resource: the server responded with a status of 404"
        )
        if message.type == "error" and not (own_status and path == MISSING):
            seen.console_errors.append(f"{message.text} ({message.location.get('url')})")

    page.on("console", console)
    page.on("pageerror", lambda e: seen.console_errors.append(str(e)))
    page.on("requestfailed", lambda r: seen.failed.append(f"{r.url}: {r.failure}"))

    def response(r) -> None:
        if r.status >= 400 and r.url != site + path:
            seen.failed.append(f"{r.url}: {r.status}")

    page.on("response", response)
    page.on(
        "request",
        lambda r: (
            seen.external.append(r.url)
            if not r.url.startswith((site + "/", "data:", "blob:"))
            else None
        ),
    )
    try:
        answer = page.goto(site + path, wait_until="load")
        seen.status = answer.status if answer else 0
        if path == "/map":
            page.wait_for_selector(READY, timeout=60_000)
        page.wait_for_load_state("networkidle")
    finally:
        context.close()
    return seen


def test_every_kind_of_page_loads_cleanly_in_chromium(browser, live_server, snapshot):
    paths = page_paths(snapshot.store)
    # the kinds that only `lerld ingest` writes (credentials, their achievements, skills and
    # endorsements) are not in the repository's data; every other kind has its page here
    ingested = {"record", "achievement", "competency", "competency-framework", "endorsement"}
    kinds = [k for k in PROFILE.kinds if k != pagedata.THING and k.key not in ingested]
    assert len(entity_pages(snapshot.store)) >= len(kinds), "a kind of entity has no page"
    problems = {}
    for path in paths:
        seen = visit(browser, live_server.url, path)
        expected = 404 if path == MISSING else 200
        if seen.status != expected or seen.console_errors or seen.failed or seen.external:
            problems[path] = seen
    assert problems == {}


@pytest.mark.parametrize("path", ["/favicon.ico"])
def test_the_icon_the_browser_asks_for_is_there(browser, live_server, path):
    """Chromium asks for /favicon.ico on its own; the pages name it, so it is fetched."""
    seen = visit(browser, live_server.url, path)
    assert seen.status == 200 and not seen.failed and not seen.console_errors
