"""The SPARQL 1.1 Service Description of the /sparql endpoint: what it speaks, which
dataset it queries by default, and its limits."""

from __future__ import annotations

from collections.abc import Sequence

from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS

from lerld.core.formats import RDF_FORMATS, RESULTS_FORMATS
from lerld.core.settings import Settings
from lerld.profile import PROFILE

SD = Namespace("http://www.w3.org/ns/sparql-service-description#")
ENTAILMENT = Namespace("http://www.w3.org/ns/entailment/")

# Response headers that report the limits on every /sparql answer.
LIMIT_HEADERS = ("SPARQL-Time-Limit", "SPARQL-Max-Rows", "SPARQL-Max-Body")
TRUNCATED_HEADER = "SPARQL-Results-Truncated"


def limits(settings: Settings) -> dict[str, str]:
    """The endpoint's limits, as the response headers that report them."""
    values = (f"{settings.sparql_timeout:g}", settings.sparql_max_rows, settings.sparql_max_body)
    return {name: str(value) for name, value in zip(LIMIT_HEADERS, values, strict=True)}


def limits_text(settings: Settings) -> str:
    return (
        f"Each query may run for {settings.sparql_timeout:g} s; it is then stopped and "
        f"answered with 504. Answers hold at most {settings.sparql_max_rows} solutions or "
        f"triples (more are cut, with the header {TRUNCATED_HEADER}: true; page with "
        f"LIMIT and OFFSET). A request may carry at most {settings.sparql_max_body} bytes, "
        f"and a query may take {settings.sparql_max_memory} MiB of memory (more: 503). "
        "The endpoint is read-only; SERVICE is "
        + (
            "allowed, except to loopback, private and link-local addresses."
            if settings.allow_service
            else "refused."
        )
    )


def service_description(endpoint: str, settings: Settings, graphs: Sequence[str]) -> Graph:
    """The sd:Service at `endpoint` (its URL as the client reached it)."""
    graph = Graph()
    graph.bind("sd", SD)
    service = URIRef(endpoint)
    graph.add((service, RDF.type, SD.Service))
    graph.add((service, SD.endpoint, service))
    graph.add((service, DCTERMS.title, Literal(PROFILE.endpoint_title, lang="en")))
    graph.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    for fmt in RESULTS_FORMATS + RDF_FORMATS:
        graph.add((service, SD.resultFormat, URIRef(fmt.iri)))
    graph.add((service, SD.feature, SD.UnionDefaultGraph))
    if settings.allow_service:
        graph.add((service, SD.feature, SD.BasicFederatedQuery))
    graph.add((service, SD.defaultEntailmentRegime, ENTAILMENT.Simple))
    graph.add((service, RDFS.comment, Literal(limits_text(settings), lang="en")))
    dataset, default = BNode(), BNode()
    graph.add((service, SD.defaultDataset, dataset))
    graph.add((dataset, RDF.type, SD.Dataset))
    graph.add((dataset, SD.defaultGraph, default))
    graph.add((default, RDF.type, SD.Graph))
    graph.add(
        (
            default,
            RDFS.comment,
            Literal(f"The union of the named graphs: the whole {PROFILE.graph_title}.", lang="en"),
        )
    )
    for name in graphs:
        named = BNode()
        graph.add((dataset, SD.namedGraph, named))
        graph.add((named, RDF.type, SD.NamedGraph))
        graph.add((named, SD.name, URIRef(name)))
    return graph
