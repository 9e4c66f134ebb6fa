"""The published dataset as a whole, for harvesters and search engines: the dumps, the
VoID + DCAT description, the index of every entity (behind the Hydra collection and the
sitemap) and the schema.org Dataset description that the home page embeds.

Plain functions on a Store and plain values; web/dataset.py serves them and the static
build writes them. "The published graph" is the union of every source graph (ontology,
shapes, data): what the dumps hold and the SPARQL endpoint queries. The entities are its
subjects under <base>id/; the collection and the sitemap list exactly those.
"""

from __future__ import annotations

import gzip
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any
from urllib.parse import quote
from xml.sax.saxutils import escape

from rdflib import RDF, XSD, BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from lerld.core import jsonld
from lerld.core.formats import DUMP_FORMATS, JSONLD, NTRIPLES, NTRIPLES_GZIP, RDF_FORMATS, Format
from lerld.core.terms import DESCRIPTION_PREDICATES, LABEL_PREDICATES, LER, PREFIXES
from lerld.project.published import AS, Tombstone
from lerld.publish import representations
from lerld.stores import Store

VOID = Namespace("http://rdfs.org/ns/void#")
HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"

VOID_PATH = ".well-known/void"
COLLECTION_PATH = "entities.jsonld"
# The collection in every RDF format, JSON-LD first (what `Accept: */*` gets).
COLLECTION_FORMATS = (JSONLD, *(f for f in RDF_FORMATS if f != JSONLD))
PAGE_SIZE = 100
# The sitemaps protocol's limit of URLs per sitemap file; more entities get a sitemap index.
SITEMAP_LIMIT = 50_000
# The entities a harvester may look at first (void:exampleResource): the map's groups.
EXAMPLE_CLASS = LER.StakeholderGroup


def dataset_iri(base_uri: str) -> URIRef:
    return URIRef(f"{base_uri}{VOID_PATH}#dataset")


def dump_path(fmt: Format) -> str:
    return f"dump.{fmt.extension}"


# --- the entity index ----------------------------------------------------------------


@dataclass(frozen=True)
class Entry:
    """One entity as the collection lists it."""

    iri: str
    types: tuple[str, ...]
    label: tuple[URIRef, Literal] | None
    modified: date | None


def _label_rank(predicate: URIRef, value: Literal) -> tuple:
    return (LABEL_PREDICATES.index(predicate), value.language != "en", str(value))


# When an entity's documents last changed: its own dcterms:modified, or later that of an
# entity that links to it (its page lists what links to it; the credentials `lerld ingest`
# adds name an existing organization as their issuer). The second query gives only the
# entities that something newer links to: few rows, whatever the size of the graph.
MODIFIED = DCTERMS.modified.n3()
OWN_DATE_QUERY = f"SELECT ?s ?m WHERE {{ ?s {MODIFIED} ?m FILTER_IN_SPACE }}"
LINKED_DATE_QUERY = f"""SELECT ?s (MAX(?date) AS ?m) WHERE {{
  ?s {MODIFIED} ?own . ?x ?p ?s . ?x {MODIFIED} ?date FILTER(?date > ?own) FILTER_IN_SPACE
}} GROUP BY ?s"""


def entity_index(store: Store, base_uri: str) -> tuple[Entry, ...]:
    """Every entity (subject under <base>id/), ordered by IRI, with its types, preferred
    label and the date its documents last changed (see OWN_DATE_QUERY): five SELECTs,
    whatever the size of the graph."""
    space = Literal(base_uri + "id/").n3()
    in_space = f"FILTER(STRSTARTS(STR(?s), {space}))"
    subjects = store.select(f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o {in_space} }}")
    # a tombstone is no live entity (published.py): harvesters learn of it as a removal
    gone = {str(r["s"]) for r in store.select(f"SELECT ?s WHERE {{ ?s a {AS.Tombstone.n3()} }}")}
    types: dict[str, list[str]] = {str(r["s"]): [] for r in subjects if str(r["s"]) not in gone}
    for row in store.select(f"SELECT ?s ?t WHERE {{ ?s a ?t {in_space} }}"):
        if str(row["s"]) in types:
            types[str(row["s"])].append(str(row["t"]))
    labels: dict[str, tuple[URIRef, Literal]] = {}
    values = " ".join(p.n3() for p in LABEL_PREDICATES)
    for row in store.select(
        f"SELECT ?s ?p ?label WHERE {{ VALUES ?p {{ {values} }} ?s ?p ?label {in_space} }}"
    ):
        found = (URIRef(row["p"]), row["label"])
        current = labels.get(str(row["s"]))
        if current is None or _label_rank(*found) < _label_rank(*current):
            labels[str(row["s"])] = found
    modified: dict[str, date] = {}
    rows = [
        row
        for query in (OWN_DATE_QUERY, LINKED_DATE_QUERY)
        for row in store.select(query.replace("FILTER_IN_SPACE", in_space))
    ]
    for row in rows:
        day = row["m"].toPython()
        if isinstance(day, date):
            modified[str(row["s"])] = max(day, modified.get(str(row["s"]), day))
    return tuple(
        Entry(iri, tuple(sorted(types[iri])), labels.get(iri), modified.get(iri))
        for iri in sorted(types)
    )


def subclasses(store: Store) -> dict[str, frozenset[str]]:
    """Each class that has subclasses mapped to itself and every class below it
    (rdfs:subClassOf+; a class without subclasses is missing: it stands for itself)."""
    # A path with both ends unbound is refused by Virtuoso ("transitive start not given"):
    # the first step is a plain pattern, so the path starts from a bound node.
    rows = store.select(
        "SELECT ?sub ?super WHERE { ?sub <http://www.w3.org/2000/01/rdf-schema#subClassOf> ?d . "
        "?d <http://www.w3.org/2000/01/rdf-schema#subClassOf>* ?super "
        "FILTER(isIRI(?sub) && isIRI(?super)) }"
    )
    below: dict[str, set[str]] = {}
    for row in rows:
        below.setdefault(str(row["super"]), {str(row["super"])}).add(str(row["sub"]))
    return {cls: frozenset(members) for cls, members in below.items()}


# --- the Hydra collection --------------------------------------------------------------


class BadFilter(ValueError):
    """A collection filter that is not well-formed (the web layer answers 400)."""


@dataclass(frozen=True)
class Filters:
    """What a harvester asks for: entities of a type (or its subclasses), changed since a day."""

    type: str | None = None
    since: date | None = None

    @classmethod
    def parse(cls, type_: str | None, since: str | None) -> Filters:
        iri = expand_curie(type_) if type_ else None
        if iri is not None and not iri.startswith(("http://", "https://", "urn:")):
            raise BadFilter(
                f"type must be a class IRI or a prefixed name such as ler:Topic: {type_!r}"
            )
        try:
            day = date.fromisoformat(since[:10]) if since else None
        except ValueError as e:
            raise BadFilter(f"since must be a date, YYYY-MM-DD: {since!r}") from e
        return cls(iri, day)

    def query(self) -> str:
        """The filters as a URL query string ('' without filters)."""
        parts = [f"{k}={quote_component(v)}" for k, v in self.pairs()]
        return "?" + "&".join(parts) if parts else ""

    def pairs(self) -> list[tuple[str, str]]:
        return [
            (k, v)
            for k, v in (("type", self.type), ("since", self.since and self.since.isoformat()))
            if v
        ]

    def removals(
        self, tombstones: Iterable[Tombstone], below: Mapping[str, frozenset[str]]
    ) -> list[Tombstone]:
        """The tombstones a harvester with these filters must learn of: of the type (by
        their former type), removed on or after the day."""
        wanted = below.get(self.type, frozenset({self.type})) if self.type else None
        return [
            t
            for t in tombstones
            if (wanted is None or t.former_type in wanted)
            and (self.since is None or (t.day is not None and t.day >= self.since))
        ]

    def select(
        self, index: Sequence[Entry], below: Mapping[str, frozenset[str]]
    ) -> Sequence[Entry]:
        if self.type is None and self.since is None:
            return index
        wanted = below.get(self.type, frozenset({self.type})) if self.type else None
        return [
            e
            for e in index
            if (wanted is None or wanted.intersection(e.types))
            and (self.since is None or (e.modified is not None and e.modified >= self.since))
        ]


def quote_component(value: str) -> str:
    return quote(value, safe="")


def expand_curie(value: str) -> str:
    prefix, colon, rest = value.partition(":")
    if colon and prefix in PREFIXES and not rest.startswith("//"):
        return PREFIXES[prefix] + rest
    return value


def page_url(base_uri: str, page: int, filters: Filters, extension: str = "jsonld") -> str:
    """A page of the collection in one format: each format's pages link to that format's."""
    path = f"entities.{extension}" if page == 1 else f"entities/{page}.{extension}"
    return base_uri + path + filters.query()


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def collection_context(context_url: str) -> list:
    return [context_url, {"hydra": str(HYDRA), "as": str(AS)}]


def removal(tombstone: Tombstone) -> dict:
    """A removed entity as an ActivityStreams 2.0 activity: Move (to its replacement) or
    Delete, published on the tombstone's day, whose object is the tombstone."""
    gone: dict[str, Any] = {"@id": tombstone.iri, "@type": "as:Tombstone"}
    if tombstone.former_type:
        gone["as:formerType"] = {"@id": tombstone.former_type}
    activity: dict[str, Any] = {
        "@type": "as:Move" if tombstone.replacement else "as:Delete",
        "as:object": gone,
    }
    if tombstone.replacement:
        activity["as:target"] = {"@id": tombstone.replacement}
    if tombstone.day:
        stamp = f"{tombstone.day.isoformat()}T00:00:00Z"
        activity["as:published"] = {"@value": stamp, "@type": str(XSD.dateTime)}
        gone["as:deleted"] = {"@value": stamp, "@type": str(XSD.dateTime)}
    if tombstone.reason:
        activity["as:summary"] = tombstone.reason
    return activity


def _compact(iri: str, context: Mapping[str, Any]) -> str:
    for prefix, namespace in context.get("@context", {}).items():
        if (
            isinstance(namespace, str)
            and namespace.endswith(("#", "/"))
            and iri.startswith(namespace)
            and iri != namespace
        ):
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _literal(value: Literal) -> dict:
    if value.language:
        return {"@value": str(value), "@language": value.language}
    if value.datatype and value.datatype != XSD.string:
        return {"@value": str(value), "@type": str(value.datatype)}
    return {"@value": str(value)}


def _node_id(node) -> str:
    return node.n3() if isinstance(node, BNode) else str(node)


def node_object(subject, pairs: Iterable[tuple], context: Mapping[str, Any]) -> dict:
    """A node of JSON-LD that uses the context's prefixes only (no term coercion), so that
    it reads the same under any context that defines them: every value is explicit."""
    node: dict[str, Any] = {"@id": _node_id(subject)}
    ordered = sorted(pairs, key=lambda pair: (pair[0].n3(), pair[1].n3()))
    types = [_compact(str(o), context) for p, o in ordered if p == RDF.type]
    if types:
        node["@type"] = types
    for predicate, value in ordered:
        if predicate != RDF.type:
            node.setdefault(_compact(str(predicate), context), []).append(
                _literal(value) if isinstance(value, Literal) else {"@id": _node_id(value)}
            )
    return node


def member(entry: Entry, context: Mapping[str, Any]) -> dict:
    """One entity as a collection member: its IRI, types, label and dcterms:modified."""
    pairs = [(RDF.type, URIRef(t)) for t in entry.types]
    if entry.label is not None:
        pairs.append(entry.label)
    if entry.modified is not None:
        pairs.append((DCTERMS.modified, Literal(entry.modified.isoformat(), datatype=XSD.date)))
    return node_object(URIRef(entry.iri), pairs, context)


def collection_page(
    entries: Sequence[Entry],
    page: int,
    filters: Filters,
    base_uri: str,
    context: Mapping[str, Any],
    context_url: str,
    extension: str = "jsonld",
    removals: Sequence[Tombstone] = (),
) -> dict | None:
    """One page of the (filtered) collection as JSON-LD; None for a page beyond the last.

    Every page is the hydra:Collection with its hydra:totalItems, this page's members and a
    hydra:PartialCollectionView with first / previous / next / last links; the search
    template tells clients how to filter. The collection's and pages' IRIs are those of
    the format `extension` names (see collection_document). The first page also lists the
    `removals` (tombstones the filters select) as the collection's as:items, ActivityStreams
    Move and Delete activities: they are not members (nor counted), but a harvester that
    asks what changed since a day learns which IRIs were withdrawn or replaced."""
    last = page_count(len(entries))
    if not 1 <= page <= last:
        return None

    def url(number: int) -> str:
        return page_url(base_uri, number, filters, extension)

    view: dict[str, Any] = {
        "@id": url(page),
        "@type": "hydra:PartialCollectionView",
        "hydra:first": {"@id": url(1)},
        "hydra:last": {"@id": url(last)},
    }
    if page > 1:
        view["hydra:previous"] = {"@id": url(page - 1)}
    if page < last:
        view["hydra:next"] = {"@id": url(page + 1)}
    chunk = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    document = {
        "@context": collection_context(context_url),
        "@id": url(1),
        "@type": "hydra:Collection",
        "hydra:totalItems": len(entries),
        "hydra:view": view,
        "hydra:search": search_template(base_uri, extension),
        "hydra:member": [member(e, context) for e in chunk],
    }
    if page == 1 and removals:
        document["as:items"] = [removal(t) for t in removals]
    return document


def collection_document(
    document: dict, fmt: Format, context: Mapping[str, Any], context_url: str
) -> bytes:
    """A page of the collection (collection_page, made for this format's extension) in an
    RDF format: the JSON-LD as is, or its graph, whose links go to that format's pages (a
    Turtle client that follows hydra:next stays in Turtle)."""
    if fmt == JSONLD:
        return jsonld.dumps(document)
    graph = Graph().parse(data=jsonld.default_graph(document, {context_url: context}), format="nt")
    return representations.serialize(graph, fmt, context, context_url)


def search_template(base_uri: str, extension: str = "jsonld") -> dict:
    return {
        "@type": "hydra:IriTemplate",
        "hydra:template": f"{base_uri}entities.{extension}{{?type,since}}",
        "hydra:variableRepresentation": {"@id": str(HYDRA.BasicRepresentation)},
        "hydra:mapping": [
            {
                "@type": "hydra:IriTemplateMapping",
                "hydra:variable": "type",
                "hydra:property": {"@id": str(RDF.type)},
                "hydra:required": False,
            },
            {
                "@type": "hydra:IriTemplateMapping",
                "hydra:variable": "since",
                "hydra:property": {"@id": str(DCTERMS.modified)},
                "hydra:required": False,
            },
        ],
    }


# --- the sitemap -----------------------------------------------------------------------


def document_url(iri: str, base_uri: str) -> str:
    """The document of an entity: <base>id/x/y -> <base>doc/x/y."""
    return base_uri + "doc/" + iri[len(base_uri + "id/") :]


def sitemap_files(
    index: Sequence[Entry],
    base_uri: str,
    limit: int = SITEMAP_LIMIT,
    removals: Sequence[Tombstone] = (),
) -> dict:
    """{path: XML bytes}: sitemap.xml lists every entity document with its lastmod; beyond
    `limit` URLs it is a sitemap index of sitemaps/<n>.xml, as the protocol requires.

    The documents of removed entities (`removals`) are listed after them as a ResourceSync
    change list does (ANSI/NISO Z39.99-2017): <rs:md change="deleted"/> with the day of the
    removal, and for a replaced one <rs:ln rel="successor-version"> to its replacement's
    document. Search engines ignore the rs: elements; ResourceSync clients learn deletions."""
    rows: list = [*index, *removals]
    chunks = [rows[i : i + limit] for i in range(0, len(rows), limit)] or [rows]
    if len(chunks) == 1:
        return {"sitemap.xml": _urlset(chunks[0], base_uri)}
    files = {f"sitemaps/{n}.xml": _urlset(chunk, base_uri) for n, chunk in enumerate(chunks, 1)}
    entries = []
    for n, chunk in enumerate(chunks, 1):
        latest = max((_day_of(e) for e in chunk if _day_of(e)), default=None)
        lastmod = f"<lastmod>{latest.isoformat()}</lastmod>" if latest else ""
        entries.append(
            f"  <sitemap><loc>{escape(base_uri)}sitemaps/{n}.xml</loc>{lastmod}</sitemap>"
        )
    files["sitemap.xml"] = _xml("sitemapindex", entries)
    return files


def _day_of(row: Entry | Tombstone) -> date | None:
    return row.modified if isinstance(row, Entry) else row.day


def _urlset(entries: Iterable[Entry | Tombstone], base_uri: str) -> bytes:
    rows, changes = [], False
    for e in entries:
        day = _day_of(e)
        lastmod = f"<lastmod>{day.isoformat()}</lastmod>" if day else ""
        change = ""
        if isinstance(e, Tombstone):
            changes = True
            change = '<rs:md change="deleted"/>'
            if e.replacement:
                new = escape(document_url(e.replacement, base_uri), {'"': "&quot;"})
                change += f'<rs:ln rel="successor-version" href="{new}"/>'
        loc = escape(document_url(e.iri, base_uri))
        rows.append(f"  <url><loc>{loc}</loc>{lastmod}{change}</url>")
    return _xml("urlset", rows, RESOURCESYNC if changes else "")


# The ResourceSync namespace, declared only by a sitemap that lists removals.
RESOURCESYNC = ' xmlns:rs="http://www.openarchives.org/rs/terms/"'


def _xml(root: str, rows: list[str], namespaces: str = "") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<{root} xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"{namespaces}>\n'
        + "".join(row + "\n" for row in rows)
        + f"</{root}>\n"
    ).encode("utf-8")


# --- the dumps -------------------------------------------------------------------------


def published_graph(store: Store) -> Graph:
    """Every triple of the published graph, with blank nodes labelled from their content
    (the same graph always gives the same bytes)."""
    return representations.canonical(store.construct("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"))


def dump(graph: Graph, fmt: Format, context: Mapping[str, Any], context_url: str) -> bytes:
    """The published graph in one dump format. N-Triples lines are sorted, and the gzip
    file carries no name or time, so a dump of the same graph is the same bytes."""
    if fmt == NTRIPLES_GZIP:
        return gzip.compress(dump(graph, NTRIPLES, context, context_url), mtime=0)
    if fmt == JSONLD:
        return jsonld.dumps(jsonld_dump(graph, context, context_url))
    return representations.serialize(graph, fmt, context, context_url)


def jsonld_dump(graph: Graph, context: Mapping[str, Any], context_url: str) -> dict:
    """The graph as one JSON-LD document with lerld's context, one node per subject in
    subject order: linear in the size of the graph, unlike general compaction."""
    nodes = sorted(set(graph.subjects()), key=lambda s: s.n3())
    return {
        "@context": context_url,
        "@graph": [node_object(s, graph.predicate_objects(s), context) for s in nodes],
    }


# --- VoID and DCAT ---------------------------------------------------------------------


def void_template(base_uri: str) -> Graph:
    text = resources.files("lerld").joinpath("void.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle", publicID=base_uri)


def _count(store: Store, query: str) -> int:
    rows = store.select(query)
    return int(rows[0]["n"]) if rows and "n" in rows[0] else 0


def namespace_of(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def void_graph(store: Store, base_uri: str, index: Sequence[Entry], modified: date) -> Graph:
    """The VoID + DCAT 3 description of the published graph: the template's statements plus
    what the store says (counts, partitions, vocabularies), the dumps as void:dataDump and
    dcat:Distribution, example resources, and the labels of the agents it names."""
    graph = void_template(base_uri)
    for prefix, namespace in {**PREFIXES, "void": VOID, "dcat": DCAT, "hydra": HYDRA}.items():
        graph.bind(prefix, str(namespace))
    dataset = dataset_iri(base_uri)
    add = graph.add
    add((dataset, DCTERMS.modified, Literal(modified.isoformat(), datatype=XSD.date)))
    add((dataset, VOID.uriSpace, Literal(base_uri + "id/")))
    add(
        (
            dataset,
            VOID.triples,
            Literal(_count(store, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")),
        )
    )
    add((dataset, VOID.entities, Literal(len(index))))
    add(
        (
            dataset,
            VOID.distinctSubjects,
            Literal(_count(store, "SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s ?p ?o }")),
        )
    )
    add(
        (
            dataset,
            VOID.distinctObjects,
            Literal(_count(store, "SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { ?s ?p ?o }")),
        )
    )
    classes = store.select(
        "SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?c FILTER(isIRI(?c)) } GROUP BY ?c ORDER BY ?c"
    )
    properties = store.select(
        "SELECT ?p (COUNT(*) AS ?n) WHERE { ?s ?p ?o } GROUP BY ?p ORDER BY ?p"
    )
    add((dataset, VOID.classes, Literal(len(classes))))
    add((dataset, VOID.properties, Literal(len(properties))))
    for row in classes:
        part = URIRef(f"{base_uri}{VOID_PATH}#class-{_slug(str(row['c']))}")
        add((dataset, VOID.classPartition, part))
        add((part, VOID["class"], row["c"]))
        add((part, VOID.entities, Literal(int(row["n"]))))
    vocabularies = set()
    for row in properties:
        part = URIRef(f"{base_uri}{VOID_PATH}#property-{_slug(str(row['p']))}")
        add((dataset, VOID.propertyPartition, part))
        add((part, VOID.property, row["p"]))
        add((part, VOID.triples, Literal(int(row["n"]))))
        vocabularies.add(namespace_of(str(row["p"])))
    vocabularies |= {namespace_of(str(row["c"])) for row in classes}
    for namespace in sorted(vocabularies):
        add((dataset, VOID.vocabulary, URIRef(namespace)))
    for fmt in DUMP_FORMATS:
        url = URIRef(base_uri + dump_path(fmt))
        distribution = URIRef(f"{base_uri}{VOID_PATH}#dump-{fmt.key}")
        add((dataset, VOID.dataDump, url))
        add((dataset, DCAT.distribution, distribution))
        add((distribution, RDF.type, DCAT.Distribution))
        add((distribution, DCTERMS.title, Literal(f"The whole graph as {fmt.label}", lang="en")))
        add((distribution, DCAT.downloadURL, url))
        add((distribution, DCAT.accessURL, url))
        add((distribution, DCTERMS.license, graph.value(dataset, DCTERMS.license)))
        rdf = NTRIPLES if fmt == NTRIPLES_GZIP else fmt
        add((distribution, DCAT.mediaType, media_type(graph, rdf)))
        if fmt == NTRIPLES_GZIP:
            add((distribution, DCAT.compressFormat, media_type(graph, fmt)))
    for entry in index:
        if str(EXAMPLE_CLASS) in entry.types:
            add((dataset, VOID.exampleResource, URIRef(entry.iri)))
    _add_labels(store, graph)
    for agent in set(graph.subjects(RDF.type, FOAF.Agent)):  # DCAT-AP names agents by foaf:name
        for predicate in LABEL_PREDICATES:
            for name in graph.objects(agent, predicate):
                add((agent, FOAF.name, name))
    return graph


def media_type(graph: Graph, fmt: Format) -> URIRef:
    """A format's media type as the IANA register's IRI, typed dcterms:MediaType (DCAT-AP)."""
    iri = URIRef(IANA_MEDIA_TYPES + fmt.media_type)
    graph.add((iri, RDF.type, DCTERMS.MediaType))
    return iri


def _slug(iri: str) -> str:
    return "".join(c if c.isalnum() else "-" for c in iri.split("//", 1)[-1]).strip("-")


def _add_labels(store: Store, graph: Graph) -> None:
    """The labels of the entities the description names (creator, publisher, examples)."""
    named = sorted({o for o in graph.objects() if isinstance(o, URIRef)} | set(graph.subjects()))
    values = " ".join(URIRef(n).n3() for n in named if not isinstance(n, BNode))
    predicates = " ".join(p.n3() for p in LABEL_PREDICATES)
    for row in store.select(
        f"SELECT ?s ?p ?o WHERE {{ VALUES ?s {{ {values} }} VALUES ?p {{ {predicates} }} ?s ?p ?o }}"
    ):
        graph.add((row["s"], row["p"], row["o"]))


# --- schema.org, for search engines -----------------------------------------------------


def _text(graph: Graph, node, predicates) -> str | None:
    for predicate in predicates:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal) and value.language in (None, "en"):
                return str(value)
    return None


def schema_org_dataset(void: Graph, base_uri: str) -> dict:
    """The schema.org Dataset that search engines (Google Dataset Search) read, made from
    the VoID description, for the home page to embed as JSON-LD."""
    dataset = dataset_iri(base_uri)

    def agent(node) -> dict:
        return {
            "@type": "Organization",
            "@id": str(node),
            "name": _text(void, node, LABEL_PREDICATES),
        }

    modified = void.value(dataset, DCTERMS.modified)
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": str(dataset),
        "name": _text(void, dataset, (DCTERMS.title,)),
        "description": _text(void, dataset, DESCRIPTION_PREDICATES),
        "url": base_uri,
        "sameAs": str(void.value(dataset, DCTERMS.source)),
        "license": str(void.value(dataset, DCTERMS.license)),
        "isAccessibleForFree": True,
        "creator": agent(void.value(dataset, DCTERMS.creator)),
        "publisher": agent(void.value(dataset, DCTERMS.publisher)),
        "dateModified": str(modified),
        "keywords": sorted(str(k) for k in void.objects(dataset, DCAT.keyword)),
        "inLanguage": "en",
        "distribution": [
            {
                "@type": "DataDownload",
                "name": _text(void, d, (DCTERMS.title,)),
                "contentUrl": str(void.value(d, DCAT.downloadURL)),
                "encodingFormat": _media_type(void, d),
            }
            for d in sorted(void.objects(dataset, DCAT.distribution))
        ],
    }


def _media_type(void: Graph, distribution) -> str:
    packed = void.value(distribution, DCAT.compressFormat) or void.value(
        distribution, DCAT.mediaType
    )
    return str(packed).removeprefix(IANA_MEDIA_TYPES)
