"""SHACL shapes compiled to SPARQL, so that a SPARQL store validates millions of triples.

pyshacl walks an rdflib graph node by node: minutes and gigabytes at a million triples.
This module turns each shape into a few SELECT queries that return only the violations
(one query for the value constraints of a shape, one for its counts), and a store such as
the embedded Oxigraph answers them in milliseconds.

The rule: a construct is compiled exactly as the SHACL specification says, or the compiler
raises Unsupported and the caller validates with pyshacl; a shape, a target or a constraint
is never skipped (tests/unit/test_shacl_suite.py runs the W3C SHACL test suite through both).
Compiled: every target (sh:targetClass and implicit class targets, with the data graph's
rdfs:subClassOf; sh:targetNode, sh:targetSubjectsOf, sh:targetObjectsOf), node shapes and
top-level property shapes, every path kind (predicate, inverse, sequence, alternative,
zero-or-more, one-or-more, zero-or-one), sh:minCount, sh:maxCount, sh:datatype (with
ill-formed literals of every XSD datatype), sh:nodeKind, sh:pattern (sh:flags),
sh:minLength, sh:maxLength, sh:languageIn, sh:uniqueLang, sh:in, sh:hasValue, sh:class,
sh:min/maxInclusive/Exclusive, sh:or, sh:xone, sh:and, sh:not over shapes without property
shapes, and SPARQL-based constraints of the form SELECT $this WHERE {...}. Anything else
on a shape (sh:node, sh:closed, sh:equals, qualified shapes, custom components...) raises
Unsupported, as does data whose literals the embedded store retypes (REWRITTEN).

The checks read the data graph only: results are DISTINCT, so a triple stated in two
files is one triple (RDF merge).
"""

from __future__ import annotations

import contextlib
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from itertools import count

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from lerld.core.formats import SPARQL_JSON
from lerld.core.terms import SH
from lerld.project.shapecheck import declared_prefixes
from lerld.project.sources import graph_name
from lerld.stores import GraphData, QueryDataset, Store
from lerld.stores.results import Formats, read_json

# The queries of a validation evaluated side by side: the store evaluates each outside
# Python's lock; more at once than the cores gains no time (10M triples: 144-151 s with one
# pool of 2 threads, 152-153 s with 4 + 2) and holds more working memory at once (the hash
# tables of whole-store scans: 0.3-0.5 GiB each at 10M triples).
QUERY_THREADS = max(2, min(4, os.cpu_count() or 1))

# Components whose value nodes are checked one by one (the "value query").
VALUE_COMPONENTS = {
    SH.nodeKind: "NodeKind",
    SH.datatype: "Datatype",
    SH.pattern: "Pattern",
    SH.minLength: "MinLength",
    SH.maxLength: "MaxLength",
    SH.languageIn: "LanguageIn",
    SH["in"]: "In",
    SH["class"]: "Class",
    SH.minInclusive: "MinInclusive",
    SH.maxInclusive: "MaxInclusive",
    SH.minExclusive: "MinExclusive",
    SH.maxExclusive: "MaxExclusive",
    SH["or"]: "Or",
    SH.xone: "Xone",
    SH["and"]: "And",
    SH["not"]: "Not",
}
# Components checked once per focus node over all its values (the "count query").
COUNT_COMPONENTS = {
    SH.minCount: "MinCount",
    SH.maxCount: "MaxCount",
    SH.hasValue: "HasValue",
    SH.uniqueLang: "UniqueLang",
}
# Shape properties that carry no constraint.
PASSIVE = {
    RDF.type,
    RDFS.label,
    RDFS.comment,
    SH.name,
    SH.description,
    SH.message,
    SH.severity,
    SH.order,
    SH.group,
    SH.targetClass,
    SH.targetNode,
    SH.targetSubjectsOf,
    SH.targetObjectsOf,
    SH.property,
    SH.path,
    SH.sparql,
    SH.flags,
    SH.deactivated,
    # a class that is also a shape (an implicit class target) says what it is a subclass of
    RDFS.subClassOf,
}
# The targets a shape can declare (sh:target, SPARQL-based targets, raises Unsupported).
TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
# Path forms with one inner path, and their SPARQL operator.
PATH_MODIFIERS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}
PATH_FORMS = (SH.inversePath, SH.alternativePath, *PATH_MODIFIERS)
NODE_KINDS = {
    SH.IRI: "isIRI({v})",
    SH.Literal: "isLiteral({v})",
    SH.BlankNode: "isBlank({v})",
    SH.BlankNodeOrIRI: "!isLiteral({v})",
    SH.BlankNodeOrLiteral: "!isIRI({v})",
    SH.IRIOrLiteral: "!isBlank({v})",
}
# Datatypes whose lexical forms SPARQL can check with a cast (ill-formed -> violation).
CASTABLE = {XSD.date, XSD.dateTime, XSD.integer, XSD.decimal, XSD.double, XSD.boolean}
# Lexical spaces SPARQL checks with a regular expression: XSD 1.1 Part 2's lexical
# mappings of gYear and gYearMonth (3.3.14, 3.3.15), which have no further value checks.
_TIMEZONE = "(Z|[+-]((0[0-9]|1[0-3]):[0-5][0-9]|14:00))?"
_YEAR = "-?([1-9][0-9]{3,}|0[0-9]{3})"
LEXICAL_PATTERNS = {
    XSD.gYear: f"^{_YEAR}{_TIMEZONE}$",
    XSD.gYearMonth: f"^{_YEAR}-(0[1-9]|1[0-2]){_TIMEZONE}$",
}
# The named graph that holds the shapes graph for SPARQL-based constraints that read it:
# $shapesGraph is pre-bound to this IRI (SHACL 5.3.1).
SHAPES_GRAPH = graph_name("shapes/")
# A SPARQL query's tokens that may hold a variable's name without being one (strings, IRIs,
# comments), then bound(var) and variables: pre-bound variables are found outside the first.
_SPARQL_TOKENS = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\''
    r'|<[^<>"{}|^`\\\x00-\x20]*>|#[^\n]*'
    r"|(?i:bound)\s*\(\s*[?$](\w+)\s*\)|[?$](\w+)"
)


# Datatypes whose literals the embedded store rewrites as another datatype when it loads
# them ("1"^^xsd:byte becomes "1"^^xsd:integer): sh:datatype cannot tell them apart there.
REWRITTEN = frozenset(
    XSD[name]
    for name in [
        "byte",
        "short",
        "int",
        "long",
        "unsignedByte",
        "unsignedShort",
        "unsignedInt",
        "unsignedLong",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "dateTimeStamp",
    ]
)
_REWRITTEN_LITERAL = re.compile(
    r"\^\^\s*(?:<[^>\s]*[#/]|[\w.-]*:)(?:"
    + "|".join(sorted(str(t).removeprefix(str(XSD)) for t in REWRITTEN))
    + r")(?![\w.-]*[\w-])"
)


def is_true(node: Node | None) -> bool:
    """Whether a boolean parameter is true: the spec names only "true"^^xsd:boolean (so
    "1"^^xsd:boolean, equal in value, leaves the parameter unset)."""
    return isinstance(node, Literal) and node.datatype == XSD.boolean and str(node) == "true"


# Boolean parameters that SHACL turns on with "true"^^xsd:boolean only (see is_true).
FLAGS = (SH.uniqueLang, SH.closed, SH.deactivated, SH.qualifiedValueShapesDisjoint)


def drop_flags_off(shapes: Graph) -> Graph:
    """The shapes graph without the boolean parameters that are off (not "true"): pyshacl
    reads "1"^^xsd:boolean as on, by its value (W3C suite uniqueLang-002)."""
    for flag in FLAGS:
        for shape, value in list(shapes.subject_objects(flag)):
            if not is_true(value):
                shapes.remove((shape, flag, value))
    return shapes


class Unsupported(Exception):
    """The shapes graph uses a SHACL feature this compiler does not translate."""


@dataclass(frozen=True)
class ValidationResult:
    """One validation result, as pyshacl would report it."""

    severity: URIRef
    focus: Node
    message: str
    constraint: str
    path: Node | None
    value: Node | None


@dataclass(frozen=True)
class Check:
    """One SELECT query and how to read its rows as results."""

    query: str
    severity: URIRef
    message: str | None
    path: Node | None
    # (component name, variable holding the flag or None if every row is a violation,
    #  whether the value ?v is reported)
    columns: tuple[tuple[str, str | None, bool], ...]
    # for "~well-formed" columns: the datatype whose lexical space the values must be in
    datatype: URIRef | None = None
    # the query reads the shapes graph (GRAPH $shapesGraph): SHAPES_GRAPH must be named
    shapes_graph: bool = False


class Compiler:
    """Translates the shapes of one shapes graph into Checks."""

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self.g = shapes
        self.ontology = ontology
        self._names = count()
        # the parameters of the custom constraint components the shapes graph declares
        self.parameters = {
            path
            for parameter in shapes.objects(None, SH.parameter)
            for path in shapes.objects(parameter, SH.path)
        }

    def fresh(self) -> str:
        return f"?x{next(self._names)}"

    # -- paths -----------------------------------------------------------------------
    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return node.n3()
        forms = [p for p in self.g.predicates(node) if p in PATH_FORMS]
        if len(forms) + ((node, RDF.first, None) in self.g) != 1:
            raise Unsupported(f"path {node} is not exactly one kind of path")
        inverse = self.g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        alternatives = self.g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in Collection(self.g, alternatives)) + ")"
        for form, operator in PATH_MODIFIERS.items():
            inner = self.g.value(node, form)
            if inner is not None:
                return f"({self.path(inner)}){operator}"
        if (node, RDF.first, None) in self.g:
            return "(" + "/".join(self.path(p) for p in Collection(self.g, node)) + ")"
        raise Unsupported(f"path {node}")

    # -- value constraints: a SPARQL expression true when value {v} VIOLATES -------------
    def violation(self, predicate: URIRef, obj: Node, shape: Node, v: str) -> str:
        g = self.g
        if predicate == SH.nodeKind:
            if obj not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {obj}")
            return "!" + NODE_KINDS[obj].format(v=v)
        if predicate == SH.datatype:
            check = f"!isLiteral({v}) || DATATYPE({v}) != {obj.n3()}"
            if obj in CASTABLE:
                check += f" || !COALESCE(isLiteral({obj.n3()}(STR({v}))), false)"
            elif obj in LEXICAL_PATTERNS:
                check += f" || !REGEX(STR({v}), {Literal(LEXICAL_PATTERNS[obj]).n3()})"
            return check
        if predicate == SH.pattern:
            flags = g.value(shape, SH.flags)
            flag_arg = f", {Literal(str(flags)).n3()}" if flags else ""
            return f"isBlank({v}) || !REGEX(STR({v}), {Literal(str(obj)).n3()}{flag_arg})"
        if predicate == SH.minLength:
            return f"isBlank({v}) || STRLEN(STR({v})) < {int(obj)}"
        if predicate == SH.maxLength:
            return f"isBlank({v}) || STRLEN(STR({v})) > {int(obj)}"
        if predicate == SH.languageIn:
            ranges = [Literal(str(t)).n3() for t in Collection(g, obj)]
            return "!" + _any(f"langMatches(LANG({v}), {r})" for r in ranges)
        if predicate == SH["in"]:
            terms = [t.n3() for t in Collection(g, obj)]
            return "!" + _any(f"sameTerm({v}, {t})" for t in terms)
        if predicate == SH["class"]:
            t = self.fresh()
            return f"NOT EXISTS {{ {v} a {t} FILTER({t} IN ({self.classes(obj)})) }}"
        comparisons = {
            SH.minInclusive: ">=",
            SH.maxInclusive: "<=",
            SH.minExclusive: ">",
            SH.maxExclusive: "<",
        }
        if predicate in comparisons:
            return f"!({v} {comparisons[predicate]} {obj.n3()})"
        members = list(Collection(g, obj)) if predicate != SH["not"] else [obj]
        conforms = [self.conforms(m, v) for m in members]
        if predicate == SH["or"]:
            return "!" + _any(conforms)
        if predicate == SH["and"]:
            return "!(" + (" && ".join(conforms) or "true") + ")"
        if predicate == SH["not"]:
            return conforms[0]
        if predicate == SH.xone:
            return "(" + " + ".join(["0", *(f"IF({c}, 1, 0)" for c in conforms)]) + ") != 1"
        raise Unsupported(str(predicate))

    def conforms(self, shape: Node, v: str) -> str:
        """A SPARQL expression true when {v} conforms to a (small, nested) shape."""
        g = self.g
        self.refuse_unknown(shape)
        if is_true(g.value(shape, SH.deactivated)):
            return "true"
        parts = []
        path = g.value(shape, SH.path)
        if path is None:
            for p, o in g.predicate_objects(shape):
                if p == SH.datatype and needs_lexical_check(o):
                    raise Unsupported(f"sh:datatype {o} inside a logical constraint")
                if p in VALUE_COMPONENTS:
                    parts.append(f"!COALESCE(({self.violation(p, o, shape, v)}), true)")
                elif p in COUNT_COMPONENTS:
                    raise Unsupported(f"{p} on a node shape")
        else:
            sparql_path = self.path(path)
            for p, o in g.predicate_objects(shape):
                if p == SH.datatype and needs_lexical_check(o):
                    raise Unsupported(f"sh:datatype {o} inside a logical constraint")
                if p in VALUE_COMPONENTS:
                    w = self.fresh()
                    bad = self.violation(p, o, shape, w)
                    parts.append(
                        f"NOT EXISTS {{ {v} {sparql_path} {w} FILTER(COALESCE(({bad}), true)) }}"
                    )
                elif p == SH.minCount:
                    parts.append(self.at_least(v, sparql_path, int(o)))
                elif p == SH.maxCount:
                    parts.append("!" + self.at_least(v, sparql_path, int(o) + 1))
                elif p == SH.hasValue:
                    parts.append(f"EXISTS {{ {v} {sparql_path} {o.n3()} }}")
                elif p in COUNT_COMPONENTS:
                    raise Unsupported(f"{p} inside a logical constraint")
        if g.value(shape, SH.property) is not None or g.value(shape, SH.sparql) is not None:
            raise Unsupported("nested shapes with properties inside a logical constraint")
        return "(" + (" && ".join(parts) or "true") + ")"

    def at_least(self, v: str, sparql_path: str, n: int) -> str:
        if n <= 0:
            return "true"
        names = [self.fresh() for _ in range(n)]
        patterns = " . ".join(f"{v} {sparql_path} {w}" for w in names)
        distinct = " && ".join(
            f"!sameTerm({a}, {b})" for i, a in enumerate(names) for b in names[i + 1 :]
        )
        return f"EXISTS {{ {patterns}" + (f" FILTER({distinct})" if distinct else "") + " }"

    def refuse_unknown(self, shape: Node) -> None:
        """Raise Unsupported for a SHACL property this compiler does not translate, or a
        parameter of a custom constraint component. Other properties of a shape are no
        constraint (SHACL 2.1: a shape may have any other triples)."""
        for p in set(self.g.predicates(shape)):
            if p in PASSIVE or p in VALUE_COMPONENTS or p in COUNT_COMPONENTS:
                continue
            if str(p).startswith(str(SH)) or p in self.parameters:
                raise Unsupported(f"{p} on {shape}")

    # -- checks --------------------------------------------------------------------------
    def shapes_with_targets(self) -> list[Node]:
        """Every shape that has focus nodes: declared targets, and implicit class targets
        (a shape that is also an rdfs:Class targets the instances of that class)."""
        g = self.g
        if next(g.subject_objects(SH.target), None) is not None:
            raise Unsupported("sh:target (SPARQL-based targets)")
        found = {s for t in TARGETS for s in g.subjects(t, None)}
        for shape_type in (SH.NodeShape, SH.PropertyShape):
            for shape in g.subjects(RDF.type, shape_type):
                if RDFS.Class in self.shapes_classes(shape):
                    found.add(shape)
        return sorted(found, key=str)

    def shapes_classes(self, node: Node) -> set[Node]:
        """The classes of a node in the shapes graph, with their superclasses."""
        found: set[Node] = set()
        for cls in self.g.objects(node, RDF.type):
            found.update(self.g.transitive_objects(cls, RDFS.subClassOf))
        return found

    def targets(self, shape: Node, once: bool = True) -> str:
        """A group pattern binding ?this to each focus node of the shape: once, or with
        `once=False` for a query whose results are distinct anyway (SELECT DISTINCT, or
        COUNT(DISTINCT) grouped by ?this), a focus node may be bound more than once (an
        instance of two of the target's classes): a class or node target is then not
        wrapped in a SELECT DISTINCT subquery, which Oxigraph answers more slowly (the
        compiled checks of the 1M benchmark: 6.7 s against 7.9 s, the same rows). A
        SPARQL-based constraint needs each focus node once, and only ?this of the target in
        scope."""
        g = self.g
        classes = set(g.objects(shape, SH.targetClass))
        if RDFS.Class in self.shapes_classes(shape):
            classes.add(shape)
        branches = []
        if classes:
            types = " ".join(self.classes(c).replace(",", "") for c in sorted(classes))
            branches.append(f"{{ VALUES ?type {{ {types} }} ?this a ?type }}")
        nodes = sorted(g.objects(shape, SH.targetNode), key=str)
        if nodes:
            branches.append(f"{{ VALUES ?this {{ {' '.join(n.n3() for n in nodes)} }} }}")
        for p in sorted(g.objects(shape, SH.targetSubjectsOf)):
            branches.append(f"{{ ?this {p.n3()} ?object }}")
        for p in sorted(g.objects(shape, SH.targetObjectsOf)):
            branches.append(f"{{ ?subject {p.n3()} ?this }}")
        if not once and len(branches) == 1 and (classes or nodes):
            return branches[0]  # (subjects or objects of a predicate repeat: kept distinct)
        return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(branches)} }} }}"

    def classes(self, cls: URIRef) -> str:
        """The class and its subclasses (rdfs:subClassOf* in the data graph), comma-separated."""
        found = sorted(set(self.ontology.transitive_subjects(RDFS.subClassOf, cls)))
        return ", ".join(c.n3() for c in found)

    def checks(self) -> list[Check]:
        g = self.g
        found = []
        for shape in self.shapes_with_targets():
            if is_true(g.value(shape, SH.deactivated)):
                continue
            self.refuse_unknown(shape)
            target = self.targets(shape, once=False)
            path = g.value(shape, SH.path)
            if path is not None:  # a property shape with targets of its own
                if g.value(shape, SH.property) is not None or g.value(shape, SH.sparql):
                    raise Unsupported("a property shape with property shapes or SPARQL")
                found.extend(self.property_checks(shape, target, path))
                continue
            for p in COUNT_COMPONENTS:
                if g.value(shape, p) is not None:
                    raise Unsupported(f"{p} on a node shape")
            found.extend(self.value_checks(shape, target, None))
            found.extend(self.sparql_checks(shape, self.targets(shape)))
            for prop in sorted(g.objects(shape, SH.property), key=str):
                if is_true(g.value(prop, SH.deactivated)):
                    continue
                self.refuse_unknown(prop)
                if g.value(prop, SH.property) is not None or g.value(prop, SH.sparql):
                    raise Unsupported("nested property shapes")
                path = g.value(prop, SH.path)
                if path is None:
                    raise Unsupported(f"property shape {prop} without sh:path")
                found.extend(self.property_checks(prop, target, path))
        return found

    def property_checks(self, shape: Node, target: str, path: Node) -> list[Check]:
        if len(list(self.g.objects(shape, SH.path))) != 1:
            raise Unsupported(f"property shape {shape} with several sh:path")
        return self.value_checks(shape, target, path) + self.count_checks(shape, target, path)

    def value_checks(self, shape: Node, target: str, path: Node | None) -> list[Check]:
        constraints = [(p, o) for p, o in self.g.predicate_objects(shape) if p in VALUE_COMPONENTS]
        if not constraints:
            return []
        values = "BIND(?this AS ?v)" if path is None else f"?this {self.path(path)} ?v ."
        binds, columns = [], []
        for i, (p, o) in enumerate(sorted(constraints)):
            binds.append(f"BIND(COALESCE(({self.violation(p, o, shape, '?v')}), true) AS ?c{i})")
            columns.append((VALUE_COMPONENTS[p], f"?c{i}", True))
        flags = " || ".join(f"?c{i}" for i in range(len(columns)))
        query = (
            f"SELECT DISTINCT ?this ?v {' '.join(c for _, c, _ in columns)} "
            f"WHERE {{ {target} {values} " + " ".join(binds) + f" FILTER({flags}) }}"
        )
        found = [Check(query, *self.reporting(shape), path, tuple(columns))]
        for p, o in constraints:
            if p == SH.datatype and needs_lexical_check(o):
                # the literals of the datatype, whose lexical forms Python checks
                query = (
                    f"SELECT DISTINCT ?this ?v WHERE {{ {target} {values} "
                    f"FILTER(isLiteral(?v) && DATATYPE(?v) = {o.n3()}) }}"
                )
                column = (("Datatype", "~well-formed", True),)
                found.append(Check(query, *self.reporting(shape), path, column, datatype=o))
        return found

    def count_checks(self, shape: Node, target: str, path: Node) -> list[Check]:
        g = self.g
        sparql_path = self.path(path)
        found = []
        for single in (SH.minCount, SH.maxCount, SH.uniqueLang):
            if len(list(g.objects(shape, single))) > 1:
                raise Unsupported(f"several {single} on {shape}")
        low, high = g.value(shape, SH.minCount), g.value(shape, SH.maxCount)
        if high is None and low is not None and int(low) == 1:
            # "at least one": no count, a look-up per focus node (the 1M benchmark's 31
            # such checks: 0.53 s against 0.80 s grouping each focus node's values)
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {target} "
                f"FILTER NOT EXISTS {{ ?this {sparql_path} ?v }} }}"
            )
            found.append(Check(query, *self.reporting(shape), path, (("MinCount", None, False),)))
        elif low is not None or high is not None:
            counted = "COUNT(DISTINCT ?v)"
            tests = []
            columns = []
            if low is not None:
                tests.append(f"({counted} < {int(low)})")
            if high is not None:
                tests.append(f"({counted} > {int(high)})")
            query = (
                f"SELECT ?this ({counted} AS ?n) WHERE {{ {target} "
                f"OPTIONAL {{ ?this {sparql_path} ?v }} }} GROUP BY ?this "
                f"HAVING ({' || '.join(tests)})"
            )
            if low is not None:
                columns.append(("MinCount", f"<{int(low)}", False))
            if high is not None:
                columns.append(("MaxCount", f">{int(high)}", False))
            found.append(Check(query, *self.reporting(shape), path, tuple(columns)))
        for value in g.objects(shape, SH.hasValue):
            query = (
                f"SELECT DISTINCT ?this WHERE {{ {target} "
                f"FILTER NOT EXISTS {{ ?this {sparql_path} {value.n3()} }} }}"
            )
            found.append(Check(query, *self.reporting(shape), path, (("HasValue", None, False),)))
        if is_true(g.value(shape, SH.uniqueLang)):
            query = (
                f"SELECT ?this ?lang WHERE {{ {target} ?this {sparql_path} ?v "
                f'BIND(LANG(?v) AS ?lang) FILTER(?lang != "") }} GROUP BY ?this ?lang '
                f"HAVING (COUNT(DISTINCT ?v) > 1)"
            )
            found.append(Check(query, *self.reporting(shape), path, (("UniqueLang", None, False),)))
        return found

    def reporting(self, shape: Node) -> tuple[URIRef, str | None]:
        """The severity and message of the results of a shape."""
        severity = self.g.value(shape, SH.severity) or SH.Violation
        message = self.g.value(shape, SH.message)
        return severity, (str(message) if message is not None else None)

    def sparql_checks(self, shape: Node, target: str) -> list[Check]:
        found = []
        for constraint in self.g.objects(shape, SH.sparql):
            select = str(self.g.value(constraint, SH.select) or "")
            match = re.fullmatch(r"\s*SELECT\s+\$this\s+WHERE\s*\{(.*)\}\s*", select, re.S | re.I)
            if not match:
                raise Unsupported("a SPARQL constraint other than SELECT $this WHERE {...}")
            body, reads_shapes = pre_bind(match.group(1), shape)
            if "$" in body.replace("$this", "") or re.search(r"[?$]PATH\b", body):
                raise Unsupported("a SPARQL constraint with variables other than $this")
            body = body.replace("$this", "?this")
            # $this is pre-bound (SHACL 5.3.1); joining the body with the targets binds it
            # alike only where the body's filters see the whole group: a nested group or
            # subquery that names it would see it unbound (EXISTS substitutes it, as
            # pre-binding does)
            if any(
                not re.search(r"EXISTS\s*$", body[:start], re.I) and "?this" in group
                for start, group in _groups(body)
            ):
                raise Unsupported("a SPARQL constraint with $this in nested groups or subqueries")
            if self.g.value(constraint, SH.deactivated) is not None:
                raise Unsupported("sh:deactivated on a SPARQL constraint")
            prologue = "".join(
                f"PREFIX {p}: <{_iri(ns)}>\n"
                for p, ns in sorted(declared_prefixes(self.g, constraint).items())
            )
            query = f"{prologue}SELECT DISTINCT ?this WHERE {{ {target} {body} }}"
            severity, message = self.reporting(shape)
            own = self.g.value(constraint, SH.message)
            message = str(own) if own is not None else message
            columns = (("SPARQL", None, False),)
            found.append(Check(query, severity, message, None, columns, None, reads_shapes))
        return found


def pre_bind(body: str, shape: Node) -> tuple[str, bool]:
    """A SPARQL constraint's body with $currentShape and $shapesGraph pre-bound (SHACL
    5.3.1, Appendix: every occurrence replaced by its value, bound() of it true), and
    whether it reads the shapes graph. A query that names them anywhere else (in a string)
    is refused rather than guessed at."""
    if not isinstance(shape, URIRef) and re.search(r"[?$]currentShape\b", body):
        raise Unsupported("$currentShape of a shape that is a blank node")
    values = {"currentShape": shape, "shapesGraph": URIRef(SHAPES_GRAPH)}

    def bound(token: re.Match) -> str:
        name = token.group(1) or token.group(2)
        if name not in values:
            return token.group(0)
        return "(true)" if token.group(1) else values[name].n3()

    bound_body = _SPARQL_TOKENS.sub(bound, body)
    if re.search(r"[?$](?:currentShape|shapesGraph)\b", bound_body):
        raise Unsupported("$currentShape or $shapesGraph inside a string or IRI")
    names = {t.group(1) or t.group(2) for t in _SPARQL_TOKENS.finditer(body)}
    return bound_body, "shapesGraph" in names


def _groups(text: str) -> Iterator[tuple[int, str]]:
    """(start, text) of each {...} group of a query, strings and IRIs blanked out."""
    plain = _SPARQL_TOKENS.sub(
        lambda t: t.group(0) if t.group(1) or t.group(2) else " " * len(t.group(0)), text
    )
    opened: list[int] = []
    for i, char in enumerate(plain):
        if char == "{":
            opened.append(i)
        elif char == "}":
            if not opened:
                raise Unsupported("a SPARQL constraint with unbalanced braces")
            start = opened.pop()
            yield start, plain[start : i + 1]
    if opened:
        raise Unsupported("a SPARQL constraint with unbalanced braces")


def _iri(namespace: str) -> str:
    if re.search(r'[<>"{}|^`\\\x00-\x20]', namespace):
        raise Unsupported(f"sh:namespace {namespace!r} is not an IRI")
    return namespace


def _any(conditions: Iterable[str]) -> str:
    """A disjunction; false for none (an empty sh:in or sh:or holds no value)."""
    return "(" + (" || ".join(conditions) or "false") + ")"


def well_formed(value: Literal, datatype: URIRef) -> bool:
    """Whether the lexical form of a literal is in the lexical space of an XSD datatype
    (elementpath's XSD 1.1 types; a datatype it does not know has no check)."""
    known = _xsd_type(datatype)
    return known is None or _lexical_ok(known, str(value))


def _xsd_type(datatype: Node) -> type | None:
    name = str(datatype)
    if not name.startswith(str(XSD)):
        return None
    from elementpath.datatypes import builtin_atomic_types  # 80 ms to import: only if needed

    return builtin_atomic_types.get("{" + name[: len(str(XSD)) - 1] + "}" + name[len(str(XSD)) :])


@lru_cache(maxsize=65536)
def _lexical_ok(known: type, lexical: str) -> bool:
    from elementpath import ElementPathError

    try:
        known.make(lexical)
    except (ValueError, TypeError, ArithmeticError, ElementPathError):
        return False
    return True


def needs_lexical_check(datatype: Node) -> bool:
    """A datatype whose ill-formed literals only a Python check finds (no SPARQL cast)."""
    return (
        datatype not in CASTABLE
        and datatype not in LEXICAL_PATTERNS
        and datatype != XSD.string
        and _xsd_type(datatype) is not None
    )


def check_literals(texts: Iterable[str]) -> None:
    """Raise Unsupported if the data states a literal the store would rewrite (REWRITTEN):
    the compiled checks would see another datatype than the data states."""
    for text in texts:
        found = _REWRITTEN_LITERAL.search(text)
        if found:
            raise Unsupported(f"literals typed {found.group(0).lstrip('^')}")


def compile_shapes(shapes: Graph, hierarchy: Graph) -> list[Check]:
    """The checks of every shape; raises Unsupported if a shape cannot be translated.

    Class targets and sh:class take subclasses from `hierarchy`: the rdfs:subClassOf
    triples of the data graph (`class_hierarchy`)."""
    return Compiler(shapes, hierarchy).checks()


def class_hierarchy(store: Store, graphs: Sequence[str] = ()) -> Graph:
    """The rdfs:subClassOf triples of the data graph (SHACL's "SHACL instance" follows them
    there: lerld's ontology, and any the data files state)."""
    graph = Graph()
    query = f"SELECT DISTINCT ?s ?o WHERE {{ ?s {RDFS.subClassOf.n3()} ?o }}"
    for row in select(store, query, graphs):
        graph.add((row["s"], RDFS.subClassOf, row["o"]))
    return graph


def select(
    store: Store, query: str, graphs: Sequence[str] = (), named: Sequence[str] = ()
) -> list[dict[str, Node]]:
    """The solutions of a query on the data graph: the merge of the named graphs `graphs`
    (the store's union of graphs if none are named), with the named graphs `named`. The
    shapes are in the store too, as a graph of their own, and SHACL keeps them out of the
    data graph: a blank node of a file that is both data and shapes is two blank nodes,
    once in each graph."""
    if not graphs:
        return store.select(query)
    dataset = QueryDataset(default_graphs=tuple(graphs), named_graphs=tuple(named))
    answer = store.query(query, Formats(SPARQL_JSON, None), dataset)
    parsed = read_json(answer.body or b"")
    if isinstance(parsed, bool):
        raise ValueError("expected solutions")
    variables, rows = parsed
    from lerld.stores.remote import _from_term as node_of  # imports requests: only here

    return [
        {name: node_of(term) for name, term in zip(variables, row, strict=True) if term}
        for row in rows
    ]


def run(
    checks: Sequence[Check],
    store: Store,
    graphs: Sequence[str] = (),
    pool: Executor | None = None,
) -> Iterator[ValidationResult]:
    """Run the checks against a store whose named graphs `graphs` are the data graph (all
    of its graphs if none are named), a few at a time (on `pool`, or a pool of their own):
    the store evaluates queries in parallel, outside Python's lock. A check that reads the
    shapes graph needs the data graph named, and the store to hold SHAPES_GRAPH
    (`shapes_graph_data`)."""
    if any(c.shapes_graph for c in checks) and not graphs:
        raise ValueError("a check reads the shapes graph: name the data graph")

    def answer(check: Check) -> list[dict[str, Node]]:
        named = (*graphs, SHAPES_GRAPH) if check.shapes_graph else ()
        return select(store, check.query, graphs, named)

    with contextlib.ExitStack() as owned:
        if pool is None:
            pool = owned.enter_context(ThreadPoolExecutor(QUERY_THREADS))
        for check, rows in zip(checks, pool.map(answer, checks), strict=True):
            yield from _results(check, rows)


def shapes_graph_data(shapes: Graph) -> GraphData:
    """The shapes graph as the content of SHAPES_GRAPH, for checks that read it."""
    return GraphData(
        SHAPES_GRAPH, shapes.serialize(format="nt", encoding="utf-8"), "application/n-triples"
    )


def _results(check: Check, rows: list) -> Iterator[ValidationResult]:
    for row in rows:
        for component, flag, with_value in check.columns:
            if flag and flag.startswith("?") and row.get(flag[1:]) != Literal(True):
                continue
            if flag == "~well-formed" and well_formed(row["v"], check.datatype):
                continue
            if flag and flag[0] in "<>":
                n = int(row["n"])
                limit = int(flag[1:])
                if (flag[0] == "<" and n >= limit) or (flag[0] == ">" and n <= limit):
                    continue
            focus = row["this"]
            value = row.get("v") if with_value else None
            if component == "SPARQL":
                value = focus
            yield ValidationResult(
                severity=check.severity,
                focus=focus,
                message=check.message or _default_message(component),
                constraint=f"sh:{component}ConstraintComponent",
                path=check.path,
                value=value,
            )


def _default_message(component: str) -> str:
    return f"does not conform to sh:{component}ConstraintComponent"
