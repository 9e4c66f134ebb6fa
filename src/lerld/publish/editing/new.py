"""`lerld new`: a new entity's skeleton written into the data file its kind lives in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rdflib import URIRef

from lerld.core.errors import LerldError
from lerld.core.terms import (
    ENTITY_BASE,
    SH,
    shorten,
)
from lerld.project.sources import Sources
from lerld.publish.editing.guide import expand_short, guide, skeleton
from lerld.publish.editing.model import ONTOLOGY_GRAPHS, SHAPES_GRAPHS, Facts, graphs_under
from lerld.publish.editing.shapes import example_rows
from lerld.stores import Store


@dataclass(frozen=True)
class Written:
    path: str
    line: int
    iri: str


_SLUG = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")


def new_entity(
    store: Store, sources: Sources, kind_name: str, slug: str, today: date | None = None
) -> Written:
    """Append a skeleton entity of a kind to the file where that kind lives, adding the
    @prefix lines it needs; the file (project path) and the line it starts at."""
    if not _SLUG.fullmatch(slug):
        raise LerldError(
            f"the slug {slug!r} is not valid: lowercase letters and digits in words joined "
            "by single hyphens, such as velocity-network-foundation"
        )
    shapes, ontology = graphs_under(store, SHAPES_GRAPHS), graphs_under(store, ONTOLOGY_GRAPHS)
    current = guide(store)
    kind = current.kind(kind_name)
    if kind.closed:
        raise LerldError(
            f"the {kind.name.lower()}s are a closed list ({', '.join(kind.closed)}): "
            "a new one cannot be added in the data"
        )
    iri = f"{ENTITY_BASE}{kind.key}/{slug}"
    if store.ask(f"ASK {{ GRAPH ?g {{ {URIRef(iri).n3()} ?p ?o }} }}"):
        raise LerldError(f"{shorten(iri)} exists already: edit its description instead")
    shape = next(s for s in shapes.subjects(SH.targetClass, URIRef(kind.cls)))
    cls = URIRef(kind.cls)
    facts = Facts(store, ontology)
    wanted = kind_name.casefold()
    for short, _ in kind.subclasses:  # `lerld new project ...` writes the subclass, Project
        if short.split(":")[-1].casefold() == wanted:
            cls = URIRef(expand_short(short, current.prefixes))
    rows, example_class = example_rows(shapes, ontology, shape, URIRef(kind.cls))
    if cls == URIRef(kind.cls):
        cls = example_class
    target = sources.root / kind.file
    existing = target.read_text("utf-8") if target.exists() else ""
    file = sources.file(kind.file)
    declared = dict(file.prefixes) if file else {}
    # the file's own prefixes first: a namespace it binds is written its way
    prefixes = {**declared, **{p: ns for p, ns in current.prefixes.items() if p not in declared}}
    made = skeleton(kind, slug, facts, rows, cls, prefixes, today)
    missing = {p: ns for p, ns in made.prefixes.items() if declared.get(p) != ns}
    text = _with_prefixes(existing, missing).rstrip()
    text = (text + "\n\n" if text else "") + made.body
    target.parent.mkdir(parents=True, exist_ok=True)
    line = text.count("\n") - made.body.count("\n") + 1
    target.write_text(text, "utf-8")
    return Written(path=kind.file, line=line, iri=iri)


def _with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """The text with @prefix lines added after its last prefix line (or at the top)."""
    if not prefixes:
        return text
    declarations = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in sorted(prefixes.items()))
    lines = text.splitlines(keepends=True)
    last = max(
        (i for i, line in enumerate(lines) if re.match(r"\s*(@prefix|PREFIX)\s", line, re.I)),
        default=-1,
    )
    return "".join(lines[: last + 1]) + declarations + "".join(lines[last + 1 :])
