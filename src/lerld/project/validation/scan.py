"""The integrity checks that need one look at each triple of the source files and no store:
terms the vocabulary does not define, subjects without a type, links to entities no file
describes, named things with one label, the single terms no page should publish; and which
subjects two files describe (the triple count).

`Scan` reads the files' triples one after another (pyoxigraph's parser, as the store loads
them: same bytes, formats and base IRIs) and keeps what those checks need: a record per
subject, the entities linked to, the vocabulary's terms in use, the few suspicious triples.
Asked as store queries after the load, these were scans of every quad (10M triples: ~70
CPU-seconds of the cold validation's ~190); read from the files, they take one core while
the store loads on the other (`Scanning`: a process of its own for large sources).
lerld.project.validation.integrity turns what the scan found into findings.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import re
import subprocess
import sys
import threading
import traceback
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from types import TracebackType
from typing import BinaryIO

import pyoxigraph as ox
from rdflib import DCTERMS, RDF, RDFS, Graph, URIRef
from rdflib.term import Node

from lerld.core.children import leave_with_parent
from lerld.core.names import text_rank
from lerld.core.terms import ENTITY_BASE, LABEL_PREDICATES
from lerld.profile import PROFILE
from lerld.project.sources import SourceFile, contents_of, graph_name, union_of
from lerld.stores.oxigraph import quads_of, to_rdflib

# The vocabulary whose every term the data uses must be defined by the ontology.
VOCABULARY_NAMESPACE = str(PROFILE.vocabulary.namespace)

# Classes whose instances are named things: two of them with one label are one thing
# with two IRIs. (Statements such as work streams may legitimately repeat.)
NAMED_CLASSES = tuple(kind.cls for kind in PROFILE.kinds if kind.named)

# The longest literal the data may hold, in characters: a longer one is a file pasted by
# mistake, and every page and document that shows it would carry it.
MAX_LITERAL_LENGTH = 100_000

# Markup in text: a tag (<p>, </a>, <br/>) or an HTML entity (&amp; &#8217;). Pages escape
# text, so readers would see the raw markup.
MARKUP = r"<[A-Za-z/!][^<>]*>|&([A-Za-z]+|#[0-9]+|#x[0-9A-Fa-f]+);"

# A date this many days ahead of the validating machine's clock is in the future (one day
# of slack: an editor a time zone ahead of the server is already on the next day).
FUTURE_SLACK_DAYS = 1

# Sources at least this large (bytes of Turtle) are scanned in a process of their own while
# the store loads them; smaller ones in the validating process, after the load (starting
# a Python process costs ~0.5 s: the 1M-triple project is 60 MiB and loads in ~3 s).
SCAN_APART_BYTES = 16 * 2**20


def future_limit() -> str:
    """The latest dcterms:modified that is not in the future, as ISO text (today + slack)."""
    return (date.today() + timedelta(days=FUTURE_SLACK_DAYS)).isoformat()


@dataclass(frozen=True)
class Scanned:
    """What the scan of the sources found, for the integrity checks and the count.

    term_rows: the triples a check of single terms may report (a long literal, markup, a
      file: IRI, a future dcterms:modified), each as a row {g, s, p, o} of rdflib terms,
      once per file that states it;
    unknown_terms: "property" / "class" -> the vocabulary's terms the data uses and the
      ontology does not define;
    untyped: the IRIs described in data files with no rdf:type there;
    dangling: the entity-base IRIs data files link to and no data file describes;
    same_label: (named class, things of it that share one best label), one per label;
    described_twice: the IRIs two or more files (ontology or data) describe.
    """

    term_rows: list[dict[str, Node]]
    unknown_terms: dict[str, list[str]]
    untyped: list[str]
    dangling: list[str]
    same_label: list[tuple[str, list[str]]]
    described_twice: list[str]


# A subject's record: [typed in a data file, its classes (a tuple, or None), its best
# label's rank (text_rank, or None), an IRI a data file describes, the index of the one
# file that describes it (SEVERAL: more than one)]
TYPED, CLASSES, LABEL, DESCRIBED_IN_DATA, FILE = range(5)
SEVERAL = -1


class Scan:
    """What one read of the ontology and data files (SHACL's data graph, `data_graph_of`)
    keeps for the checks: `read` them, then ask what is `found` given the ontology."""

    def __init__(self) -> None:
        self.records: dict[str, list] = {}  # subject -> its record (above)
        self.linked: set[str] = set()  # entity-base IRIs data files link to
        self.properties: set[str] = set()  # the vocabulary's properties data files use
        self.classes: set[str] = set()  # the vocabulary's classes data files use
        self.term_rows: list[dict[str, Node]] = []

    def read(self, files: Sequence[SourceFile]) -> Scan:
        """Read every triple of the files (the store's parser: `quads_of`)."""
        in_data_prefix = graph_name("data/")
        markup = re.compile(MARKUP)
        limit = future_limit()
        type_, modified = str(RDF.type), str(DCTERMS.modified)
        label_predicates = {str(p) for p in LABEL_PREDICATES}
        entity_base = ENTITY_BASE
        records, linked, term_rows = self.records, self.linked, self.term_rows
        class_names: dict[str, str] = {}  # one string per class, however many instances
        Literal, NamedNode, BlankNode = ox.Literal, ox.NamedNode, ox.BlankNode
        for index, g in enumerate(contents_of(files)):
            in_data = g.name.startswith(in_data_prefix)
            for s, p, o, _ in quads_of(g):
                s_key = s.value  # an IRI, or a blank node's identifier in this file
                p_value = p.value
                record = records.get(s_key)
                if record is None:
                    record = records[s_key] = [False, None, None, False, index]
                elif record[FILE] != index:
                    record[FILE] = SEVERAL
                is_literal = type(o) is Literal
                text = o.value
                if is_literal:
                    if len(text) > MAX_LITERAL_LENGTH or (
                        ("<" in text or "&" in text) and markup.search(text)
                    ):
                        term_rows.append(_row(g.name, s, p, o))
                elif type(o) is NamedNode:
                    if text.startswith("file:"):
                        term_rows.append(_row(g.name, s, p, o))
                    elif in_data and text.startswith(entity_base):
                        linked.add(text)
                if p_value == type_:
                    if type(o) is NamedNode:
                        cls = class_names.setdefault(text, text)
                        classes = record[CLASSES]
                        record[CLASSES] = (*classes, cls) if classes else (cls,)
                        if in_data and text.startswith(VOCABULARY_NAMESPACE):
                            self.classes.add(text)
                    if in_data:
                        record[TYPED] = True
                elif p_value == modified:
                    if type(o) is not BlankNode and text > limit:
                        term_rows.append(_row(g.name, s, p, o))
                elif p_value in label_predicates:
                    rank = text_rank(p_value, o.language if is_literal else None, text)
                    if record[LABEL] is None or rank < record[LABEL]:
                        record[LABEL] = rank
                if in_data:
                    if type(s) is NamedNode:
                        record[DESCRIBED_IN_DATA] = True
                    if p_value.startswith(VOCABULARY_NAMESPACE):
                        self.properties.add(p_value)
                if s_key.startswith("file:") or p_value.startswith("file:"):
                    term_rows.append(_row(g.name, s, p, o))
        return self

    def found(self, ontology: Graph) -> Scanned:
        """What the checks report, given the ontology (the terms it defines, the classes of
        named things)."""
        defined = {str(s) for s in ontology.subjects() if isinstance(s, URIRef)}
        records = self.records
        return Scanned(
            term_rows=self.term_rows,
            unknown_terms={
                what: sorted(used - defined)
                for what, used in (("property", self.properties), ("class", self.classes))
                if used - defined
            },
            untyped=sorted(s for s, r in records.items() if r[DESCRIBED_IN_DATA] and not r[TYPED]),
            dangling=sorted(
                o for o in self.linked if not (o in records and records[o][DESCRIBED_IN_DATA])
            ),
            same_label=_same_labels(records, named_kinds(ontology)),
            described_twice=sorted(s for s, r in records.items() if r[FILE] == SEVERAL),
        )


def _row(graph: str, s, p, o) -> dict[str, Node]:
    return {"g": URIRef(graph), "s": to_rdflib(s), "p": to_rdflib(p), "o": to_rdflib(o)}


def named_kinds(ontology: Graph) -> dict[str, str]:
    """Each class mapped to the named class it falls under (itself or a superclass)."""
    kinds = {}
    for cls in set(ontology.subjects(RDF.type, None)) | set(NAMED_CLASSES):
        for ancestor in ontology.transitive_objects(cls, RDFS.subClassOf):
            if ancestor in NAMED_CLASSES:
                kinds[str(cls)] = str(ancestor)
                break
    return kinds


def _same_labels(records: dict[str, list], kinds: dict[str, str]) -> list[tuple[str, list[str]]]:
    """Things of one named class whose best labels read the same (without case or spacing)."""
    first: dict[tuple[str, str], str] = {}  # (kind, normalized label) -> the first thing
    twice: dict[tuple[str, str], list[str]] = {}
    for thing, record in records.items():
        classes, rank = record[CLASSES], record[LABEL]
        if not classes or rank is None or not rank[2]:
            continue
        named = {kinds[c] for c in classes if c in kinds}
        label = " ".join(rank[2].casefold().split())
        for kind in named:
            key = (kind, label)
            if key not in first:
                first[key] = thing
            else:
                twice.setdefault(key, [first[key]]).append(thing)
    return [(kind, sorted(things)) for (kind, _), things in sorted(twice.items())]


class Scanning:
    """A `Scan` of the files while the caller loads its store, as a context manager:
    `with Scanning(files) as scanning: load(); found = scanning.found(ontology)`.

    Large sources (SCAN_APART_BYTES) are read by a Python process of its own, started on
    entry, which takes the second core while the load takes the first, parses the ontology
    itself and answers as soon as it has (a thread of the caller's receives the answer), so
    that what it held is given back before the checks that follow the load take more. A
    new interpreter (`python -c`), neither forked (the validating process may be a server's,
    with threads whose locks a fork would copy held) nor multiprocessing's spawn (which
    imports the caller's main module again: a script without a main guard would validate
    in it). Smaller sources are read by `found`, in the caller's process. Leaving the block
    ends the process, whatever happened."""

    def __init__(self, files: Sequence[SourceFile]) -> None:
        self._files = tuple(files)
        self._process: subprocess.Popen | None = None
        self._receiving: threading.Thread | None = None
        self._answer: bytes = b""

    def __enter__(self) -> Scanning:
        if _size(self._files) < SCAN_APART_BYTES:
            return self
        try:
            process = subprocess.Popen(
                [sys.executable, "-c", _SCAN_APART],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
            )
        except OSError:  # no interpreter to start (an embedded Python): in this process
            return self
        self._process = process
        assert process.stdin is not None and process.stdout is not None
        receiving = process.stdout

        def receive() -> None:
            with receiving, contextlib.suppress(OSError):  # ended: found() says so
                self._answer = receiving.read()

        self._receiving = threading.Thread(target=receive, name="lerld-scan-answer", daemon=True)
        self._receiving.start()
        with process.stdin as sending, contextlib.suppress(OSError):  # exited early: the same
            pickle.dump(sys.path, sending)
            pickle.dump((os.getpid(), self._files), sending)
        return self

    def found(self, ontology: Graph) -> Scanned:
        """What the scan found (`Scan.found`), waiting for its process if it has one;
        `ontology`: the ontology files' graph, which the caller parsed (the process parses
        its own)."""
        if self._process is None:
            return Scan().read(self._files).found(ontology)
        assert self._receiving is not None
        self._receiving.join()
        code = self._process.wait()
        try:
            outcome, value = pickle.loads(self._answer)
        except (pickle.UnpicklingError, EOFError, ValueError):
            raise RuntimeError(
                f"the validation's scan of the sources ended (exit code {code}) without an answer"
            ) from None
        if outcome != "found":
            raise RuntimeError(f"the validation's scan of the sources failed:\n{value}")
        return value

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self._process is None:
            return
        if self._process.poll() is None:
            self._process.kill()
        self._process.wait()
        if self._receiving is not None:
            self._receiving.join()


# The scanning process: the caller's import path first (lerld may be found through it
# only), then what to scan; the answer on the standard output it had, anything printed on
# the standard error.
_SCAN_APART = """
import os, pickle, sys
path = pickle.load(sys.stdin.buffer)
asked = sys.stdin.buffer.read()  # all of it before importing: the caller waits to load
sys.path[:] = path
answer = os.fdopen(os.dup(1), "wb")
os.dup2(2, 1)
from lerld.project.validation.scan import scan_apart
with answer:
    scan_apart(*pickle.loads(asked), answer)
"""


def scan_apart(parent: int, files: Sequence[SourceFile], answer: BinaryIO) -> None:
    """What the process of `Scanning` runs: scan, and write ("found", Scanned) or
    ("failed", the traceback) pickled to `answer`."""
    leave_with_parent(parent)  # a validation whose process was killed has no one to answer
    try:
        ontology = union_of(f for f in files if f.role == "ontology")
        found: tuple = ("found", Scan().read(files).found(ontology))
    except BaseException:  # whatever it was, the validating process says it
        found = ("failed", traceback.format_exc())
    pickle.dump(found, answer)


def _size(files: Iterable[SourceFile]) -> int:
    total = 0
    for f in files:
        if f.held is not None:
            total += len(f.held)
        else:
            with contextlib.suppress(OSError):  # reading it again says what is wrong
                total += f.path.stat().st_size
    return total
