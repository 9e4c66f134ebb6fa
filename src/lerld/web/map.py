"""The relational map: an interactive network of the published graph at /map, its data
and a table view of the same nodes and relations.

/map is one document with every format of the format table: its HTML is the interactive
map (drawn in the browser by static/map/*.js), its RDF formats are the network itself,
one SPARQL CONSTRUCT over the store: the nodes of the kinds in NODE_KINDS with their
types, names and descriptions, every statement between two such nodes, and the labels
of the properties those statements use. The page reads the N-Triples twin (/map.nt), so
the map needs nothing but documents we publish, and works the same in the static site.
/map/table is the same nodes and relations as HTML tables, for readers without the
picture (and without JavaScript).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from flask import Blueprint, Response, abort, current_app, g, render_template, url_for
from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import SKOS

from lerld.core.formats import DOCUMENT_FORMATS, HTML, NTRIPLES, split_extension
from lerld.core.terms import DESCRIPTION_PREDICATES, LABEL_PREDICATES
from lerld.profile import PROFILE, MapKind
from lerld.web import pages
from lerld.web.http import cached, graph_document, respond
from lerld.web.links import alternates
from lerld.web.representation import Representation
from lerld.web.state import state

blueprint = Blueprint("map", __name__)

TITLE = PROFILE.map.title
TABLE_PATH = "/map/table"


@dataclass(frozen=True)
class NodeKind:
    """A kind of node on the map: the class its members have, and how it is drawn."""

    key: str
    cls: URIRef
    singular: str
    plural: str
    colour: str
    shape: str
    size: float = 1.0


def node_kind(drawn: MapKind) -> NodeKind:
    """A kind of the profile as the map draws it (its own key and titles, if it has them)."""
    kind = PROFILE.kind(drawn.kind)
    return NodeKind(
        drawn.key or kind.key,
        kind.cls,
        drawn.singular or kind.singular,
        drawn.plural or kind.plural,
        drawn.colour,
        drawn.shape,
        drawn.size,
    )


# In order of precedence: a node with two of these classes (an organization that is also
# a project) is drawn as the first.
NODE_KINDS: tuple[NodeKind, ...] = tuple(node_kind(drawn) for drawn in PROFILE.map.kinds)

NODE_PROPERTIES = (
    RDF.type,
    *LABEL_PREDICATES,
    SKOS.altLabel,
    *DESCRIPTION_PREDICATES,
    PROFILE.position,
)


def values(terms: Iterable[str]) -> str:
    return " ".join(URIRef(t).n3() for t in terms)


def network_query() -> str:
    """The CONSTRUCT of the map's network. Each branch of the UNION finds its own nodes:
    joined to an outer node pattern, the UNION took 100 s on a 50,000-triple graph from
    `lerld synth`, against 2 s this way (and single-pattern OPTIONALs only: see the
    hash-join trap in ARCHITECTURE's house rules)."""
    kinds = values(k.cls for k in NODE_KINDS)
    node = f"VALUES ?kind {{ {kinds} }} ?node a/<{RDFS.subClassOf}>* ?kind ."
    return f"""
CONSTRUCT {{
  ?node a ?kind ; ?p ?o .
  ?p <{RDFS.label}> ?pLabel .
}}
WHERE {{
  {{
    {node}
    VALUES ?p {{ {values(NODE_PROPERTIES)} }}
    ?node ?p ?o .
  }} UNION {{
    {node}
    ?node ?p ?o .
    FILTER (isIRI(?o) && ?p != <{RDF.type}>)
    VALUES ?objectKind {{ {kinds} }}
    ?o a/<{RDFS.subClassOf}>* ?objectKind .
    OPTIONAL {{ ?p <{RDFS.label}> ?pLabel }}
  }}
}}"""


def network() -> Graph:
    """The network of the current snapshot, built once per snapshot."""
    return state().map_network.get(lambda: g.snapshot.store.construct(network_query()))


def nodes_of(graph: Graph) -> dict[URIRef, NodeKind]:
    """Every node of the network with its kind, in kind order."""
    found = {}
    for kind in NODE_KINDS:
        for node in graph.subjects(RDF.type, kind.cls):
            if isinstance(node, URIRef):
                found.setdefault(node, kind)
    return found


def position(graph: Graph, node: URIRef) -> int:
    value = graph.value(node, PROFILE.position)
    return int(value) if value is not None else 0


def focus_options(graph: Graph, nodes: dict[URIRef, NodeKind]) -> list[dict]:
    """The lifecycle stages and the action areas, each in their order on the map."""
    return [
        {
            "key": kind.key,
            "label": kind.singular,
            "options": [
                {"iri": str(n), "label": pages.label(graph, n)}
                for n in sorted(
                    (n for n, k in nodes.items() if k == kind), key=lambda n: position(graph, n)
                )
            ],
        }
        for kind in NODE_KINDS
        if kind.key in PROFILE.map.focus
    ]


def page_config(data_url: str) -> dict:
    """What the map's script needs to know, read from the page (no second list in JS)."""
    base = current_app.config["LERLD_SETTINGS"].base_uri
    return {
        "src": data_url,
        "entityBase": base + "id/",
        "documentBase": "/doc/",
        "labelPredicates": [str(p) for p in LABEL_PREDICATES],
        "descriptionPredicates": [str(p) for p in DESCRIPTION_PREDICATES],
        "altLabelPredicate": str(SKOS.altLabel),
        "typePredicate": str(RDF.type),
        "propertyLabelPredicate": str(RDFS.label),
        "kinds": [{**asdict(k), "cls": str(k.cls)} for k in NODE_KINDS],
        "involvement": [list(step) for step in PROFILE.map.involvement],
    }


def words(items: Iterable[str]) -> str:
    """'a', 'b' and 'c'."""
    items = list(items)
    return ", ".join(items[:-1]) + " and " + items[-1] if len(items) > 1 else items[0]


def kinds_by_key() -> dict[str, NodeKind]:
    return {k.key: k for k in NODE_KINDS}


def map_page(graph: Graph) -> str:
    nodes = nodes_of(graph)
    counts = {k.key: 0 for k in NODE_KINDS}
    for kind in nodes.values():
        counts[kind.key] += 1
    kinds = kinds_by_key()
    return render_template(
        "map.html",
        title=TITLE,
        # a kind only some data has (achievements, competencies) is listed when present
        kinds=[k for k in NODE_KINDS if counts[k.key]],
        counts=counts,
        focus=focus_options(graph, nodes),
        involvement=[
            words(kinds[key].plural.lower() for key in step) for step in PROFILE.map.involvement
        ],
        config=page_config(f"/map.{NTRIPLES.extension}"),
        table_url=TABLE_PATH,
        alternates=alternates("/map"),
        structured_data=structured_data(),
    )


def structured_data() -> dict:
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": TITLE,
        "description": PROFILE.map.description,
        "distribution": [
            {"@type": "DataDownload", "contentUrl": f"/map.{f.extension}", "encodingFormat": f.media_type}
            for f in DOCUMENT_FORMATS
            if f.is_rdf
        ],
    }  # fmt: skip


@blueprint.get("/map")
@blueprint.get("/map.<extension>")
def network_map(extension: str | None = None) -> Response:
    """The map: HTML is the interactive picture; the RDF formats are its network."""
    stem, explicit = split_extension(f"map.{extension}" if extension else "map")
    if stem != "map":
        abort(404)
    return graph_document("/map", explicit, network, map_page)


def table_view(graph: Graph) -> dict:
    """The nodes of the network grouped by kind, and its relations, as links."""
    nodes = nodes_of(graph)
    groups = []
    for kind in NODE_KINDS:
        members = sorted(
            (pages.value_view(graph, n) for n, k in nodes.items() if k == kind),
            key=lambda v: (v["text"].casefold(), v["iri"]),
        )
        if members:
            groups.append({"kind": kind, "nodes": members})
    relations = sorted(
        (
            {
                "subject": pages.value_view(graph, s),
                "predicate": pages.value_view(graph, p),
                "object": pages.value_view(graph, o),
            }
            for s, p, o in graph
            if s in nodes and o in nodes and p != RDF.type
        ),
        key=lambda r: tuple((r[k]["text"].casefold(), r[k]["iri"]) for k in ("subject", "predicate", "object")),
    )  # fmt: skip
    return {"groups": groups, "relations": relations, "node_count": len(nodes)}


@blueprint.get(TABLE_PATH)
@blueprint.get(TABLE_PATH + ".html")
def table() -> Response:
    """The map's nodes and relations as tables: the picture for readers who cannot use it."""

    def render() -> Representation:
        body = render_template(
            "map_table.html",
            title=f"{TITLE}: table",
            map_url=url_for("map.network_map"),
            alternates=alternates("/map"),
            structured_data=structured_data(),
            **table_view(network()),
        )
        return Representation(body.encode("utf-8"), HTML)

    return respond(cached((TABLE_PATH,), render), "/map", negotiated=False)
