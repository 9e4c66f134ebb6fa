"""The shapes themselves checked before they check the data.

A shapes file that parses can still be broken: `sh:minCount "many"`, a property shape
without `sh:path`, a `sh:pattern` that is not a regular expression, a `sh:datatype` that is
not an IRI, a `sh:select` that is not SPARQL. Used as they are, such shapes crash the
validator or flag every entity of the data. So they are checked first, against the SHACL
Core syntax rules that lerld's validators rely on, and the first problem is a SourceError
at the file and line of the constraint, like a syntax error.

Regular expressions and SPARQL are checked by the engine that will run them (an empty
embedded store): a pattern it cannot compile is one it could not apply.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from pyparsing import ParseException
from rdflib import OWL, RDF, BNode, Graph, Literal, URIRef
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery
from rdflib.plugins.sparql.parserutils import CompValue
from rdflib.term import Node

from lerld.core.errors import MalformedQuery, SourceError
from lerld.core.formats import SPARQL_JSON, TURTLE
from lerld.core.terms import SH
from lerld.project.sources import SourceFile
from lerld.stores import Store
from lerld.stores.backends import embedded_store
from lerld.stores.results import Formats

COUNTS = (SH.minCount, SH.maxCount, SH.minLength, SH.maxLength)
IRIS = (SH.datatype, SH["class"], SH.targetClass, SH.targetSubjectsOf, SH.targetObjectsOf)
LISTS = (SH["in"], SH.languageIn, SH["and"], SH["or"], SH.xone)
LITERALS = (SH.message, SH.pattern, SH.flags, SH.select, SH.ask)
# Variables SHACL-SPARQL pre-binds (SHACL 5.3.1): a query may not assign them, and a
# subquery must return those its query uses (sh:shapesGraph and sh:currentShape excepted).
PRE_BOUND = ("this", "value", "PATH")
# SPARQL features SHACL-SPARQL rules out in queries with pre-bound variables (SHACL 5.3.1).
FORBIDDEN = {"Minus": "MINUS", "ServiceGraphPattern": "SERVICE", "values": "VALUES"}
NODE_KINDS = frozenset(
    (SH.IRI, SH.BlankNode, SH.Literal, SH.BlankNodeOrIRI, SH.BlankNodeOrLiteral, SH.IRIOrLiteral)
)
PATH_FORMS = (SH.inversePath, SH.alternativePath, SH.zeroOrMorePath, SH.oneOrMorePath)


@dataclass(frozen=True)
class Problem:
    """Something SHACL does not allow: the node and predicate it is at, and what is wrong."""

    node: Node
    predicate: URIRef
    message: str


def check_shapes(files: tuple[SourceFile, ...]) -> None:
    """Raise SourceError at the first problem of the shapes files (in file order)."""
    engine = embedded_store()
    try:
        for f in files:
            problems = list(problems_in(f.graph, engine))
            if problems:
                located = sorted((_line(f, p), p.message) for p in problems)
                line, message = located[0]
                raise SourceError(f.relpath, line, f"the shapes are broken: {message}")
    finally:
        engine.close()


def problems_in(graph: Graph, engine: Store) -> Iterator[Problem]:
    """Every problem of one shapes graph."""
    name = graph.namespace_manager.normalizeUri
    for s, p, o in graph:
        if p in COUNTS and not _count(o):
            yield Problem(s, p, f"{name(p)} must be a non-negative integer, not {_shown(o)}")
        elif p in IRIS and not isinstance(o, URIRef):
            yield Problem(s, p, f"{name(p)} must be an IRI, not {_shown(o)}")
        elif p == SH.nodeKind and o not in NODE_KINDS:
            yield Problem(
                s, p, f"sh:nodeKind must be one of sh:IRI, sh:Literal, ..., not {_shown(o)}"
            )
        elif p in LISTS and not _is_list(graph, o):
            yield Problem(s, p, f"{name(p)} must be an RDF list ( ... ), not {_shown(o)}")
        elif p in LITERALS and not isinstance(o, Literal):
            yield Problem(s, p, f"{name(p)} must be a string, not {_shown(o)}")
        elif p == SH.pattern and not _regex_works(engine, o, graph.value(s, SH.flags)):
            yield Problem(s, p, f"sh:pattern {_shown(o)} is not a regular expression it can use")
        elif p in (SH.select, SH.ask):
            yield from _sparql_problems(graph, engine, s, p, o)
        elif p == SH.property:
            yield from _property_problems(graph, s, o)


def _property_problems(graph: Graph, shape: Node, prop: Node) -> Iterator[Problem]:
    paths = list(graph.objects(prop, SH.path))
    if len(paths) != 1:
        yield Problem(shape, SH.property, f"a property shape needs one sh:path, not {len(paths)}")
    elif not _is_path(graph, paths[0]):
        yield Problem(prop, SH.path, f"sh:path {_shown(paths[0])} is not a property path")


def _count(o: Node) -> bool:
    value = o.toPython() if isinstance(o, Literal) else None
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _is_list(graph: Graph, node: Node) -> bool:
    seen = set()
    while node != RDF.nil:
        if not isinstance(node, BNode) or node in seen:
            return False
        seen.add(node)
        if len(list(graph.objects(node, RDF.first))) != 1:
            return False
        rest = list(graph.objects(node, RDF.rest))
        if len(rest) != 1:
            return False
        node = rest[0]
    return True


def _is_path(graph: Graph, path: Node, depth: int = 0) -> bool:
    if isinstance(path, URIRef):
        return True
    if not isinstance(path, BNode) or depth > 20:
        return False
    if graph.value(path, RDF.first) is not None:  # a sequence path
        return _is_list(graph, path) and all(
            _is_path(graph, step, depth + 1) for step in graph.items(path)
        )
    forms = [(p, o) for p, o in graph.predicate_objects(path) if p in PATH_FORMS]
    if len(forms) != 1:
        return False
    form, inner = forms[0]
    if form == SH.alternativePath:
        return _is_list(graph, inner) and all(
            _is_path(graph, step, depth + 1) for step in graph.items(inner)
        )
    return _is_path(graph, inner, depth + 1)


def _regex_works(engine: Store, pattern: Node, flags: Node | None) -> bool:
    if not isinstance(pattern, Literal):
        return False
    flags_term = Literal(str(flags) if flags is not None else "").n3()
    rows = engine.select(
        f'SELECT ?ok WHERE {{ BIND(REGEX("", {Literal(str(pattern)).n3()}, {flags_term}) AS ?ok) }}'
    )
    return bool(rows) and rows[0].get("ok") is not None


def _sparql_problems(
    graph: Graph, engine: Store, node: Node, predicate: URIRef, query: Node
) -> Iterator[Problem]:
    """A SPARQL-based constraint or validator: its query, with the prefixes its sh:prefixes
    declare, must parse, and keep SHACL-SPARQL's rules for pre-bound variables."""
    if not isinstance(query, Literal):
        return
    name = graph.namespace_manager.normalizeUri(predicate)
    prefixes = declared_prefixes(graph, node)
    text = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(prefixes.items())) + str(query)
    # the rules concern these keywords only: most queries need no second (slower) parse
    suspect = (
        re.search(r"\b(?:MINUS|SERVICE|VALUES|AS)\b", str(query), re.I) is not None
        or len(re.findall(r"\bSELECT\b", str(query), re.I)) > 1
    )
    try:
        engine.query(text, Formats(SPARQL_JSON, TURTLE))
        algebra = translateQuery(parseQuery(text)).algebra if suspect else None
    except (MalformedQuery, ParseException, ValueError, KeyError) as e:
        reason = str(e).splitlines()[0] if str(e) else type(e).__name__
        yield Problem(node, predicate, f"{name} is not a SPARQL query it can run: {reason}")
        return
    used = {v for v in PRE_BOUND if re.search(rf"[?$]{v}\b", str(query))}
    star = re.search(r"SELECT\s+(?:DISTINCT\s+|REDUCED\s+)?\*", str(query), re.I) is not None
    for feature in _pre_binding_problems(algebra, used, star) if suspect else ():
        yield Problem(
            node,
            predicate,
            f"{name} uses {feature}, which SHACL-SPARQL does not allow in a query with "
            "pre-bound variables (SHACL 5.3.1)",
        )


def declared_prefixes(graph: Graph, node: Node) -> dict[str, str]:
    """The prefixes of a SPARQL-based constraint (sh:prefixes: nodes whose sh:declare give
    sh:prefix and sh:namespace, with those of the nodes they owl:imports)."""
    found = {}
    holders = set()
    for start in graph.objects(node, SH.prefixes):
        holders.update(graph.transitive_objects(start, OWL.imports))
    for holder in holders:
        for declaration in graph.objects(holder, SH.declare):
            prefix = graph.value(declaration, SH.prefix)
            namespace = graph.value(declaration, SH.namespace)
            if prefix is not None and namespace is not None:
                found[str(prefix)] = str(namespace)
    return found


def _pre_binding_problems(node: object, used: set[str], star: bool) -> Iterator[str]:
    """The features of a query's algebra that break the pre-binding rules. `star`: the
    query has a SELECT *, which returns only the variables its pattern binds."""
    if isinstance(node, CompValue):
        if node.name in FORBIDDEN:
            yield FORBIDDEN[node.name]
        if node.name == "Extend" and str(node.get("var")) in used:
            yield f"an assignment to ${node.get('var')} (AS)"
        if node.name == "ToMultiSet" and getattr(node.get("p"), "name", "") == "Project":
            inner = node["p"]
            returned = {str(v) for v in inner.get("PV") or ()}
            if star:
                returned &= {str(v) for v in getattr(inner.get("p"), "_vars", set())}
            missing = sorted(used - returned)
            if missing:
                yield f"a subquery that does not return ${', $'.join(missing)}"
        for value in node.values():
            yield from _pre_binding_problems(value, used, star)
    elif isinstance(node, list | tuple):
        for value in node:
            yield from _pre_binding_problems(value, used, star)


def _shown(o: Node) -> str:
    text = o.n3() if isinstance(o, URIRef | Literal) else "a blank node"
    return text if len(text) <= 60 else text[:57] + "..."


def _line(f: SourceFile, problem: Problem) -> int:
    """The line of the problem's predicate within the description of its node (or of the
    named shape that holds it, for a blank node), else that description's first line."""
    node, graph = problem.node, f.graph
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        node = next(graph.subjects(None, node), node)
    start = (f.line_of(str(node)) if isinstance(node, URIRef) else None) or 1
    forms = (graph.namespace_manager.normalizeUri(problem.predicate), f"<{problem.predicate}>")
    lines = f.text.splitlines()
    for number in range(start, len(lines) + 1):
        if any(form in lines[number - 1] for form in forms):
            return number
    return start
