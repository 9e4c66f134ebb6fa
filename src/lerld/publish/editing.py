"""The editor's guide and `lerld new`: what to write for each kind of entity, generated from
the SHACL shapes and the ontology (never written twice), with a minimal example that
validates, built from what the data holds (an existing organization to link to, the file
each kind lives in, the next free position in a list).

Everything is read from a store loaded with the sources (`load_into`): the shapes and the
ontology from their named graphs, the facts about the data by SPARQL. So the guide of the
site (/editing), the docs page (`lerld guide`) and the skeletons of `lerld new` are one
implementation over any store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import RDF, RDFS, XSD, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import DCTERMS, OWL, SKOS

from lerld.core.errors import LerldError
from lerld.core.terms import (
    ENTITY_BASE,
    PREFIXES,
    SH,
    is_entity,
    prefixed_name,
    prefixes_of,
    shorten,
)
from lerld.profile import PROFILE
from lerld.project.published import AS
from lerld.project.sources import Sources, graph_name, source_of
from lerld.stores import Store

SHAPES_GRAPHS = graph_name("shapes/")
ONTOLOGY_GRAPHS = graph_name("ontology/")
DATA_GRAPHS = graph_name("data/")
# What the text of a language-tagged example says, by the property's role.
TEXT_PREDICATES = {RDFS.label, SKOS.prefLabel, DCTERMS.title}
EXAMPLE_URL = "https://example.org/"
# Vocabularies the ontology aligns with, as ontology/alignment.ttl declares them (the store
# keeps triples, not prefixes); their namespaces from the one prefix table (core.terms).
OTHER_PREFIXES = prefixes_of("ob", "clr", "cred", "prov")
# A local name a data file may write after a prefix (anything else is written <iri>).
LOCAL_NAME = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class Property:
    """One property an entity of a kind may or must have."""

    iri: str
    name: str  # prefixed: rdfs:label
    cardinality: str  # "exactly 1", "1 or more", "at most 1", "any number"
    status: str  # "required", "recommended", "optional"
    expects: str  # what a value is, in words
    note: str = ""
    values: tuple[str, ...] = ()  # allowed values (sh:in, sh:hasValue), prefixed


@dataclass(frozen=True)
class Kind:
    """One kind of entity: its class, where it lives, what it has, an example."""

    key: str  # organization: the IRI's kind segment
    cls: str
    name: str
    comment: str
    iri_template: str  # https://w3id.org/ler/id/organization/<slug>
    file: str
    properties: tuple[Property, ...]
    rules: tuple[str, ...] = ()
    subclasses: tuple[tuple[str, str], ...] = ()  # (prefixed class, label)
    closed: tuple[str, ...] = ()  # a closed list: the only entities allowed
    example: str = ""
    described: bool = False  # the data has entities of this kind

    @property
    def short_class(self) -> str:
        return curie(self.cls)


@dataclass(frozen=True)
class Guide:
    kinds: tuple[Kind, ...]
    other_properties: tuple[tuple[str, str], ...] = ()  # (prefixed, what it is) in no kind
    other_classes: tuple[tuple[str, str], ...] = ()
    prefixes: dict[str, str] = field(default_factory=dict)

    def kind(self, name: str) -> Kind:
        """The kind `lerld new` is asked for: its key, class or a subclass, any case."""
        wanted = name.casefold().replace("_", "-")
        for kind in self.kinds:
            names = {kind.key, kind.short_class.split(":")[-1].casefold(), kind.name.casefold()}
            names |= {s.split(":")[-1].casefold() for s, _ in kind.subclasses}
            if wanted in names:
                return kind
        known = ", ".join(k.key for k in self.kinds)
        raise LerldError(f"no kind of entity is called {name!r}: one of {known}")


def curie(iri: str) -> str:
    """An IRI as the data files write it: organization:aspen-institute, skos:Concept."""
    if is_entity(iri):
        kind, slug = iri[len(ENTITY_BASE) :].split("/")
        return f"{kind.replace('-', '')}:{slug}"
    return prefixed_name(iri, {**PREFIXES, **OTHER_PREFIXES}, LOCAL_NAME) or f"<{iri}>"


def _graph(store: Store, prefix: str) -> Graph:
    return store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(STRSTARTS(STR(?g), "{prefix}")) }}'
    )


class _Facts:
    """What the data holds that an example needs, by SPARQL."""

    def __init__(self, store: Store, ontology: Graph) -> None:
        self.store = store
        self.ontology = ontology
        self._instances: dict[str, list[str]] = {}

    def instances(self, cls: URIRef) -> list[str]:
        """Entities of a class (or its subclasses), in IRI order."""
        key = str(cls)
        if key not in self._instances:
            rows = self.store.select(
                f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s a ?t }} "
                f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) '
                f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} }} ORDER BY ?s"
            )
            self._instances[key] = [str(r["s"]) for r in rows]
        return self._instances[key]

    def subclasses(self, cls: URIRef) -> list[URIRef]:
        return list(self.ontology.transitive_subjects(RDFS.subClassOf, cls))

    def matching(self, pattern: str) -> str | None:
        """The first described entity whose IRI matches a shape's sh:pattern: a link that
        the shape constrains by IRI (an endorsement of an achievement or organization)."""
        rows = self.store.select(
            f"SELECT ?s WHERE {{ GRAPH ?g {{ ?s a ?t }} "
            f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) '
            f"FILTER(REGEX(STR(?s), {Literal(pattern).n3()})) }} ORDER BY ?s LIMIT 1"
        )
        return str(rows[0]["s"]) if rows else None

    def usual_value(self, cls: URIRef, path: URIRef) -> str | None:
        """The value entities of the class link to most often through `path`."""
        rows = self.store.select(
            f"SELECT ?o (COUNT(*) AS ?n) WHERE {{ ?s a ?t ; {path.n3()} ?o . "
            f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} FILTER(isIRI(?o)) }} "
            "GROUP BY ?o ORDER BY DESC(?n) ?o LIMIT 1"
        )
        return str(rows[0]["o"]) if rows else None

    def file_of(self, cls: URIRef) -> str | None:
        """The data file that describes most entities of the class."""
        rows = self.store.select(
            f"SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH ?g {{ ?s a ?t }} "
            f'FILTER(STRSTARTS(STR(?g), "{DATA_GRAPHS}")) '
            f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} }} "
            "GROUP BY ?g ORDER BY DESC(?n) ?g LIMIT 1"
        )
        return source_of(str(rows[0]["g"])) if rows else None

    def next_position(self, cls: URIRef) -> int:
        """One past the highest position (the profile's) of the class: free in every list."""
        rows = self.store.select(
            f"SELECT (MAX(?p) AS ?max) WHERE {{ ?s a ?t ; {PROFILE.position.n3()} ?p . "
            f"VALUES ?t {{ {' '.join(t.n3() for t in self.subclasses(cls))} }} }}"
        )
        highest = rows[0].get("max") if rows else None
        return int(highest) + 1 if highest is not None else 1

    def latest_modified(self) -> date:
        rows = self.store.select(
            f"SELECT (MAX(STR(?m)) AS ?latest) WHERE {{ ?s {DCTERMS.modified.n3()} ?m }}"
        )
        latest = rows[0].get("latest") if rows else None
        try:
            return date.fromisoformat(str(latest)[:10]) if latest else date.today()
        except ValueError:
            return date.today()


# --- reading the shapes ---------------------------------------------------------------------


@dataclass
class _Row:
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


def _list(shapes: Graph, node) -> list:
    return list(Collection(shapes, node)) if node is not None else []


def _rows(shapes: Graph, ontology: Graph, shape, cls: URIRef) -> dict[URIRef, _Row]:
    rows: dict[URIRef, _Row] = {}

    # in an order of their own: the store gives the property shapes (blank nodes) in its
    # order, and the guide must read the same from every store
    def order(prop) -> tuple[str, str]:
        paths = sorted(map(str, _paths(shapes, shapes.value(prop, SH.path))))
        return " ".join(paths), _str(shapes.value(prop, SH.message)) or ""

    for prop in sorted(shapes.objects(shape, SH.property), key=order):
        paths = _paths(shapes, shapes.value(prop, SH.path))
        severity = shapes.value(prop, SH.severity) or SH.Violation
        for path in paths:
            if len(paths) > 1 and not _fits(ontology, path, cls):
                continue  # an alternative that belongs to another kind
            row = rows.setdefault(path, _Row(path))
            minimum = shapes.value(prop, SH.minCount)
            if minimum is not None and int(minimum) > 0:
                if severity == SH.Violation:
                    row.min = max(row.min, int(minimum))
                else:
                    row.recommended = True
            maximum = shapes.value(prop, SH.maxCount)
            if maximum is not None:
                row.max = int(maximum) if row.max is None else min(row.max, int(maximum))
            for alternative in _list(shapes, shapes.value(prop, SH["or"])):
                row.datatypes += list(shapes.objects(alternative, SH.datatype))
            row.datatypes += list(shapes.objects(prop, SH.datatype))
            row.classes += [c for c in shapes.objects(prop, SH["class"]) if c not in row.classes]
            row.node_kind = shapes.value(prop, SH.nodeKind) or row.node_kind
            row.pattern = row.pattern or _str(shapes.value(prop, SH.pattern))
            row.values += _list(shapes, shapes.value(prop, SH["in"]))
            required_values = list(shapes.objects(prop, SH.hasValue))
            row.values += required_values
            if required_values and severity == SH.Violation:  # must be there, so required
                row.min = max(row.min, len(required_values))
            row.languages += [str(x) for x in _list(shapes, shapes.value(prop, SH.languageIn))]
            message = _str(shapes.value(prop, SH.message))
            if message and message not in row.notes:
                row.notes.append(message)
    return rows


def _example_rows(shapes: Graph, ontology: Graph, shape, cls: URIRef):
    """The rows of a shape, and the class an example is written with: where the shape
    demands one of several alternatives (sh:xone), an example takes the first (a glossary
    term with a definition, rather than senses; a value proposition as a business case)."""
    rows = _rows(shapes, ontology, shape, cls)
    example_class = cls
    for alternatives in shapes.objects(shape, SH.xone):
        for i, alternative in enumerate(_list(shapes, alternatives)):
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


def _str(node) -> str | None:
    return str(node) if node is not None else None


def _fits(ontology: Graph, path: URIRef, cls: URIRef) -> bool:
    """A property with a declared domain fits the kinds under or above that domain."""
    domains = list(ontology.objects(path, RDFS.domain))
    if not domains:
        return True
    related = set(ontology.transitive_objects(cls, RDFS.subClassOf))
    related |= set(ontology.transitive_subjects(RDFS.subClassOf, cls))
    return any(d in related for d in domains)


def _expects(row: _Row, kinds_by_class: dict[URIRef, str]) -> str:
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


def _cardinality(row: _Row) -> str:
    low, high = (row.min or (1 if row.recommended else 0)), row.max
    if high == 1:
        return "exactly 1" if low else "at most 1"
    if high is None:
        return f"{low} or more" if low else "any number"
    return f"{low} to {high}"


# --- the guide ------------------------------------------------------------------------------


def guide(store: Store, day: date | None = None) -> Guide:
    """The editor's guide to the data a store holds (sources loaded with `load_into`). Its
    examples are dated `day`, by default the latest dcterms:modified of the data (so that
    the guide changes with the data, not with the calendar)."""
    shapes, ontology = _graph(store, SHAPES_GRAPHS), _graph(store, ONTOLOGY_GRAPHS)
    facts = _Facts(store, ontology)
    day = day or facts.latest_modified()
    # a tombstone is no kind of entity: it keeps the IRI of an entity of any kind (README)
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
        URIRef(_expand(s, prefixes)) for k in kinds for s, _ in k.subclasses
    }
    classes = [t for t in vocabulary if (t, RDF.type, OWL.Class) in ontology and t not in shaped]
    return Guide(
        kinds=tuple(kinds),
        other_properties=tuple(sorted((curie(str(t)), _comment(ontology, t)) for t in properties)),
        other_classes=tuple(sorted((curie(str(t)), _comment(ontology, t)) for t in classes)),
        prefixes=prefixes,
    )


def _key(shapes: Graph, shape, facts: _Facts) -> str:
    """The kind segment of the IRIs of a shape: organization in .../id/organization/<slug>,
    from its IRI pattern, else its allowed values, else the entities the data has."""
    pattern = (_str(shapes.value(shape, SH.pattern)) or "").replace("\\", "")
    found = re.search(r"/id/\(?([a-z-]+)", pattern)
    if found:
        return found.group(1)
    cls = shapes.value(shape, SH.targetClass)
    known = [str(v) for v in _list(shapes, shapes.value(shape, SH["in"]))] + facts.instances(cls)
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


def _expand(short: str, prefixes: dict[str, str]) -> str:
    if short.startswith("<") and short.endswith(">"):
        return short[1:-1]
    prefix, _, local = short.partition(":")
    return prefixes.get(prefix, "") + local


def _kind(shapes, ontology, facts, shape, keys, kinds_by_class, prefixes, day: date) -> Kind:
    cls = shapes.value(shape, SH.targetClass)
    key = keys[cls]
    rows, example_class = _example_rows(shapes, ontology, shape, cls)
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
            row = rows.setdefault(prop, _Row(prop))
            ranges = list(ontology.objects(prop, RDFS.range))
            row.classes = [r for r in ranges if r in kinds_by_class]
            row.datatypes = [
                r for r in ranges if str(r).startswith(str(XSD)) or r == RDF.langString
            ]
    properties = tuple(
        Property(
            iri=str(path),
            name=curie(str(path)),
            cardinality=_cardinality(row),
            status="required" if row.min else ("recommended" if row.recommended else "optional"),
            expects=_expects(row, kinds_by_class),
            note=" ".join(row.notes) or _comment(ontology, path),
            values=tuple(curie(str(v)) for v in row.values),
        )
        for path, row in sorted(
            rows.items(), key=lambda item: (not item[1].min, not item[1].recommended, str(item[0]))
        )
    )
    closed = tuple(curie(str(v)) for v in _list(shapes, shapes.value(shape, SH["in"])))
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


def _example_value(path, row: _Row, name: str, kind: Kind, facts: _Facts, today: date):
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


# --- lerld new --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Written:
    path: str
    line: int
    iri: str


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def new_entity(
    store: Store, sources: Sources, kind_name: str, slug: str, today: date | None = None
) -> Written:
    """Append a skeleton entity of a kind to the file where that kind lives, adding the
    @prefix lines it needs; the file (project path) and the line it starts at."""
    if not _SLUG.fullmatch(slug):
        raise LerldError(
            f"the slug {slug!r} is not valid: lowercase letters and digits in words joined "
            "by single hyphens, such as velocity-network-foundation"
        )
    shapes, ontology = _graph(store, SHAPES_GRAPHS), _graph(store, ONTOLOGY_GRAPHS)
    current = guide(store)
    kind = current.kind(kind_name)
    if kind.closed:
        raise LerldError(
            f"the {kind.name.lower()}s are a closed list ({', '.join(kind.closed)}): "
            "a new one cannot be added in the data"
        )
    iri = f"{ENTITY_BASE}{kind.key}/{slug}"
    if store.ask(f"ASK {{ GRAPH ?g {{ {URIRef(iri).n3()} ?p ?o }} }}"):
        raise LerldError(f"{shorten(iri)} exists already: edit its description instead")
    shape = next(s for s in shapes.subjects(SH.targetClass, URIRef(kind.cls)))
    cls = URIRef(kind.cls)
    facts = _Facts(store, ontology)
    wanted = kind_name.casefold()
    for short, _ in kind.subclasses:  # `lerld new project ...` writes the subclass, Project
        if short.split(":")[-1].casefold() == wanted:
            cls = URIRef(_expand(short, current.prefixes))
    rows, example_class = _example_rows(shapes, ontology, shape, URIRef(kind.cls))
    if cls == URIRef(kind.cls):
        cls = example_class
    target = sources.root / kind.file
    existing = target.read_text("utf-8") if target.exists() else ""
    file = sources.file(kind.file)
    declared = dict(file.prefixes) if file else {}
    # the file's own prefixes first: a namespace it binds is written its way
    prefixes = {**declared, **{p: ns for p, ns in current.prefixes.items() if p not in declared}}
    made = skeleton(kind, slug, facts, rows, cls, prefixes, today)
    missing = {p: ns for p, ns in made.prefixes.items() if declared.get(p) != ns}
    text = _with_prefixes(existing, missing).rstrip()
    text = (text + "\n\n" if text else "") + made.body
    target.parent.mkdir(parents=True, exist_ok=True)
    line = text.count("\n") - made.body.count("\n") + 1
    target.write_text(text, "utf-8")
    return Written(path=kind.file, line=line, iri=iri)


def _with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """The text with @prefix lines added after its last prefix line (or at the top)."""
    if not prefixes:
        return text
    declarations = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    lines = text.splitlines(keepends=True)
    last = max(
        (i for i, line in enumerate(lines) if re.match(r"\s*(@prefix|PREFIX)\s", line, re.I)),
        default=-1,
    )
    return "".join(lines[: last + 1]) + declarations + "".join(lines[last + 1 :])


# --- rendering ------------------------------------------------------------------------------


def to_markdown(current: Guide) -> str:
    """The guide as a Markdown page (docs/editing.md)."""
    out = [
        f"# Editing the {PROFILE.site_title}",
        "",
        "<!-- Generated by `lerld guide --out docs/editing.md` from shapes/ and ontology/:"
        " do not edit by hand. -->",
        "",
        "Each kind of entity below lists its properties (required, recommended or optional,"
        " how many, what a value is), a complete minimal example that validates, and the"
        " file it lives in. `lerld new KIND SLUG` writes such an example into that file with"
        " today's date; `lerld validate` then says what is still wrong, at its line.",
        "",
        "Kinds: " + ", ".join(f"[{k.name}](#{k.key})" for k in current.kinds),
        "",
    ]
    for kind in current.kinds:
        out += [
            f'<a id="{kind.key}"></a>',
            f"## {kind.name} (`{kind.short_class}`)",
            "",
        ]
        if kind.comment:
            out += [kind.comment, ""]
        out += [
            f"- IRI: `{kind.iri_template}`",
            f"- File: `{kind.file}`",
        ]
        if kind.subclasses:
            out.append(
                "- More specific kinds (write `a ...` instead): "
                + ", ".join(
                    f"`{s}`" + (f" ({label})" if label else "") for s, label in kind.subclasses
                )
            )
        if kind.closed:
            out.append("- A closed list: only " + ", ".join(f"`{v}`" for v in kind.closed))
        else:
            out.append(f"- New one: `lerld new {kind.key} SLUG`")
        out += ["", "| Property | Status | How many | Value | Notes |", "|---|---|---|---|---|"]
        for p in kind.properties:
            value = p.expects + (": " + ", ".join(f"`{v}`" for v in p.values) if p.values else "")
            out.append(
                f"| `{p.name}` | {p.status} | {p.cardinality} | {_cell(value)} | {_cell(p.note)} |"
            )
        if kind.rules:
            out += ["", "Rules:", ""] + [f"- {_cell(rule)}" for rule in kind.rules]
        if kind.example:
            out += ["", "Example:", "", "```turtle", kind.example.rstrip("\n"), "```"]
        out.append("")
    if current.other_classes:
        out += ["## Other classes of the vocabulary", ""]
        out += [f"- `{name}`: {_cell(text)}" for name, text in current.other_classes] + [""]
    if current.other_properties:
        out += ["## Other properties of the vocabulary", ""]
        out += [f"- `{name}`: {_cell(text)}" for name, text in current.other_properties] + [""]
    return "\n".join(out)


def _cell(text: str) -> str:
    return " ".join(text.replace("|", "\\|").split())


def write_docs(current: Guide, path: Path) -> bool:
    """Write the Markdown guide; whether the file changed."""
    text = to_markdown(current)
    if path.exists() and path.read_text("utf-8") == text:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    return True
