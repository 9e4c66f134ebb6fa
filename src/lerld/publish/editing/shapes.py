"""Reading the SHACL shapes for the guide: the rows of a node shape (path, counts,
values, severity) and how each is put in words."""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import RDF, RDFS, XSD, Graph, URIRef
from rdflib.collection import Collection

from lerld.core.terms import (
    ENTITY_BASE,
    SH,
)
from lerld.publish.editing.model import curie


@dataclass
class ShapeRow:
    """What the shapes say about one path of one kind, merged over its property shapes."""

    path: URIRef
    min: int = 0  # from shapes that are violations
    recommended: bool = False  # a warning or info when missing
    max: int | None = None
    datatypes: list[URIRef] = field(default_factory=list)
    classes: list[URIRef] = field(default_factory=list)
    node_kind: URIRef | None = None
    pattern: str | None = None
    values: list = field(default_factory=list)
    languages: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _paths(shapes: Graph, path) -> list[URIRef]:
    if isinstance(path, URIRef):
        return [path]
    alternatives = shapes.value(path, SH.alternativePath)
    if alternatives is not None:
        return [p for p in Collection(shapes, alternatives) if isinstance(p, URIRef)]
    return []  # inverse and sequence paths describe other entities, not this one


def rdf_list(shapes: Graph, node) -> list:
    return list(Collection(shapes, node)) if node is not None else []


def _rows(shapes: Graph, ontology: Graph, shape, cls: URIRef) -> dict[URIRef, ShapeRow]:
    rows: dict[URIRef, ShapeRow] = {}

    # in an order of their own: the store gives the property shapes (blank nodes) in its
    # order, and the guide must read the same from every store
    def order(prop) -> tuple[str, str]:
        paths = sorted(map(str, _paths(shapes, shapes.value(prop, SH.path))))
        return " ".join(paths), text_or_none(shapes.value(prop, SH.message)) or ""

    for prop in sorted(shapes.objects(shape, SH.property), key=order):
        paths = _paths(shapes, shapes.value(prop, SH.path))
        severity = shapes.value(prop, SH.severity) or SH.Violation
        for path in paths:
            if len(paths) > 1 and not _fits(ontology, path, cls):
                continue  # an alternative that belongs to another kind
            row = rows.setdefault(path, ShapeRow(path))
            minimum = shapes.value(prop, SH.minCount)
            if minimum is not None and int(minimum) > 0:
                if severity == SH.Violation:
                    row.min = max(row.min, int(minimum))
                else:
                    row.recommended = True
            maximum = shapes.value(prop, SH.maxCount)
            if maximum is not None:
                row.max = int(maximum) if row.max is None else min(row.max, int(maximum))
            for alternative in rdf_list(shapes, shapes.value(prop, SH["or"])):
                row.datatypes += list(shapes.objects(alternative, SH.datatype))
            row.datatypes += list(shapes.objects(prop, SH.datatype))
            row.classes += [c for c in shapes.objects(prop, SH["class"]) if c not in row.classes]
            row.node_kind = shapes.value(prop, SH.nodeKind) or row.node_kind
            row.pattern = row.pattern or text_or_none(shapes.value(prop, SH.pattern))
            row.values += rdf_list(shapes, shapes.value(prop, SH["in"]))
            required_values = list(shapes.objects(prop, SH.hasValue))
            row.values += required_values
            if required_values and severity == SH.Violation:  # must be there, so required
                row.min = max(row.min, len(required_values))
            row.languages += [str(x) for x in rdf_list(shapes, shapes.value(prop, SH.languageIn))]
            message = text_or_none(shapes.value(prop, SH.message))
            if message and message not in row.notes:
                row.notes.append(message)
    return rows


def example_rows(shapes: Graph, ontology: Graph, shape, cls: URIRef):
    """The rows of a shape, and the class an example is written with: where the shape
    demands one of several alternatives (sh:xone), an example takes the first (a glossary
    term with a definition, rather than senses; a value proposition as a business case)."""
    rows = _rows(shapes, ontology, shape, cls)
    example_class = cls
    for alternatives in shapes.objects(shape, SH.xone):
        for i, alternative in enumerate(rdf_list(shapes, alternatives)):
            path = shapes.value(alternative, SH.path)
            minimum = shapes.value(alternative, SH.minCount)
            if isinstance(path, URIRef) and path in rows and minimum is not None:
                rows[path].notes.append("Required unless the alternative is used (see the rules).")
                if i == 0:
                    rows[path].min = max(rows[path].min, int(minimum))
            member = shapes.value(alternative, SH["class"])
            if member is not None and i == 0:
                example_class = member
    return rows, example_class


def text_or_none(node) -> str | None:
    return str(node) if node is not None else None


def _fits(ontology: Graph, path: URIRef, cls: URIRef) -> bool:
    """A property with a declared domain fits the kinds under or above that domain."""
    domains = list(ontology.objects(path, RDFS.domain))
    if not domains:
        return True
    related = set(ontology.transitive_objects(cls, RDFS.subClassOf))
    related |= set(ontology.transitive_subjects(RDFS.subClassOf, cls))
    return any(d in related for d in domains)


def expects_in_words(row: ShapeRow, kinds_by_class: dict[URIRef, str]) -> str:
    if row.values:
        return "one of the listed values"
    if row.classes:
        names = []
        for c in row.classes:
            key = kinds_by_class.get(c)
            names.append(f"{curie(str(c))} ({ENTITY_BASE}{key}/<slug>)" if key else curie(str(c)))
        return "a link to " + " or ".join(names)
    if RDF.langString in row.datatypes:
        if row.languages:
            return "text in " + " or ".join(f'@{lang} ("..."@{lang})' for lang in row.languages)
        return 'text with a language tag ("..."@en)'
    if row.datatypes:
        return " or ".join(_datatype_words(d) for d in row.datatypes)
    if row.node_kind == SH.IRI or row.pattern:
        pattern = f" matching {row.pattern}" if row.pattern else ""
        return f"an IRI <...>{pattern}"
    return "any value"


def _datatype_words(datatype: URIRef) -> str:
    words = {
        XSD.date: 'a date "YYYY-MM-DD"^^xsd:date',
        XSD.gYear: 'a year "YYYY"^^xsd:gYear',
        XSD.gYearMonth: 'a month "YYYY-MM"^^xsd:gYearMonth',
        XSD.dateTime: 'a date and time "YYYY-MM-DDThh:mm:ssZ"^^xsd:dateTime',
        XSD.integer: "a whole number (written without quotes)",
    }
    return words.get(datatype, curie(str(datatype)))


def cardinality_in_words(row: ShapeRow) -> str:
    low, high = (row.min or (1 if row.recommended else 0)), row.max
    if high == 1:
        return "exactly 1" if low else "at most 1"
    if high is None:
        return f"{low} or more" if low else "any number"
    return f"{low} to {high}"
