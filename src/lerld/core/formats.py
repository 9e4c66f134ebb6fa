"""THE table of formats lerld speaks, and content negotiation over it.

Content negotiation, Link headers, 406 bodies, extension URLs, the static build and
the SPARQL endpoint all read this one table; there is no second list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache


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

    def __reduce__(self) -> tuple:
        # A format of the table travels to another process (a query process) as its key:
        # a few bytes, and the same object on the other side.
        return (by_key, (self.key,)) if _BY_KEY.get(self.key) is self else super().__reduce__()


W3C_FORMATS = "http://www.w3.org/ns/formats/"

HTML = Format("html", "html", "text/html", "HTML", aliases=("application/xhtml+xml",))
TURTLE = Format(
    "turtle",
    "ttl",
    "text/turtle",
    "Turtle",
    "turtle",
    # names RDF clients send for Turtle (N3 is a superset: a Turtle answer is valid N3)
    ("application/x-turtle", "application/turtle", "text/n3"),
    ("n3",),
    W3C_FORMATS + "Turtle",
)
JSONLD = Format(
    "jsonld",
    "jsonld",
    "application/ld+json",
    "JSON-LD",
    "json-ld",
    # JSON-LD 1.1 §9.1: a client asking for plain JSON may be given JSON-LD (whose
    # @context and Link header name the context)
    aliases=("application/json",),
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
    # N-Triples' type before its registration, which rdflib still asks for
    aliases=("text/plain",),
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
_BY_KEY = {f.key: f for f in (*SITE_FORMATS, *RESULTS_FORMATS)}


def by_key(key: str) -> Format:
    """The format of the table with this key."""
    return _BY_KEY[key]


def by_extension(extension: str, formats: Sequence[Format] = DOCUMENT_FORMATS) -> Format | None:
    return next((f for f in formats if f.extension == extension), None)


def by_name(name: str, formats: Sequence[Format]) -> Format | None:
    """The format a `format` parameter names: its key, extension, other name or media type."""
    name = name.strip().lower()
    for f in formats:
        if name in (f.key, f.extension, f.media_type, *f.names, *f.aliases):
            return f
    return None


# A media range: type/subtype and its parameters, as RFC 9110 §5.6 writes them.
_TOKEN = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_RANGE = re.compile(rf"\s*({_TOKEN})/({_TOKEN})\s*(;.*)?", re.S)
# A parameter's value is a token or a quoted string; clients also send IRIs unquoted
# (profile=http://www.w3.org/ns/json-ld#expanded, as pyld does), so anything up to the
# next ; is taken. A parameter without a value is ignored.
_PARAMETER = re.compile(rf'\s*({_TOKEN})\s*=\s*("(?:[^"\\]|\\.)*"|[^;"]*?)\s*(?:;|$)', re.S)
# RFC 9110's qvalue, and ".2" as Java's HttpURLConnection writes it
_QVALUE = re.compile(r"0(\.\d{0,3})?|1(\.0{0,3})?|\.\d{1,3}")


@dataclass(frozen=True)
class MediaRange:
    """One element of an Accept header: a lower-cased type/subtype (either may be *), its
    parameters (names lower-cased, values unquoted) and its weight."""

    type: str
    subtype: str
    q: float = 1.0
    params: dict[str, str] = field(default_factory=dict, compare=False)

    def specificity(self, media_type: str) -> int:
        """How precisely this range names a media type: 3 by name, 2 by type/*, 1 by */*,
        0 not at all."""
        if f"{self.type}/{self.subtype}" == media_type:
            return 3
        if self.subtype == "*" and (self.type == "*" or media_type.startswith(self.type + "/")):
            return 1 if self.type == "*" else 2
        return 0


def _split(header: str) -> list[str]:
    """The comma-separated elements of a header, keeping commas inside quoted strings."""
    return re.findall(r'(?:"(?:[^"\\]|\\.)*"|[^,"])+', header)


def _parameters(text: str) -> dict[str, str]:
    """`; name=value; ...` as a dict: names lower-cased, quoted values unquoted."""
    params = {}
    for name, value in _PARAMETER.findall(text):
        if value.startswith('"'):
            value = re.sub(r"\\(.)", r"\1", value[1:-1])
        params[name.lower()] = value
    return params


def parse_accept(accept: str) -> list[MediaRange]:
    """The media ranges of an Accept header, per RFC 9110 §12.5.1: type, subtype and
    parameter names are case-insensitive, a parameter value may be quoted, q is the weight.
    Malformed elements (no type/subtype, a q out of range) are left out."""
    ranges = []
    for element in _split(accept):
        match = _MEDIA_RANGE.fullmatch(element)
        if not match:
            continue
        type_, subtype, rest = match.group(1).lower(), match.group(2).lower(), match.group(3)
        if type_ == "*" and subtype != "*":
            continue
        params = _parameters(rest or "")
        q = params.pop("q", "1")
        if not _QVALUE.fullmatch(q):
            continue
        ranges.append(MediaRange(type_, subtype, float(q), params))
    return ranges


def quality(fmt: Format, ranges: Sequence[MediaRange]) -> float:
    """The weight the client gives a format: that of the most specific range matching it
    (RFC 9110 §12.5.1). Parameters other than q (charset, profile, anything else) do not
    change whether a range matches: lerld serves one charset, UTF-8, and a JSON-LD profile
    chooses the form of the JSON-LD, not whether it is acceptable. Wildcards match only the
    format's main media type; an alias (application/x-turtle) counts only when named."""
    names = (fmt.media_type, *fmt.aliases)
    best, weight = 0, 0.0
    for r in ranges:
        named = f"{r.type}/{r.subtype}" in names
        specificity = 3 if named else r.specificity(fmt.media_type)
        if specificity > best or (specificity == best and specificity and r.q > weight):
            best, weight = specificity, r.q
    return weight


def negotiate(accept: str | None, formats: Sequence[Format] = DOCUMENT_FORMATS) -> Format | None:
    """The best format for an Accept header; None when none is acceptable.

    The client's weights decide; among formats of equal weight, the server's order (that of
    `formats`) does. A missing or empty Accept header accepts anything, so it gets the
    first format."""
    return _negotiate(accept, tuple(formats))


# A client sends the same Accept header with every request: parsing it once per process
# takes ~20 us off each /sparql request (the answer is a pure function of the two).
@lru_cache(maxsize=1024)
def _negotiate(accept: str | None, formats: tuple[Format, ...]) -> Format | None:
    if not accept or not accept.strip():
        return formats[0]
    ranges = parse_accept(accept)
    weighed = [(quality(f, ranges), -i, f) for i, f in enumerate(formats)]
    q, _, best = max(weighed, key=lambda item: item[:2])
    return best if q > 0 else None


# The JSON-LD document forms a client may ask for with a profile parameter on
# application/ld+json (JSON-LD 1.1 §9.5, the media type's IANA registration).
JSONLD_NS = "http://www.w3.org/ns/json-ld#"
EXPANDED, COMPACTED, FLATTENED = (
    JSONLD_NS + name for name in ("expanded", "compacted", "flattened")
)


@dataclass(frozen=True)
class JsonLdForm:
    """The form of a JSON-LD document: compacted with lerld's context (the default),
    expanded, or flattened (compacted too, when the client names both profiles)."""

    flattened: bool = False
    compacted: bool = True

    @property
    def profile(self) -> str:
        if self.flattened:
            return f"{FLATTENED} {COMPACTED}" if self.compacted else FLATTENED
        return COMPACTED if self.compacted else EXPANDED

    @property
    def key(self) -> str:
        return (
            "-".join(
                name
                for name, on in (("flattened", self.flattened), ("compacted", self.compacted))
                if on
            )
            or "expanded"
        )


DEFAULT_FORM = JsonLdForm()


def jsonld_form(accept: str | None) -> JsonLdForm | None:
    """The JSON-LD form an Accept header asks for, None when it names none: the profile
    parameter of its most weighted application/ld+json range that names a form. Profiles
    that name no form (json-ld#context, ActivityStreams') are ignored, and so are
    contradictory ones (expanded and compacted): the default form is compacted."""
    ranges = [
        r
        for r in parse_accept(accept or "")
        if r.q > 0 and r.specificity(JSONLD.media_type) == 3 and "profile" in r.params
    ]
    for r in sorted(ranges, key=lambda r: -r.q):
        named = set(r.params["profile"].split())
        if FLATTENED in named:
            return JsonLdForm(flattened=True, compacted=COMPACTED in named)
        if EXPANDED in named and COMPACTED not in named:
            return JsonLdForm(compacted=False)
        if COMPACTED in named:
            return DEFAULT_FORM
    return None
    return DEFAULT_FORM


def alternate_relation(fmt: Format) -> str:
    """The Link relation of a document's twin in a format: "alternate" (RFC 8288) for the
    JSON-LD twin, "alternate related" for the others.

    Each twin is an alternate either way; a relation of two types keeps JSON-LD processors
    working that read the alternate relation as one link only (pyld's document loader
    fails on a response with several `rel="alternate"` links) while the JSON-LD twin stays
    the one JSON-LD 1.1 §9.1 tells a processor to follow from a document that is not JSON."""
    return "alternate" if fmt == JSONLD else "alternate related"


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
