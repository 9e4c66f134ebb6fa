"""The guide itself, built from the shapes, the ontology and the facts of the data, with
a minimal example of each kind that validates (its skeleton)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from lerld.core.terms import (
    ENTITY_BASE,
    PREFIXES,
    SH,
    prefixed_name,
)
from lerld.profile import PROFILE
from lerld.project.published import AS
from lerld.publish.editing.model import (
    EXAMPLE_URL,
    LOCAL_NAME,
    ONTOLOGY_GRAPHS,
    OTHER_PREFIXES,
    SHAPES_GRAPHS,
    TEXT_PREDICATES,
    Facts,
    Guide,
    Kind,
    Property,
    curie,
    graphs_under,
)
from lerld.publish.editing.shapes import (
    ShapeRow,
    cardinality_in_words,
    example_rows,
    expects_in_words,
    rdf_list,
    text_or_none,
)
from lerld.stores import Store


def guide(store: Store, day: date | None = None) -> Guide:
    """The editor's guide to the data a store holds (sources loaded with `load_into`). Its
    examples are dated `day`, by default the latest dcterms:modified of the data (so that
    the guide changes with the data, not with the calendar)."""
    shapes, ontology = graphs_under(store, SHAPES_GRAPHS), graphs_under(store, ONTOLOGY_GRAPHS)
    facts = Facts(store, ontology)
    day = day or facts.latest_modified()
    # a tombstone is no kind of entity: it keeps the IRI of an entity of any kind (docs/persistence.md)
    node_shapes = sorted(
        (
            s
            for s in shapes.subjects(RDF.type, SH.NodeShape)
            if shapes.value(s, SH.targetClass) not in (None, AS.Tombstone)
        ),
        key=lambda s: str(s),
    )
    keys = {shapes.value(s, SH.targetClass): _key(shapes, s, facts) for s in node_shapes}
    kinds_by_class = {c: k for c, k in keys.items()}
    for cls, key in list(keys.items()):  # subclasses link as their kind
        for sub in ontology.transitive_subjects(RDFS.subClassOf, cls):
            kinds_by_class.setdefault(sub, key)
    prefixes = _prefixes(keys.values())
    kinds = [
        _kind(shapes, ontology, facts, shape, keys, kinds_by_class, prefixes, day)
        for shape in node_shapes
    ]
    order = {k.cls: i for i, k in enumerate(kinds)}
    kinds.sort(key=lambda k: (not k.described, k.file, order[k.cls]))
    covered = {p.iri for k in kinds for p in k.properties}
    vocabulary = [
        s
        for s in ontology.subjects(RDFS.isDefinedBy, PROFILE.vocabulary.iri)
        if str(s).startswith(str(PROFILE.vocabulary.namespace))
        and (s, RDF.type, OWL.Ontology) not in ontology
    ]
    properties = [
        t for t in vocabulary if (t, RDF.type, OWL.Class) not in ontology and str(t) not in covered
    ]
    shaped = {URIRef(k.cls) for k in kinds} | {
        URIRef(expand_short(s, prefixes)) for k in kinds for s, _ in k.subclasses
    }
    classes = [t for t in vocabulary if (t, RDF.type, OWL.Class) in ontology and t not in shaped]
    return Guide(
        kinds=tuple(kinds),
        other_properties=tuple(sorted((curie(str(t)), _comment(ontology, t)) for t in properties)),
        other_classes=tuple(sorted((curie(str(t)), _comment(ontology, t)) for t in classes)),
        prefixes=prefixes,
    )


def _key(shapes: Graph, shape, facts: Facts) -> str:
    """The kind segment of the IRIs of a shape: organization in .../id/organization/<slug>,
    from its IRI pattern, else its allowed values, else the entities the data has."""
    pattern = (text_or_none(shapes.value(shape, SH.pattern)) or "").replace("\\", "")
    found = re.search(r"/id/\(?([a-z-]+)", pattern)
    if found:
        return found.group(1)
    cls = shapes.value(shape, SH.targetClass)
    known = [str(v) for v in rdf_list(shapes, shapes.value(shape, SH["in"]))] + facts.instances(cls)
    for iri in known:
        if iri.startswith(ENTITY_BASE):
            return iri[len(ENTITY_BASE) :].split("/")[0]
    local = re.split(r"[#/]", str(cls))[-1]
    return re.sub(r"(?<!^)(?=[A-Z])", "-", local).lower()


def _comment(graph: Graph, term) -> str:
    value = graph.value(term, RDFS.comment) or graph.value(term, SKOS.definition)
    return str(value) if value is not None else ""


def _prefixes(keys) -> dict[str, str]:
    """The usual prefixes, and one per kind of entity as the data files write them
    (resourcecategory: for .../id/resource-category/)."""
    kinds = {key.replace("-", ""): f"{ENTITY_BASE}{key}/" for key in sorted(set(keys))}
    return {**PREFIXES, **OTHER_PREFIXES, **kinds}


def expand_short(short: str, prefixes: dict[str, str]) -> str:
    if short.startswith("<") and short.endswith(">"):
        return short[1:-1]
    prefix, _, local = short.partition(":")
    return prefixes.get(prefix, "") + local


def _kind(shapes, ontology, facts, shape, keys, kinds_by_class, prefixes, day: date) -> Kind:
    cls = shapes.value(shape, SH.targetClass)
    key = keys[cls]
    rows, example_class = example_rows(shapes, ontology, shape, cls)
    rules = []
    for message in shapes.objects(shape, SH.message):
        rules.append(str(message))
    for constraint in shapes.objects(shape, SH.sparql):
        message = shapes.value(constraint, SH.message)
        if message is not None:
            rules.append(str(message))
    lists = PROFILE.list_keys()
    if cls in lists and PROFILE.position in rows:
        within = ", ".join(curie(str(p)) for p in lists[cls] if p != RDF.type)
        rows[PROFILE.position].notes.insert(
            0,
            "counts within each list: the entities with the same "
            + (within or "kind")
            + (" (and the same class)" if RDF.type in lists[cls] else ""),
        )
    # properties the ontology gives this kind (rdfs:domain) that no shape constrains
    lineage = set(ontology.transitive_objects(cls, RDFS.subClassOf))
    for prop in sorted(ontology.subjects(RDFS.domain, None)):
        if prop not in rows and set(ontology.objects(prop, RDFS.domain)) & lineage:
            row = rows.setdefault(prop, ShapeRow(prop))
            ranges = list(ontology.objects(prop, RDFS.range))
            row.classes = [r for r in ranges if r in kinds_by_class]
            row.datatypes = [
                r for r in ranges if str(r).startswith(str(XSD)) or r == RDF.langString
            ]
    properties = tuple(
        Property(
            iri=str(path),
            name=curie(str(path)),
            cardinality=cardinality_in_words(row),
            status="required" if row.min else ("recommended" if row.recommended else "optional"),
            expects=expects_in_words(row, kinds_by_class),
            note=" ".join(row.notes) or _comment(ontology, path),
            values=tuple(curie(str(v)) for v in row.values),
        )
        for path, row in sorted(
            rows.items(), key=lambda item: (not item[1].min, not item[1].recommended, str(item[0]))
        )
    )
    closed = tuple(curie(str(v)) for v in rdf_list(shapes, shapes.value(shape, SH["in"])))
    subclasses = tuple(
        (curie(str(s)), str(ontology.value(s, RDFS.label) or ""))
        for s in sorted(ontology.transitive_subjects(RDFS.subClassOf, cls))
        if s != cls
    )
    kind = Kind(
        key=key,
        cls=str(cls),
        name=str(shapes.value(shape, RDFS.label) or key),
        comment=_comment(ontology, cls),
        iri_template=f"{ENTITY_BASE}{key}/<slug>",
        file=facts.file_of(cls) or f"data/{key}.ttl",
        described=bool(facts.instances(cls)),
        properties=properties,
        rules=tuple(rules),
        subclasses=subclasses,
        closed=closed,
    )
    if closed:  # no new one can be added: an example would not validate
        return kind
    example = skeleton(kind, "example", facts, rows, example_class, prefixes, day)
    return Kind(**{**kind.__dict__, "example": example.turtle})


# --- skeletons ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Skeleton:
    iri: str
    prefixes: dict[str, str]  # the prefixes the description uses
    body: str  # the description, in Turtle

    @property
    def turtle(self) -> str:
        declarations = "".join(
            f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(self.prefixes.items())
        )
        return f"{declarations}\n{self.body}"


def skeleton(kind, slug, facts, rows, cls, prefixes, today: date | None = None) -> Skeleton:
    """A minimal description of a new entity that validates: every required and
    recommended property with a value taken from the shapes (allowed values), the data
    (the entity linked to most often, the next free position) or a placeholder to edit."""
    today = today or date.today()
    iri = f"{ENTITY_BASE}{kind.key}/{slug}"
    name = " ".join(part.capitalize() for part in slug.split("-"))
    if slug == "example":
        name = f"Example {kind.name}"
    used: dict[str, str] = {}

    def term(node) -> str:
        if isinstance(node, Literal):
            if node.datatype == XSD.integer:
                return str(node)
            if node.datatype is not None:
                return Literal(str(node)).n3() + "^^" + term(node.datatype)
            return node.n3()
        text = str(node)
        longest_first = dict(sorted(prefixes.items(), key=lambda item: -len(item[1])))
        short = prefixed_name(text, longest_first, LOCAL_NAME)
        if short is None:
            return f"<{text}>"
        prefix = short.partition(":")[0]
        used[prefix] = prefixes[prefix]
        return short

    lines = [f"{term(URIRef(iri))} a {term(cls)}"]
    for path, row in sorted(rows.items(), key=lambda item: str(item[0])):
        if not (row.min or row.recommended):
            continue
        value = _example_value(path, row, name, kind, facts, today)
        if value is None:
            continue
        lines.append(f"{term(path)} {term(value)}")
    body = " ;\n    ".join(lines) + " .\n"
    return Skeleton(iri=iri, prefixes=used, body=body)


def _example_value(path, row: ShapeRow, name: str, kind: Kind, facts: Facts, today: date):
    if row.values:
        return row.values[0]
    if RDF.langString in row.datatypes:
        if path in TEXT_PREDICATES:
            return Literal(name, lang="en")
        what = curie(str(path)).split(":")[-1]
        return Literal(f"The {what} of {name}: replace this text.", lang="en")
    if XSD.date in row.datatypes:
        return Literal(today.isoformat(), datatype=XSD.date)
    if XSD.integer in row.datatypes:
        return Literal(facts.next_position(URIRef(kind.cls)), datatype=XSD.integer)
    if row.classes:
        usual = facts.usual_value(URIRef(kind.cls), path)
        if usual:
            return URIRef(usual)
        for cls in row.classes:
            found = facts.instances(cls)
            if found:
                return URIRef(found[0])
        return None
    # a link constrained to our entities by the IRI's pattern, not by a class
    if row.pattern and re.escape(ENTITY_BASE) in row.pattern:
        found = facts.matching(row.pattern)
        if found:
            return URIRef(found)
    if path == URIRef("https://schema.org/url") or row.node_kind == SH.IRI:
        return URIRef(f"{EXAMPLE_URL}{kind.key}/{name.lower().replace(' ', '-')}")
    if row.datatypes:
        return Literal("", datatype=row.datatypes[0])
    return None
