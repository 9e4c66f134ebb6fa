"""Reading the source files (ontology/, shapes/, data/) into RDF graphs.

Owns discovery, decoding and parsing. Any problem with a file becomes a
SourceError naming the file and line, so an editor can jump to it.

The ontology and the shapes are small and parsed at once with rdflib. Data files can
hold millions of triples: they are parsed by the store they are loaded into
(`load_into`, Oxigraph's bulk loader), and with rdflib only when a caller asks for a
file's `graph`. Either way a syntax error reads the same, FILE:LINE: rdflib's message.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph
from rdflib.plugins.parsers.notation3 import BadSyntax

from lerld.errors import SourceError
from lerld.settings import Settings
from lerld.stores import GraphData, Store
from lerld.terms import DEFAULT_BASE_URI

ROLES = ("ontology", "shapes", "data")
# Roles parsed with rdflib as soon as they are read (small files the validator needs).
EAGER_ROLES = ("ontology", "shapes")
SOURCE_GRAPH_BASE = DEFAULT_BASE_URI + "source/"
CONTEXT_FILE = "ontology/context.jsonld"
# Source files are Turtle (N-Triples is a subset of it); other files are not sources.
SOURCE_SUFFIXES = {".ttl": "turtle", ".nt": "nt"}
# The media type a store parses each kind of source file as.
SOURCE_MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples"}

_PREFIX_DECLARATION = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M
)


@dataclass(frozen=True)
class SourceFile:
    """One source file: its text, and its rdflib graph on demand."""

    path: Path
    relpath: str
    role: str
    text: str = field(repr=False)

    @cached_property
    def graph(self) -> Graph:
        """The file parsed with rdflib (raises SourceError at the line of a syntax error)."""
        return parse(self.path, self.text, display=self.relpath)

    @cached_property
    def _subject_forms(self) -> dict[str, str]:
        return {ns: prefix or "" for prefix, ns in _PREFIX_DECLARATION.findall(self.text)}

    @cached_property
    def _lines(self) -> list[str]:
        return self.text.splitlines()

    @cached_property
    def _statement_starts(self) -> dict[str, int]:
        """The first token of each line, mapped to the first line it starts (one pass)."""
        starts: dict[str, int] = {}
        for n, line in enumerate(self._lines, 1):
            token = line.strip().split(" ", 1)[0]
            if token:
                starts.setdefault(token, n)
        return starts

    def line_of(self, iri: str) -> int | None:
        """The line where this file starts describing `iri` (or first mentions it)."""
        forms = [f"<{iri}>"] + [
            f"{prefix}:{iri[len(ns) :]}"
            for ns, prefix in self._subject_forms.items()
            if ns and iri.startswith(ns) and iri != ns
        ]
        described = [self._statement_starts[f] for f in forms if f in self._statement_starts]
        if described:
            return min(described)
        return next(
            (n for n, line in enumerate(self._lines, 1) if any(f in line for f in forms)), None
        )


@dataclass(frozen=True)
class Sources:
    """Every source file of a project, parsed, in a stable order."""

    root: Path
    files: tuple[SourceFile, ...]
    context: dict = field(repr=False, default_factory=dict)

    def graph(self, *roles: str) -> Graph:
        """The union of the files with the given roles, as one new graph."""
        union = Graph()
        for f in self.files:
            if f.role in roles:
                for prefix, ns in f.graph.namespaces():
                    union.bind(prefix, ns, override=False)
                union += f.graph
        return union

    def of_role(self, *roles: str) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.role in roles)

    def file(self, relpath: str) -> SourceFile | None:
        return next((f for f in self.files if f.relpath == relpath), None)


def discover(settings: Settings) -> list[tuple[str, Path]]:
    """(role, path) of every source file, in a stable order."""
    found = []
    for role in ROLES:
        directory = settings.root / role
        if not directory.is_dir():
            raise SourceError(directory, None, f"the {role} directory does not exist")
        paths = sorted(
            p
            for p in directory.rglob("*")
            if p.suffix in SOURCE_SUFFIXES
            and p.is_file()
            and not any(part.startswith(".") for part in p.relative_to(directory).parts)
        )
        if not paths:
            raise SourceError(directory, None, f"no source files (*.ttl) in the {role} directory")
        found.extend((role, p) for p in paths)
    return found


def decode(path: Path, raw: bytes) -> str:
    """Source files are UTF-8; anything else is reported at the line it occurs."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SourceError(
            path, line, f"invalid UTF-8 (byte 0x{raw[e.start]:02x}): files must be UTF-8"
        ) from e


def parse(path: Path, text: str, display: str | None = None) -> Graph:
    """Parse one source file; syntax errors become SourceError with the line number."""
    graph = Graph()
    shown = display or str(path)
    try:
        graph.parse(
            data=text, format=SOURCE_SUFFIXES[path.suffix], publicID=path.resolve().as_uri()
        )
    except BadSyntax as e:
        hint = _format_hint(path, text)
        raise SourceError(shown, e.lines + 1, f"syntax error: {e._why}{hint}") from e
    except Exception as e:  # rdflib raises many kinds for malformed terms (bad IRIs, literals)
        hint = _format_hint(path, text)
        raise SourceError(shown, _line_in_message(str(e)), f"cannot parse: {e}{hint}") from e
    return graph


def _format_hint(path: Path, text: str) -> str:
    """What a file that does not parse looks like instead, when it is another format."""
    head = re.sub(r"\A(?:[ \t]*(?:#[^\n]*)?\n)*", "", text[:2000]).lstrip()  # after comments
    if head.startswith(("{", "[")):
        found = "JSON (JSON-LD?)"
    elif re.match(r"<\?xml|<rdf:RDF", head, re.I):
        found = "XML (RDF/XML?)"
    elif re.match(r"<!doctype html|<html", head, re.I):
        found = "HTML"
    elif path.suffix == ".nt" and _PREFIX_DECLARATION.search(text):
        found = "Turtle"
    else:
        return ""
    expected = "Turtle" if path.suffix == ".ttl" else "N-Triples"
    return f" (the file looks like {found}, but a {path.suffix} file must be {expected})"


def _line_in_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def load_sources(settings: Settings) -> Sources:
    """Read and decode every source file of the project; parse the ontology and shapes."""
    root = settings.root.resolve()
    files = []
    for role, path in discover(settings):
        relpath = path.resolve().relative_to(root).as_posix()
        text = decode(Path(relpath), path.read_bytes())
        source = SourceFile(path=path, relpath=relpath, role=role, text=text)
        if role in EAGER_ROLES:
            source.graph  # noqa: B018 -- parse now: syntax errors surface in file order
        files.append(source)
    return Sources(root=root, files=tuple(files), context=load_context(root))


def graph_name(relpath: str) -> str:
    """The named graph that holds one source file: .../source/<path in the project>."""
    return SOURCE_GRAPH_BASE + relpath


def source_of(graph: str) -> str | None:
    """The project path of the source file a named graph holds."""
    return graph[len(SOURCE_GRAPH_BASE) :] if graph.startswith(SOURCE_GRAPH_BASE) else None


def graph_data(sources: Sources) -> list[GraphData]:
    """Every source file as the content of its named graph."""
    return [
        GraphData(
            name=graph_name(f.relpath),
            data=f.text.encode("utf-8"),
            media_type=SOURCE_MEDIA_TYPES[f.path.suffix],
            base_iri=f.path.resolve().as_uri(),
        )
        for f in sources.files
    ]


def load_into(store: Store, sources: Sources) -> None:
    """Replace the store's content with the sources, one named graph per file.

    The store parses the files (fast at any size); when it rejects one, the file is parsed
    with rdflib too, so the error reads FILE:LINE: rdflib's message, as for the ontology.
    """
    try:
        store.replace(graph_data(sources))
    except SourceError as e:
        failed = sources.file(source_of(e.path) or "")
        if failed is None:
            raise
        try:
            failed.graph  # noqa: B018 -- rdflib's SourceError if rdflib rejects it too
        except SourceError as reparsed:
            lines = failed.text.count("\n") + 1
            if e.line and not (reparsed.line and reparsed.line <= lines):
                # rdflib did not say where, or said past the end: the store did
                raise SourceError(reparsed.path, e.line, reparsed.message) from e
            raise
        raise SourceError(failed.relpath, e.line, e.message) from e


def load_context(root: Path) -> dict:
    """The JSON-LD context document that ontology/context.jsonld holds."""
    path = root / CONTEXT_FILE
    if not path.is_file():
        raise SourceError(CONTEXT_FILE, None, "the JSON-LD context file does not exist")
    try:
        document = json.loads(decode(Path(CONTEXT_FILE), path.read_bytes()))
    except json.JSONDecodeError as e:
        raise SourceError(CONTEXT_FILE, e.lineno, f"invalid JSON: {e.msg}") from e
    if not isinstance(document, dict) or not isinstance(document.get("@context"), dict):
        raise SourceError(CONTEXT_FILE, 1, 'a context document is {"@context": {...}}')
    return document
