"""The Hydra collection of every entity, for harvesters: pages of PAGE_SIZE members in
every RDF format (JSON-LD first), filtered by type (with its subclasses) and by the day
entities changed, with the removals (tombstones) as ActivityStreams activities.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from rdflib import RDF, XSD, Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS

from lerld.core import jsonld
from lerld.core.formats import JSONLD, RDF_FORMATS, Format
from lerld.core.terms import expand, shorten
from lerld.profile import PROFILE
from lerld.project.published import AS, Tombstone
from lerld.publish import representations
from lerld.publish.index import Entry

HYDRA = Namespace("http://www.w3.org/ns/hydra/core#")

# The collection in every RDF format, JSON-LD first (what `Accept: */*` gets).
COLLECTION_FORMATS = (JSONLD, *(f for f in RDF_FORMATS if f != JSONLD))
PAGE_SIZE = 100
# The class the help of a type filter names as an example.
EXAMPLE_TYPE = shorten(str(PROFILE.example_type))


class BadFilter(ValueError):
    """A collection filter that is not well-formed (the web layer answers 400)."""


@dataclass(frozen=True)
class Filters:
    """What a harvester asks for: entities of a type (or its subclasses), changed since a day."""

    type: str | None = None
    since: date | None = None

    @classmethod
    def parse(cls, type_: str | None, since: str | None) -> Filters:
        iri = expand(type_) if type_ else None
        if iri is not None and not iri.startswith(("http://", "https://", "urn:")):
            raise BadFilter(
                f"type must be a class IRI or a prefixed name such as {EXAMPLE_TYPE}: {type_!r}"
            )
        try:
            day = date.fromisoformat(since[:10]) if since else None
        except ValueError as e:
            raise BadFilter(f"since must be a date, YYYY-MM-DD: {since!r}") from e
        return cls(iri, day)

    def query(self) -> str:
        """The filters as a URL query string ('' without filters)."""
        parts = [f"{k}={quote_component(v)}" for k, v in self.pairs()]
        return "?" + "&".join(parts) if parts else ""

    def pairs(self) -> list[tuple[str, str]]:
        return [
            (k, v)
            for k, v in (("type", self.type), ("since", self.since and self.since.isoformat()))
            if v
        ]

    def removals(
        self, tombstones: Iterable[Tombstone], below: Mapping[str, frozenset[str]]
    ) -> list[Tombstone]:
        """The tombstones a harvester with these filters must learn of: of the type (by
        their former type), removed on or after the day."""
        wanted = below.get(self.type, frozenset({self.type})) if self.type else None
        return [
            t
            for t in tombstones
            if (wanted is None or t.former_type in wanted)
            and (self.since is None or (t.day is not None and t.day >= self.since))
        ]

    def select(
        self, index: Sequence[Entry], below: Mapping[str, frozenset[str]]
    ) -> Sequence[Entry]:
        if self.type is None and self.since is None:
            return index
        wanted = below.get(self.type, frozenset({self.type})) if self.type else None
        return [
            e
            for e in index
            if (wanted is None or wanted.intersection(e.types))
            and (self.since is None or (e.modified is not None and e.modified >= self.since))
        ]


def quote_component(value: str) -> str:
    return quote(value, safe="")


def page_url(base_uri: str, page: int, filters: Filters, extension: str = "jsonld") -> str:
    """A page of the collection in one format: each format's pages link to that format's."""
    path = f"entities.{extension}" if page == 1 else f"entities/{page}.{extension}"
    return base_uri + path + filters.query()


def page_count(total: int) -> int:
    return max(1, math.ceil(total / PAGE_SIZE))


def collection_context(context_url: str) -> list:
    return [context_url, {"hydra": str(HYDRA), "as": str(AS)}]


def removal(tombstone: Tombstone) -> dict:
    """A removed entity as an ActivityStreams 2.0 activity: Move (to its replacement) or
    Delete, published on the tombstone's day, whose object is the tombstone."""
    gone: dict[str, Any] = {"@id": tombstone.iri, "@type": "as:Tombstone"}
    if tombstone.former_type:
        gone["as:formerType"] = {"@id": tombstone.former_type}
    activity: dict[str, Any] = {
        "@type": "as:Move" if tombstone.replacement else "as:Delete",
        "as:object": gone,
    }
    if tombstone.replacement:
        activity["as:target"] = {"@id": tombstone.replacement}
    if tombstone.day:
        stamp = f"{tombstone.day.isoformat()}T00:00:00Z"
        activity["as:published"] = {"@value": stamp, "@type": str(XSD.dateTime)}
        gone["as:deleted"] = {"@value": stamp, "@type": str(XSD.dateTime)}
    if tombstone.reason:
        activity["as:summary"] = tombstone.reason
    return activity


def member(entry: Entry, context: Mapping[str, Any]) -> dict:
    """One entity as a collection member: its IRI, types, label and dcterms:modified."""
    pairs = [(RDF.type, URIRef(t)) for t in entry.types]
    if entry.label is not None:
        pairs.append(entry.label.pair())
    if entry.modified is not None:
        pairs.append((DCTERMS.modified, Literal(entry.modified.isoformat(), datatype=XSD.date)))
    return representations.node_object(URIRef(entry.iri), pairs, context)


def collection_page(
    entries: Sequence[Entry],
    page: int,
    filters: Filters,
    base_uri: str,
    context: Mapping[str, Any],
    context_url: str,
    extension: str = "jsonld",
    removals: Sequence[Tombstone] = (),
) -> dict | None:
    """One page of the (filtered) collection as JSON-LD; None for a page beyond the last.

    Every page is the hydra:Collection with its hydra:totalItems, this page's members and a
    hydra:PartialCollectionView with first / previous / next / last links; the search
    template tells clients how to filter. The collection's and pages' IRIs are those of
    the format `extension` names (see collection_document). The first page also lists the
    `removals` (tombstones the filters select) as the collection's as:items, ActivityStreams
    Move and Delete activities: they are not members (nor counted), but a harvester that
    asks what changed since a day learns which IRIs were withdrawn or replaced."""
    last = page_count(len(entries))
    if not 1 <= page <= last:
        return None

    def url(number: int) -> str:
        return page_url(base_uri, number, filters, extension)

    view: dict[str, Any] = {
        "@id": url(page),
        "@type": "hydra:PartialCollectionView",
        "hydra:first": {"@id": url(1)},
        "hydra:last": {"@id": url(last)},
    }
    if page > 1:
        view["hydra:previous"] = {"@id": url(page - 1)}
    if page < last:
        view["hydra:next"] = {"@id": url(page + 1)}
    chunk = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    document = {
        "@context": collection_context(context_url),
        "@id": url(1),
        "@type": "hydra:Collection",
        "hydra:totalItems": len(entries),
        "hydra:view": view,
        "hydra:search": search_template(base_uri, extension),
        "hydra:member": [member(e, context) for e in chunk],
    }
    if page == 1 and removals:
        document["as:items"] = [removal(t) for t in removals]
    return document


def collection_document(
    document: dict, fmt: Format, context: Mapping[str, Any], context_url: str
) -> bytes:
    """A page of the collection (collection_page, made for this format's extension) in an
    RDF format: the JSON-LD as is, or its graph, whose links go to that format's pages (a
    Turtle client that follows hydra:next stays in Turtle)."""
    if fmt == JSONLD:
        return jsonld.dumps(document)
    graph = Graph().parse(data=jsonld.default_graph(document, {context_url: context}), format="nt")
    return representations.serialize(graph, fmt, context, context_url)


def search_template(base_uri: str, extension: str = "jsonld") -> dict:
    return {
        "@type": "hydra:IriTemplate",
        "hydra:template": f"{base_uri}entities.{extension}{{?type,since}}",
        "hydra:variableRepresentation": {"@id": str(HYDRA.BasicRepresentation)},
        "hydra:mapping": [
            {
                "@type": "hydra:IriTemplateMapping",
                "hydra:variable": "type",
                "hydra:property": {"@id": str(RDF.type)},
                "hydra:required": False,
            },
            {
                "@type": "hydra:IriTemplateMapping",
                "hydra:variable": "since",
                "hydra:property": {"@id": str(DCTERMS.modified)},
                "hydra:required": False,
            },
        ],
    }
