"""`lerld ingest`: what real Open Badges 3.0 / CLR 2.0 / Verifiable Credential documents say
about the LER ecosystem, added to the published graph as a source file of its own, with
provenance.

For a batch of documents:

1. each JSON-LD document is read with pyld and an offline loader over the contexts in
   src/lerld/contexts/: a document that names another remote context is rejected, naming
   it; nothing is ever fetched;
2. only its default graph is kept (the VC data model puts the proof in a graph of its own),
   every credential subject becomes a blank node of its own (its id names the learner, and
   a CLR and the credentials it bundles share it), and its nodes are renamed apart, so that
   one OWL RL closure (owlrl) of the whole batch with the LER vocabulary and its alignment
   classifies every document on its own;
3. ingest.rq selects what the closure says in LER terms: the document is a
   ler:VerifiableLER, its issuer a ler:LERIssuer (and its parent organization), its
   ler:achievement(s) (name, type), the credentials it bundles (ler:includesCredential: a
   CLR 2.0) and dates. No code here names an Open Badges or CLR type: ontology/alignment.ttl
   decides what is an LER, an achievement, an alignment. The fields of what the axioms
   found are then read where the standards put them: an alignment's target
   (ingest-alignments.rq), a CLR association's type, source and target
   (ingest-associations.rq), an endorsement's issuer and date (ingest-endorsements.rq).
   The credential subject (the person), the proof and the credential's own name (issuers
   often put the holder's name in it) are never selected: a record is named after its
   achievements;
4. each issuer (parent organization, endorser) is matched to a ler:Organization by name,
   or becomes a new one, with its DIDs as dcterms:identifier. An issuer that gives no name
   is matched by its DID when exactly one organization has it; otherwise (no organization,
   or several: test and hosted issuers share DIDs) it becomes an organization of its own,
   labelled "Issuer <DID>": a registry keeps the credential and says what it knows;
5. the records (credential/<hash>, achievement/<hash>, competency/<hash>,
   competency-framework/<slug>, endorsement/<hash>: equal content, equal IRI) are merged
   with what earlier runs wrote, the project is validated with them, and only then the
   Turtle file (data/ingested/credentials.ttl by default) is written.

The steps are modules: documents.py (1, 2), classify.py (3), issuers.py (4), records.py (5);
this module runs them over a batch.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from rdflib import RDFS, XSD, Graph, Literal, URIRef

from lerld.core.errors import InvalidData, LerldError, RejectedDocument
from lerld.core.files import write_whole
from lerld.core.settings import Settings
from lerld.core.terms import LER
from lerld.project.sources import SourceFile, Sources, load_sources
from lerld.project.validation import validate
from lerld.project.validation.report import Report
from lerld.tools.ingest.classify import Claim, asserted_types, closure, said
from lerld.tools.ingest.documents import (
    Parsed,
    known_contexts,
    parse_document,
    read_document,
)
from lerld.tools.ingest.issuers import Issuers
from lerld.tools.ingest.records import DocumentWriter, merged, to_turtle

DEFAULT_OUTPUT = "data/ingested/credentials.ttl"


@dataclass(frozen=True)
class Outcome:
    """What became of one input document."""

    path: str
    reason: str | None = None  # None: ingested
    message: str = ""
    record: str | None = None

    @property
    def ingested(self) -> bool:
        return self.reason is None


@dataclass(frozen=True)
class IngestResult:
    """The outcome of every document, and the Turtle written (with its validation report)."""

    outcomes: tuple[Outcome, ...]
    output: Path
    turtle: str = field(repr=False)
    report: Report = field(repr=False)

    @property
    def ingested(self) -> int:
        return sum(1 for o in self.outcomes if o.ingested)

    @property
    def rejected(self) -> tuple[Outcome, ...]:
        return tuple(o for o in self.outcomes if not o.ingested)

    @property
    def records(self) -> int:
        return len({o.record for o in self.outcomes if o.record})

    def reasons(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for o in self.rejected:
            counts[o.reason or ""] = counts.get(o.reason or "", 0) + 1
        return dict(sorted(counts.items()))


class BadOutput(LerldError):
    """The output file named is not a Turtle file under data/."""


def _nameless(claim: Claim | None) -> bool:
    return claim is None or claim.issuer_name is None


def ingest(
    settings: Settings,
    paths: Sequence[Path],
    output: str = DEFAULT_OUTPUT,
    day: date | None = None,
    write: bool = True,
) -> IngestResult:
    """Ingest the documents at `paths` into the project's `output` file (under data/).

    Documents that cannot be used are rejected with a reason; the others become records.
    Raises InvalidData (and writes nothing) if the project would not validate with them."""
    if not output.startswith("data/") or not output.endswith(".ttl"):
        raise BadOutput(f"the output must be a .ttl file under data/: {output}")
    day_literal = Literal((day or date.today()).isoformat(), datatype=XSD.date)
    sources = load_sources(settings)
    contexts = known_contexts()
    outcomes: dict[int, Outcome] = {}
    parsed: dict[int, Parsed] = {}
    for number, path in enumerate(paths):
        try:
            parsed[number] = parse_document(read_document(path), contexts, number)
        except RejectedDocument as e:
            outcomes[number] = Outcome(str(path), e.reason, str(e))
    ontology = sources.graph("ontology")
    closed = closure(ontology, (p.graph for p in parsed.values()))
    found = said(closed, list(parsed.values()))
    # data, not code: the association types the vocabulary names (ler:isParentOf, ...)
    relations = {
        str(p)[len(str(LER)) :]: p
        for p in ontology.subjects(RDFS.subPropertyOf, LER.associatedAchievement)
    }

    previous_file = sources.file(output)
    previous = previous_file.graph if previous_file else Graph()
    data = Graph()
    for f in sources.of_role("data"):
        data += f.graph
    issuers = Issuers.known(data, settings.base_uri)
    named = {s for s in previous.subjects(RDFS.label, None) if isinstance(s, URIRef)}
    new = Graph()
    # named issuers first, so that a nameless one can be matched by a DID they revealed
    for number in sorted(parsed, key=lambda n: _nameless(found.claims.get(parsed[n].root))):
        p = parsed[number]
        if p.root not in found.claims:
            types = ", ".join(sorted(str(t) for t in asserted_types(p, p.root))) or "none"
            outcomes[number] = Outcome(
                str(paths[number]),
                "not-an-ler",
                f"the alignment does not classify it as a ler:VerifiableLER (its types: {types})",
            )
            continue
        writer = DocumentWriter(found, issuers, relations, settings.base_uri, day_literal, named)
        try:
            record = writer.write(p.root)
        except RejectedDocument as e:
            outcomes[number] = Outcome(str(paths[number]), e.reason, str(e))
            continue
        new += writer.graph
        outcomes[number] = Outcome(str(paths[number]), record=str(record), message=str(record))
    turtle = to_turtle(merged(previous, new, day_literal))
    report = validate(with_file(sources, settings.root / output, output, turtle))
    if not report.conforms:
        raise InvalidData(report)
    target = settings.root / output
    if write:
        target.parent.mkdir(parents=True, exist_ok=True)
        write_whole(target, turtle.encode("utf-8"))
    return IngestResult(tuple(outcomes[n] for n in sorted(outcomes)), target, turtle, report)


def with_file(sources: Sources, path: Path, relpath: str, text: str) -> Sources:
    """The sources with one data file added or replaced."""
    files = [f for f in sources.files if f.relpath != relpath]
    files.append(SourceFile.of_text(path, relpath, "data", text))
    return Sources(root=sources.root, files=tuple(files), context=sources.context)


def document_paths(inputs: Iterable[Path]) -> list[Path]:
    """The files to ingest: each file given, and every *.json / *.jsonld file of each
    directory given, in name order."""
    found: list[Path] = []
    for path in inputs:
        if path.is_dir():
            found.extend(
                sorted(
                    p for p in path.rglob("*") if p.suffix in (".json", ".jsonld") and p.is_file()
                )
            )
        else:
            found.append(path)
    return found
