"""Published entity IRIs never vanish silently: the record of every entity IRI the project
has published, the tombstones in the data that say what became of an IRI that is no longer
live, and what `lerld validate` checks against the record.

The record is `published.tsv` at the project's root (beside ontology/, shapes/, data/: it is
not a source, so it is never loaded as data), one line per entity IRI: its state (live,
replaced, withdrawn), the day it was first recorded, its dcterms:modified and a hash of its
content. `lerld record-published` (`record_published`) rewrites it from validated sources,
keeping the first-recorded days; it is committed with the data, so the repository's history
is the history of what was published. A plain sorted TSV, not RDF: one line per IRI gives
readable diffs, and it can never be mistaken for data.

A tombstone is the old IRI, described in data/ with the ActivityStreams 2.0 vocabulary that
the collection's removals use too (as:Tombstone, as:formerType), and Dublin Core / SKOS:

    organization:old-slug a as:Tombstone ;
        as:formerType ler:Organization ;
        rdfs:label "Old name"@en ;                                  # optional
        dcterms:modified "2026-12-05"^^xsd:date ;                   # when it happened
        dcterms:isReplacedBy organization:new-slug .                # replaced, or:
        # skos:changeNote "Why it was withdrawn."@en .              # withdrawn

A tombstone is typed as:Tombstone only (its former type is as:formerType), so no list, map,
count or page that selects entities by their class shows it (shapes/ler-shapes.ttl enforces
this); `tombstones` gives the web layer and the dataset functions what they need to answer
301/303/410 and to tell harvesters.

The content hash is the SHA-256 of the entity's description (its triples and, in place of
each blank node, that node's description, recursively) without dcterms:modified, as sorted
N-Triples terms: it does not change when the Turtle is reformatted, reordered or moved to
another file.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from rdflib import RDF, Literal, Namespace
from rdflib.namespace import DCTERMS, SKOS, XSD

from lerld.core.errors import SourceError
from lerld.core.formats import NTRIPLES
from lerld.core.names import best_label
from lerld.core.terms import ENTITY_BASE, LABEL_PREDICATES, is_entity, shorten
from lerld.project.sources import IN_DATA, Sources, graph_name, load_into, source_of
from lerld.stores import Store
from lerld.stores.backends import embedded_store
from lerld.stores.results import Formats

AS = Namespace("https://www.w3.org/ns/activitystreams#")
RECORD = "published.tsv"
LIVE, REPLACED, WITHDRAWN = "live", "replaced", "withdrawn"
STATES = (LIVE, REPLACED, WITHDRAWN)
HEADER = (
    "# Every entity IRI this project has published: `lerld record-published` rewrites this\n"
    "# file (keeping the day each IRI was first recorded); `lerld validate` reports an IRI\n"
    "# listed here that no data file describes any more (add a tombstone) and an entity whose\n"
    "# content changed while its dcterms:modified did not. Do not edit by hand.\n"
    "# iri\tstate\tfirst recorded\tdcterms:modified\tcontent (sha256 of the description)\n"
)
# Blank nodes nest this deep at most in a description that is hashed (as describe.py).
DEPTH = 6


@dataclass(frozen=True)
class Tombstone:
    """What became of an entity IRI that is no longer live."""

    iri: str
    former_type: str | None
    day: date | None
    replacement: str | None
    reason: str | None
    label: str | None

    @property
    def state(self) -> str:
        return REPLACED if self.replacement else WITHDRAWN


def _day(value) -> date | None:
    python = value.toPython() if isinstance(value, Literal) else None
    return python if isinstance(python, date) else None


def tombstones(store: Store) -> dict[str, Tombstone]:
    """Every tombstone of the published graph, by IRI (single-pattern OPTIONALs: see the
    Oxigraph planner note in describe.py)."""
    labels = " ".join(f"OPTIONAL {{ ?s {p.n3()} ?l{i} }}" for i, p in enumerate(LABEL_PREDICATES))
    rows = store.select(
        f"SELECT ?s ?type ?day ?new ?why {' '.join(f'?l{i}' for i in range(len(LABEL_PREDICATES)))}"
        f" WHERE {{ ?s a {AS.Tombstone.n3()} . OPTIONAL {{ ?s {AS.formerType.n3()} ?type }} "
        f"OPTIONAL {{ ?s {DCTERMS.modified.n3()} ?day }} "
        f"OPTIONAL {{ ?s {DCTERMS.isReplacedBy.n3()} ?new }} "
        f"OPTIONAL {{ ?s {SKOS.changeNote.n3()} ?why }} {labels} }} ORDER BY ?s"
    )
    found: dict[str, Tombstone] = {}
    for row in rows:
        iri = str(row["s"])
        if iri in found:
            continue
        label = best_label(
            (p, row[f"l{i}"]) for i, p in enumerate(LABEL_PREDICATES) if row.get(f"l{i}")
        )
        found[iri] = Tombstone(
            iri,
            str(row["type"]) if row.get("type") else None,
            _day(row.get("day")),
            str(row["new"]) if row.get("new") else None,
            str(row["why"]) if row.get("why") else None,
            str(label) if label is not None else None,
        )
    return found


# --- what the data describes ---------------------------------------------------------------


@dataclass(frozen=True)
class Described:
    """An entity IRI as the data describes it now."""

    iri: str
    state: str
    modified: date | None
    content: str


_TYPE, _TOMBSTONE = RDF.type.n3(), AS.Tombstone.n3()
_MODIFIED, _REPLACED_BY = DCTERMS.modified.n3(), DCTERMS.isReplacedBy.n3()
_DAYS = (XSD.date.n3(), XSD.dateTime.n3())


def descriptions(store: Store, graphs: list[str]) -> dict[str, list[str]]:
    """What the named `graphs` of `store` (data files loaded by `load_into`) say of each
    entity IRI and blank node, as N-Triples `predicate object` statements by subject (a
    statement twice when two files state it). One N-Triples answer per file, serialized by
    the store, and no Python object per term: at a million triples 3.5 s and 0.23 GB more,
    where rdflib's parse of the data took 75 s and 2.4 GB (one answer for all files: 6.6 s,
    0.9 GB)."""
    about: dict[str, list[str]] = defaultdict(list)
    for graph in graphs:
        answer = store.query(
            f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} "
            f'FILTER(isBlank(?s) || STRSTARTS(STR(?s), "{ENTITY_BASE}")) }}',
            Formats(bindings=None, graph=NTRIPLES),
        )
        for line in (answer.body or b"").decode("utf-8").splitlines():
            # `<s> <p> object .`: neither an IRI nor a blank node label holds a space
            subject, statement = line.split(" ", 1)
            about[subject].append(statement[:-2])
    return about


def _statements(about: dict[str, list[str]], node: str, depth: int) -> set[str]:
    """The statements about `node`, each blank node object replaced by its own statements
    (to `depth`); a set: RDF merge."""
    out = set()
    for statement in about.get(node, ()):
        if " _:" in statement:
            p, o = statement.split(" ", 1)
            if o.startswith("_:"):
                inner = _statements(about, o, depth - 1) if depth > 0 else set()
                statement = f"{p} [" + " ; ".join(sorted(inner)) + "]"
        out.add(statement)
    return out


def content_hash(about: dict[str, list[str]], subject: str) -> str:
    """The hash of what `descriptions` says of `subject` (an N-Triples term) apart from its
    date."""
    statements = _statements(about, subject, DEPTH)
    lines = sorted(s for s in statements if not s.startswith(_MODIFIED + " "))
    return hashlib.sha256("\n".join(lines).encode("utf-8")).hexdigest()[:32]


def _day_of(term: str) -> date | None:
    """The day of an xsd:date or xsd:dateTime literal written in N-Triples."""
    lexical, _, datatype = term.rpartition('"^^')
    if datatype not in _DAYS:
        return None
    try:
        return date.fromisoformat(lexical.removeprefix('"')[:10])
    except ValueError:
        return None


def described(store: Store, graphs: list[str]) -> dict[str, Described]:
    """Every entity IRI the named `graphs` of `store` describe, with its state, date and
    content hash."""
    about = descriptions(store, graphs)
    tombstone, replaced_by, modified = f"{_TYPE} {_TOMBSTONE}", _REPLACED_BY + " ", _MODIFIED + " "
    found = {}
    for subject in sorted(s for s in about if s.startswith("<")):
        iri = subject[1:-1]
        if not is_entity(iri):
            continue
        statements = about[subject]
        if tombstone in statements:
            replaced = any(s.startswith(replaced_by) for s in statements)
            state = REPLACED if replaced else WITHDRAWN
        else:
            state = LIVE
        days = [
            d for s in statements if s.startswith(modified) and (d := _day_of(s[len(modified) :]))
        ]
        found[iri] = Described(iri, state, max(days, default=None), content_hash(about, subject))
    return found


def data_graphs(sources: Sources) -> list[str]:
    """The named graphs of the data files of `sources` in a store (`load_into`)."""
    return [graph_name(f.relpath) for f in sources.of_role("data")]


def described_by(sources: Sources) -> dict[str, Described]:
    """`described` of the data files of `sources`, loaded into a store of their own."""
    store = embedded_store()
    try:
        load_into(store, replace(sources, files=sources.of_role("data")))
        return described(store, data_graphs(sources))
    finally:
        store.close()


# --- the record ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Recorded:
    """One line of the record."""

    iri: str
    state: str
    first: date
    modified: date | None
    content: str | None
    line: int = 0


def record_path(root: Path) -> Path:
    return root / RECORD


def read_record(root: Path) -> list[Recorded] | None:
    """The record of the project at `root`; None when it has none (nothing published yet)."""
    path = record_path(root)
    if not path.is_file():
        return None
    rows = []
    for n, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not text.strip() or text.startswith("#"):
            continue
        fields = text.split("\t")
        try:
            iri, state, first, modified, content = fields
            if not is_entity(iri) or state not in STATES:
                raise ValueError
            rows.append(
                Recorded(
                    iri,
                    state,
                    date.fromisoformat(first),
                    None if modified == "-" else date.fromisoformat(modified),
                    None if content == "-" else content,
                    n,
                )
            )
        except ValueError as e:
            raise SourceError(
                RECORD,
                n,
                "expected five tab-separated fields: an entity IRI, live|replaced|withdrawn, "
                "the day first recorded (YYYY-MM-DD), dcterms:modified (YYYY-MM-DD or -) and "
                "the content hash (or -); rewrite the file with `lerld record-published`",
            ) from e
    return rows


@dataclass(frozen=True)
class RecordChanges:
    """What `record_published` changed in the record."""

    added: tuple[str, ...]
    changed: tuple[str, ...]
    total: int


def record_published(sources: Sources, day: date | None = None) -> RecordChanges:
    """Record every entity IRI the (validated) sources describe as published on `day`
    (today by default), keeping what the record says about IRIs recorded before. The caller
    validates first: an invalid project is never recorded (`lerld record-published` and, at
    a release, `lerld release` do)."""
    day = day or date.today()
    before = {r.iri: r for r in read_record(sources.root) or []}
    now = described_by(sources)
    rows, added, changed = [], [], []
    for iri, entity in sorted(now.items()):
        old = before.get(iri)
        row = Recorded(
            iri, entity.state, old.first if old else day, entity.modified, entity.content
        )
        if old is None:
            added.append(iri)
        elif (old.state, old.modified, old.content) != (row.state, row.modified, row.content):
            changed.append(iri)
        rows.append(row)
    # an IRI the data no longer describes stays recorded: validation will not let that
    # happen, but a record is never shortened
    rows += [r for iri, r in sorted(before.items()) if iri not in now]
    lines = [
        "\t".join(
            (
                r.iri,
                r.state,
                r.first.isoformat(),
                r.modified.isoformat() if r.modified else "-",
                r.content or "-",
            )
        )
        for r in sorted(rows, key=lambda r: r.iri)
    ]
    record_path(sources.root).write_text(HEADER + "".join(f"{x}\n" for x in lines), "utf-8")
    return RecordChanges(tuple(added), tuple(changed), len(rows))


# --- the checks of `lerld validate` ---------------------------------------------------------


def findings(sources: Sources, store: Store) -> Iterator[dict]:
    """The problems of the data compared with the record, each as the fields of a
    validation Finding (lerld.project.validation.report): the validation package, which
    imports this module, makes them Findings. `store` holds the sources (`load_into`).

    - a recorded IRI that no data file describes: a Violation, at its line of the record;
    - a live entity whose content changed since it was recorded while its dcterms:modified
      is the recorded one: a Warning (`?since=` harvesters would miss the change);
    - a live entity that links to a tombstone: a Warning (link to the replacement)."""
    record = read_record(sources.root)
    if record is None:
        return
    now = described(store, data_graphs(sources))
    for row in record:
        entity = now.get(row.iri)
        if entity is None:
            yield {
                "severity": "Violation",
                "focus": row.iri,
                "message": (
                    f"was published (recorded as {row.state} in {RECORD}) but no data file "
                    "describes it any more: cool URIs don't change. If it was renamed, keep "
                    f"the old IRI as a tombstone: <{row.iri}> a as:Tombstone ; as:formerType "
                    "<its class> ; dcterms:modified <today> ; dcterms:isReplacedBy <new IRI>. "
                    "If it was withdrawn, give the reason instead of the replacement: "
                    'skos:changeNote "why"@en'
                ),
                "constraint": "published:vanished",
                "file": RECORD,
                "line": row.line,
            }
        elif (
            row.state == LIVE == entity.state
            and row.content not in (None, entity.content)
            and row.modified == entity.modified
        ):
            where = _location(sources, store, row.iri, lambda f, m=row.modified: [f'"{m}"'])
            yield {
                "severity": "Warning",
                "focus": row.iri,
                "message": (
                    f"changed since it was recorded as published, but its dcterms:modified "
                    f"is still {row.modified}: set it to the day of the change "
                    f"({date.today().isoformat()}) so that harvesters asking what changed "
                    "since a day pick the change up"
                ),
                "constraint": "published:modified-not-bumped",
                "path": "dcterms:modified",
                **where,
            }
    stones = tombstones(store)
    links = store.select(
        f"SELECT DISTINCT ?s ?p ?o WHERE {{ GRAPH ?g {{ ?s ?p ?o }} {IN_DATA} "
        f"{{ SELECT DISTINCT ?o WHERE {{ GRAPH ?g {{ ?o a {AS.Tombstone.n3()} }} {IN_DATA} }} }} "
        "} ORDER BY ?s ?p ?o"
    )
    for row in links:
        s, p, o = (str(row[k]) for k in ("s", "p", "o"))
        if s not in now or now[s].state != LIVE or o not in stones:
            continue
        replacement = stones[o].replacement
        advice = (
            f"it was replaced by {shorten(replacement)}: link to that"
            if replacement
            else "it was withdrawn: remove the link"
        )
        yield {
            "severity": "Warning",
            "focus": s,
            "message": f"links to {shorten(o)}, which is a tombstone: {advice}",
            "constraint": "published:link-to-tombstone",
            "path": shorten(p),
            "value": shorten(o),
            **_location(sources, store, s, lambda f, o=o: f.forms_of(o)),
        }


def _location(sources: Sources, store: Store, iri: str, forms) -> dict:
    """The file and line where a data file writes one of `forms(file)` in the description
    of `iri` (or starts describing it)."""
    rows = store.select(
        f"SELECT DISTINCT ?g WHERE {{ GRAPH ?g {{ <{iri}> ?p ?o }} {IN_DATA} }} ORDER BY ?g"
    )
    for row in rows:
        f = sources.file(source_of(str(row["g"])) or "")
        if f is not None:
            return {"file": f.relpath, "line": f.line_of_value(iri, forms(f)) or f.line_of(iri)}
    return {}
