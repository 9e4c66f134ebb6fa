"""The schema.org Dataset that search engines (Google Dataset Search) read, made from the
VoID description, for the home page to embed as JSON-LD.
"""

from __future__ import annotations

from collections.abc import Iterable

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCAT, DCTERMS
from rdflib.term import Node

from lerld.core.names import label_in
from lerld.core.terms import DESCRIPTION_PREDICATES
from lerld.publish.void import IANA_MEDIA_TYPES, dataset_iri


def _text(graph: Graph, node: Node, predicates: Iterable[URIRef]) -> str | None:
    """The first text in English (or of no language) of the first of `predicates` it has."""
    for predicate in predicates:
        for value in graph.objects(node, predicate):
            if isinstance(value, Literal) and value.language in (None, "en"):
                return str(value)
    return None


def schema_org_dataset(void: Graph, base_uri: str) -> dict:
    """The schema.org Dataset that search engines (Google Dataset Search) read, made from
    the VoID description, for the home page to embed as JSON-LD."""
    dataset = dataset_iri(base_uri)

    def agent(node) -> dict:
        return {"@type": "Organization", "@id": str(node), "name": label_in(void, node)}

    modified = void.value(dataset, DCTERMS.modified)
    return {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "@id": str(dataset),
        "name": _text(void, dataset, (DCTERMS.title,)),
        "description": _text(void, dataset, DESCRIPTION_PREDICATES),
        "url": base_uri,
        "sameAs": str(void.value(dataset, DCTERMS.source)),
        "license": str(void.value(dataset, DCTERMS.license)),
        "isAccessibleForFree": True,
        "creator": agent(void.value(dataset, DCTERMS.creator)),
        "publisher": agent(void.value(dataset, DCTERMS.publisher)),
        "dateModified": str(modified),
        "keywords": sorted(str(k) for k in void.objects(dataset, DCAT.keyword)),
        "inLanguage": "en",
        "distribution": [
            {
                "@type": "DataDownload",
                "name": _text(void, d, (DCTERMS.title,)),
                "contentUrl": str(void.value(d, DCAT.downloadURL)),
                "encodingFormat": _media_type(void, d),
            }
            for d in sorted(void.objects(dataset, DCAT.distribution))
        ],
    }


def _media_type(void: Graph, distribution) -> str:
    packed = void.value(distribution, DCAT.compressFormat) or void.value(
        distribution, DCAT.mediaType
    )
    return str(packed).removeprefix(IANA_MEDIA_TYPES)
