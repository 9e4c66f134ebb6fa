"""SHACL shapes compiled to SPARQL, so that a SPARQL store validates millions of triples.

pyshacl walks an rdflib graph node by node: minutes and gigabytes at a million triples.
This module turns each shape into a few SELECT queries that return only the violations
(one query for the value constraints of a shape, one for its counts), and a store such as
the embedded Oxigraph answers them in milliseconds.

It covers the SHACL Core components lerld's shapes use: class targets (with the
ontology's rdfs:subClassOf), predicate, inverse, alternative and sequence paths, sh:minCount,
sh:maxCount, sh:datatype (with ill-formed literals), sh:nodeKind, sh:pattern (sh:flags),
sh:minLength, sh:maxLength, sh:languageIn, sh:uniqueLang, sh:in, sh:hasValue, sh:class,
sh:min/maxInclusive/Exclusive, sh:or, sh:xone, sh:and, sh:not over simple shapes, and
SPARQL-based constraints (sh:sparql with $this). A shapes graph that uses anything else
raises Unsupported, and the caller validates with pyshacl instead: the results are the
same either way (tests/test_validate.py holds the two engines to the same findings).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from itertools import count

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from lerld.stores import Store
from lerld.terms import SH

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
    SH.property,
    SH.path,
    SH.sparql,
    SH.flags,
    SH.deactivated,
}
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


class Unsupported(Exception):
    """The shapes graph uses a SHACL feature this compiler does not translate."""


@dataclass(frozen=True)
class Result:
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


class Compiler:
    """Translates the shapes of one shapes graph into Checks."""

    def __init__(self, shapes: Graph, ontology: Graph) -> None:
        self.g = shapes
        self.ontology = ontology
        self._names = count()

    def fresh(self) -> str:
        return f"?x{next(self._names)}"

    # -- paths -----------------------------------------------------------------------
    def path(self, node: Node) -> str:
        if isinstance(node, URIRef):
            return node.n3()
        inverse = self.g.value(node, SH.inversePath)
        if inverse is not None:
            return f"^({self.path(inverse)})"
        alternatives = self.g.value(node, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(p) for p in Collection(self.g, alternatives)) + ")"
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
            return "!(" + " || ".join(f"langMatches(LANG({v}), {r})" for r in ranges) + ")"
        if predicate == SH["in"]:
            terms = [t.n3() for t in Collection(g, obj)]
            return "!(" + " || ".join(f"sameTerm({v}, {t})" for t in terms) + ")"
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
            return "!(" + " || ".join(conforms) + ")"
        if predicate == SH["and"]:
            return "!(" + " && ".join(conforms) + ")"
        if predicate == SH["not"]:
            return conforms[0]
        if predicate == SH.xone:
            return "(" + " + ".join(f"IF({c}, 1, 0)" for c in conforms) + ") != 1"
        raise Unsupported(str(predicate))

    def conforms(self, shape: Node, v: str) -> str:
        """A SPARQL expression true when {v} conforms to a (small, nested) shape."""
        g = self.g
        self.refuse_unknown(shape)
        if g.value(shape, SH.deactivated) == Literal(True):
            return "true"
        parts = []
        path = g.value(shape, SH.path)
        if path is None:
            for p, o in g.predicate_objects(shape):
                if p in VALUE_COMPONENTS:
                    parts.append(f"!COALESCE(({self.violation(p, o, shape, v)}), true)")
                elif p in COUNT_COMPONENTS:
                    raise Unsupported(f"{p} on a node shape")
        else:
            sparql_path = self.path(path)
            for p, o in g.predicate_objects(shape):
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
        for p in set(self.g.predicates(shape)):
            if p not in PASSIVE and p not in VALUE_COMPONENTS and p not in COUNT_COMPONENTS:
                raise Unsupported(f"{p} on {shape}")

    # -- checks --------------------------------------------------------------------------
    def targets(self, shape: Node) -> str:
        classes = sorted(self.g.objects(shape, SH.targetClass))
        types = " ".join(self.classes(c).replace(",", "") for c in classes)
        return f"{{ SELECT DISTINCT ?this WHERE {{ VALUES ?type {{ {types} }} ?this a ?type }} }}"

    def classes(self, cls: URIRef) -> str:
        """The class and its subclasses (rdfs:subClassOf* in the ontology), comma-separated."""
        found = sorted(set(self.ontology.transitive_subjects(RDFS.subClassOf, cls)))
        return ", ".join(c.n3() for c in found)

    def checks(self) -> list[Check]:
        g = self.g
        for unsupported in (SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target):
            if next(g.subject_objects(unsupported), None) is not None:
                raise Unsupported(str(unsupported))
        found = []
        for shape in sorted(set(g.subjects(SH.targetClass, None)), key=str):
            if g.value(shape, SH.deactivated) == Literal(True):
                continue
            self.refuse_unknown(shape)
            target = self.targets(shape)
            found.extend(self.value_checks(shape, target, None))
            found.extend(self.sparql_checks(shape, target))
            for prop in sorted(g.objects(shape, SH.property), key=str):
                if g.value(prop, SH.deactivated) == Literal(True):
                    continue
                self.refuse_unknown(prop)
                if g.value(prop, SH.property) is not None or g.value(prop, SH.sparql):
                    raise Unsupported("nested property shapes")
                path = g.value(prop, SH.path)
                if path is None:
                    raise Unsupported(f"property shape {prop} without sh:path")
                found.extend(self.value_checks(prop, target, path))
                found.extend(self.count_checks(prop, target, path))
        return found

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
            f"SELECT ?this ?v {' '.join(c for _, c, _ in columns)} WHERE {{ {target} {values} "
            + " ".join(binds)
            + f" FILTER({flags}) }}"
        )
        return [Check(query, *self.reporting(shape), path, tuple(columns))]

    def count_checks(self, shape: Node, target: str, path: Node) -> list[Check]:
        g = self.g
        sparql_path = self.path(path)
        found = []
        low, high = g.value(shape, SH.minCount), g.value(shape, SH.maxCount)
        if low is not None or high is not None:
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
                f"SELECT ?this WHERE {{ {target} "
                f"FILTER NOT EXISTS {{ ?this {sparql_path} {value.n3()} }} }}"
            )
            found.append(Check(query, *self.reporting(shape), path, (("HasValue", None, False),)))
        if g.value(shape, SH.uniqueLang) == Literal(True):
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
            if self.g.value(constraint, SH.prefixes) is not None:
                raise Unsupported("sh:prefixes")
            match = re.fullmatch(r"\s*SELECT\s+\$this\s+WHERE\s*\{(.*)\}\s*", select, re.S | re.I)
            if not match or "$" in match.group(1).replace("$this", ""):
                raise Unsupported("a SPARQL constraint other than SELECT $this WHERE {...}")
            body = match.group(1).replace("$this", "?this")
            query = f"SELECT DISTINCT ?this WHERE {{ {target} {body} }}"
            severity, message = self.reporting(shape)
            own = self.g.value(constraint, SH.message)
            message = str(own) if own is not None else message
            found.append(Check(query, severity, message, None, (("SPARQL", None, False),)))
        return found


def compile_shapes(shapes: Graph, ontology: Graph) -> list[Check]:
    """The checks of every shape; raises Unsupported if a shape cannot be translated.

    Class targets and sh:class take subclasses from the ontology's rdfs:subClassOf."""
    return Compiler(shapes, ontology).checks()


def run(checks: Sequence[Check], store: Store) -> Iterator[Result]:
    """Run the checks against a store (its default graph is the data graph), a few at a
    time: the store evaluates queries in parallel, outside Python's lock."""
    with ThreadPoolExecutor(max(2, min(4, os.cpu_count() or 1))) as pool:
        for check, rows in zip(
            checks, pool.map(lambda c: store.select(c.query), checks), strict=True
        ):
            yield from _results(check, rows)


def _results(check: Check, rows: list) -> Iterator[Result]:
    for row in rows:
        for component, flag, with_value in check.columns:
            if flag and flag.startswith("?") and row.get(flag[1:]) != Literal(True):
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
            yield Result(
                severity=check.severity,
                focus=focus,
                message=check.message or _default_message(component),
                constraint=f"sh:{component}ConstraintComponent",
                path=check.path,
                value=value,
            )


def _default_message(component: str) -> str:
    return f"does not conform to sh:{component}ConstraintComponent"
