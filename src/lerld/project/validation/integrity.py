"""The integrity checks SHACL does not express well, across entities: terms the vocabulary
does not define, subjects without a type, links to entities no file describes, two named
things with one label, two items of a list at one position, text no page should publish
(too long, HTML markup, a file: IRI), dates in the future, uses of deprecated terms.

Each check is a SPARQL query of the store that holds the sources (one named graph per file,
`load_into`), or a scan of the few triples `_term_scan` returns, yielding Findings.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterator
from datetime import date, timedelta

from markupsafe import Markup
from rdflib import DCTERMS, RDF, RDFS, Graph, Literal, URIRef

from lerld.core.memory import freeing
from lerld.core.names import best_labels
from lerld.core.terms import ENTITY_BASE, LABEL_PREDICATES, is_entity, shorten
from lerld.profile import PROFILE
from lerld.project.sources import (
    IN_DATA,
    graph_name,
    in_data,
    values_clause,
)
from lerld.project.validation.compatibility import deprecated_uses
from lerld.project.validation.report import Finding, render_value
from lerld.stores import Store

# The profile's classes and lists these checks know (lerld.profile).

# Classes whose instances are named things: two of them with one label are one thing
# with two IRIs. (Statements such as work streams may legitimately repeat.)
NAMED_CLASSES = tuple(kind.cls for kind in PROFILE.kinds if kind.named)

# The lists whose items carry a position, and what makes two items part of one list.
POSITION_LISTS: dict[URIRef, tuple[URIRef, ...]] = PROFILE.list_keys()

# The predicate that orders the items of a list.
POSITION = PROFILE.position

# The vocabulary whose every term the data uses must be defined by the ontology.
VOCABULARY_NAMESPACE = str(PROFILE.vocabulary.namespace)

# --- end of the profile's tables

# The longest literal the data may hold, in characters: a longer one is a file pasted by
# mistake, and every page and document that shows it would carry it.
MAX_LITERAL_LENGTH = 100_000

# Markup in text: a tag (<p>, </a>, <br/>) or an HTML entity (&amp; &#8217;). Pages escape
# text, so readers would see the raw markup.
MARKUP = r"<[A-Za-z/!][^<>]*>|&([A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);"

# A date this many days ahead of the validating machine's clock is in the future (one day
# of slack: an editor a time zone ahead of the server is already on the next day).
FUTURE_SLACK_DAYS = 1


def integrity_checks(store: Store, ontology: Graph) -> list[Callable[[], list[Finding]]]:
    """Checks across entities (undefined terms, untyped subjects, dangling links,
    duplicates...) of the store of SHACL's data graph (the ontology and data files, one
    named graph per file, and nothing else: `load_into(store, data_graph_of(sources))`),
    each a call independent of the others: the caller runs them side by side, since each
    is mostly a scan of the whole store (at a million triples, 0.5-2 s each, 7 s one after
    another)."""

    def single_terms() -> Iterator[Finding]:
        # one scan of every triple for the checks of single terms (each its own was a scan)
        terms = store.select(_term_scan())
        data = [row for row in terms if str(row["g"]).startswith(graph_name("data/"))]
        yield from unpublishable_terms(terms)
        yield from markup_in_text(data)
        yield from future_dates(data)

    checks = (
        lambda: undefined_terms(store, ontology),
        lambda: untyped_subjects(store),
        lambda: dangling_links(store),
        lambda: duplicate_labels(store, ontology),
        single_terms,
        lambda: duplicate_positions(store),
        lambda: deprecated_uses(store, ontology),
    )
    # each check a scan of the whole store: the memory it freed is given back before the
    # next takes more (lerld.core.memory; 10M triples: ~480 MiB after untyped_subjects)
    return [lambda check=check: freeing(lambda: list(check())) for check in checks]


def _term_scan() -> str:
    """The triples of data and ontology (with their graph ?g: the store holds no other)
    that a check of single terms may report: a long literal, a literal with markup, a file:
    IRI, a future dcterms:modified (the date of today is in the query: built when
    validation runs)."""
    limit = (date.today() + timedelta(days=FUTURE_SLACK_DAYS)).isoformat()
    return (
        "SELECT DISTINCT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER("
        f"(isLiteral(?o) && (STRLEN(STR(?o)) > {MAX_LITERAL_LENGTH} "
        f"|| REGEX(STR(?o), {Literal(MARKUP).n3()}))) "
        '|| STRSTARTS(STR(?s), "file:") || STRSTARTS(STR(?p), "file:") '
        '|| (isIRI(?o) && STRSTARTS(STR(?o), "file:")) '
        f'|| (?p = {DCTERMS.modified.n3()} && STR(?o) > "{limit}")) }}'
    )


def _once(rows: list) -> list:
    """Rows of `_term_scan` with a triple stated in two files once (RDF merge)."""
    seen: dict[tuple, dict] = {}
    for row in rows:
        seen.setdefault((row["s"], row["p"], row["o"]), row)
    return list(seen.values())


def _is_file_iri(node) -> bool:
    return isinstance(node, URIRef) and str(node).startswith("file:")


def markup_in_text(rows: list) -> Iterator[Finding]:
    """`rows`: those of `_term_scan` in the data."""
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
    `rows`: those of `_term_scan` in the data."""
    limit = (date.today() + timedelta(days=FUTURE_SLACK_DAYS)).isoformat()
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
    `rows`: those of `_term_scan` (any graph of data or ontology)."""
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


def undefined_terms(store: Store, ontology: Graph) -> Iterator[Finding]:
    """Properties and classes of the vocabulary's namespace the ontology does not define."""
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    in_vocabulary = f'FILTER(STRSTARTS(STR(?term), "{VOCABULARY_NAMESPACE}"))'
    for what, pattern in (("property", "?s ?term ?o"), ("class", f"?s {RDF.type.n3()} ?term")):
        rows = store.select(
            f"SELECT DISTINCT ?term WHERE {{ GRAPH ?g {{ {pattern} }} {in_vocabulary} {IN_DATA} }}"
        )
        unknown = [row["term"] for row in rows if row["term"] not in defined]
        if not unknown:
            continue
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


def untyped_subjects(store: Store) -> Iterator[Finding]:
    # MINUS the typed subjects, not FILTER NOT EXISTS for each subject: at a million
    # triples 0.9 s against 1.44 s (Oxigraph evaluates NOT EXISTS once per subject)
    rows = store.select(
        "SELECT ?s WHERE { { SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(isIRI(?s)) {IN_DATA} }} }} "
        f"MINUS {{ GRAPH ?g {{ ?s a ?type }} {IN_DATA} }} }}"
    )
    for row in rows:
        yield Finding(
            "Violation",
            str(row["s"]),
            "has no rdf:type, so no shape can check it "
            "(is its IRI misspelt where it is described?)",
            "integrity:untyped",
        )


def dangling_links(store: Store) -> Iterator[Finding]:
    rows = store.select(
        "SELECT DISTINCT ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f'FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{ENTITY_BASE}")) {IN_DATA} '
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?o ?p2 ?o2 }} {in_data('?h')} }} }}"
    )
    for row in rows:
        s, p, o = (str(row[k]) for k in ("s", "p", "o"))
        if is_entity(o):
            yield Finding(
                "Violation",
                s,
                f"links to {shorten(o)}, which no data file describes",
                "integrity:dangling-link",
                path=shorten(p),
                value=shorten(o),
            )


def duplicate_labels(store: Store, ontology: Graph) -> Iterator[Finding]:
    """Two named things of one kind with one best label (compared without case or spacing).

    One kind at a time, each thing's label kept as its normalized text only: the rows of
    every named thing at once were ~1 GiB of Python objects at 10M triples, held while the
    other checks ran beside it."""
    kind_of = _named_kinds(ontology)
    predicates = ", ".join(p.n3() for p in LABEL_PREDICATES)
    for kind in sorted(set(kind_of.values())):
        classes = [cls for cls, named in kind_of.items() if named == kind]
        # the data is the only source that types things with these classes; the union
        # graph is fastest
        rows = store.select(
            f"SELECT ?s ?p ?label WHERE {{ ?s a ?t {values_clause('?t', classes)} "
            f"?s ?p ?label FILTER(?p IN ({predicates})) }}"
        )
        labels = best_labels(rows)
        del rows
        named: dict[str, str] = {}  # normalized label -> the first thing with it
        twice: dict[str, list[str]] = {}  # normalized label -> every thing with it, if two
        for thing, label in labels.items():
            if label:
                key = " ".join(label.casefold().split())
                if key not in named:
                    named[key] = thing
                else:
                    twice.setdefault(key, [named[key]]).append(thing)
        for nodes in twice.values():
            for node in sorted(nodes):
                others = ", ".join(shorten(n) for n in sorted(nodes) if n != node)
                yield Finding(
                    "Violation",
                    node,
                    f"has the same label as {others}: one {shorten(str(kind))} with two IRIs?",
                    "integrity:duplicate-label",
                )


def _named_kinds(ontology: Graph) -> dict[URIRef, URIRef]:
    """Each class mapped to the named class it falls under (itself or a superclass)."""
    kinds = {}
    for cls in set(ontology.subjects(RDF.type, None)) | set(NAMED_CLASSES):
        for ancestor in ontology.transitive_objects(cls, RDFS.subClassOf):
            if ancestor in NAMED_CLASSES:
                kinds[cls] = ancestor
                break
    return kinds
