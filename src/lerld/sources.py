"""Reading the source files (ontology/, shapes/, data/) into RDF graphs.

Owns discovery, decoding and parsing. Any problem with a file becomes a
SourceError naming the file and line, so an editor can jump to it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from lerld.errors import SourceError
from lerld.settings import Settings

ROLES = ("ontology", "shapes", "data")
CONTEXT_FILE = "ontology/context.jsonld"
# Source files are Turtle (N-Triples is a subset of it); other files are not sources.
SOURCE_SUFFIXES = {".ttl": "turtle", ".nt": "nt"}

_PREFIX_DECLARATION = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M
)


@dataclass(frozen=True)
class SourceFile:
    """One parsed source file."""

    path: Path
    relpath: str
    role: str
    text: str = field(repr=False)
    graph: Graph = field(repr=False)

    @cached_property
    def _subject_forms(self) -> dict[str, str]:
        return {ns: prefix or "" for prefix, ns in _PREFIX_DECLARATION.findall(self.text)}

    def line_of(self, iri: str) -> int | None:
        """The line where this file starts describing `iri` (or first mentions it)."""
        forms = [f"<{iri}>"] + [
            f"{prefix}:{iri[len(ns) :]}"
            for ns, prefix in self._subject_forms.items()
            if ns and iri.startswith(ns) and iri != ns
        ]
        lines = self.text.splitlines()

        def first(matches) -> int | None:
            return next((n for n, line in enumerate(lines, 1) if matches(line.strip())), None)

        return first(
            lambda line: any(line == f or line.startswith(f + " ") for f in forms)
        ) or first(lambda line: any(f in line for f in forms))


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

    def of_role(self, role: str) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.role == role)

    def file_describing(self, iri: str, roles: tuple[str, ...] = ROLES) -> SourceFile | None:
        """The first file in which `iri` is a subject."""
        node = URIRef(iri)
        for f in self.files:
            if f.role in roles and (node, None, None) in f.graph:
                return f
        return None


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
        raise SourceError(shown, e.lines + 1, f"syntax error: {e._why}") from e
    except Exception as e:  # rdflib raises many kinds for malformed terms (bad IRIs, literals)
        raise SourceError(shown, _line_in_message(str(e)), f"cannot parse: {e}") from e
    return graph


def _line_in_message(message: str) -> int | None:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else None


def load_sources(settings: Settings) -> Sources:
    """Read, decode and parse every source file of the project."""
    root = settings.root.resolve()
    files = []
    for role, path in discover(settings):
        relpath = path.resolve().relative_to(root).as_posix()
        text = decode(Path(relpath), path.read_bytes())
        graph = parse(path, text, display=relpath)
        files.append(SourceFile(path=path, relpath=relpath, role=role, text=text, graph=graph))
    return Sources(root=root, files=tuple(files), context=load_context(root))


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
