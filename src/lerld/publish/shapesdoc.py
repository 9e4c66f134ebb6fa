"""The documentation of the SHACL shapes, as a plain view-model (no Flask): the model of
the /shapes page, one section per node shape and per shared property shape, with their
targets and constraints worded for people. References and rows are vocabdoc's, so the
shapes page links terms as the vocabulary page does.
"""

from __future__ import annotations

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS
from rdflib.term import Node

from lerld.core.terms import SH, curie
from lerld.profile import PROFILE
from lerld.publish.vocabdoc import (
    FieldRow,
    Href,
    Ref,
    first_text,
    literal_ref,
    refs,
    term_ref,
)

SHAPES_NS = str(PROFILE.shapes.namespace)


@dataclass(frozen=True)
class PropertyConstraint:
    """The constraints on one property path; `id` is set for a shared (named) property shape."""

    path: Ref
    name: str
    constraints: list[FieldRow]
    message: str
    severity: str
    id: str | None = None
    iri: str | None = None


@dataclass(frozen=True)
class ShapeDoc:
    id: str
    iri: str
    label: str
    targets: list[Ref]
    constraints: list[FieldRow]
    message: str
    severity: str
    properties: list[PropertyConstraint]


@dataclass(frozen=True)
class ShapesDoc:
    iri: str
    title: str
    description: str
    version: str
    node_shapes: list[ShapeDoc]
    property_shapes: list[PropertyConstraint]


# SHACL constraint parameters and how the page words them, in display order.
SHACL_PARAMETERS: tuple[tuple[URIRef, str], ...] = (
    (SH.minCount, "at least"),
    (SH.maxCount, "at most"),
    (SH.nodeKind, "node kind"),
    (SH.datatype, "datatype"),
    (SH["class"], "instance of"),
    (SH.hasValue, "has value"),
    (SH["in"], "one of"),
    (SH.languageIn, "language"),
    (SH.uniqueLang, "one per language"),
    (SH.minLength, "minimum length"),
    (SH.maxLength, "maximum length"),
    (SH.minInclusive, "minimum"),
    (SH.maxInclusive, "maximum"),
    (SH.pattern, "pattern"),
    (SH.node, "conforms to"),
    (SH["or"], "any of"),
    (SH.xone, "exactly one of"),
    (SH["and"], "all of"),
    (SH["not"], "not"),
    (SH.sparql, "SPARQL constraint"),
)
SHAPES_IRI = PROFILE.shapes.iri
SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}
LIST_PARAMETERS = (SH["in"], SH.languageIn, SH["or"], SH.xone, SH["and"])


def shacl_value(graph: Graph, node: Node, href: Href) -> Ref:
    """One constraint value: a term, a literal, or a nested shape summarised in words."""
    if isinstance(node, Literal):
        return literal_ref(node)
    if isinstance(node, BNode):
        if (node, SH.select, None) in graph:
            return Ref(first_text(graph, node, (SH.message,)) or "a SPARQL query")
        parts = [
            f"{r.label} {', '.join(v.label for v in r.values)}"
            for r in shape_constraints(graph, node, href)
        ]
        path = graph.value(node, SH.path)
        prefix = f"{path_ref(graph, path, href).label}: " if path is not None else ""
        return Ref(prefix + "; ".join(parts))
    if str(node).startswith(SHAPES_NS):
        return Ref(curie_shape(str(node)), "#" + str(node)[len(SHAPES_NS) :], str(node))
    return term_ref(graph, node, href)


def curie_shape(iri: str) -> str:
    if iri.startswith(SHAPES_NS):
        return f"{PROFILE.shapes.prefix}:{iri[len(SHAPES_NS) :]}"
    return curie(iri)


def path_ref(graph: Graph, path: Node, href: Href) -> Ref:
    """A property path in SPARQL-like words: p, ^p, p1 | p2, p1 / p2."""
    if isinstance(path, URIRef):
        ref = term_ref(graph, path, href)
        return Ref(curie(str(path)), ref.href, str(path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return Ref("^" + path_ref(graph, inverse, href).label)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        members = Collection(graph, alternatives)
        return Ref(" | ".join(path_ref(graph, p, href).label for p in members))
    if (path, RDF.first, None) in graph:
        return Ref(" / ".join(path_ref(graph, p, href).label for p in Collection(graph, path)))
    return Ref("(a complex path)")


def shape_constraints(graph: Graph, shape: Node, href: Href) -> list[FieldRow]:
    rows = []
    for parameter, label in SHACL_PARAMETERS:
        found = []
        for value in graph.objects(shape, parameter):
            members = Collection(graph, value) if parameter in LIST_PARAMETERS else [value]
            found.append((value, FieldRow(label, [shacl_value(graph, m, href) for m in members])))
        # blank nodes (two sh:sparql constraints) by what they say: their ids differ from
        # store to store
        found.sort(key=lambda f: (1, repr(f[1])) if isinstance(f[0], BNode) else (0, f[0]))
        rows += [row for _, row in found]
    return rows


def severity(graph: Graph, shape: Node) -> str:
    return SEVERITY_NAMES.get(graph.value(shape, SH.severity), "Violation")


def property_constraint(graph: Graph, shape: Node, href: Href) -> PropertyConstraint:
    path = graph.value(shape, SH.path)
    shared = isinstance(shape, URIRef) and str(shape).startswith(SHAPES_NS)
    return PropertyConstraint(
        path=path_ref(graph, path, href) if path is not None else Ref("(no path)"),
        name=str(graph.value(shape, SH.name) or ""),
        constraints=shape_constraints(graph, shape, href),
        message=str(graph.value(shape, SH.message) or ""),
        severity=severity(graph, shape),
        id=str(shape)[len(SHAPES_NS) :] if shared else None,
        iri=str(shape) if shared else None,
    )


def shown_order(constraint: PropertyConstraint) -> tuple:
    """Property constraints by path, then by what they say (anonymous shapes have no name)."""
    words = [(r.label, [v.label for v in r.values]) for r in constraint.constraints]
    return (constraint.path.label, constraint.id or "", constraint.message, repr(words))


def named_subjects(graph: Graph, rdf_type: URIRef) -> list[URIRef]:
    return sorted(s for s in graph.subjects(RDF.type, rdf_type) if isinstance(s, URIRef))


def shape_doc(graph: Graph, shape: URIRef, href: Href) -> ShapeDoc:
    iri = str(shape)
    properties = [property_constraint(graph, p, href) for p in graph.objects(shape, SH.property)]
    return ShapeDoc(
        id=iri[len(SHAPES_NS) :] if iri.startswith(SHAPES_NS) else iri,
        iri=iri,
        label=first_text(graph, shape, (RDFS.label, SH.name)) or curie_shape(iri),
        targets=refs(graph, graph.objects(shape, SH.targetClass), href),
        constraints=shape_constraints(graph, shape, href),
        message=str(graph.value(shape, SH.message) or ""),
        severity=severity(graph, shape),
        properties=sorted(properties, key=shown_order),
    )


def shapes_view(graph: Graph, href: Href) -> ShapesDoc:
    """The /shapes page's model: each node shape with its targets and constraints, and the
    shared property shapes they reuse."""
    return ShapesDoc(
        iri=str(SHAPES_IRI),
        title=first_text(graph, SHAPES_IRI, (DCTERMS.title, RDFS.label)) or "SHACL shapes",
        description=first_text(graph, SHAPES_IRI, (DCTERMS.description, RDFS.comment)) or "",
        version=str(graph.value(SHAPES_IRI, OWL.versionInfo) or ""),
        node_shapes=[shape_doc(graph, s, href) for s in named_subjects(graph, SH.NodeShape)],
        property_shapes=[
            property_constraint(graph, s, href) for s in named_subjects(graph, SH.PropertyShape)
        ],
    )
