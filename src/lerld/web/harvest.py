"""The dataset for harvesters: the dumps (/dump.ttl, /dump.nt, /dump.nt.gz, /dump.jsonld),
its VoID + DCAT description (/.well-known/void, by content negotiation or extension), the
Hydra collection of every entity (/entities, /entities/<n>, by content negotiation or
extension in every RDF format, with ?type= and ?since= filters), the sitemap
(/sitemap.xml) and /robots.txt.

Everything is computed once per snapshot (snapshots are immutable) except filtered
collection pages, which are cut from the cached entity index.
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, g, request

from lerld.core.formats import DUMP_FORMATS, SITEMAP, TEXT, by_extension
from lerld.publish import collection as entities
from lerld.publish import dumps, index
from lerld.publish.sitemap import sitemap_files
from lerld.publish.void import VOID_PATH, dataset_iri
from lerld.web import pages
from lerld.web.http import cached, choose_format, graph_document, respond
from lerld.web.links import base_uri, context_url, named_format
from lerld.web.representation import Representation
from lerld.web.state import entity_index, state, tombstones, void_graph

blueprint = Blueprint("harvest", __name__)


def removals() -> list:
    """The tombstones, in IRI order."""
    return list(tombstones().values())


@blueprint.get("/.well-known/void")
@blueprint.get("/.well-known/void.<extension>")
def void(extension: str | None = None) -> Response:
    explicit = named_format("void", extension)
    path = "/" + VOID_PATH
    iri = str(dataset_iri(base_uri()))
    return graph_document(path, explicit, void_graph, lambda graph: pages.entity_page(iri, graph))


@blueprint.get("/dump.<path:extension>")
def dump(extension: str) -> Response:
    fmt = by_extension(extension, DUMP_FORMATS)
    if fmt is None:
        abort(404, description=f"There is no dump /dump.{extension}.")

    def render() -> Representation:
        graph = state().published_graph.get(lambda: dumps.published_graph(g.snapshot.store))
        return Representation(dumps.dump(graph, fmt, g.snapshot.context, context_url()), fmt)

    response = respond(
        cached(("/dump", fmt.key), render),
        "/dump",
        formats=DUMP_FORMATS,
        negotiated=False,
        context_url=context_url(),
    )
    response.headers["Content-Disposition"] = f'attachment; filename="ler.{fmt.extension}"'
    return response


def collection(page: int, extension: str | None = None) -> Response:
    """A page of the collection, in the format of its extension or by negotiation (JSON-LD
    first: the collection began as JSON-LD)."""
    fmt = choose_format(
        by_extension(extension, entities.COLLECTION_FORMATS) if extension else None,
        entities.COLLECTION_FORMATS,
    )
    if extension and fmt.extension != extension:
        abort(404)
    try:
        filters = entities.Filters.parse(request.args.get("type"), request.args.get("since"))
    except entities.BadFilter as e:
        abort(400, description=str(e))
    below = state().subclasses.get(lambda: index.subclasses(g.snapshot.store))
    entries = filters.select(entity_index(), below)
    document = entities.collection_page(
        entries,
        page,
        filters,
        base_uri(),
        g.snapshot.context,
        context_url(),
        fmt.extension,
        filters.removals(removals(), below),
    )
    if document is None:
        abort(404, description=f"The collection has {entities.page_count(len(entries))} page(s).")
    body = entities.collection_document(document, fmt, g.snapshot.context, context_url())
    path = f"/entities/{page}" if page > 1 else "/entities"
    return respond(
        Representation(body, fmt),
        path,
        formats=entities.COLLECTION_FORMATS,
        negotiated=extension is None,
        context_url=context_url(),
        query=filters.query(),
    )


@blueprint.get("/entities")
@blueprint.get("/entities.<extension>")
def collection_first_page(extension: str | None = None) -> Response:
    return collection(1, extension)


@blueprint.get("/entities/<int:page>")
@blueprint.get("/entities/<int:page>.<extension>")
def collection_page(page: int, extension: str | None = None) -> Response:
    if page < 2:  # page 1 is /entities: one URL per page
        abort(404)
    return collection(page, extension)


def sitemaps() -> dict[str, bytes]:
    return state().sitemaps.get(
        lambda: sitemap_files(entity_index(), base_uri(), removals=removals())
    )


@blueprint.get("/sitemap.xml")
@blueprint.get("/sitemaps/<int:number>.xml")
def sitemap(number: int | None = None) -> Response:
    path = f"sitemaps/{number}.xml" if number else "sitemap.xml"
    body = sitemaps().get(path)
    if body is None:
        abort(404)
    return respond(
        Representation(body, SITEMAP),
        "/" + path.removesuffix(".xml"),
        formats=(SITEMAP,),
        negotiated=False,
    )


@blueprint.get("/robots.txt")
def robots() -> Response:
    body = f"User-agent: *\nAllow: /\nSitemap: {base_uri()}sitemap.xml\n".encode()
    return respond(Representation(body, TEXT), "/robots", formats=(TEXT,), negotiated=False)
