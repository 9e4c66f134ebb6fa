"""Validation of the sources: SHACL (pyshacl, optional RDFS / OWL RL inference) plus
the integrity checks SHACL does not express well, gathered into one Report.

The report is a plain value: it knows how to render itself as text for people
(grouped by entity, each entity with FILE:LINE) and as JSON for machines.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import json
import os
import re
from collections import defaultdict
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import pyshacl
from markupsafe import Markup
from pyshacl.errors import ReportableRuntimeError
from rdflib import DCTERMS, RDF, RDFS, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection

from lerld.core.errors import SourceError
from lerld.core.terms import (
    ENTITY_BASE,
    LABEL_PREDICATES,
    LER,
    PREFIXES,
    SH,
    is_entity,
    is_entity_path,
    shorten,
)
from lerld.project import history, published, releases, shacl, shapecheck
from lerld.project import sources as source_files
from lerld.project.sources import IN_DATA, IN_DATA_OR_ONTOLOGY, Sources, graph_name, load_into
from lerld.stores import Store
from lerld.stores.backends import embedded_store

SEVERITIES = ("Violation", "Warning", "Info")

# Classes whose instances are named things: two of them with one label are one thing
# with two IRIs. (Statements such as work streams may legitimately repeat.)
NAMED_CLASSES = (
    LER.StakeholderGroup,
    LER.LifecycleStage,
    LER.ActionArea,
    LER.Organization,
    LER.Initiative,
    LER.Topic,
    LER.Resource,
    LER.ResourceCategory,
    LER.GlossaryTerm,
    LER.TechnicalFramework,
    LER.InteroperabilityPrinciple,
    LER.Guidance,
    LER.LERRole,
)


@dataclass(frozen=True)
class Finding:
    """One problem found in the data, attached to the entity it is about."""

    severity: str
    focus: str
    message: str
    constraint: str
    path: str | None = None
    value: str | None = None
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Report:
    """The outcome of validating a set of sources."""

    findings: tuple[Finding, ...]
    inference: str
    triples: int
    files: int = 0
    labels: dict[str, str] = field(default_factory=dict, compare=False)

    @property
    def conforms(self) -> bool:
        # a severity of the shapes' own (any IRI, in SHACL) ranks as a violation
        return not any(severity_rank(f.severity) == 0 for f in self.findings)

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)

    def by_entity(self, min_severity: str = "Info") -> dict[str, list[Finding]]:
        grouped: dict[str, list[Finding]] = defaultdict(list)
        for f in sorted(self.findings, key=_finding_order):
            if severity_rank(f.severity) <= SEVERITIES.index(min_severity):
                grouped[f.focus].append(f)
        return dict(grouped)

    def summary(self) -> str:
        verdict = "conforms" if self.conforms else "DOES NOT CONFORM"
        counts = ", ".join(f"{self.count(s)} {s.lower()}(s)" for s in SEVERITIES)
        return (
            f"{verdict}: {counts} in {self.triples} triples from {self.files} files "
            f"(inference: {self.inference})"
        )

    def to_text(self, min_severity: str = "Warning") -> str:
        lines = []
        for focus, findings in self.by_entity(min_severity).items():
            first = findings[0]
            where = _where(first)
            label = self.labels.get(focus)
            lines.append(f"{where}{shorten(focus)}" + (f" ({label})" if label else ""))
            for f in findings:
                path = f"{f.path}: " if f.path else ""
                value = f" [value: {f.value}]" if f.value else ""
                # a finding at another line than its entity's says where (FILE:LINE)
                at = _where(f) if _where(f) != where else ""
                lines.append(f"  {at}{f.severity}: {path}{f.message}{value}")
        lines.append(self.summary())
        return "\n".join(lines)

    def to_json(self) -> str:
        entities = [
            {
                "focus": focus,
                "label": self.labels.get(focus),
                "file": findings[0].file,
                "line": findings[0].line,
                "findings": [
                    {k: v for k, v in asdict(f).items() if k not in ("focus", "file")}
                    for f in findings
                ],
            }
            for focus, findings in self.by_entity().items()
        ]
        return json.dumps(
            {
                "conforms": self.conforms,
                "inference": self.inference,
                "triples": self.triples,
                "files": self.files,
                "counts": {s.lower(): self.count(s) for s in SEVERITIES},
                "entities": entities,
            },
            indent=2,
            ensure_ascii=False,
        )


def _where(f: Finding) -> str:
    if f.file and f.line:
        return f"{f.file}:{f.line}: "
    return f"{f.file}: " if f.file else ""


def _finding_order(f: Finding) -> tuple:
    return (f.file or "~", f.line or 0, f.focus, severity_rank(f.severity), f.message)


def severity_rank(severity: str) -> int:
    """0 for violations, 1 warnings, 2 infos. SHACL lets shapes name any IRI as a
    severity: lerld ranks those as violations, so they stop publication like one."""
    return SEVERITIES.index(severity) if severity in SEVERITIES else 0


def validate(sources: Sources, inference: str = "none", store: Store | None = None) -> Report:
    """SHACL-validate data + ontology against the shapes, then run the integrity checks.

    `store` holds the sources already (`load_into`); without one, a fresh embedded store is
    loaded and closed. Without inference the shapes run as SPARQL in the store (`shacl`);
    with inference, or shapes the compiler cannot translate, pyshacl runs over rdflib.
    The report of sources already validated comes from the cache (see `ReportCache`).
    """
    cache = ReportCache.from_environment()
    key = cache.key(sources, inference)
    report = cache.get(key)
    if report is None:
        report = _validate(sources, inference, store)
        cache.put(key, report)
    # compared with git's last commit, which the cache key does not cover: checked each time
    unbumped = unbumped_modifications(sources)
    if unbumped:
        labels = dict(report.labels)
        for f in unbumped:
            if sources.file(f.file or "") is None:
                continue  # the record's own line: the IRI is described nowhere
            graph = sources.file(f.file or "").graph
            names = (graph.value(URIRef(f.focus), p) for p in LABEL_PREDICATES)
            labels.setdefault(f.focus, next((str(n) for n in names if n is not None), ""))
        report = replace(report, findings=report.findings + tuple(unbumped), labels=labels)
    # against the last release of the vocabulary: release folders are not sources (nor key)
    compatibility = releases.compatibility(sources)
    if compatibility:
        report = replace(report, findings=report.findings + tuple(compatibility))
    return report


def unbumped_modifications(sources: Sources) -> list[Finding]:
    """Entities whose description changed since the last commit (git HEAD) while their
    dcterms:modified did not: harvesters that ask what changed since a date miss them.

    Only data files that differ from their committed version are parsed; a project that is
    not a git checkout, or a file not yet committed, is not checked.
    """
    findings = []
    data = sources.of_role("data")
    # one git call says which files changed: only those are read from HEAD
    changed = history.changed(sources.root, [f.relpath for f in data]) or set()
    for f in data:
        if f.relpath not in changed:
            continue
        before = history.committed_text(sources.root, f.relpath)
        if before is None or before == f.text:
            continue
        try:
            old = source_files.parse(f.path, before, display=f.relpath)
        except SourceError:
            continue  # the committed version did not parse: nothing to compare with
        new, described_before = f.graph, set(old.subjects())
        for subject in {s for s in new.subjects() if isinstance(s, URIRef)}:
            if subject not in described_before:
                continue  # a new entity: nothing to bump
            modified = set(new.objects(subject, DCTERMS.modified))
            if not modified or modified != set(old.objects(subject, DCTERMS.modified)):
                continue
            if _content(new, subject) == _content(old, subject):
                continue
            shown = ", ".join(sorted(str(m) for m in modified))
            findings.append(
                Finding(
                    "Warning",
                    str(subject),
                    f"changed since the last commit, but its dcterms:modified is still {shown}: "
                    f"set it to the day of the change ({date.today().isoformat()}) so that "
                    "harvesters pick the change up",
                    "integrity:modified-not-bumped",
                    path="dcterms:modified",
                    file=f.relpath,
                    line=f.line_of_value(str(subject), [f'"{m}"' for m in modified])
                    or f.line_of(str(subject)),
                )
            )
    return sorted(findings, key=_finding_order)


def _content(graph: Graph, subject: URIRef) -> set[tuple]:
    """What a description says apart from its date (blank nodes compared by their shape)."""
    return {
        (p, o if not isinstance(o, BNode) else tuple(sorted(graph.predicate_objects(o))))
        for p, o in graph.predicate_objects(subject)
        if p != DCTERMS.modified
    }


def _validate(sources: Sources, inference: str, store: Store | None) -> Report:
    own_store = store is None
    # SHACL's data graph: data + ontology, not the shapes. A store of our own holds only
    # those, and the union of its graphs is the data graph; a store given holds the shapes
    # too (see compiled_results).
    data_graph: list[str] = []
    if store is None:
        store = embedded_store()
        load_into(store, _data_graph_of(sources))
    else:
        data_graph = [graph_name(f.relpath) for f in sources.of_role("ontology", "data")]
    try:
        shapecheck.check_shapes(sources.of_role("shapes"))
        shapes = sources.graph("shapes")
        ontology = sources.graph("ontology")
        checks = compiled_checks(sources, store, data_graph) if inference == "none" else None
        # the integrity checks and the count are store queries too: they run alongside
        with ThreadPoolExecutor(3) as pool:
            integrity = pool.submit(lambda: list(integrity_findings(store, ontology)))
            triples = pool.submit(count_triples, store)
            # against the record of what was published (located there already)
            recorded = pool.submit(lambda: list(published.findings(sources, store)))
            if checks is None:
                data_and_ontology = sources.graph("data") + ontology
                findings = list(shacl_findings(data_and_ontology, shapes, inference, sources))
            else:
                results = compiled_results(checks, sources, store, bool(data_graph))
                findings = [finding_of(result, shapes) for result in results]
            findings.extend(integrity.result())
            located = tuple(locate(editorial(findings, sources, store), sources, store))
            located += tuple(Finding(**f) for f in recorded.result())
            labels = labels_of(store, sorted({f.focus for f in located}))
            triples = triples.result()
    finally:
        if own_store:
            store.close()
    return Report(
        findings=located,
        inference=inference,
        triples=triples,
        files=len(sources.files),
        labels=labels,
    )


def _data_graph_of(sources: Sources) -> Sources:
    """The sources of SHACL's data graph: ontology and data, without the shapes."""
    return replace(sources, files=sources.of_role("ontology", "data"))


def compiled_results(
    checks: list[shacl.Check], sources: Sources, store: Store, holds_shapes: bool
) -> list[shacl.Result]:
    """The results of the compiled checks on the data graph. A store that holds the shapes
    too (the one `lerld serve` publishes) would answer them only on a list of its named
    graphs, which Oxigraph evaluates ten times slower than its union (80 s against 8 s at a
    million triples): the checks then run in a store of the data graph alone (3 s to load).
    Checks that read the shapes graph ($shapesGraph) run in a store of the data graph and
    the shapes graph (shacl.SHAPES_GRAPH), the data graph named."""
    reads_shapes = any(c.shapes_graph for c in checks)
    if not holds_shapes and not reads_shapes:
        return list(shacl.run(checks, store))
    data = _data_graph_of(sources)
    data_store = embedded_store()
    try:
        if not reads_shapes:
            load_into(data_store, data)
            return list(shacl.run(checks, data_store))
        shapes = shacl.shapes_graph_data(sources.graph("shapes"))
        data_store.replace([*source_files.graph_data(data), shapes])
        return list(shacl.run(checks, data_store, [graph_name(f.relpath) for f in data.files]))
    finally:
        data_store.close()


class ReportCache:
    """Reports of sources already validated, on disk, keyed by a hash of everything the
    report depends on: every source file (path and bytes, so ontology and shapes too), the
    record of published IRIs, the inference mode, and the code and libraries that validate.
    A million unchanged triples are not validated twice; one changed byte anywhere validates
    everything again.

    The directory is $LERLD_CACHE_DIR, else $XDG_CACHE_HOME/lerld/validation (default
    ~/.cache/lerld/validation), outside the project; LERLD_CACHE_DIR=off turns it off.
    """

    def __init__(self, directory: Path | None) -> None:
        self.directory = directory

    @classmethod
    def from_environment(cls) -> ReportCache:
        configured = os.environ.get("LERLD_CACHE_DIR")
        if configured == "off":
            return cls(None)
        if configured:
            return cls(Path(configured))
        base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
        return cls(Path(base) / "lerld" / "validation")

    def key(self, sources: Sources, inference: str) -> str:
        digest = hashlib.sha256()
        for module in (
            __file__,
            shacl.__file__,
            shapecheck.__file__,
            source_files.__file__,
            releases.__file__,
            published.__file__,
        ):
            digest.update(Path(module).read_bytes())
        # today's date too: a date in the future is one no longer, some day
        digest.update(f"{pyshacl.__version__}\0{inference}\0{date.today()}\0".encode())
        for f in sources.files:
            digest.update(f"{f.relpath}\0{len(f.text)}\0".encode())
            digest.update(f.text.encode("utf-8"))
        # the record of what was published, which validation compares the data with
        record = published.record_path(sources.root)
        digest.update(record.read_bytes() if record.is_file() else b"\0no record")
        return digest.hexdigest()

    def get(self, key: str) -> Report | None:
        if self.directory is None:
            return None
        try:
            document = json.loads((self.directory / f"{key}.json").read_text("utf-8"))
            return Report(
                findings=tuple(Finding(**f) for f in document["findings"]),
                inference=document["inference"],
                triples=document["triples"],
                files=document["files"],
                labels=document["labels"],
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None

    def put(self, key: str, report: Report) -> None:
        if self.directory is None:
            return
        document = {**asdict(report), "findings": [asdict(f) for f in report.findings]}
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            partial = self.directory / f".{key}.{os.getpid()}.tmp"
            partial.write_text(json.dumps(document, ensure_ascii=False), "utf-8")
            partial.replace(self.directory / f"{key}.json")
        except OSError:
            return  # a cache that cannot be written only costs time


def compiled_checks(
    sources: Sources, store: Store, data_graph: list[str]
) -> list[shacl.Check] | None:
    """The shapes as SPARQL checks of the data graph (the named graphs `data_graph` of the
    store), or None when the compiled engine cannot validate them exactly as SHACL says
    (shacl.Unsupported): pyshacl validates instead."""
    try:
        shacl.check_literals(f.text for f in sources.of_role("ontology", "data"))
        hierarchy = shacl.class_hierarchy(store, data_graph)
        return shacl.compile_shapes(sources.graph("shapes"), hierarchy)
    except shacl.Unsupported:
        return None


def finding_of(result: shacl.Result, shapes: Graph) -> Finding:
    return Finding(
        severity=shorten(str(result.severity)).removeprefix("sh:"),
        focus=str(result.focus),
        message=result.message,
        constraint=result.constraint,
        path=_render_path(shapes, result.path) if result.path is not None else None,
        value=_render_value(result.value) if result.value is not None else None,
    )


def shacl_findings(
    data: Graph, shapes: Graph, inference: str, sources: Sources
) -> Iterator[Finding]:
    try:
        _, results, _ = pyshacl.validate(
            data,
            shacl_graph=shacl.drop_flags_off(shapes),
            inference=inference,
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
        )
    except NotImplementedError as e:  # pyshacl's answer to $shapesGraph
        shapes_files = ", ".join(f.relpath for f in sources.of_role("shapes"))
        raise SourceError(
            shapes_files,
            None,
            "the shapes use a SPARQL feature lerld validates only without inference and "
            f"with shapes it compiles (pyshacl, which validates the others, says: {e})",
        ) from e
    except ReportableRuntimeError as e:
        shapes_files = ", ".join(f.relpath for f in sources.of_role("shapes"))
        raise SourceError(shapes_files, None, f"the shapes cannot be used: {e.message}") from e
    # the report's results (pyshacl also types the nested sh:detail results as results)
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        yield Finding(
            severity=shorten(str(results.value(result, SH.resultSeverity))).removeprefix("sh:"),
            focus=str(focus),
            message=str(results.value(result, SH.resultMessage) or "does not conform"),
            constraint=shorten(str(results.value(result, SH.sourceConstraintComponent))),
            path=_render_path(results, path) if path is not None else None,
            value=_render_value(value) if value is not None else None,
        )


def _render_path(graph: Graph, path) -> str:
    if isinstance(path, URIRef):
        return shorten(str(path))
    inverse = graph.value(path, SH.inversePath)
    if inverse is not None:
        return "^" + _render_path(graph, inverse)
    alternatives = graph.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_render_path(graph, p) for p in Collection(graph, alternatives))
    return "(complex path)"


def _render_value(value) -> str:
    if isinstance(value, Literal):
        text = str(value)
        shown = text if len(text) <= 80 else text[:77] + "..."
        tag = (
            f"@{value.language}"
            if value.language
            else (f"^^{shorten(str(value.datatype))}" if value.datatype else "")
        )
        return f'"{shown}"{tag}'
    if isinstance(value, BNode):
        return "(blank node)"
    return shorten(str(value))


def _in_data(var: str) -> str:
    return IN_DATA.replace("?g", var)


def _values(name: str, nodes) -> str:
    return f"VALUES {name} {{ {' '.join(URIRef(n).n3() for n in nodes)} }}"


def _batches(items: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def count_triples(store: Store) -> int:
    """Triples of data + ontology (a triple in two files counts once)."""
    rows = store.select(
        "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { "
        f"GRAPH ?g {{ ?s ?p ?o }} {IN_DATA_OR_ONTOLOGY} }} }}"
    )
    return int(rows[0]["n"])


def labels_of(store: Store, nodes: list[str]) -> dict[str, str]:
    """The label of each node, as the data gives it (LABEL_PREDICATES in order)."""
    iris = [n for n in nodes if "://" in n]
    rows = []
    for batch in _batches(iris):
        rows += store.select(
            f"SELECT ?s ?p ?label WHERE {{ {_values('?s', batch)} "
            f"GRAPH ?g {{ ?s ?p ?label }} FILTER(?p IN ({', '.join(p.n3() for p in LABEL_PREDICATES)})) "
            f"{IN_DATA} }}"
        )
    return _best_labels(rows)


def _best_labels(rows: list) -> dict[str, str]:
    rank = {p: i for i, p in enumerate(LABEL_PREDICATES)}
    best: dict[str, tuple[int, str]] = {}
    for row in rows:
        s, key = str(row["s"]), (rank[row["p"]], str(row["label"]))
        if s not in best or key[0] < best[s][0]:
            best[s] = key
    return {s: label for s, (_, label) in best.items()}


def integrity_findings(store: Store, ontology: Graph) -> Iterator[Finding]:
    """Checks across entities: undefined terms, untyped subjects, dangling links, duplicates."""
    yield from undefined_terms(store, ontology)
    yield from untyped_subjects(store)
    yield from dangling_links(store)
    yield from duplicate_labels(store, ontology)
    # one scan of every triple for the checks of single terms (each its own was a scan)
    terms = store.select(_term_scan())
    data = [row for row in terms if str(row["g"]).startswith(graph_name("data/"))]
    yield from unpublishable_terms(terms)
    yield from markup_in_text(data)
    yield from future_dates(data)
    yield from duplicate_positions(store)
    yield from releases.deprecated_uses(store, ontology)


def _term_scan() -> str:
    """The triples of data and ontology (with their graph ?g) that a check of single terms
    may report: a long literal, a literal with markup, a file: IRI, a future dcterms:modified
    (the date of today is in the query: built when validation runs)."""
    limit = (date.today() + timedelta(days=FUTURE_SLACK_DAYS)).isoformat()
    return (
        "SELECT DISTINCT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } "
        f"{IN_DATA_OR_ONTOLOGY} FILTER("
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


# Markup in text: a tag (<p>, </a>, <br/>) or an HTML entity (&amp; &#8217;). Pages escape
# text, so readers would see the raw markup.
MARKUP = r"<[A-Za-z/!][^<>]*>|&([A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);"


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
            f"plain text): write {_render_value(Literal(cleaned))} instead",
            "integrity:markup",
            path=shorten(str(row["p"])),
            value=_render_value(row["o"]),
        )


# A date this many days ahead of the validating machine's clock is in the future (one day
# of slack: an editor a time zone ahead of the server is already on the next day).
FUTURE_SLACK_DAYS = 1


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
            value=_render_value(row["m"]),
        )


# The lists whose items carry a ler:position, and what makes two items part of one list:
# the resources of one category, the work streams of one group in one stage... rdf:type
# stands for the class the item is written with (business and social cases are two lists).
POSITION_LISTS: dict[URIRef, tuple[URIRef, ...]] = {
    LER.Resource: (LER.category,),
    LER.WorkStream: (LER.stakeholderGroup, LER.stage),
    LER.Recommendation: (LER.stakeholderGroup, LER.actionArea),
    LER.ValueProposition: (LER.stakeholderGroup, RDF.type),
    LER.TermSense: (LER.senseOf,),
    LER.InteroperabilityPrinciple: (LER.principleOf,),
    LER.Advantage: (LER.advantageOf,),
    LER.ScenarioStep: (LER.stepOf,),
    LER.StakeholderGroup: (),
    LER.LifecycleStage: (),
    LER.ActionArea: (),
    LER.ResourceCategory: (),
    LER.LERRole: (),
}


def duplicate_positions(store: Store) -> Iterator[Finding]:
    """Two items of one list at the same ler:position: the order of the list is lost."""
    for cls, keys in POSITION_LISTS.items():
        patterns = " ".join(
            f"?s {'a' if key == RDF.type else key.n3()} ?k{i} ." for i, key in enumerate(keys)
        )
        columns = " ".join(f"?k{i}" for i in range(len(keys)))
        items = (
            f"?s a ?t . ?t {RDFS.subClassOf.n3()}* {cls.n3()} . "
            f"?s {LER.position.n3()} ?position . {patterns}"
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
                    f"has ler:position {position}, as {others} in the same list "
                    f"({within}): give each item of a list its own position",
                    "integrity:duplicate-position",
                    path="ler:position",
                    value=_render_value(Literal(int(position))),
                )


# The longest literal the data may hold, in characters: a longer one is a file pasted by
# mistake, and every page and document that shows it would carry it.
MAX_LITERAL_LENGTH = 100_000


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
    defined = {s for s in ontology.subjects() if isinstance(s, URIRef)}
    in_ler = f'FILTER(STRSTARTS(STR(?term), "{LER}"))'
    for what, pattern in (("property", "?s ?term ?o"), ("class", f"?s {RDF.type.n3()} ?term")):
        rows = store.select(
            f"SELECT DISTINCT ?term WHERE {{ GRAPH ?g {{ {pattern} }} {in_ler} {IN_DATA} }}"
        )
        unknown = [row["term"] for row in rows if row["term"] not in defined]
        if not unknown:
            continue
        users = store.select(
            f"SELECT DISTINCT ?s ?term WHERE {{ {_values('?term', unknown)} "
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
    rows = store.select(
        "SELECT ?s WHERE { { SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
        f"FILTER(isIRI(?s)) {IN_DATA} }} }} "
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?s a ?type }} {_in_data('?h')} }} }}"
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
        f"FILTER NOT EXISTS {{ GRAPH ?h {{ ?o ?p2 ?o2 }} {_in_data('?h')} }} }}"
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
    kind_of = _named_kinds(ontology)
    # the named things and their labels, in the order of LABEL_PREDICATES (the data is the
    # only source that types things with these classes; the union graph is fastest)
    optionals = " ".join(
        f"OPTIONAL {{ ?s {p.n3()} ?l{i} }}" for i, p in enumerate(LABEL_PREDICATES)
    )
    first = ", ".join(f"?l{i}" for i in range(len(LABEL_PREDICATES)))
    typed = store.select(
        f"SELECT ?s ?t ?label WHERE {{ ?s a ?t {_values('?t', kind_of)} {optionals} "
        f"BIND(COALESCE({first}) AS ?label) FILTER(BOUND(?label)) }}"
    )
    labels: dict[str, str] = {}
    for row in typed:
        labels.setdefault(str(row["s"]), str(row["label"]))
    groups: dict[tuple, set] = defaultdict(set)
    for row in typed:
        label = labels.get(str(row["s"]))
        if label:
            groups[(kind_of[row["t"]], " ".join(label.casefold().split()))].add(row["s"])
    for (kind, _label), nodes in groups.items():
        if len(nodes) > 1:
            for node in sorted(nodes):
                others = ", ".join(shorten(str(n)) for n in sorted(nodes) if n != node)
                yield Finding(
                    "Violation",
                    str(node),
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


def locate(findings: list[Finding], sources: Sources, store: Store) -> Iterator[Finding]:
    """Each finding with the first data or ontology file (and line) describing its focus."""
    order = {graph_name(f.relpath): f for f in sources.files if f.role in ("data", "ontology")}
    rank = {name: i for i, name in enumerate(order)}
    first: dict[str, str] = {}
    foci = sorted({f.focus for f in findings if "://" in f.focus})
    for batch in _batches(foci):
        rows = store.select(
            f"SELECT DISTINCT ?s ?g WHERE {{ {_values('?s', batch)} GRAPH ?g {{ ?s ?p ?o }} }}"
        )
        for row in rows:
            s, g = str(row["s"]), str(row["g"])
            if g in rank and (s not in first or rank[g] < rank[first[s]]):
                first[s] = g
    for finding in findings:
        described_in = order.get(first.get(finding.focus, ""))
        if described_in is None or finding.file:
            yield finding
        else:
            line = described_in.line_of(finding.focus)
            if finding.value:  # the line that writes the value at fault, when it can be found
                line = (
                    described_in.line_of_value(
                        finding.focus, value_forms(finding.value, described_in)
                    )
                    or line
                )
            yield Finding(**{**asdict(finding), "file": described_in.relpath, "line": line})


def value_forms(value: str, source: source_files.SourceFile) -> list[str]:
    """How a finding's value (as `_render_value` shows it) can be written in a file."""
    literal = re.match(r'"(.*)"(@[\w-]+|\^\^\S+)?$', value, re.S)
    if literal:
        text, tag = literal.groups()
        if text.endswith("...") and len(text) == 80:  # shortened: its start
            return ['"' + text[:40]]
        # a number may be written without quotes (ler:position 3)
        bare = [text] if tag in ("^^xsd:integer", "^^xsd:decimal", "^^xsd:boolean") else []
        return [f'"{text}"', *bare]
    iri = unshorten(value)
    return source.forms_of(iri) if iri else []


def unshorten(short: str) -> str | None:
    """The IRI of a short form made by `shorten` (kind/slug, prefix:local or <iri>)."""
    if short.startswith("<") and short.endswith(">"):
        return short[1:-1]
    if is_entity_path(short):
        return ENTITY_BASE + short
    prefix, colon, local = short.partition(":")
    return PREFIXES[prefix] + local if colon and prefix in PREFIXES else None


# --- one finding per mistake, with its fix ------------------------------------------------

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
