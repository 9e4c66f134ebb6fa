"""HTML pages for people: the home page and the page of every document.

Pages are built from plain view-models (dicts of strings and links) that the Jinja2
templates render with autoescaping; the page's data is embedded as schema.org JSON-LD.
"""

from __future__ import annotations

from collections import defaultdict

from flask import Blueprint, current_app, g, render_template
from rdflib import RDF, BNode, Graph, Literal, URIRef

from lerld.formats import DOCUMENT_FORMATS
from lerld.terms import DESCRIPTION_PREDICATES, LABEL_PREDICATES, LER, shorten

blueprint = Blueprint("pages", __name__)

# The schema.org type a search engine should see for each kind of entity.
SCHEMA_TYPES = {
    LER.Organization: "Organization",
    LER.Initiative: "Project",
    LER.Project: "Project",
    LER.Programme: "Project",
    LER.Network: "Project",
    LER.StandardsEffort: "Project",
    LER.Report: "Report",
    LER.Resource: "CreativeWork",
    LER.Guidance: "Article",
    LER.Quote: "Quotation",
    LER.TechnicalStandard: "CreativeWork",
    LER.GlossaryTerm: "DefinedTerm",
}


def local_link(iri: str) -> str | None:
    """The local document path of an IRI we publish, or None for foreign IRIs."""
    base = current_app.config["LERLD_SETTINGS"].base_uri
    if iri.startswith(base + "id/"):
        return "/doc/" + iri[len(base) + 3 :]
    if iri.startswith(base + "ns#") or iri == base + "ns":
        return "/ns" + iri[len(base) + 2 :]
    return None


def label(graph: Graph, node) -> str:
    for predicate in LABEL_PREDICATES:
        value = graph.value(node, predicate)
        if value is not None:
            return str(value)
    return shorten(str(node))


def value_view(graph: Graph, node) -> dict:
    """How one RDF term is shown: text, or a link (local document or http(s) only)."""
    if isinstance(node, Literal):
        return {"text": str(node), "lang": node.language}
    if isinstance(node, BNode):
        return {"text": "(anonymous)"}
    iri = str(node)
    href = local_link(iri)
    if href is None and iri.startswith(("http://", "https://")):
        href = iri
    return {"text": label(graph, node) if href else iri, "href": href, "iri": iri}


def alternates(path: str) -> list[dict]:
    return [
        {"label": f.label, "href": f"{path}.{f.extension}", "media_type": f.media_type}
        for f in DOCUMENT_FORMATS
    ]


def structured_data(graph: Graph, iri: URIRef) -> dict:
    """The schema.org description of a thing, for search engines."""
    types = set(graph.objects(iri, RDF.type))
    schema_type = next((SCHEMA_TYPES[t] for t in SCHEMA_TYPES if t in types), "Thing")
    data = {
        "@context": "https://schema.org",
        "@type": schema_type,
        "@id": str(iri),
        "name": label(graph, iri),
    }
    for predicate in DESCRIPTION_PREDICATES:
        value = graph.value(iri, predicate)
        if value is not None:
            data["description"] = str(value)
            break
    return data


def properties_view(graph: Graph, subject) -> list[dict]:
    rows: dict[str, list] = defaultdict(list)
    for predicate, obj in graph.predicate_objects(subject):
        rows[str(predicate)].append(value_view(graph, obj))
    return [
        {
            "predicate": value_view(graph, URIRef(p)),
            "values": sorted(values, key=lambda v: v["text"]),
        }
        for p, values in sorted(rows.items(), key=lambda item: shorten(item[0]))
    ]


def entity_page(iri: str, graph: Graph) -> str:
    """The page of one entity: its label, types, description and every statement."""
    node = URIRef(iri)
    path = local_link(iri) or "/"
    return render_template(
        "entity.html",
        title=label(graph, node),
        iri=iri,
        types=[value_view(graph, t) for t in sorted(graph.objects(node, RDF.type))],
        properties=properties_view(graph, node),
        alternates=alternates(path),
        structured_data=structured_data(graph, node),
    )


def graph_page(title: str, path: str, graph: Graph) -> str:
    """A page listing every subject of a whole graph (the vocabulary, the shapes)."""
    subjects = sorted(
        {s for s in graph.subjects() if isinstance(s, URIRef)}, key=lambda s: shorten(str(s))
    )
    return render_template(
        "graph.html",
        title=title,
        subjects=[
            {
                "id": shorten(str(s)),
                "iri": str(s),
                "label": label(graph, s),
                "properties": properties_view(graph, s),
            }
            for s in subjects
        ],
        alternates=alternates(path),
        structured_data={"@context": "https://schema.org", "@type": "Dataset", "name": title},
    )


@blueprint.get("/")
def home() -> str:
    store = g.snapshot.store
    groups = store.select(
        """SELECT ?g ?label ?definition WHERE {
             ?g a <https://w3id.org/ler/ns#StakeholderGroup> ;
                <http://www.w3.org/2004/02/skos/core#prefLabel> ?label ;
                <https://w3id.org/ler/ns#position> ?pos .
             OPTIONAL { ?g <http://www.w3.org/2004/02/skos/core#definition> ?definition }
           } ORDER BY ?pos"""
    )
    return render_template(
        "home.html",
        title="LER Ecosystem Map",
        groups=[
            {
                "href": local_link(str(r["g"])),
                "label": str(r["label"]),
                "definition": str(r.get("definition", "")),
            }
            for r in groups
        ],
        alternates=[],
        structured_data={
            "@context": "https://schema.org",
            "@type": "WebSite",
            "name": "LER Ecosystem Map",
        },
    )
