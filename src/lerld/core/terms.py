"""Namespaces and the rules for lerld's IRIs (vocabulary terms and entities): the one
prefix table (VOCABULARIES), the prefixes documents declare, and the one short form of an
IRI (`shorten`, read back by `unshorten`)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from rdflib import Namespace, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

LER = Namespace("https://w3id.org/ler/ns#")
SCHEMA = Namespace("https://schema.org/")
SH = Namespace("http://www.w3.org/ns/shacl#")

DEFAULT_BASE_URI = "https://w3id.org/ler/"
VOCABULARY_IRI = URIRef(str(LER))
ENTITY_BASE = DEFAULT_BASE_URI + "id/"

# Predicates that name a thing, in order of preference.
LABEL_PREDICATES = (SKOS.prefLabel, RDFS.label, DCTERMS.title)
# Predicates that describe a thing, in order of preference.
DESCRIPTION_PREDICATES = (SKOS.definition, DCTERMS.description, RDFS.comment)

VANN = Namespace("http://purl.org/vocab/vann/")
SD = Namespace("http://www.w3.org/ns/sparql-service-description#")


@dataclass(frozen=True)
class Vocabulary:
    """A vocabulary whose IRIs lerld writes as prefixed names: prefix, namespace, name."""

    prefix: str
    namespace: str
    name: str


# THE prefix table: every page, /sparql, reports and the CLI shorten IRIs with it, trying
# the vocabularies in this order (the order the /ns page lists the ones the ontology uses).
VOCABULARIES: tuple[Vocabulary, ...] = (
    Vocabulary("ler", str(LER), "LER Ecosystem Vocabulary"),
    Vocabulary("ob", "https://purl.imsglobal.org/spec/vc/ob/vocab.html#", "Open Badges 3.0"),
    Vocabulary("clr", "https://purl.imsglobal.org/spec/vc/clr/vocab.html#", "CLR 2.0"),
    Vocabulary("cred", "https://www.w3.org/2018/credentials#", "W3C Verifiable Credentials"),
    Vocabulary("schema", str(SCHEMA), "schema.org"),
    Vocabulary("ceterms", "https://purl.org/ctdl/terms/", "CTDL"),
    Vocabulary("w3corg", "http://www.w3.org/ns/org#", "W3C Organization Ontology"),
    Vocabulary("foaf", "http://xmlns.com/foaf/0.1/", "FOAF"),
    Vocabulary("prov", "http://www.w3.org/ns/prov#", "PROV-O"),
    Vocabulary("dcat", "http://www.w3.org/ns/dcat#", "DCAT"),
    Vocabulary("void", "http://rdfs.org/ns/void#", "VoID"),
    Vocabulary("skos", str(SKOS), "SKOS"),
    Vocabulary("dcterms", str(DCTERMS), "DCMI Metadata Terms"),
    Vocabulary("vann", str(VANN), "VANN"),
    Vocabulary("owl", str(OWL), "OWL"),
    Vocabulary("rdfs", str(RDFS), "RDF Schema"),
    Vocabulary("rdf", str(RDF), "RDF"),
    Vocabulary("xsd", str(XSD), "XML Schema datatypes"),
    Vocabulary("sh", str(SH), "SHACL"),
    Vocabulary("sd", str(SD), "SPARQL Service Description"),
)
NAMESPACES: dict[str, str] = {v.prefix: v.namespace for v in VOCABULARIES}


def prefixes_of(*names: str) -> dict[str, str]:
    """Prefix -> namespace for these prefixes of the table, in the order given."""
    return {name: NAMESPACES[name] for name in names}


# The prefixes that documents and query results declare (Turtle, RDF/XML, the stores'
# serializations): part of the table, a fixed set so that what is published stays stable.
PREFIXES = prefixes_of("ler", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "schema", "sh", "sd")

_ENTITY_PATH = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*")


def is_entity_path(path: str) -> bool:
    """True for '<kind>/<slug>', the part of an entity IRI after .../id/."""
    return bool(_ENTITY_PATH.fullmatch(path))


def is_entity(iri: str, base_uri: str = DEFAULT_BASE_URI) -> bool:
    """True for an IRI of the form <base>id/<kind>/<slug>."""
    prefix = base_uri + "id/"
    return iri.startswith(prefix) and is_entity_path(iri[len(prefix) :])


def vocabulary_of(iri: str) -> Vocabulary | None:
    """The vocabulary of the table whose namespace the IRI starts with."""
    return next((v for v in VOCABULARIES if iri.startswith(v.namespace)), None)


def prefixed_name(
    iri: str, prefixes: Mapping[str, str] = NAMESPACES, local: re.Pattern[str] | None = None
) -> str | None:
    """prefix:local for the first namespace of `prefixes` the IRI starts with (and whose
    rest `local`, when given, matches), else None."""
    for prefix, namespace in prefixes.items():
        rest = iri[len(namespace) :]
        if iri.startswith(namespace) and rest and (local is None or local.fullmatch(rest)):
            return f"{prefix}:{rest}"
    return None


def shorten(iri: str, brackets: bool = True) -> str:
    """A readable short form of an IRI, the same on every page, report and /sparql:
    kind/slug for entities, a prefixed name of the table, else <iri> (the IRI itself,
    without `brackets`). `unshorten` reads it back."""
    if iri.startswith(ENTITY_BASE):
        return iri[len(ENTITY_BASE) :]
    short = prefixed_name(iri)
    if short is not None:
        return short
    return f"<{iri}>" if brackets else iri


def curie(iri: str) -> str:
    """The short form pages print (`shorten` without angle brackets)."""
    return shorten(iri, brackets=False)


def unshorten(short: str) -> str | None:
    """The IRI of a short form made by `shorten` (kind/slug, prefix:local or <iri>)."""
    if short.startswith("<") and short.endswith(">"):
        return short[1:-1]
    if is_entity_path(short):
        return ENTITY_BASE + short
    prefix, colon, local = short.partition(":")
    return NAMESPACES[prefix] + local if colon and prefix in NAMESPACES else None


def expand(value: str) -> str:
    """A prefixed name of the table as its IRI; anything else (an IRI) as it is."""
    prefix, colon, rest = value.partition(":")
    if colon and prefix in NAMESPACES and not rest.startswith("//"):
        return NAMESPACES[prefix] + rest
    return value
