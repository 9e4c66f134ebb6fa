"""The relational map in a real browser: Debian's headless Chromium, driven by Playwright
(`executable_path`, no browser download), on a real `lerld serve`.

Expectations are computed from the data with SPARQL, never written down as numbers. The
run saves screenshots in tests/artifacts/ (map.png, map-employers.png, map-issuing.png,
map-large.png) and the large graph's measurements in tests/artifacts/map-large.json.
"""

from __future__ import annotations

import json
import os
import random
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.http.test_map import LER, expected_edges, expected_nodes

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ID = "https://w3id.org/ler/id/"
EMPLOYERS = ID + "stakeholder/employers"
ISSUING = ID + "stage/issuing"
READY = "#map[data-state=ready]"


def chromium_path() -> str:
    """Debian's chromium (or LERLD_CHROMIUM). Missing, the tests fail: they never skip."""
    path = os.environ.get("LERLD_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if not Path(path).is_file():
        pytest.fail(
            f"the map's browser tests need Chromium, and there is none at {path}: install "
            "Debian's package (apt-get install -y chromium; .ci/run does) or set LERLD_CHROMIUM",
            pytrace=False,
        )
    return path


@pytest.fixture(scope="module")
def browser() -> Iterator:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    """A fresh page; JavaScript errors on it fail the test."""
    context = browser.new_context(viewport={"width": 1400, "height": 950})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert errors == [], errors


def open_map(page, live_server, timeout: float = 60_000):
    page.goto(live_server.url + "/map")
    page.wait_for_selector(READY, timeout=timeout)
    return page


def drawn(page) -> tuple[int, int]:
    data = page.eval_on_selector("#map", "m => [m.dataset.nodes, m.dataset.edges]")
    return int(data[0]), int(data[1])


def listed(page) -> set[str]:
    """The IRIs of the accessible list of the nodes shown."""
    if not page.eval_on_selector(".map-list", "d => d.open"):
        page.click(".map-list summary")  # filled when opened (the toggle event comes later)
    # expect() polls from Playwright's side: a wait_for_function predicate is eval'd in the
    # page, which the map's Content-Security-Policy (no 'unsafe-eval') rightly refuses.
    expect(page.locator("#map-list li")).to_have_count(drawn(page)[0])
    return set(page.eval_on_selector_all("#map-list li", "items => items.map(i => i.dataset.iri)"))


def involved_in_issuing(store) -> set[str]:
    """The help text's definition, in SPARQL: the stage; its work streams; their stakeholder
    groups; those groups' organizations; the initiatives, resources and standards linked
    to those organizations (that are not themselves organizations)."""
    stage = f"<{ISSUING}>"
    rows = store.select(
        f"""PREFIX ler: <{LER}>
        SELECT DISTINCT ?n WHERE {{
          {{ VALUES ?n {{ {stage} }} }}
          UNION {{ ?n a ler:WorkStream ; ler:stage {stage} }}
          UNION {{ ?ws a ler:WorkStream ; ler:stage {stage} ; ler:stakeholderGroup ?n .
                   ?n a ler:StakeholderGroup }}
          UNION {{ ?ws a ler:WorkStream ; ler:stage {stage} ; ler:stakeholderGroup ?g .
                   ?g a ler:StakeholderGroup . ?n a ler:Organization ; ler:stakeholderGroup ?g }}
          UNION {{ ?ws a ler:WorkStream ; ler:stage {stage} ; ler:stakeholderGroup ?g .
                   ?g a ler:StakeholderGroup . ?org a ler:Organization ; ler:stakeholderGroup ?g .
                   {{ ?n ?p ?org }} UNION {{ ?org ?p ?n }}
                   VALUES ?k {{ ler:Initiative ler:Resource ler:TechnicalFramework }}
                   ?n a/<http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?k .
                   FILTER NOT EXISTS {{ ?n a ler:Organization }} }}
        }}"""
    )
    return {str(r["n"]) for r in rows}


def screenshot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.locator("#map").screenshot(path=str(ARTIFACTS / name))


def test_the_map_draws_every_node_and_relation(page, live_server, snapshot):
    open_map(page, live_server)
    nodes = expected_nodes(snapshot.store)
    edges = expected_edges(snapshot.store)
    assert drawn(page) == (len(nodes), len(edges))
    assert listed(page) == nodes
    status = page.inner_text("#map-status")
    assert f"Showing {len(nodes)} of {len(nodes)} nodes" in status
    # The legend counts each kind; together they are every node.
    counts = page.eval_on_selector_all(".map-count", "cs => cs.map(c => +c.textContent)")
    assert sum(counts) == len(nodes)
    page.click(".map-list summary")  # close the list again for the picture
    screenshot(page, "map.png")


def test_filtering_by_the_issuing_stage_hides_what_is_not_involved(page, live_server, snapshot):
    open_map(page, live_server)
    page.get_by_role("button", name="Issuing", exact=True).click()
    assert page.get_attribute("button[data-focus$='/stage/issuing']", "aria-pressed") == "true"
    involved = involved_in_issuing(snapshot.store)
    everything = expected_nodes(snapshot.store)
    assert EMPLOYERS in involved and ID + "stage/developing" not in involved
    assert len(involved) < len(everything)
    shown = listed(page)
    assert shown == involved
    edges = {(s, p, o) for s, p, o in expected_edges(snapshot.store) if {s, o} <= involved}
    assert drawn(page) == (len(involved), len(edges))
    assert "involved in Issuing" in page.inner_text("#map-status")
    screenshot(page, "map-issuing.png")
    # Back to everything.
    page.locator(".map-focus").first.get_by_role("button", name="All").click()
    assert drawn(page)[0] == len(everything)


def test_the_kind_filter_hides_a_kind(page, live_server, snapshot):
    open_map(page, live_server)
    nodes, _ = drawn(page)
    work_streams = snapshot.store.select(
        f"SELECT (COUNT(DISTINCT ?w) AS ?n) WHERE {{ ?w a <{LER}WorkStream> }}"
    )[0]["n"]
    page.uncheck(".map-legend input[data-kind=work-stream]")
    assert drawn(page)[0] == nodes - int(work_streams)


def test_searching_employers_focuses_it_and_clicking_it_opens_its_page(page, live_server):
    open_map(page, live_server)
    page.fill("#map-search", "Employers")
    page.press("#map-search", "Enter")
    assert page.get_attribute("#map", "data-selected") == EMPLOYERS
    assert page.inner_text("#map-summary h2") == "Employers"
    assert page.evaluate("document.activeElement.id") == "map-canvas"
    # The found node is in the middle of the map; the pointer over it highlights it.
    screenshot(page, "map-employers.png")
    box = page.locator("#map-canvas").bounding_box()
    middle = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.move(*middle)
    assert page.get_attribute("#map", "data-hovered") == EMPLOYERS
    with page.expect_navigation():
        page.mouse.click(*middle)
    assert page.url == live_server.url + "/doc/stakeholder/employers"
    assert page.inner_text("h1") == "Employers"


def test_the_map_works_from_the_keyboard(page, live_server):
    open_map(page, live_server)
    page.focus("#map-canvas")
    page.keyboard.press("ArrowRight")  # nothing selected yet: the node nearest the middle
    first = page.get_attribute("#map", "data-selected")
    assert first
    page.keyboard.press("ArrowLeft")
    second = page.get_attribute("#map", "data-selected")
    assert second and second != first
    page.keyboard.press("Escape")
    assert page.get_attribute("#map", "data-selected") is None
    page.keyboard.press("ArrowDown")
    chosen = page.get_attribute("#map", "data-selected")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.url == live_server.url + "/doc/" + chosen.removeprefix(ID)


def test_a_neighbour_in_the_summary_selects_it(page, live_server):
    open_map(page, live_server)
    page.fill("#map-search", "DCC")  # an alternative name
    page.press("#map-search", "Enter")
    assert (
        page.get_attribute("#map", "data-selected")
        == ID + "organization/digital-credentials-consortium"
    )
    page.locator("#map-summary").get_by_role("button", name="MIT Open Learning").click()
    assert page.get_attribute("#map", "data-selected") == ID + "organization/mit-open-learning"


def test_the_n_triples_reader_reads_what_rdflib_writes(page, live_server):
    """Escapes, language tags, datatypes, blank nodes and comments, read in the browser."""
    from rdflib import BNode, Graph, Literal, URIRef

    graph = Graph()
    s = URIRef(ID + "topic/x")
    graph.add(
        (s, URIRef(LER + "note"), Literal('quote " backslash \\ tab \t line\n “é” 𝄞', lang="en-GB"))
    )
    graph.add((s, URIRef(LER + "position"), Literal(3)))
    graph.add((s, URIRef(LER + "link"), BNode("b0")))
    text = "# a comment\n" + graph.serialize(format="nt11", encoding="utf-8").decode()
    page.goto(live_server.url + "/map")
    read = page.evaluate(
        """async (text) => (await import('/static/map/ntriples.js')).parseNTriples(text)""", text
    )
    objects = {t["p"]["value"].rsplit("#", 1)[1]: t["o"] for t in read}
    assert objects["note"]["value"] == 'quote " backslash \\ tab \t line\n “é” 𝄞'
    assert objects["note"]["lang"] == "en-GB"
    assert objects["position"]["datatype"] == "http://www.w3.org/2001/XMLSchema#integer"
    assert objects["link"] == {"type": "bnode", "value": "b0"}
    assert {t["s"]["value"] for t in read} == {str(s)}


def test_without_javascript_the_table_view_is_offered(browser, live_server, snapshot):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/map")
    assert not page.is_visible("#map")
    page.locator(".map-noscript").get_by_role("link", name="table view").click()
    # the URL changes when the navigation commits; the rows are there once it has loaded
    page.wait_for_url(live_server.url + "/map/table", wait_until="load", timeout=30_000)
    assert page.locator("table.map-relations tbody tr").count() == len(
        expected_edges(snapshot.store)
    )
    context.close()


# --- thousands of nodes ----------------------------------------------------------------


def large_network(seed: int = 8) -> tuple[str, int, int]:
    """A generated network shaped like the LER map's, ~20x today's: (N-Triples, nodes,
    edges). It keeps the real stage and action-area IRIs, so the page's filters apply."""
    rng = random.Random(seed)
    lines: list[str] = []
    nodes: list[str] = []
    edges = 0

    def node(kind: str, cls: str, count: int, iris: list[str] | None = None) -> list[str]:
        made = iris or [f"{ID}{kind}/synthetic-{i}" for i in range(count)]
        for n, iri in enumerate(made):
            label = f"Synthetic {kind.replace('-', ' ')} {n}"
            lines.append(
                f"<{iri}> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <{LER}{cls}> ."
            )
            lines.append(f'<{iri}> <http://www.w3.org/2000/01/rdf-schema#label> "{label}"@en .')
        nodes.extend(made)
        return made

    def link(s: str, p: str, o: str) -> None:
        nonlocal edges
        lines.append(f"<{s}> <{p}> <{o}> .")
        edges += 1

    stages = node(
        "stage",
        "LifecycleStage",
        4,
        [f"{ID}stage/{s}" for s in ("developing", "issuing", "using", "adopting")],
    )
    areas = node(
        "action-area",
        "ActionArea",
        4,
        [
            f"{ID}action-area/{a}"
            for a in (
                "promoting-adoption",
                "building-employer-demand",
                "gathering-data-on-impact",
                "supporting-degree-and-skills-based-systems",
            )
        ],
    )
    groups = node("stakeholder", "StakeholderGroup", 20)
    for w in node("work-stream", "WorkStream", 800):
        link(w, LER + "stakeholderGroup", rng.choice(groups))
        link(w, LER + "stage", rng.choice(stages))
    for r in node("recommendation", "Recommendation", 400):
        link(r, LER + "stakeholderGroup", rng.choice(groups))
        link(r, LER + "actionArea", rng.choice(areas))
    organizations = node("organization", "Organization", 2500)
    for o in organizations:
        link(o, LER + "stakeholderGroup", rng.choice(groups))
    topics = node("topic", "Topic", 150)
    for t in topics[1:]:
        link(
            t, "http://www.w3.org/2004/02/skos/core#broader", rng.choice(topics[: topics.index(t)])
        )
    standards = node("standard", "TechnicalFramework", 30)
    for s in standards:
        link(s, LER + "developedBy", rng.choice(organizations))
    for i in node("initiative", "Initiative", 300):
        for o in rng.sample(organizations, rng.randint(2, 8)):
            link(i, LER + "partner", o)
        link(i, LER + "topic", rng.choice(topics))
    for r in node("resource", "Resource", 1200):
        link(r, LER + "author", rng.choice(organizations))
        for t in rng.sample(topics, rng.randint(1, 3)):
            link(r, LER + "topic", t)
    for g in node("glossary", "GlossaryTerm", 300):
        link(g, LER + "standard", rng.choice(standards))
        link(g, "http://www.w3.org/2004/02/skos/core#related", rng.choice(topics))
    return "\n".join(lines) + "\n", len(nodes), edges


def test_the_map_stays_usable_with_thousands_of_nodes(page, live_server):
    """The page's own code on a network ~20x today's, served in place of /map.nt. The
    timings are measured and recorded, not asserted."""
    body, node_count, edge_count = large_network()
    page.route(
        "**/map.nt",
        lambda route: route.fulfill(
            status=200, body=body, headers={"Content-Type": "application/n-triples"}
        ),
    )
    open_map(page, live_server, timeout=180_000)
    assert drawn(page) == (node_count, edge_count)
    page.fill("#map-search", "Synthetic organization 1234")
    page.press("#map-search", "Enter")
    assert page.get_attribute("#map", "data-selected") == ID + "organization/synthetic-1234"
    page.keyboard.press("0")  # fit everything again, for the picture
    page.get_by_role("button", name="Issuing", exact=True).click()
    shown, _ = drawn(page)
    assert 0 < shown < node_count
    page.locator(".map-focus").first.get_by_role("button", name="All").click()
    timings = page.eval_on_selector(
        "#map",
        "m => ({load_ms: +m.dataset.loadMs, layout_ms: +m.dataset.layoutMs, draw_ms: +m.dataset.drawMs})",
    )
    measured = {"nodes": node_count, "edges": edge_count, "issuing_nodes": shown, **timings}
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "map-large.json").write_text(json.dumps(measured, indent=2) + "\n")
    screenshot(page, "map-large.png")
    print(f"\nlarge map: {measured}")
