"""One finding per mistake, with its fix: the findings of every check rewritten before
they are reported. The same finding once; an ill-typed value said as such, with the form it
should have; a link to a missing entity once, with the closest existing IRIs; an entity
described twice said as such, with every FILE:LINE.
"""

from __future__ import annotations

import contextlib
import difflib
import re
from collections import defaultdict
from dataclasses import replace
from datetime import datetime

from rdflib import Literal

from lerld.core.terms import ENTITY_BASE, shorten
from lerld.project.sources import IN_DATA, Sources
from lerld.project.validation.report import Finding
from lerld.stores import Store

# What a well-formed value of each datatype looks like: (pattern, how to write it). Python's
# own parsers then check what a pattern cannot (a 30 February).
LEXICAL_FORMS = {
    "xsd:date": (r"-?\d{4,}-\d\d-\d\d", 'YYYY-MM-DD, such as "2026-03-10"^^xsd:date'),
    "xsd:gYear": (r"-?\d{4,}", 'YYYY, such as "2026"^^xsd:gYear'),
    "xsd:gYearMonth": (r"-?\d{4,}-\d\d", 'YYYY-MM, such as "2026-03"^^xsd:gYearMonth'),
    "xsd:dateTime": (
        r"-?\d{4,}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)?",
        'YYYY-MM-DDThh:mm:ss, such as "2026-03-10T09:30:00Z"^^xsd:dateTime',
    ),
    "xsd:integer": (r"[+-]?\d+", "digits only, such as 3 (no quotes needed)"),
    "xsd:decimal": (
        r"[+-]?(\d+(\.\d*)?|\.\d+)",
        "digits with an optional decimal point, such as 2.5",
    ),
    "xsd:boolean": (r"true|false|1|0", "true or false"),
}


def well_formed(lexical: str, datatype: str) -> bool:
    """Whether a value of a finding is written in the form LEXICAL_FORMS says. This only
    picks the message of a finding; whether a literal conforms to SHACL is decided by the
    engines (shacl.well_formed, XSD 1.1)."""
    pattern, _ = LEXICAL_FORMS[datatype]
    if not re.fullmatch(pattern, lexical):
        return False
    with contextlib.suppress(ValueError):
        if datatype in ("xsd:date", "xsd:dateTime"):
            datetime.fromisoformat(lexical.replace("Z", "+00:00"))
        elif datatype == "xsd:gYearMonth":
            datetime.strptime(lexical, "%Y-%m")
        return True
    return False


def editorial(findings: list[Finding], sources: Sources, store: Store) -> list[Finding]:
    """One finding per mistake: the same finding once; an ill-typed value said as such
    (with the form it should have) instead of every constraint it breaks; a link to a
    missing entity once, with the closest existing IRIs, and not again as a link to
    something of the wrong class; an entity described twice said as such, with every
    FILE:LINE, instead of the cardinalities the second description breaks."""
    findings = _one_per_mistake([_ill_typed(f) for f in findings])
    findings = _dangling_with_suggestions(findings, store)
    return _duplicate_descriptions(findings, sources)


DATATYPE_COMPONENT = "sh:DatatypeConstraintComponent"


def _one_per_mistake(findings: list[Finding]) -> list[Finding]:
    """The same message about the same value from two constraint components (sh:datatype
    and sh:languageIn both reject an untagged label) is one finding: that of sh:datatype
    when it is one of them, else the first. Findings of one component stay apart: in SHACL
    two sh:class values or two shapes each give their own result (W3C suite class-003,
    nodeKind-001)."""
    components: dict[tuple, list[str]] = defaultdict(list)
    for f in findings:
        seen = components[(f.severity, f.focus, f.path, f.message, f.value)]
        if f.constraint not in seen:
            seen.append(f.constraint)
    kept = []
    for f in findings:
        seen = components[(f.severity, f.focus, f.path, f.message, f.value)]
        chosen = DATATYPE_COMPONENT if DATATYPE_COMPONENT in seen else seen[0]
        if f.constraint == chosen:
            kept.append(f)
    return kept


def _ill_typed(finding: Finding) -> Finding:
    typed = re.fullmatch(r'"(.*)"\^\^(xsd:\w+)', finding.value or "", re.S)
    if not typed or typed.group(2) not in LEXICAL_FORMS or well_formed(*typed.groups()):
        return finding
    lexical, datatype = typed.groups()
    return replace(
        finding,
        message=f'"{lexical}" is not a valid {datatype}: write it as {LEXICAL_FORMS[datatype][1]}',
    )


def _dangling_with_suggestions(findings: list[Finding], store: Store) -> list[Finding]:
    dangling = [f for f in findings if f.constraint == "integrity:dangling-link"]
    if not dangling:
        return findings
    kinds = sorted({f.value.split("/")[0] for f in dangling if f.value})
    starts = " || ".join(
        f"STRSTARTS(STR(?s), {Literal(ENTITY_BASE + k + '/').n3()})" for k in kinds
    )
    rows = store.select(
        f"SELECT DISTINCT ?s WHERE {{ GRAPH ?g {{ ?s ?p ?o }} FILTER({starts}) {IN_DATA} }}"
    )
    existing: dict[str, list[str]] = defaultdict(list)
    for row in rows:
        short = shorten(str(row["s"]))
        existing[short.split("/")[0]].append(short)
    links = {(f.focus, f.value) for f in dangling}
    kept = []
    for f in findings:
        if f.constraint == "sh:ClassConstraintComponent" and (f.focus, f.value) in links:
            continue  # the same link, already reported as pointing at nothing
        if f in dangling and f.value:
            kind, _, slug = f.value.partition("/")
            slugs = [e.partition("/")[2] for e in existing[kind]]
            close = [f"{kind}/{c}" for c in difflib.get_close_matches(slug, slugs, n=3, cutoff=0.8)]
            hint = (
                f"; did you mean {' or '.join(close)}?"
                if close
                else (
                    f"; add its description to the data, or link to an existing {f.value.split('/')[0]}"
                )
            )
            f = replace(f, message=f.message + hint)
        kept.append(f)
    return kept


# Constraints that an entity described twice breaks (two labels, two dates...).
_REPEATED = ("sh:MaxCountConstraintComponent", "sh:UniqueLangConstraintComponent")


def _duplicate_descriptions(findings: list[Finding], sources: Sources) -> list[Finding]:
    """An IRI that starts statements in two places (of one file or two) is a copied block
    when that breaks a cardinality (two labels, two dates): said once, with every place.
    More statements about one IRI that break nothing are plain RDF (an identifier added
    below the organization's block) and not reported."""
    repeated = {f.focus for f in findings if f.constraint in _REPEATED}
    if not repeated:  # the files are read only when a cardinality is broken
        return findings
    statements: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for f in sources.of_role("data"):
        for iri, line in f.subject_lines():
            if iri in repeated:
                statements[iri].append((f.relpath, line))
    twice = {
        iri: places for iri, places in statements.items() if len(places) > 1 and iri in repeated
    }
    kept = [f for f in findings if not (f.focus in twice and f.constraint in _REPEATED)]
    for iri, places in sorted(twice.items()):
        where = [f"{path}:{line}" for path, line in places]
        where = ", ".join(where[:-1]) + " and " + where[-1]
        kept.append(
            Finding(
                "Violation",
                iri,
                f"is described {len(places)} times, at {where}: merge the descriptions into "
                "one (or give the copy an IRI of its own)",
                "integrity:described-twice",
                file=places[1][0],
                line=places[1][1],
            )
        )
    return kept
