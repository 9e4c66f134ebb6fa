"""The edits an editor makes to a published project when an entity is renamed and another
withdrawn (tests/system/test_published.py): as a person would, with text substitutions in the
Turtle files, then the tombstones that keep the old IRIs."""

from __future__ import annotations

import re
from pathlib import Path

BASE = "https://w3id.org/ler/id/"
OLD, NEW = "organization/aacrao", "organization/aacrao-registrars"
WITHDRAWN = "organization/bioscience-core-skills-institute"
RECORDED = "2026-11-30"  # the day the project's IRIs were recorded as published
DAY = "2026-12-01"  # the day of the rename and the withdrawal
REASON = "The institute closed; its programmes moved to other organizations."
TOMBSTONES = f"""@prefix as: <https://www.w3.org/ns/activitystreams#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix ler: <https://w3id.org/ler/ns#> .
@prefix organization: <https://w3id.org/ler/id/organization/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .

<{BASE}{OLD}> a as:Tombstone ;
    as:formerType ler:Organization ;
    rdfs:label "AACRAO (former IRI)"@en ;
    dcterms:modified "{DAY}"^^xsd:date ;
    dcterms:isReplacedBy <{BASE}{NEW}> .

<{BASE}{WITHDRAWN}> a as:Tombstone ;
    as:formerType ler:Organization ;
    rdfs:label "Bioscience Core Skills Institute"@en ;
    dcterms:modified "{DAY}"^^xsd:date ;
    skos:changeNote "{REASON}"@en .
"""


def rename_and_withdraw(root: Path) -> None:
    """Rename OLD to NEW everywhere (as `sed` would) and delete WITHDRAWN's description."""
    old_name = re.compile(r"organization:aacrao(?![\w-])")
    for path in (root / "data").rglob("*.ttl"):
        text = path.read_text(encoding="utf-8")
        changed = old_name.sub("organization:aacrao-registrars", text)
        changed = re.sub(
            r"^organization:bioscience-core-skills-institute a .*?\.\n\n",
            "",
            changed,
            flags=re.S | re.M,
        )
        if changed != text:
            path.write_text(changed, encoding="utf-8")


def add_tombstones(root: Path) -> None:
    (root / "data" / "tombstones.ttl").write_text(TOMBSTONES, encoding="utf-8")
