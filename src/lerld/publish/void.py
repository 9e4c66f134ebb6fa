"""The VoID + DCAT 3 description of the published dataset (/.well-known/void): its
template (void.ttl) completed with what the store says (counts, class and property
partitions, vocabularies), the dumps as distributions, example resources and the labels
of the agents it names.
"""

from __future__ import annotations

from datetime import date
from importlib import resources

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCAT, DCTERMS, FOAF

from lerld.core.formats import DUMP_FORMATS, NTRIPLES, NTRIPLES_GZIP, Format
from lerld.core.terms import LABEL_PREDICATES, PREFIXES
from lerld.profile import PROFILE
from lerld.project.labels import add_labels
from lerld.publish.collection import HYDRA
from lerld.publish.dumps import dump_path
from lerld.publish.index import entities_typed, entity_count
from lerld.publish.kept import Codec
from lerld.stores import Store

VOID = Namespace("http://rdfs.org/ns/void#")
IANA_MEDIA_TYPES = "https://www.iana.org/assignments/media-types/"
VOID_PATH = ".well-known/void"
# The entities a harvester may look at first (void:exampleResource): the profile's.
EXAMPLE_CLASS = PROFILE.example_class


def dataset_iri(base_uri: str) -> URIRef:
    return URIRef(f"{base_uri}{VOID_PATH}#dataset")


def void_template(base_uri: str) -> Graph:
    text = resources.files("lerld").joinpath("void.ttl").read_text(encoding="utf-8")
    return Graph().parse(data=text, format="turtle", publicID=base_uri)


# The graph as JSON (lerld.publish.kept): its Turtle, which keeps the prefixes it uses.
GRAPH = Codec(
    lambda graph: {"turtle": graph.serialize(format="turtle")},
    lambda document: Graph().parse(data=document["turtle"], format="turtle"),
)


def _count(store: Store, query: str) -> int:
    rows = store.select(query)
    return int(rows[0]["n"]) if rows and "n" in rows[0] else 0


def namespace_of(iri: str) -> str:
    cut = max(iri.rfind("#"), iri.rfind("/"))
    return iri[: cut + 1]


def void_graph(store: Store, base_uri: str, modified: date) -> Graph:
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
    add((dataset, VOID.entities, Literal(entity_count(store, base_uri))))
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
    for example in entities_typed(store, base_uri, EXAMPLE_CLASS):
        add((dataset, VOID.exampleResource, URIRef(example)))
    # the labels of the things the description names (creator, publisher, examples)
    named = {o for o in graph.objects() if isinstance(o, URIRef)} | set(graph.subjects())
    add_labels(store, sorted(n for n in named if isinstance(n, URIRef)), graph)
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
