"""Validation of the sources: SHACL (pyshacl, optional RDFS / OWL RL inference, or the
shapes compiled to SPARQL) plus the checks SHACL does not express well, gathered into one
Report. `validate` is the entry point; the package's modules each own one part:

- report:        Finding, Report, severities; how values and paths read in messages
- cache:         ReportCache, the reports of sources already validated, on disk
- engines:       the SHACL engines (compiled SPARQL or pyshacl) and the choice between them
- scan:          the source files read for the checks that need no store, beside the load
- integrity:     the checks across entities, from the scan and the store
- committed:     the check against the last commit (dcterms:modified not bumped)
- compatibility: the checks against the last release of the vocabulary
- editorial:     one finding per mistake, with its fix
- locate:        the file, line and label of each finding's entity
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace

from rdflib import URIRef

from lerld.core.memory import release_freed_memory
from lerld.core.names import label_in
from lerld.project import published, shacl, shapecheck
from lerld.project.labels import labels_of
from lerld.project.sources import (
    IN_DATA,
    Sources,
    data_graph_of,
    load_into,
    values_clause,
)
from lerld.project.validation.cache import ReportCache
from lerld.project.validation.committed import unbumped_modifications
from lerld.project.validation.compatibility import compatibility
from lerld.project.validation.editorial import editorial
from lerld.project.validation.engines import (
    compiled_checks,
    compiled_results,
    finding_of,
    shacl_findings,
)
from lerld.project.validation.integrity import integrity_checks
from lerld.project.validation.locate import locate
from lerld.project.validation.report import Finding, Report
from lerld.project.validation.scan import Scanning
from lerld.stores import Store
from lerld.stores.backends import embedded_store


def validate(sources: Sources, inference: str = "none", store: Store | None = None) -> Report:
    """SHACL-validate data + ontology against the shapes, then run the integrity checks.

    `store`, when given, is an empty store: validation loads SHACL's data graph into it
    (the ontology and data files, one named graph per file: `load_into`) and leaves it
    loaded and open, whatever the report says. Without one, validation loads a fresh
    embedded store of its own and closes it, only when the cache does not know the
    sources. Without inference the shapes run as SPARQL in the store (`shacl`);
    with inference, or shapes the compiler cannot translate, pyshacl runs over rdflib.
    The report of sources already validated comes from the cache (see `ReportCache`).
    """
    cache = ReportCache.from_environment()
    key = cache.key(sources, inference)
    report = cache.get(key)
    if report is None:
        report = _validate(sources, inference, store)
        cache.put(key, report)
    elif store is not None:
        load_into(store, data_graph_of(sources))
    # compared with git's last commit, which the cache key does not cover: checked each time
    unbumped = unbumped_modifications(sources)
    if unbumped:
        labels = dict(report.labels)
        for f in unbumped:
            described_in = sources.file(f.file or "")
            if described_in is None:
                continue  # the record's own line: the IRI is described nowhere
            labels.setdefault(f.focus, label_in(described_in.graph, URIRef(f.focus)) or "")
        report = replace(report, findings=report.findings + tuple(unbumped), labels=labels)
    # against the last release of the vocabulary: release folders are not sources (nor key)
    compatible = compatibility(sources)
    if compatible:
        report = replace(report, findings=report.findings + tuple(compatible))
    return report


def _validate(sources: Sources, inference: str, store: Store | None) -> Report:
    own_store = store is None
    if store is None:
        store = embedded_store()
    try:
        # the files are read for the checks that need no store while the store loads them
        # (in a process of its own for large sources: the load keeps one core busy)
        with Scanning(data_graph_of(sources).files) as scanning:
            load_into(store, data_graph_of(sources))
            shapecheck.check_shapes(sources.of_role("shapes"))
            shapes = sources.graph("shapes")
            ontology = sources.graph("ontology")
            scanned = scanning.found(ontology)
        checks = compiled_checks(sources, store) if inference == "none" else None
        # the integrity checks and the count are store queries too: one pool runs them and
        # then the SHACL checks, as many at once as shacl.QUERY_THREADS (the store evaluates
        # queries outside Python's lock)
        with ThreadPoolExecutor(shacl.QUERY_THREADS) as pool:
            integrity = [pool.submit(check) for check in integrity_checks(store, ontology, scanned)]
            triples = pool.submit(count_triples, store, scanned.described_twice)
            # against the record of what was published (located there already)
            recorded = pool.submit(lambda: list(published.findings(sources, store)))
            if checks is None:
                data_and_ontology = sources.graph("data") + ontology
                findings = list(shacl_findings(data_and_ontology, shapes, inference, sources))
            else:
                results = compiled_results(checks, sources, store, pool)
                findings = [finding_of(result, shapes) for result in results]
            for check in integrity:
                findings.extend(check.result())
            located = tuple(locate(editorial(findings, sources, store), sources, store))
            located += tuple(Finding(**f) for f in recorded.result())
            labels = labels_of(store, {f.focus for f in located}, within=IN_DATA)
            triples = triples.result()
    finally:
        if own_store:
            store.close()
        release_freed_memory()  # what the checks freed: a server forks its workers next
    return Report(
        findings=located,
        inference=inference,
        triples=triples,
        files=len(sources.files),
        labels=labels,
    )


def count_triples(store: Store, described_twice: list[str]) -> int:
    """Triples of SHACL's data graph, which `store` holds alone (ontology and data, one
    named graph per file), a triple in two files counted once: the statements of every
    file, less those that repeat a triple of another file. Only a subject described in two
    files can have its triples repeated (`described_twice`: the scan of the files says
    which), and few are: counting the distinct triples instead hashes every one (1.3 s at
    a million triples, 24 s at ten million, and the memory of a table of every triple);
    finding those subjects in the store grouped every subject (0.9 s at a million)."""
    stated = int(store.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }")[0]["n"])
    if not described_twice:
        return stated
    rows = store.select(
        "SELECT (SUM(?copies - 1) AS ?repeated) WHERE { "
        "{ SELECT ?s ?p ?o (COUNT(*) AS ?copies) WHERE { "
        f"{values_clause('?s', described_twice)} GRAPH ?g {{ ?s ?p ?o }} }} "
        "GROUP BY ?s ?p ?o HAVING (COUNT(*) > 1) } }"
    )
    return stated - int(rows[0].get("repeated") or 0)
