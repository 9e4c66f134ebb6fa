"""Accept headers that real clients send, and what lerld answers each: the negotiation
table of tests/http/test_negotiation.py (a real `lerld serve`) and tests/system/test_build.py (the
static build under nginx and Apache).

Each header is copied from the client's source or from a log of it (the version in the
name); where a client is told a format, the header is the one it sends for that format.
`static` is what a static server with the build's rules answers, when it differs from
the dynamic server (it takes the first document format the header names and cannot weigh
q-values or serve a JSON-LD form other than compacted); None when the rules cannot do it
at all (a 406: a static server answers HTML instead)."""

from __future__ import annotations

from dataclasses import dataclass

EMPLOYERS = "/id/stakeholder/employers"
SAME = "same"

HTML = "text/html"
TURTLE = "text/turtle"
JSONLD = "application/ld+json"
RDFXML = "application/rdf+xml"
NTRIPLES = "application/n-triples"
SRJ = "application/sparql-results+json"
SRX = "application/sparql-results+xml"
CSV = "text/csv"

JSONLD_NS = "http://www.w3.org/ns/json-ld#"
SELECT = "SELECT ?s WHERE { ?s a <https://w3id.org/ler/ns#StakeholderGroup> } LIMIT 3"
CONSTRUCT = "CONSTRUCT { ?s a ?t } WHERE { ?s a ?t ; a <https://w3id.org/ler/ns#StakeholderGroup> }"


@dataclass(frozen=True)
class Row:
    client: str
    accept: str
    # the media type of the answer, or None for 406
    expected: str | None
    path: str = EMPLOYERS
    # the JSON-LD profile the answer's Content-Type names (a form other than compacted)
    profile: str | None = None
    # the query, for /sparql
    query: str | None = None
    static: str | None = SAME

    @property
    def id(self) -> str:
        return self.client


CHROMIUM = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)
COMUNICA_4 = (
    "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
    "application/n-triples;q=0.8,text/turtle;q=0.6,application/rdf+xml;q=0.5,"
    "application/json;q=0.45,text/n3;q=0.35,application/xml;q=0.3,image/svg+xml;q=0.3,"
    "text/xml;q=0.3,text/html;q=0.2,application/xhtml+xml;q=0.18,text/shaclc;q=0.1,"
    "text/shaclc-ext;q=0.05"
)
RDFLIB_ANY = (
    "application/rdf+xml, text/n3, text/turtle, application/n-triples, application/ld+json, "
    "application/n-quads, application/trix, application/trig"
)

ROWS: tuple[Row, ...] = (
    # browsers
    Row("chromium-navigation", CHROMIUM, HTML),
    Row(
        "firefox-128-navigation",
        "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
        HTML,
    ),
    Row(
        "firefox-115-navigation",
        "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        HTML,
    ),
    Row("browser-fetch-default", "*/*", HTML),
    Row("ie11-edge-legacy", "text/html, application/xhtml+xml, image/jxr, */*", HTML),
    Row("no-accept-header", "", HTML),
    # command-line clients
    Row("curl-turtle", "text/turtle", TURTLE),
    Row("curl-turtle-charset", "text/turtle;charset=utf-8", TURTLE),
    Row("mixed-case-turtle-charset", "Text/Turtle; charset=UTF-8", TURTLE),
    Row("rdfxml-charset", "application/rdf+xml;charset=utf-8", RDFXML),
    Row("ntriples-charset", "application/n-triples; charset=utf-8", NTRIPLES),
    Row("httpie-default", "application/json, */*;q=0.5", JSONLD),
    Row("q-weighed", "text/turtle;q=0.5, application/ld+json;q=0.9", JSONLD, static=TURTLE),
    Row("q-after-charset", "text/turtle;charset=utf-8;q=0.4, text/html;q=0.3", TURTLE),
    # rdflib 7 Graph.parse(url) and parse(url, format=...)
    Row("rdflib-7-any-format", RDFLIB_ANY, TURTLE, static=RDFXML),
    Row("rdflib-7-turtle", "text/turtle, application/x-turtle, */*;q=0.1", TURTLE),
    Row("rdflib-7-xml", "application/rdf+xml, */*;q=0.1", RDFXML),
    Row("rdflib-7-n3", "text/n3, */*;q=0.1", TURTLE),
    Row("rdflib-7-nt", "text/plain, */*;q=0.1", NTRIPLES),
    Row("rdflib-7-json-ld", "application/ld+json, application/json;q=0.9, */*;q=0.1", JSONLD),
    # Apache Jena (RIOT WebContent)
    Row(
        "jena-5-graph",
        "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
        "application/rdf+xml;q=0.7,*/*;q=0.3",
        TURTLE,
    ),
    Row(
        "jena-5-rdf",
        "text/turtle,application/n-triples;q=0.9,application/rdf+xml;q=0.7,application/trig,"
        "application/n-quads;q=0.9,application/ld+json;q=0.8,*/*;q=0.5",
        TURTLE,
    ),
    Row(
        "jena-3-rdf",
        "text/turtle,application/n-triples;q=0.9,application/ld+json;q=0.8,"
        "application/rdf+xml;q=0.7,application/trig,application/n-quads;q=0.9,"
        "text/x-nquads;q=0.8,application/x-trig;q=0.7,application/ld+json;q=0.5,*/*;q=0.5",
        TURTLE,
    ),
    # Comunica
    Row("comunica-4", COMUNICA_4, JSONLD),
    Row(
        "comunica-2",
        "application/n-quads,application/trig;q=0.95,application/ld+json;q=0.9,"
        "application/n-triples;q=0.8,*/*;q=0.1",
        JSONLD,
    ),
    # JSON-LD processors
    Row("jsonld.js-8-node-loader", "application/ld+json, application/json", JSONLD),
    Row(
        "pyld-3-load-document",
        "application/ld+json, application/json;q=0.8, text/html;q=0.5, application/xhtml+xml;q=0.5",
        JSONLD,
    ),
    Row(
        "pyld-3-request-profile",
        f"application/ld+json;profile={JSONLD_NS}context, application/ld+json, "
        "application/json;q=0.8, text/html;q=0.5, application/xhtml+xml;q=0.5",
        JSONLD,
    ),
    Row("jsonld-compacted-profile", f'application/ld+json;profile="{JSONLD_NS}compacted"', JSONLD),
    Row(
        "jsonld-expanded-profile",
        f'application/ld+json;profile="{JSONLD_NS}expanded"',
        JSONLD,
        profile=f"{JSONLD_NS}expanded",
        static=None,
    ),
    Row(
        "jsonld-flattened-unquoted",
        f"application/ld+json;profile={JSONLD_NS}flattened",
        JSONLD,
        profile=f"{JSONLD_NS}flattened",
        static=None,
    ),
    Row(
        "jsonld-flattened-compacted",
        f'application/ld+json; profile="{JSONLD_NS}flattened {JSONLD_NS}compacted"',
        JSONLD,
        profile=f"{JSONLD_NS}flattened {JSONLD_NS}compacted",
        static=None,
    ),
    Row(
        "activitystreams-profile",
        'application/ld+json; profile="https://www.w3.org/ns/activitystreams"',
        JSONLD,
    ),
    Row("unknown-profile", 'application/ld+json;profile="http://example.org/p"', JSONLD),
    Row("plain-json", "application/json", JSONLD),
    Row("application-turtle", "application/turtle", TURTLE),
    Row("x-turtle", "application/x-turtle", TURTLE),
    # Java
    Row(
        "java-httpurlconnection",
        "text/html, image/gif, image/jpeg, *; q=.2, */*; q=.2",
        HTML,
    ),
    Row(
        "spring-resttemplate-string",
        "text/plain, application/json, application/*+json, */*",
        HTML,
        static=NTRIPLES,
    ),
    Row("java-turtle-charset", "text/turtle; charset=UTF-8", TURTLE, path="/ns"),
    # other documents: the vocabulary, the dataset description, the context, the dumps
    Row("vocabulary-rdfxml-charset", "application/rdf+xml; charset=UTF-8", RDFXML, path="/ns"),
    Row(
        "vocabulary-expanded",
        f"application/ld+json;profile={JSONLD_NS}expanded",
        JSONLD,
        path="/ns",
        profile=f"{JSONLD_NS}expanded",
        static=None,
    ),
    Row("void-turtle-charset", "text/turtle;charset=utf-8", TURTLE, path="/.well-known/void"),
    Row("void-json", "application/json", JSONLD, path="/.well-known/void"),
    Row(
        "context-with-context-profile",
        f'application/ld+json;profile="{JSONLD_NS}context"',
        JSONLD,
        path="/ns/context.jsonld",
    ),
    Row(
        "dump-expanded",
        f'application/ld+json;profile="{JSONLD_NS}expanded"',
        JSONLD,
        path="/dump.jsonld",
        profile=f"{JSONLD_NS}expanded",
        static=None,
    ),
    Row(
        "collection-flattened",
        f'application/ld+json;profile="{JSONLD_NS}flattened"',
        JSONLD,
        path="/entities.jsonld",
        profile=f"{JSONLD_NS}flattened",
        static=None,
    ),
    # the SPARQL endpoint: SPARQLWrapper 2, Jena, curl
    Row(
        "sparqlwrapper-2-json",
        "application/sparql-results+json,application/json,text/javascript,application/javascript",
        SRJ,
        path="/sparql",
        query=SELECT,
        static=None,
    ),
    Row(
        "sparqlwrapper-2-xml",
        "application/sparql-results+xml",
        SRX,
        path="/sparql",
        query=SELECT,
        static=None,
    ),
    Row("sparqlwrapper-2-csv", "text/csv", CSV, path="/sparql", query=SELECT, static=None),
    Row(
        "sparql-json-charset",
        "application/sparql-results+json;charset=utf-8",
        SRJ,
        path="/sparql",
        query=SELECT,
        static=None,
    ),
    Row(
        "jena-5-sparql-results",
        "application/sparql-results+json,application/sparql-results+xml;q=0.9,"
        "text/tab-separated-values;q=0.7,text/csv;q=0.5,application/json;q=0.2,"
        "application/xml;q=0.2,*/*;q=0.1",
        SRJ,
        path="/sparql",
        query=SELECT,
        static=None,
    ),
    Row(
        "sparqlwrapper-2-turtle",
        "application/turtle,text/turtle",
        TURTLE,
        path="/sparql",
        query=CONSTRUCT,
        static=None,
    ),
    Row(
        "sparqlwrapper-2-jsonld",
        "application/ld+json,application/x-json+ld",
        JSONLD,
        path="/sparql",
        query=CONSTRUCT,
        static=None,
    ),
    Row(
        "construct-compacted",
        f"application/ld+json;profile={JSONLD_NS}compacted",
        JSONLD,
        path="/sparql",
        query=CONSTRUCT,
        profile=f"{JSONLD_NS}compacted",
        static=None,
    ),
    Row(
        "construct-rdfxml-charset",
        "application/rdf+xml;charset=utf-8",
        RDFXML,
        path="/sparql",
        query=CONSTRUCT,
        static=None,
    ),
    Row(
        "service-description-turtle-charset",
        "text/turtle; charset=utf-8",
        TURTLE,
        path="/sparql",
        static=None,
    ),
    # nothing acceptable
    Row("image-only", "image/png", None, static=None),
    Row("html-refused", "text/html;q=0, application/xhtml+xml;q=0", None, static=None),
    Row("select-as-turtle", "text/turtle", None, path="/sparql", query=SELECT, static=None),
)
