"""SPARQL results: Python's writer gives Oxigraph's own bytes (so the embedded store can
send Oxigraph's serialization as it is, and every store answers alike), and the row limit
cuts answers exactly, however their values look."""

from __future__ import annotations

import json

import pytest
from rdflib import BNode, Graph

from lerld.core.formats import JSONLD, NTRIPLES, RDFXML, SPARQL_JSON, TURTLE
from lerld.stores import GraphData
from lerld.stores.oxigraph import OxigraphStore
from lerld.stores.results import (
    Formats,
    Term,
    first_solutions,
    most_solutions,
    read_json,
    write_bindings,
    write_boolean,
)

# Values that need escaping, or that look like the JSON around them.
AWKWARD = (
    'a"b\\c',
    "tab\tnl\nret\rbs\bff\f",
    "ctl\x01\x1f\x7f",
    "uni é \u202e \u2028 \u2029 😀",
    "</script>",
    '},{"x":1}',
    "},{",
    '"bindings":[]}}',
)


def turtle_string(value: str) -> str:
    return json.dumps(value, ensure_ascii=False)  # valid Turtle too, for these values


@pytest.fixture(scope="module")
def store() -> OxigraphStore:
    lines = [f"<urn:e:{i}> <urn:p> {turtle_string(v)} ." for i, v in enumerate(AWKWARD)]
    lines += [
        '<urn:e:lang> <urn:p> "x"@en-gb .',
        '<urn:e:int> <urn:p> "1"^^<http://www.w3.org/2001/XMLSchema#integer> .',
        '_:b1 <urn:p> "blank" .',
    ]
    store = OxigraphStore()
    store.replace([GraphData("urn:graph", "\n".join(lines).encode())])
    return store


def answer(store: OxigraphStore, query: str, max_rows: int | None = None):
    return store.query(query, Formats(SPARQL_JSON, TURTLE), max_rows=max_rows)


def test_the_json_writer_writes_oxigraphs_bytes(store):
    query = "SELECT ?s ?o ?unbound WHERE { ?s <urn:p> ?o } ORDER BY ?s ?o"
    native = answer(store, query).body
    variables, rows = read_json(native)
    assert len(rows) == len(AWKWARD) + 3
    assert write_bindings(SPARQL_JSON, variables, rows) == native
    assert (
        write_bindings(SPARQL_JSON, ["x"], [])
        == b'{"head":{"vars":["x"]},"results":{"bindings":[]}}'
    )
    assert write_boolean(SPARQL_JSON, True) == b'{"head":{},"boolean":true}'


@pytest.mark.parametrize(
    "rows",
    [[], [(None,)], [(None,), (None,)], [(Term("literal", "plain"),)] * 3],
)
def test_most_solutions_is_exact_without_lookalike_values(rows):
    body = write_bindings(SPARQL_JSON, ["x"], rows)
    assert most_solutions(body) == len(rows)


def test_most_solutions_never_counts_too_few():
    rows = [(Term("literal", v),) for v in AWKWARD]
    body = write_bindings(SPARQL_JSON, ["x"], rows)
    assert most_solutions(body) > len(rows)  # the lookalikes count too: an upper bound
    assert first_solutions(body, len(rows)) == (body, False)
    cut, truncated = first_solutions(body, 2)
    assert truncated and read_json(cut)[1] == rows[:2]


@pytest.mark.parametrize("limit", [0, 1, 3, 7, 8, 11, 12, None])
def test_the_row_limit_cuts_the_embedded_stores_answers_exactly(store, limit):
    query = "SELECT ?s ?o WHERE { ?s <urn:p> ?o } ORDER BY ?s ?o"
    whole = read_json(answer(store, query).body)[1]
    cut = answer(store, query, max_rows=limit)
    rows = read_json(cut.body)[1]
    expected = whole if limit is None else whole[:limit]
    assert rows == expected
    assert cut.truncated == (len(expected) < len(whole))


@pytest.mark.parametrize("fmt", [NTRIPLES, TURTLE, RDFXML, JSONLD], ids=lambda f: f.key)
@pytest.mark.parametrize("limit", [0, 3, 10, 11, None])
def test_the_row_limit_cuts_graphs_in_every_format(store, fmt, limit):
    # XML 1.0 cannot hold U+0001 or U+0008 at all, not even as character references (and
    # Oxigraph writes them raw): those two values are left out here
    query = """CONSTRUCT { ?s ?p ?o } WHERE {
        ?s ?p ?o FILTER(!CONTAINS(STR(?o), "ctl") && !CONTAINS(STR(?o), "tab")) }"""
    whole = Graph().parse(data=graph_answer(store, query, NTRIPLES).body, format="nt")
    cut = graph_answer(store, query, fmt, limit)
    graph = Graph().parse(data=cut.body, format=fmt.rdflib_format)
    expected = len(whole) if limit is None else min(limit, len(whole))
    assert len(graph) == expected
    assert ground(graph) <= ground(whole)
    assert cut.truncated == (expected < len(whole))


def graph_answer(store: OxigraphStore, query: str, fmt, max_rows: int | None = None):
    return store.query(query, Formats(SPARQL_JSON, fmt), max_rows=max_rows)


def ground(graph: Graph) -> set:
    return {t for t in graph if not any(isinstance(n, BNode) for n in t)}
