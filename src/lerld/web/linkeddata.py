"""Linked Data URLs: entity IRIs (303 to their documents), documents by content negotiation
or extension, the vocabulary (/ns, /ns/<version>, /ns/context.jsonld) and the shapes (/shapes)."""

from __future__ import annotations

from flask import Blueprint, Response, abort, current_app, g, redirect

from lerld import describe, representations
from lerld.formats import HTML, JSONLD, split_extension
from lerld.jsonld import CONTEXT_PATH, dumps
from lerld.snapshot import graph_name
from lerld.terms import is_entity_path
from lerld.web import pages
from lerld.web.http import Representation, cached, choose_format, respond

blueprint = Blueprint("linkeddata", __name__)


def base_uri() -> str:
    return current_app.config["LERLD_SETTINGS"].base_uri


def context_url() -> str:
    return base_uri() + CONTEXT_PATH


def entity_iri(stem: str) -> str:
    """The IRI a local path names: /id/<kind>/<slug> -> <base>id/<kind>/<slug>; 404 otherwise."""
    iri = base_uri() + "id/" + stem
    if not is_entity_path(stem) or not describe.exists(g.snapshot.store, iri):
        abort(404, description=f"There is no entity {iri} in the LER graph.")
    return iri


@blueprint.get("/id/<path:rest>")
def thing(rest: str) -> Response:
    """An entity is a thing, not a document: 303 See Other to the document about it."""
    stem, fmt = split_extension(rest)
    entity_iri(stem)
    target = f"/doc/{stem}" + (f".{fmt.extension}" if fmt else "")
    return redirect(target, code=303)


@blueprint.get("/doc/<path:rest>")
def document(rest: str) -> Response:
    stem, explicit = split_extension(rest)
    iri = entity_iri(stem)
    fmt = choose_format(explicit)
    path = f"/doc/{stem}"

    def render() -> Representation:
        graph = describe.describe(g.snapshot.store, iri)
        if fmt == HTML:
            return Representation(pages.entity_page(iri, graph).encode("utf-8"), fmt)
        return Representation(
            representations.serialize(graph, fmt, g.snapshot.context, context_url()), fmt
        )

    return respond(
        cached((path, fmt.key), render),
        path,
        negotiated=explicit is None,
        context_url=context_url(),
    )


def graphs_document(path: str, prefix: str, explicit, title: str) -> Response:
    """A document made of whole source graphs (the vocabulary, the shapes)."""
    fmt = choose_format(explicit)

    def render() -> Representation:
        names = [name for name in g.snapshot.graphs if name.startswith(prefix)]
        graph = g.snapshot.store.construct(
            "CONSTRUCT { ?s ?p ?o } WHERE { VALUES ?g { "
            + " ".join(f"<{n}>" for n in names)
            + " } GRAPH ?g { ?s ?p ?o } }"
        )
        if fmt == HTML:
            return Representation(pages.graph_page(title, path, graph).encode("utf-8"), fmt)
        return Representation(
            representations.serialize(graph, fmt, g.snapshot.context, context_url()), fmt
        )

    return respond(
        cached((path, fmt.key), render),
        path,
        negotiated=explicit is None,
        context_url=context_url(),
    )


@blueprint.get("/ns")
@blueprint.get("/ns.<extension>")
def vocabulary(extension: str | None = None) -> Response:
    stem, explicit = split_extension(f"ns.{extension}" if extension else "ns")
    if stem != "ns":
        abort(404)
    return graphs_document("/ns", graph_name("ontology/"), explicit, "LER Ecosystem Vocabulary")


@blueprint.get("/ns/<path:rest>")
def vocabulary_version(rest: str) -> Response:
    if rest == "context.jsonld":
        return json_context()
    stem, explicit = split_extension(rest)
    if stem != current_version():
        abort(
            404,
            description=f"Version {stem} of the vocabulary is not published here; "
            f"the current version is {current_version()}.",
        )
    return graphs_document(
        f"/ns/{stem}", graph_name("ontology/"), explicit, "LER Ecosystem Vocabulary"
    )


def current_version() -> str:
    rows = g.snapshot.store.select(
        "SELECT ?v WHERE { <https://w3id.org/ler/ns#> <http://www.w3.org/2002/07/owl#versionInfo> ?v }"
    )
    return str(rows[0]["v"]) if rows else ""


def json_context() -> Response:
    rep = cached(("/ns/context.jsonld",), lambda: Representation(dumps(g.snapshot.context), JSONLD))
    return respond(rep, "/ns/context", formats=(JSONLD,), negotiated=False)


@blueprint.get("/shapes")
@blueprint.get("/shapes.<extension>")
def shapes(extension: str | None = None) -> Response:
    stem, explicit = split_extension(f"shapes.{extension}" if extension else "shapes")
    if stem != "shapes":
        abort(404)
    return graphs_document(
        "/shapes", graph_name("shapes/"), explicit, "SHACL shapes of the LER data"
    )
