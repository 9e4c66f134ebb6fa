"""The organizations issuers, parent organizations and endorsers are matched to: by name,
else by the one organization that has their identifier (a DID), else a new organization."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from rdflib import RDF, RDFS, Graph, URIRef
from rdflib.namespace import DCTERMS, SKOS

from lerld.core.errors import RejectedDocument
from lerld.core.terms import LER


def normalized(name: str) -> str:
    return " ".join(name.casefold().split())


def slug(text: str) -> str:
    return "-".join(re.findall(r"[a-z0-9]+", text.casefold())) or "issuer"


@dataclass
class Issuers:
    """The organizations issuers are matched to: by name, or by an identifier (DID)."""

    base_uri: str
    by_name: dict[str, URIRef] = field(default_factory=dict)
    by_identifier: dict[str, set[URIRef]] = field(default_factory=dict)
    taken: set[URIRef] = field(default_factory=set)
    # the organizations this batch adds, with their names
    new: dict[URIRef, str] = field(default_factory=dict)

    @classmethod
    def known(cls, graph: Graph, base_uri: str) -> Issuers:
        issuers = cls(base_uri)
        for org in graph.subjects(RDF.type, LER.Organization):
            issuers.taken.add(org)
            for predicate in (RDFS.label, SKOS.prefLabel, SKOS.altLabel):
                for name in graph.objects(org, predicate):
                    issuers.by_name.setdefault(normalized(str(name)), org)
            for identifier in graph.objects(org, DCTERMS.identifier):
                issuers.by_identifier.setdefault(str(identifier), set()).add(org)
        return issuers

    def named(self, name: str, identifier: str | None) -> URIRef:
        org = self.by_name.get(normalized(name))
        if org is None:
            stem = f"{self.base_uri}id/organization/{slug(name)}"
            org, n = URIRef(stem), 1
            while org in self.taken:
                n += 1
                org = URIRef(f"{stem}-{n}")
            self.by_name[normalized(name)] = org
            self.taken.add(org)
            self.new[org] = name
        if identifier:
            self.by_identifier.setdefault(identifier, set()).add(org)
        return org

    def nameless(self, identifier: str | None) -> URIRef:
        """The organization of an issuer that gives no name: the one organization known by
        its identifier (DID), or else one of its own, named after the identifier."""
        if not identifier:
            raise RejectedDocument("unknown-issuer", "the issuer has neither a name nor an id")
        orgs = self.by_identifier.get(identifier, set())
        if len(orgs) == 1:
            return next(iter(orgs))
        return self.named(f"Issuer {identifier}", identifier)
