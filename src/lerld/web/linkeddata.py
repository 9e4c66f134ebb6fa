"""Linked Data URLs: entity IRIs (303 to their documents), documents by content negotiation
or extension, the vocabulary (/ns, /ns/<version>, /ns/context.jsonld) and the shapes (/shapes)."""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from flask import Blueprint, Response, abort, g, redirect, request
from rdflib import Graph
from rdflib.namespace import OWL

from lerld.core.formats import JSONLD, RDF_FORMATS, Format, split_extension
from lerld.core.jsonld import dumps
from lerld.core.terms import is_entity_path
from lerld.profile import PROFILE
from lerld.project import published, releases
from lerld.project.snapshot import graph_name
from lerld.publish import describe
from lerld.web import pages
from lerld.web.http import cached, graph_document, respond
from lerld.web.links import base_uri, named_format
from lerld.web.representation import Representation
from lerld.web.state import state, tombstones

blueprint = Blueprint("linkeddata", __name__)
# <vocabulary>/alignment, the ontology of ontology/alignment.ttl
ALIGNMENT = "alignment"
# <vocabulary>/changes, the changelog computed from the releases
CHANGES = "changes"
# /ns/<version>/shapes, the shapes as released
SHAPES = "shapes"


def entity_iri(stem: str) -> str:
    """The IRI a local path names: /id/<kind>/<slug> -> <base>id/<kind>/<slug>; 404 otherwise."""
    iri = base_uri() + "id/" + stem
    if not is_entity_path(stem) or not describe.exists(g.snapshot.store, iri):
        abort(404, description=f"There is no entity {iri} in the {PROFILE.graph_title}.")
    return iri


def departed(stem: str, explicit: Format | None, status: int) -> Response | None:
    """The answer for the IRI of an entity that is no longer live, None for any other: a
    replaced one redirects (`status`) to its replacement's document in the same format, a
    withdrawn one is 410 Gone, with its tombstone as the document (when and why)."""
    iri = base_uri() + "id/" + stem
    tombstone = tombstones().get(iri) if is_entity_path(stem) else None
    if tombstone is None:
        return None
    suffix = f".{explicit.extension}" if explicit else ""
    if tombstone.replacement and tombstone.replacement.startswith(base_uri() + "id/"):
        new = tombstone.replacement[len(base_uri() + "id/") :]
        return redirect(f"/doc/{new}{suffix}", code=status)

    def graph() -> Graph:
        described = describe.describe(g.snapshot.store, iri, base_uri())
        described.bind("as", str(published.AS))
        return described

    response = graph_document(
        f"/doc/{stem}",
        explicit,
        graph,
        lambda _: pages.gone_page(tombstone, f"/doc/{stem}"),
    )
    if response.status_code == 200:  # a 304 stays one: the client's copy is current
        response.status_code = 410
    return response


@blueprint.get("/id/<path:rest>")
def thing(rest: str) -> Response:
    """An entity is a thing, not a document: 303 See Other to the document about it."""
    stem, fmt = split_extension(rest)
    gone = departed(stem, fmt, 303)
    if gone is not None:
        return gone
    entity_iri(stem)
    target = f"/doc/{stem}" + (f".{fmt.extension}" if fmt else "")
    return redirect(target, code=303)


@blueprint.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    stem, explicit = split_extension(rest)
    gone = departed(stem, explicit, 301)
    if gone is not None:
        return gone
    iri = entity_iri(stem)
    page = request.args.get("page", "1")
    if not page.isdigit() or int(page) < 1:
        abort(400, description=f"page must be a whole number from 1: {page!r}")
    if int(page) == 1:
        return graph_document(
            f"/doc/{stem}",
            explicit,
            lambda: describe.describe(g.snapshot.store, iri, base_uri()),
            lambda graph: pages.entity_page(iri, graph),
        )
    # a further page of the triples that point at the entity: RDF only (the HTML page
    # lists what links here its own way)
    graph = further_page(iri, int(page))
    if not len(graph) or (explicit is not None and explicit not in RDF_FORMATS):
        abort(404, description=f"There is no page {page} of the links to {iri} in this format.")
    return graph_document(
        f"/doc/{stem}",
        explicit,
        lambda: graph,
        lambda graph: "",
        query=f"?page={page}",
        formats=RDF_FORMATS,
    )


def further_page(iri: str, page: int) -> Graph:
    """A further page of an entity's document, asked of the store once per snapshot, like
    every rendering (graph_document caches the serializations, not the graph that decides
    between 200 and 404). A page past the last is empty and not kept: any number can be
    asked for."""
    return state().further_pages.get(
        (iri, page), lambda: describe.describe(g.snapshot.store, iri, base_uri(), page), keep=len
    )


def source_graphs(prefix: str) -> Graph:
    """The union of the source graphs whose name starts with `prefix`."""
    names = [name for name in g.snapshot.graphs if name.startswith(prefix)]
    return g.snapshot.store.construct(
        "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?g { "
        + " ".join(f"<{n}>" for n in names)
        + " } GRAPH ?g { ?s ?p ?o } }"
    )


def graphs_document(
    path: str, prefix: str, explicit, page: Callable[[str, Graph], str]
) -> Response:
    """A document made of whole source graphs (the vocabulary, the shapes)."""
    return graph_document(
        path, explicit, lambda: source_graphs(prefix), lambda data: page(path, data)
    )


@blueprint.get("/ns")
@blueprint.get("/ns.<extension>")
def vocabulary(extension: str | None = None) -> Response:
    explicit = named_format("ns", extension)
    return graphs_document("/ns", graph_name("ontology/"), explicit, vocabulary_page)


@blueprint.get("/ns/<path:rest>")
def vocabulary_version(rest: str) -> Response:
    if rest == "context.jsonld":
        return json_context()
    version, slash, part = rest.partition("/")
    if slash:
        return release_module(version, part)
    stem, explicit = split_extension(rest)
    if stem == ALIGNMENT:
        # the alignment module's own graph; its page is the vocabulary's documentation,
        # which gives every term's alignments
        return graphs_document(
            f"/ns/{stem}",
            graph_name(f"ontology/{ALIGNMENT}.ttl"),
            explicit,
            lambda path, _: vocabulary_page(path, source_graphs(graph_name("ontology/"))),
        )
    if stem == CHANGES:
        return graph_document(
            "/ns/changes",
            explicit,
            lambda: releases.changes_graph(changelog()),
            lambda _: pages.changes_page("/ns/changes", changelog()),
        )
    release = releases.find(g.snapshot.releases, stem)
    if release is not None:  # frozen: served from its files, as released
        return graph_document(
            f"/ns/{stem}",
            explicit,
            lambda: release.ontology,
            lambda graph: vocabulary_page(f"/ns/{stem}", graph),
            context=release.context,
        )
    if stem != current_version():
        unknown_version(stem)
    # the working copy's version, before it is released
    return graphs_document(f"/ns/{stem}", graph_name("ontology/"), explicit, vocabulary_page)


def release_module(version: str, part: str) -> Response:
    """/ns/<version>/alignment, /ns/<version>/shapes, /ns/<version>/context.jsonld."""
    release = releases.find(g.snapshot.releases, version)
    if release is None:
        unknown_version(version)
    path = f"/ns/{version}/"
    if part == "context.jsonld":
        rep = cached((path + part,), lambda: Representation(dumps(release.context), JSONLD))
        return respond(rep, path + "context", formats=(JSONLD,), negotiated=False)
    stem, explicit = split_extension(part)
    if stem == ALIGNMENT and release.module(ALIGNMENT) is not None:
        graph, page = (
            release.module(ALIGNMENT),
            lambda _: vocabulary_page(path + stem, release.ontology),
        )
    elif stem == SHAPES:
        graph, page = release.shapes, lambda data: pages.shapes_page(path + stem, data)
    else:
        abort(
            404,
            description=f"Release {version} has no {part}: it has {ALIGNMENT}, {SHAPES} "
            "and context.jsonld.",
        )
    return graph_document(path + stem, explicit, lambda: graph, page, context=release.context)


def unknown_version(version: str) -> NoReturn:
    published = [r.version for r in g.snapshot.releases]
    current = current_version()
    if current and current not in published:
        published.append(f"{current} (not released yet)")
    abort(
        404,
        description=f"Version {version} of the vocabulary is not published here; the "
        f"published versions are {', '.join(published) or 'none'} (/ns/<version>), and "
        "the latest is /ns.",
    )


def changelog() -> list[releases.Step]:
    """The changes from release to release and to the working copy, once per snapshot."""
    return state().changelog.get(
        lambda: releases.changelog(g.snapshot.releases, source_graphs(graph_name("ontology/")))
    )


def vocabulary_page(path: str, graph: Graph) -> str:
    return pages.vocabulary_page(path, graph, changelog(), g.snapshot.releases)


def current_version() -> str:
    rows = g.snapshot.store.select(
        f"SELECT ?v WHERE {{ {PROFILE.vocabulary.iri.n3()} {OWL.versionInfo.n3()} ?v }}"
    )
    return str(rows[0]["v"]) if rows else ""


def json_context() -> Response:
    rep = cached(("/ns/context.jsonld",), lambda: Representation(dumps(g.snapshot.context), JSONLD))
    return respond(rep, "/ns/context", formats=(JSONLD,), negotiated=False)


@blueprint.get("/shapes")
@blueprint.get("/shapes.<extension>")
def shapes(extension: str | None = None) -> Response:
    explicit = named_format("shapes", extension)
    return graphs_document("/shapes", graph_name("shapes/"), explicit, pages.shapes_page)
