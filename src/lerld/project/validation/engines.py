"""The two SHACL engines and the choice between them.

Without inference the shapes are compiled to SPARQL (lerld.project.shacl) and run in the
store; with inference (RDFS or OWL RL, which pyshacl applies through owlrl), or shapes the
compiler cannot translate exactly, pyshacl validates over rdflib. Either way each result
becomes a Finding. The only caller of pyshacl.validate.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import Executor

import pyshacl
from pyshacl.errors import ReportableRuntimeError
from rdflib import Graph

from lerld.core.errors import SourceError
from lerld.core.terms import SH, shorten
from lerld.project import shacl
from lerld.project import sources as source_files
from lerld.project.sources import Sources, data_graph_of, graph_name
from lerld.project.validation.report import Finding, render_path, render_value
from lerld.stores import Store
from lerld.stores.backends import embedded_store


def compiled_checks(sources: Sources, store: Store) -> list[shacl.Check] | None:
    """The shapes as SPARQL checks of the data graph (the union of the graphs of `store`,
    which holds the data graph alone: `data_graph_of`), or None when the compiled engine
    cannot validate them exactly as SHACL says (shacl.Unsupported): pyshacl validates
    instead."""
    try:
        shacl.check_literals(f.text for f in sources.of_role("ontology", "data"))
        hierarchy = shacl.class_hierarchy(store)
        return shacl.compile_shapes(sources.graph("shapes"), hierarchy)
    except shacl.Unsupported:
        return None


def compiled_results(
    checks: list[shacl.Check], sources: Sources, store: Store, pool: Executor | None = None
) -> list[shacl.Result]:
    """The results of the compiled checks on the data graph: the union of the graphs of
    `store`, which holds the data graph alone (`data_graph_of`). Oxigraph evaluates the
    union ten times faster than a list of named graphs (8 s against 80 s at a million
    triples), which is why the shapes are not in that store. Checks that read the shapes
    graph ($shapesGraph) run in a store of the data graph and the shapes graph
    (shacl.SHAPES_GRAPH), the data graph named."""
    if not any(c.shapes_graph for c in checks):
        return list(shacl.run(checks, store, pool=pool))
    data = data_graph_of(sources)
    with_shapes = embedded_store()
    try:
        shapes = shacl.shapes_graph_data(sources.graph("shapes"))
        with_shapes.replace([*source_files.graph_data(data), shapes])
        named = [graph_name(f.relpath) for f in data.files]
        return list(shacl.run(checks, with_shapes, named, pool=pool))
    finally:
        with_shapes.close()


def finding_of(result: shacl.Result, shapes: Graph) -> Finding:
    """A result of the compiled engine as a finding."""
    return Finding(
        severity=shorten(str(result.severity)).removeprefix("sh:"),
        focus=str(result.focus),
        message=result.message,
        constraint=result.constraint,
        path=render_path(shapes, result.path) if result.path is not None else None,
        value=render_value(result.value) if result.value is not None else None,
    )


def shacl_findings(
    data: Graph, shapes: Graph, inference: str, sources: Sources
) -> Iterator[Finding]:
    """pyshacl's results on `data` (after `inference`: none, rdfs or owlrl) as findings."""
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
            path=render_path(results, path) if path is not None else None,
            value=render_value(value) if value is not None else None,
        )
