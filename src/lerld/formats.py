"""THE table of formats lerld speaks, and content negotiation over it.

Content negotiation, Link headers, 406 bodies, extension URLs, the static build and
the SPARQL endpoint all read this one table; there is no second list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header


@dataclass(frozen=True)
class Format:
    """One representation format of a document."""

    key: str
    extension: str
    media_type: str
    label: str
    rdflib_format: str | None = None
    aliases: tuple[str, ...] = ()
    # Other names a client may give in a `format` parameter (SPARQL endpoints' custom).
    names: tuple[str, ...] = ()
    # The format's IRI in http://www.w3.org/ns/formats/ (service descriptions name them).
    iri: str | None = None
    # None for binary formats (gzip): their Content-Type has no charset parameter.
    charset: str | None = "utf-8"

    @property
    def content_type(self) -> str:
        return f"{self.media_type}; charset={self.charset}" if self.charset else self.media_type

    @property
    def is_rdf(self) -> bool:
        return self.rdflib_format is not None


W3C_FORMATS = "http://www.w3.org/ns/formats/"

HTML = Format("html", "html", "text/html", "HTML", aliases=("application/xhtml+xml",))
TURTLE = Format(
    "turtle",
    "ttl",
    "text/turtle",
    "Turtle",
    "turtle",
    ("application/x-turtle",),
    ("n3",),
    W3C_FORMATS + "Turtle",
)
JSONLD = Format(
    "jsonld",
    "jsonld",
    "application/ld+json",
    "JSON-LD",
    "json-ld",
    names=("json-ld",),
    iri=W3C_FORMATS + "JSON-LD",
)
RDFXML = Format(
    "rdfxml",
    "rdf",
    "application/rdf+xml",
    "RDF/XML",
    "xml",
    names=("rdf+xml", "xml"),
    iri=W3C_FORMATS + "RDF_XML",
)
NTRIPLES = Format(
    "ntriples",
    "nt",
    "application/n-triples",
    "N-Triples",
    "nt11",
    names=("n-triples",),
    iri=W3C_FORMATS + "N-Triples",
)

# Order is the server's preference when the client's Accept ties (e.g. */*): HTML first,
# so browsers and generic fetchers get a page; Linked Data clients name their type.
DOCUMENT_FORMATS: tuple[Format, ...] = (HTML, TURTLE, JSONLD, RDFXML, NTRIPLES)
RDF_FORMATS: tuple[Format, ...] = tuple(f for f in DOCUMENT_FORMATS if f.is_rdf)

# Dumps of the whole published graph (/dump.<extension>). Gzip-compressed N-Triples is
# served as application/gzip, never with Content-Encoding, so a saved .nt.gz stays gzip.
NTRIPLES_GZIP = Format(
    "ntriples-gzip", "nt.gz", "application/gzip", "N-Triples, gzip", charset=None
)
DUMP_FORMATS: tuple[Format, ...] = (TURTLE, NTRIPLES, NTRIPLES_GZIP, JSONLD)
SITEMAP = Format("sitemap", "xml", "application/xml", "XML sitemap")
TEXT = Format("text", "txt", "text/plain", "plain text")
# Every format the site's files come in, for static file servers' type tables.
SITE_FORMATS: tuple[Format, ...] = (*DOCUMENT_FORMATS, NTRIPLES_GZIP, SITEMAP, TEXT)

# SPARQL query results (SELECT and ASK); CONSTRUCT and DESCRIBE give RDF_FORMATS.
SPARQL_JSON = Format(
    "json",
    "srj",
    "application/sparql-results+json",
    "SPARQL JSON",
    aliases=("application/json",),
    iri=W3C_FORMATS + "SPARQL_Results_JSON",
)
SPARQL_XML = Format(
    "xml",
    "srx",
    "application/sparql-results+xml",
    "SPARQL XML",
    aliases=("application/xml", "text/xml"),
    iri=W3C_FORMATS + "SPARQL_Results_XML",
)
CSV = Format("csv", "csv", "text/csv", "CSV", iri=W3C_FORMATS + "SPARQL_Results_CSV")
TSV = Format(
    "tsv", "tsv", "text/tab-separated-values", "TSV", iri=W3C_FORMATS + "SPARQL_Results_TSV"
)
# Order is the preference when the client's Accept ties (*/*, or no Accept at all).
RESULTS_FORMATS: tuple[Format, ...] = (SPARQL_JSON, SPARQL_XML, CSV, TSV)


def by_extension(extension: str, formats: Sequence[Format] = DOCUMENT_FORMATS) -> Format | None:
    return next((f for f in formats if f.extension == extension), None)


def by_key(key: str, formats: Sequence[Format] = DOCUMENT_FORMATS) -> Format | None:
    return next((f for f in formats if f.key == key), None)


def by_name(name: str, formats: Sequence[Format]) -> Format | None:
    """The format a `format` parameter names: its key, extension, other name or media type."""
    name = name.strip().lower()
    for f in formats:
        if name in (f.key, f.extension, f.media_type, *f.names, *f.aliases):
            return f
    return None


def negotiate(accept: str | None, formats: Sequence[Format] = DOCUMENT_FORMATS) -> Format | None:
    """The best format for an Accept header (q-values, wildcards); None when none is acceptable.

    A missing or empty Accept header accepts anything, so it gets the first format. Wildcards
    match only the formats' main media types; an alias (application/x-turtle) counts only when
    the client names it.
    """
    if not accept or not accept.strip():
        return formats[0]
    parsed = parse_accept_header(accept, MIMEAccept)
    best = parsed.best_match([f.media_type for f in formats])
    if best:
        return next(f for f in formats if f.media_type == best)
    named = [(q, value) for value, q in parsed if q > 0]
    for _, value in sorted(named, key=lambda item: -item[0]):
        for f in formats:
            if value in f.aliases:
                return f
    return None


def split_extension(
    path: str, formats: Sequence[Format] = DOCUMENT_FORMATS
) -> tuple[str, Format | None]:
    """'doc/x/y.ttl' -> ('doc/x/y', Turtle); a path without a known extension is returned whole."""
    stem, dot, extension = path.rpartition(".")
    if dot and "/" not in extension:
        fmt = by_extension(extension, formats)
        if fmt is not None:
            return stem, fmt
    return path, None
