"""Namespaces and the rules for lerld's IRIs (vocabulary terms and entities)."""

from __future__ import annotations

import re

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

PREFIXES = {
    "ler": str(LER),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "xsd": str(XSD),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "sd": "http://www.w3.org/ns/sparql-service-description#",
}

_ENTITY_PATH = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*/[a-z0-9]+(?:-[a-z0-9]+)*")


def is_entity_path(path: str) -> bool:
    """True for '<kind>/<slug>', the part of an entity IRI after .../id/."""
    return bool(_ENTITY_PATH.fullmatch(path))


def is_entity(iri: str, base_uri: str = DEFAULT_BASE_URI) -> bool:
    """True for an IRI of the form <base>id/<kind>/<slug>."""
    prefix = base_uri + "id/"
    return iri.startswith(prefix) and is_entity_path(iri[len(prefix) :])


def shorten(iri: str) -> str:
    """A readable short form of an IRI: a prefixed name, or kind/slug for entities."""
    if iri.startswith(ENTITY_BASE):
        return iri[len(ENTITY_BASE) :]
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"
