"""Where things are, for the request being answered: the settings and base URI, the URL of
the JSON-LD context, the local page an IRI links to, the document path a page's other
formats hang off, and the format a document of a fixed name is asked in.

Every blueprint reads these; this module imports no other module of the web layer."""

from __future__ import annotations

from flask import abort, current_app, request

from lerld.core.formats import DOCUMENT_FORMATS, Format, split_extension
from lerld.core.jsonld import CONTEXT_PATH
from lerld.core.settings import Settings

# Where the IRIs we publish are served, relative to the base URI.
LOCAL_PATHS: tuple[tuple[str, str], ...] = (
    ("id/", "/doc/"),
    ("ns#", "/ns#"),
    ("ns/", "/ns/"),
    ("shapes#", "/shapes#"),
)
LOCAL_DOCUMENTS = {"ns": "/ns", "shapes": "/shapes"}


def settings() -> Settings:
    return current_app.config["LERLD_SETTINGS"]


def base_uri() -> str:
    return settings().base_uri


def context_url() -> str:
    """The URL of lerld's JSON-LD context: under the base URI, or under the public URL of a
    deployment that is not at its base URI (so that it resolves from the serving host)."""
    return settings().served_base + CONTEXT_PATH


def href(iri: str) -> str | None:
    """Where a link to an IRI goes: the local page of what we publish, the IRI itself for
    other http(s) IRIs, and nowhere for anything else (no javascript:, data:, file: links)."""
    base = base_uri()
    rest = iri[len(base) :] if iri.startswith(base) else None
    if rest in LOCAL_DOCUMENTS:
        return LOCAL_DOCUMENTS[rest]
    for prefix, local in LOCAL_PATHS:
        if rest is not None and rest.startswith(prefix):
            return local + rest[len(prefix) :]
    return iri if iri.startswith(("http://", "https://")) else None


def document_path() -> str:
    """The path of the document being served, without its extension: the stem its other
    formats hang off (/doc/x -> /doc/x.ttl; the home page is /index)."""
    stem, _ = split_extension(request.path)
    return "/index" if stem == "/" else stem


def alternates(path: str) -> list[dict]:
    """The links a page shows to its document in every format."""
    return [
        {"label": f.label, "href": f"{path}.{f.extension}", "media_type": f.media_type}
        for f in DOCUMENT_FORMATS
    ]


def named_format(name: str, extension: str | None) -> Format | None:
    """The format a document of a fixed name is asked in (/ns.ttl: Turtle; /ns: None, to be
    negotiated); 404 for an extension that is not a format's."""
    stem, explicit = split_extension(f"{name}.{extension}" if extension else name)
    if stem != name:
        abort(404)
    return explicit
