"""The integrity checks SHACL does not express well, across entities: terms the vocabulary
does not define, subjects without a type, links to entities no file describes, two named
things with one label, two items of a list at one position, text no page should publish
(too long, HTML markup, a file: IRI), dates in the future, uses of deprecated terms.

Most read what the scan of the source files found (lerld.project.validation.scan: the
files read beside the load); the others, and the statements behind a scan's findings, are
SPARQL queries of the store that holds the sources (one named graph per file, `load_into`).
Each yields Findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date

from markupsafe import Markup
from rdflib import DCTERMS, RDF, RDFS, Graph, Literal, URIRef

from lerld.core.memory import freeing
from lerld.core.terms import is_entity, shorten
from lerld.profile import PROFILE
from lerld.project.sources import (
    IN_DATA,
    graph_name,
    values_clause,
)
from lerld.project.validation.compatibility import deprecated_uses
from lerld.project.validation.report import Finding, render_value
from lerld.project.validation.scan import MARKUP, MAX_LITERAL_LENGTH, Scanned, future_limit
from lerld.stores import Store

# The profile's classes and lists these checks know (lerld.profile).

# The lists whose items carry a position, and what makes two items part of one list.
POSITION_LISTS: dict[URIRef, tuple[URIRef, ...]] = PROFILE.list_keys()

# The predicate that orders the items of a list.
POSITION = PROFILE.position

# --- end of the profile's tables


def integrity_checks(
    store: Store, ontology: Graph, scanned: Scanned
) -> list[Callable[[], list[Finding]]]:
    """Checks across entities (undefined terms, untyped subjects, dangling links,
    duplicates...) of what the scan of the sources found and of the store of SHACL's data
    graph (the ontology and data files, one named graph per file, and nothing else:
    `load_into(store, data_graph_of(sources))`), each a call independent of the others:
    the caller runs them side by side (a scan of the whole store is 0.5-2 s at a million
    triples)."""

    def single_terms() -> Iterator[Finding]:
        rows = scanned.term_rows
        data = [row for row in rows if str(row["g"]).startswith(graph_name("data/"))]
        yield from unpublishable_terms(rows)
        yield from markup_in_text(data)
        yield from future_dates(data)

    checks = (
        lambda: undefined_terms(store, scanned.unknown_terms),
        lambda: untyped_subjects(scanned.untyped),
        lambda: dangling_links(store, scanned.dangling),
        lambda: duplicate_labels(scanned.same_label),
        single_terms,
        lambda: duplicate_positions(store),
        lambda: deprecated_uses(store, ontology),
    )
    # a store query may hold hundreds of MiB at 10M triples: what it freed is given back
    # before the next takes more (lerld.core.memory)
    return [lambda check=check: freeing(lambda: list(check())) for check in checks]


def _once(rows: list) -> list:
    """`Scanned.term_rows` with a triple stated in two files once (RDF merge)."""
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen.setdefault((row["s"], row["p"], row["o"]), row)
    return list(seen.values())


def _is_file_iri(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith("file:")


def markup_in_text(rows: list) -> Iterator[Finding]:
    """`rows`: `Scanned.term_rows` of data files."""
    markup = re.compile(MARKUP)
    rows = [
        row for row in _once(rows) if isinstance(row["o"], Literal) and markup.search(str(row["o"]))
    ]
    for row in rows:
        text = str(row["o"])
        cleaned = " ".join(Markup(text).striptags().split())
        yield Finding(
            "Warning",
            str(row["s"]),
            "holds HTML markup, which pages show as it is written (text is published as "
            f"plain text): write {render_value(Literal(cleaned))} instead",
            "integrity:markup",
            path=shorten(str(row["p"])),
            value=render_value(row["o"]),
        )


def future_dates(rows: list) -> Iterator[Finding]:
    """dcterms:modified after today: harvesters that ask "what changed since" skip it.
    `rows`: `Scanned.term_rows` of data files."""
    limit = future_limit()
    rows = [
        {**row, "m": row["o"]}
        for row in _once(rows)
        if row["p"] == DCTERMS.modified and str(row["o"]) > limit
    ]
    for row in rows:
        yield Finding(
            "Violation",
            str(row["s"]),
            f"was modified in the future: write the day of the change, today "
            f"{date.today().isoformat()} at the latest",
            "integrity:future-date",
            path="dcterms:modified",
            value=render_value(row["m"]),
        )


def duplicate_positions(store: Store) -> Iterator[Finding]:
    """Two items of one list at the same ler:position: the order of the list is lost."""
    for cls, keys in POSITION_LISTS.items():
        patterns = " ".join(
            f"?s {'a' if key == RDF.type else key.n3()} ?k{i} ." for i, key in enumerate(keys)
        )
        columns = " ".join(f"?k{i}" for i in range(len(keys)))
        items = (
            f"?s a ?t . ?t {RDFS.subClassOf.n3()}* {cls.n3()} . "
            f"?s {POSITION.n3()} ?position . {patterns}"
        )
        # only the items of a shared position leave the store (every item would: 75k rows
        # and 1.2 s of the 1M benchmark's validation, against 0.4 s)
        rows = store.select(
            f"SELECT DISTINCT ?s ?position {columns} WHERE {{ "
            f"{{ SELECT ?position {columns} WHERE {{ {items} }} "
            f"GROUP BY ?position {columns} HAVING (COUNT(DISTINCT ?s) > 1) }} {items} }}"
        )
        lists: dict[tuple, set[str]] = defaultdict(set)
        for row in rows:
            key = tuple(str(row[f"k{i}"]) for i in range(len(keys)))
            lists[(key, str(row["position"]))].add(str(row["s"]))
        for (key, position), items in lists.items():
            if len(items) < 2:
                continue
            within = " and ".join(shorten(str(k)) for k in key if str(k) != str(cls)) or "the list"
            for item in sorted(items):
                others = ", ".join(shorten(o) for o in sorted(items) if o != item)
                yield Finding(
                    "Violation",
                    item,
                    f"has {shorten(str(POSITION))} {position}, as {others} in the same list "
                    f"({within}): give each item of a list its own position",
                    "integrity:duplicate-position",
                    path=shorten(str(POSITION)),
                    value=render_value(Literal(int(position))),
                )


def unpublishable_terms(rows: list) -> Iterator[Finding]:
    """Literals too long to publish, and file: IRIs (a relative reference such as <foo>
    resolved against the source file's own location: it would publish a local path).
    `rows`: `Scanned.term_rows` (data and ontology files)."""
    rows = [
        row
        for row in _once(rows)
        if (isinstance(row["o"], Literal) and len(str(row["o"])) > MAX_LITERAL_LENGTH)
        or any(_is_file_iri(row[k]) for k in ("s", "p", "o"))
    ]
    for row in rows:
        s, p = str(row["s"]), shorten(str(row["p"]))
        length = len(str(row["o"])) if isinstance(row["o"], Literal) else 0
        iri = next((row[k] for k in ("o", "p", "s") if _is_file_iri(row[k])), None)
        if length > MAX_LITERAL_LENGTH:
            message = (
                f"has a value of {length:,} characters: at most {MAX_LITERAL_LENGTH:,} "
                "are published (a file pasted by mistake?)"
            )
        else:
            message = (
                f"uses the IRI {iri}, a relative reference resolved against the "
                "source file's location: write the IRI in full"
            )
        yield Finding("Violation", s, message, "integrity:unpublishable", path=p)


def undefined_terms(store: Store, unknown_terms: dict[str, list[str]]) -> Iterator[Finding]:
    """Properties and classes of the vocabulary's namespace the ontology does not define
    (`Scanned.unknown_terms`), at each subject that uses one."""
    for what, unknown in unknown_terms.items():
        pattern = "?s ?term ?o" if what == "property" else f"?s {RDF.type.n3()} ?term"
        users = store.select(
            f"SELECT DISTINCT ?s ?term WHERE {{ {values_clause('?term', unknown)} "
            f"GRAPH ?g {{ {pattern} }} {IN_DATA} }}"
        )
        for row in users:
            yield Finding(
                "Violation",
                str(row["s"]),
                f"uses the {what} {shorten(str(row['term']))}, "
                "which the LER vocabulary does not define (a typo?)",
                "integrity:undefined-term",
                path=shorten(str(RDF.type if what == "class" else row["term"])),
            )


def untyped_subjects(untyped: list[str]) -> Iterator[Finding]:
    """IRIs data files describe with no rdf:type there (`Scanned.untyped`)."""
    for subject in untyped:
        yield Finding(
            "Violation",
            subject,
            "has no rdf:type, so no shape can check it "
            "(is its IRI misspelt where it is described?)",
            "integrity:untyped",
        )


def dangling_links(store: Store, dangling: list[str]) -> Iterator[Finding]:
    """Each statement of a data file that links to an entity no data file describes
    (`Scanned.dangling`: the IRIs; the store has the statements)."""
    entities = [o for o in dangling if is_entity(o)]
    if not entities:
        return
    rows = store.select(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ {values_clause('?o', entities)} "
        f"GRAPH ?g {{ ?s ?p ?o }} {IN_DATA} }}"
    )
    for row in rows:
        s, p, o = (str(row[k]) for k in ("s", "p", "o"))
        yield Finding(
            "Violation",
            s,
            f"links to {shorten(o)}, which no data file describes",
            "integrity:dangling-link",
            path=shorten(p),
            value=shorten(o),
        )


def duplicate_labels(same_label: list[tuple[str, list[str]]]) -> Iterator[Finding]:
    """Two named things of one kind with one best label, compared without case or spacing
    (`Scanned.same_label`)."""
    for kind, nodes in same_label:
        for node in nodes:
            others = ", ".join(shorten(n) for n in nodes if n != node)
            yield Finding(
                "Violation",
                node,
                f"has the same label as {others}: one {shorten(kind)} with two IRIs?",
                "integrity:duplicate-label",
            )
