"""HTML pages for people: the home page, the catalogue pages (the profile's: stakeholders,
glossary, resources, ...), the page of every entity document, the vocabulary documentation and the shapes.

Pages are rendered from plain view-models (pagedata, vocabdoc) by Jinja2 templates with
autoescaping; each embeds its data as schema.org JSON-LD and links to its other formats.
Catalogue pages are documents too: /glossary.ttl is the graph the glossary page shows.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from pathlib import Path

from flask import Blueprint, Flask, Response, abort, current_app, g, render_template
from rdflib import RDFS, BNode, Graph, Literal, URIRef
from werkzeug.routing import Map

from lerld.core.formats import DUMP_FORMATS, RDF_FORMATS, split_extension
from lerld.core.names import label_in
from lerld.core.terms import curie, shorten
from lerld.profile import PROFILE, Catalogue
from lerld.project import published, releases
from lerld.project.labels import labels_of
from lerld.project.sources import SourceFile, source_of
from lerld.publish import describe, editing, pagedata, shapesdoc, vocabdoc
from lerld.publish.collection import COLLECTION_FORMATS
from lerld.publish.schemaorg import schema_org_dataset
from lerld.publish.void import VOID_PATH
from lerld.web.http import graph_document
from lerld.web.links import alternates, base_uri, document_path, href, settings
from lerld.web.state import state, void_graph

blueprint = Blueprint("pages", __name__)

# --- helpers other blueprints use (the map) ----------------------------------------------


def label(graph: Graph, node) -> str:
    """The best label the graph gives node, else its shortened IRI."""
    return label_in(graph, node) or shorten(str(node))


def value_view(graph: Graph, node) -> dict:
    """How one RDF term is shown: text, or a link (local document or http(s) only)."""
    if isinstance(node, Literal):
        return {"text": str(node), "lang": node.language}
    if isinstance(node, BNode):
        return {"text": "(anonymous)"}
    iri = str(node)
    link = href(iri)
    return {"text": label(graph, node) if link else iri, "href": link, "iri": iri}


# --- schema.org structured data ----------------------------------------------------------

SCHEMA_ORG = "https://schema.org"


def thing_data(card: pagedata.Card) -> dict:
    data = {"@type": card.kind.schema_type, "name": card.ref.label}
    if card.ref.iri:
        data["@id"] = card.ref.iri
    if card.text:
        data["description"] = card.text
    if card.url:
        data["url"] = card.url
    return data


def entity_data(view: pagedata.EntityView) -> dict:
    """What a search engine should know about an entity, in schema.org terms."""
    data = {
        "@context": SCHEMA_ORG,
        "@type": view.kind.schema_type,
        "@id": view.iri,
        "name": view.title,
    }
    if view.text:
        data["description"] = view.text
    if view.quote:
        data["text"], data["creditText"] = view.quote, view.attribution
    if view.modified:
        data["dateModified"] = view.modified
    for row in view.overview:
        if row.label == "Also known as":
            data["alternateName"] = [v.label for v in row.values]
        if row.label == "Website" and row.values[0].href:  # http(s) only, as in the page
            data["url"] = row.values[0].label
    authors = view.section(f"out-{curie(str(PROFILE.authors))}")
    if authors:
        data["author"] = [
            {"@type": "Organization", "@id": c.ref.iri, "name": c.ref.label}
            for group in authors.groups
            for c in group.cards
        ]
    return data


def catalogue_data(view: pagedata.CatalogueView, schema_type: str) -> dict:
    cards = [c for s in view.sections for group in s.groups for c in group.cards]
    items = [thing_data(c) for c in cards]
    data = {"@context": SCHEMA_ORG, "@type": schema_type, "name": view.title}
    if view.intro:
        data["description"] = view.intro
    if schema_type == "DefinedTermSet":
        data["hasDefinedTerm"] = items
    elif schema_type == "WebSite":
        data["about"] = items
    else:
        data["itemListElement"] = [
            {"@type": "ListItem", "position": i, "item": item} for i, item in enumerate(items, 1)
        ]
    return data


# --- entity pages ------------------------------------------------------------------------


def edit_links(iri: str) -> list[dict]:
    """'Suggest an edit' links to the source files that describe an entity, each at the
    lines of its description where they can be found; none without a configured
    repository (--edit-url, or the checkout's remote on a known forge)."""
    template = settings().edit_url
    if template is None:
        return []
    paths = [source_of(name) for name in describe.source_graphs(g.snapshot.store, iri)]
    links = []
    for path in filter(None, paths):
        blocks = _source_file(settings().root, path).blocks_of(iri) if path else []
        if blocks:
            start, end = blocks[0]
            href = template.format(path=path, start=start, end=end)
            lines = f"{start}\u2013{end}" if end > start else str(start)  # an en dash
        else:  # not found in the file as it is now: the whole file
            href = template.split("#", 1)[0].format(path=path, start=1, end=1)
            lines = None
        links.append({"path": path, "href": href, "lines": lines})
    return links


def _source_file(root: Path, path: str) -> SourceFile:
    """The source file as it is on disk now (read again when it changes)."""
    file = root / path
    try:
        stat = file.stat()
    except OSError:
        return SourceFile.of_text(file, path, "data", "")
    return _read_source(str(file), path, stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=32)
def _read_source(file: str, path: str, _mtime: int, _size: int) -> SourceFile:
    try:
        text = Path(file).read_text("utf-8")
    except (OSError, UnicodeDecodeError):
        text = ""
    return SourceFile.of_text(Path(file), path, "data", text)


def entity_page(iri: str, graph: Graph) -> str:
    """The page of one entity: what it is, what it links to and what links to it."""
    view = pagedata.entity_view(g.snapshot.store, iri, graph, href)
    template = PROFILE.entity_templates.get(view.kind.key, "entity.html")
    return render_template(
        template,
        title=view.title,
        view=view,
        edits=edit_links(iri),
        alternates=alternates(document_path()),
        structured_data=entity_data(view),
    )


def gone_page(tombstone: published.Tombstone, path: str) -> str:
    """The short page of a withdrawn entity (410 Gone): what it was, when and why."""
    return render_template(
        "gone.html",
        title=f"Gone: {tombstone.label or shorten(tombstone.iri)}",
        name=tombstone.label or shorten(tombstone.iri),
        iri=tombstone.iri,
        former_type=shorten(tombstone.former_type) if tombstone.former_type else None,
        day=tombstone.day.isoformat() if tombstone.day else None,
        reason=tombstone.reason,
        alternates=alternates(path),
    )


# --- catalogue pages ---------------------------------------------------------------------


def catalogue_page(catalogue: Catalogue, graph: Graph) -> str:
    view = pagedata.catalogue_view(catalogue, graph, href)
    return render_template(
        "home.html" if catalogue.name == "index" else "catalogue.html",
        title=view.title,
        view=view,
        alternates=alternates(document_path()),
        data_links=data_links() if catalogue.name == "index" else [],
        structured_data=(
            [catalogue_data(view, catalogue.schema_type), home_dataset()]
            if catalogue.name == "index"
            else catalogue_data(view, catalogue.schema_type)
        ),
    )


def data_links() -> list[dict]:
    """What the home page offers machines: the dataset's description, its dumps and its
    collection of every entity, each in every format, and the SPARQL endpoint."""

    def row(title: str, path: str, formats) -> dict:
        links = [
            {"label": f.label, "href": f"{path}.{f.extension}", "type": f.media_type}
            for f in formats
        ]
        return {"title": title, "href": path, "links": links}

    rows = [
        row("Dataset description (VoID, DCAT-AP)", "/" + VOID_PATH, RDF_FORMATS),
        row("Every entity, 100 a page (Hydra collection)", "/entities", COLLECTION_FORMATS),
        row("The whole graph (dumps)", "/dump", DUMP_FORMATS),
    ]
    rows[-1]["href"] = None  # a dump is a file per format: no negotiated URL
    return rows


def home_dataset() -> dict:
    """The schema.org Dataset the home page embeds (Google Dataset Search reads it)."""
    return schema_org_dataset(void_graph(), base_uri())


def catalogue_response(catalogue: Catalogue, extension: str | None) -> Response:
    name = f"{catalogue.name}.{extension}" if extension else catalogue.name
    stem, explicit = split_extension(name)
    if stem != catalogue.name:
        abort(404)
    path = "/" + catalogue.name
    return graph_document(
        path,
        explicit,
        lambda: pagedata.catalogue_graph(g.snapshot.store, catalogue),
        lambda graph: catalogue_page(catalogue, graph),
    )


def register_catalogue(catalogue: Catalogue) -> None:
    def view(extension: str | None = None) -> Response:
        return catalogue_response(catalogue, extension)

    endpoint = catalogue.name.replace("-", "_")
    if catalogue.name == "index":  # the home page is / as well as /index
        blueprint.add_url_rule("/", "home", view)
    blueprint.add_url_rule(f"/{catalogue.name}", endpoint, view)
    blueprint.add_url_rule(f"/{catalogue.name}.<extension>", endpoint + "_format", view)


for _catalogue in PROFILE.catalogues:
    register_catalogue(_catalogue)


# --- the vocabulary and the shapes -------------------------------------------------------


def vocabulary_page(
    path: str,
    graph: Graph,
    steps: Sequence[releases.Step] = (),
    published: Sequence[releases.Release] = (),
) -> str:
    """The vocabulary's documentation (/ns and its version IRI), made from the ontology:
    each term's history from the changelog `steps`, and the `published` releases."""
    examples = vocabdoc.find_examples(g.snapshot.store, graph)
    doc = vocabdoc.vocabulary_view(graph, examples, href, releases.history(steps))
    version = path.removeprefix("/ns/").split("/")[0] if path.startswith("/ns/") else None
    return render_template(
        "vocabulary.html",
        title=doc.title,
        doc=doc,
        path=path,
        releases=list(reversed(published)),
        release=releases.find(published, version or ""),
        alternates=alternates(path),
        structured_data={
            "@context": SCHEMA_ORG,
            "@type": "DefinedTermSet",
            "@id": doc.iri,
            "name": doc.title,
            "description": doc.description,
            "version": doc.version,
            "hasDefinedTerm": [
                {"@type": "DefinedTerm", "@id": t.iri, "name": t.label, "termCode": t.curie}
                for t in doc.classes + doc.properties
            ],
        },
    )


def changes_page(path: str, steps: Sequence[releases.Step]) -> str:
    """The changelog: per version, newest first, what happened to which term."""
    return render_template(
        "changes.html",
        title=f"Changes to the {PROFILE.vocabulary.title}",
        steps=steps,
        path=path,
        alternates=alternates(path),
        curie=curie,
        href=href,
        structured_data={
            "@context": SCHEMA_ORG,
            "@type": "CreativeWork",
            "name": f"Changes to the {PROFILE.vocabulary.title}",
        },
    )


def shapes_page(path: str, graph: Graph) -> str:
    """The shapes' documentation; the things they name (stages, schemes) by their labels."""
    iris = {str(o) for o in graph.objects() if isinstance(o, URIRef)}
    labelled = graph + Graph()
    for iri, name in labels_of(g.snapshot.store, iris).items():
        labelled.add((URIRef(iri), RDFS.label, Literal(name)))
    doc = shapesdoc.shapes_view(labelled, href)
    return render_template(
        "shapes.html",
        title=doc.title,
        doc=doc,
        alternates=alternates(path),
        structured_data={
            "@context": SCHEMA_ORG,
            "@type": "CreativeWork",
            "@id": doc.iri,
            "name": doc.title,
            "description": doc.description,
            "version": doc.version,
        },
    )


# --- the editor's guide ----------------------------------------------------------------


@blueprint.route("/editing")
def editing_page() -> str:
    """The editor's guide, generated from the shapes and the ontology (lerld.publish.editing)."""
    # one per snapshot: it only changes with the sources
    current = state().editing_guide.get(lambda: editing.guide(g.snapshot.store))
    return render_template(
        "editing.html",
        title="Editing the map",
        guide=current,
        structured_data={
            "@context": SCHEMA_ORG,
            "@type": "TechArticle",
            "name": "Editing the map",
            "about": [{"@id": k.cls, "name": k.name} for k in current.kinds],
        },
    )


# --- every page ------------------------------------------------------------------------


@blueprint.get("/favicon.ico")
def favicon() -> Response:
    """The site's icon, where browsers look for it (every page names it too)."""
    return current_app.send_static_file("favicon.ico")


def served(url_map: Map, path: str) -> bool:
    adapter = url_map.bind("localhost")
    return adapter.test(path, method="GET")


def navigation(app: Flask) -> list[dict]:
    return [{"href": p, "label": text} for p, text in PROFILE.navigation if served(app.url_map, p)]


@blueprint.app_context_processor
def site() -> dict:
    app = current_app._get_current_object()
    if "lerld.navigation" not in app.extensions:
        app.extensions["lerld.navigation"] = navigation(app)
    return {"navigation": app.extensions["lerld.navigation"]}
