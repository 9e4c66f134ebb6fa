"""Reading the source files (ontology/, shapes/, data/) into RDF graphs.

Owns discovery, decoding and parsing. Any problem with a file becomes a
SourceError naming the file and line, so an editor can jump to it.

The ontology and the shapes are small and parsed at once with rdflib. Data files can
hold millions of triples: they are parsed by the store they are loaded into
(`load_into`, Oxigraph's bulk loader), and with rdflib only when a caller asks for a
file's `graph`. Either way a syntax error reads the same, FILE:LINE: rdflib's message.
Their texts are not held between uses: a data file is read again when it is loaded or
quoted, and must still be the bytes first read (their digest), or it is an error.
"""

from __future__ import annotations

import difflib
import hashlib
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import overload

from rdflib import Graph, Literal, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax, RDFSink, SinkParser

from lerld.core.errors import SourceError
from lerld.core.settings import Settings
from lerld.core.terms import DEFAULT_BASE_URI
from lerld.stores import GraphData, Store

ROLES = ("ontology", "shapes", "data")
# Roles parsed with rdflib as soon as they are read (small files the validator needs).
EAGER_ROLES = ("ontology", "shapes")
SOURCE_GRAPH_BASE = DEFAULT_BASE_URI + "source/"
CONTEXT_FILE = "ontology/context.jsonld"
# Frozen releases of the vocabulary (lerld.project.releases): published, but not sources.
RELEASES = "ontology/releases"
# Source files are Turtle (N-Triples is a subset of it); other files are not sources.
SOURCE_SUFFIXES = {".ttl": "turtle", ".nt": "nt"}
# The media type a store parses each kind of source file as.
SOURCE_MEDIA_TYPES = {".ttl": "text/turtle", ".nt": "application/n-triples"}

# The first token of a line that starts a statement (not a prefix, base or comment line).
_SUBJECT = re.compile(r"^(?!@|(?i:prefix|base)\s)([^\s#\"'(\[][^\s;,]*)", re.M)
_PREFIX_DECLARATION = re.compile(
    r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I | re.M
)


def _writes(line: str, form: str) -> bool:
    """Whether a line holds `form` as a whole term (organization:a is not in organization:ab)."""
    start = line.find(form)
    while start >= 0:
        end = start + len(form)
        before = line[start - 1 : start] if start else " "
        after = line[end : end + 1]
        if not re.match(r"[\w:-]", before) and not re.match(r"[\w:/-]", after or " "):
            return True
        start = line.find(form, start + 1)
    return False


@dataclass(frozen=True)
class SourceFile:
    """One source file: its text, the digest of its bytes, and its rdflib graph on demand.

    The text is `held`, or read again each time it is asked for and checked against the
    digest of the bytes first read (`read(..., hold=False)`, the data files): a start with
    10M triples does not hold 606 MiB of Turtle beside the store it loads, and what is loaded,
    hashed or quoted is still what was read and validated, or an error."""

    path: Path
    relpath: str
    role: str
    held: str | None = field(repr=False, compare=False)
    digest: str = field(repr=False)

    @classmethod
    def of_text(cls, path: Path, relpath: str, role: str, text: str) -> SourceFile:
        """A file whose text is given (and held): not necessarily what its path holds."""
        return cls(path, relpath, role, text, _digest(text.encode("utf-8")))

    @classmethod
    def read(cls, path: Path, relpath: str, role: str, hold: bool) -> SourceFile:
        """The file at `path`, decoded (a SourceError at the line of bad UTF-8)."""
        raw = path.read_bytes()
        text = decode(Path(relpath), raw)
        return cls(path, relpath, role, text if hold else None, _digest(raw))

    @property
    def data(self) -> bytes:
        """The file's bytes, as read and validated: SourceError if it changed since."""
        if self.held is not None:
            return self.held.encode("utf-8")
        try:
            raw = self.path.read_bytes()
        except OSError as e:
            raise SourceError(self.relpath, None, f"cannot be read again: {e.strerror}") from e
        if _digest(raw) != self.digest:
            raise SourceError(
                self.relpath,
                None,
                "changed while lerld was reading the sources: this version was not loaded "
                "(read them again to load it)",
            )
        return raw

    @property
    def text(self) -> str:
        """The file's text, as read and validated (read again if not held: keep it while
        using it rather than asking again)."""
        return self.held if self.held is not None else self.data.decode("utf-8")

    @cached_property
    def graph(self) -> Graph:
        """The file parsed with rdflib (raises SourceError at the line of a syntax error).
        Shapes keep their literals as written: SHACL reads sh:uniqueLang "1"^^xsd:boolean
        as not "true" (W3C suite uniqueLang-002), which rdflib would rewrite to "true"."""
        return parse(self.path, self.text, display=self.relpath, as_written=self.role == "shapes")

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

    @cached_property
    def prefixes(self) -> dict[str, str]:
        """The prefixes this file declares: prefix -> namespace."""
        return {prefix or "": ns for prefix, ns in _PREFIX_DECLARATION.findall(self.text)}

    @cached_property
    def _blocks(self) -> dict[str, list[tuple[int, int]]]:
        """Each subject IRI mapped to the (first, last) lines of every statement that starts
        with it at the start of a line (the files are written one description a block, its
        properties indented; lines inside \"\"\"long strings\"\"\" are skipped). A block
        ends at the last line before the next statement that is not blank or a comment.

        Only the lines that can start a statement or open a long string are looked at one
        by one; the others, most lines, are only tested for that (the 83 files of the 1M
        benchmark: 0.45 s instead of 0.97 s, at the end of a validation)."""
        lines = self._lines
        # a statement starts a line: not blank, not indented, not a comment
        can_start = [line[:1] not in ("", " ", "\t", "#") for line in lines]
        marked = [n for n, line in enumerate(lines, 1) if can_start[n - 1] or '"""' in line]

        def end_before(n: int) -> int:
            while n > 0:
                text = lines[n - 1].strip()
                if text and not text.startswith("#"):
                    break
                n -= 1
            return n

        blocks: dict[str, list[tuple[int, int]]] = {}
        current: tuple[str, int] | None = None
        in_long_string = False
        for n in marked:
            line = lines[n - 1]
            starts_statement = (
                not in_long_string
                and can_start[n - 1]
                and not _PREFIX_DECLARATION.match(line)
                and not line.lower().startswith(("@base", "base "))
            )
            if line.count('"""') % 2:
                in_long_string = not in_long_string
            if starts_statement:
                if current is not None:
                    blocks.setdefault(current[0], []).append((current[1], end_before(n - 1)))
                iri = self.expand(line.split(None, 1)[0])
                current = (iri, n) if iri else None
        if current is not None:
            blocks.setdefault(current[0], []).append((current[1], end_before(len(lines))))
        return blocks

    def expand(self, token: str) -> str | None:
        """The IRI a subject token (<iri> or prefix:local) stands for in this file."""
        if token.startswith("<") and token.endswith(">"):
            return token[1:-1]
        prefix, colon, local = token.partition(":")
        namespace = self.prefixes.get(prefix) if colon else None
        return namespace + local if namespace is not None else None

    def forget_lines(self) -> None:
        """Drop what finding lines (`line_of`, `line_of_value`) derived from a text that is
        not held: asked again, the file is read again."""
        if self.held is None:
            for derived in ("_lines", "_statement_starts", "_blocks"):
                self.__dict__.pop(derived, None)

    def subject_lines(self) -> Iterator[tuple[str, int]]:
        """(IRI, line) of each statement that starts with an IRI at the start of a line."""
        line, counted = 1, 0  # lines counted as the tokens come, not from the start each time
        text = self.text
        for token in _SUBJECT.finditer(text):
            iri = self.expand(token.group(1))
            if iri:
                line += text.count("\n", counted, token.start())
                counted = token.start()
                yield iri, line

    def blocks_of(self, iri: str) -> list[tuple[int, int]]:
        """The (first, last) lines of each statement of this file that describes `iri`."""
        return self._blocks.get(iri, [])

    def forms_of(self, iri: str) -> list[str]:
        """How `iri` can be written in this file: <iri>, and prefix:local for each prefix."""
        return [f"<{iri}>"] + [
            f"{prefix}:{iri[len(ns) :]}"
            for prefix, ns in self.prefixes.items()
            if ns and iri.startswith(ns) and iri != ns
        ]

    def line_of_value(self, iri: str, value_forms: list[str]) -> int | None:
        """The line, within the descriptions of `iri`, that writes one of `value_forms`."""
        for first, last in self.blocks_of(iri):
            for n in range(first, last + 1):
                line = self._lines[n - 1]
                if any(_writes(line, form) for form in value_forms):
                    return n
        return None

    def line_of(self, iri: str) -> int | None:
        """The line where this file starts describing `iri` (or first mentions it)."""
        blocks = self.blocks_of(iri)
        if blocks:
            return blocks[0][0]
        forms = self.forms_of(iri)
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
        return union_of(self.of_role(*roles))

    def of_role(self, *roles: str) -> tuple[SourceFile, ...]:
        return tuple(f for f in self.files if f.role in roles)

    def file(self, relpath: str) -> SourceFile | None:
        return next((f for f in self.files if f.relpath == relpath), None)


def union_of(files: Iterable[SourceFile]) -> Graph:
    """The union of the files' graphs, as one new graph (with their prefixes)."""
    union = Graph()
    for f in files:
        for prefix, ns in f.graph.namespaces():
            union.bind(prefix, ns, override=False)
        union += f.graph
    return union


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
            and not p.is_relative_to(settings.root / RELEASES)
        )
        if not paths:
            raise SourceError(directory, None, f"no source files (*.ttl) in the {role} directory")
        found.extend((role, p) for p in paths)
    return found


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def decode(path: Path, raw: bytes) -> str:
    """Source files are UTF-8; anything else is reported at the line it occurs."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as e:
        line = raw[: e.start].count(b"\n") + 1
        raise SourceError(
            path, line, f"invalid UTF-8 (byte 0x{raw[e.start]:02x}): files must be UTF-8"
        ) from e


class _LiteralsAsWritten(RDFSink):
    """rdflib's Turtle sink, keeping each literal's lexical form as written (rdflib's own
    normalises "1"^^xsd:boolean to "true", "01"^^xsd:integer to "1")."""

    def newLiteral(self, s: str, dt: URIRef | None, lang: str | None) -> Literal:
        return Literal(s, datatype=dt, normalize=False) if dt else Literal(s, lang=lang)


def parse(path: Path, text: str, display: str | None = None, as_written: bool = False) -> Graph:
    """Parse one source file; syntax errors become SourceError with the line number.
    `as_written`: literals keep their lexical forms (N-Triples is Turtle too)."""
    graph = Graph()
    shown = display or str(path)
    try:
        if as_written:
            # rdflib's TurtleParser.parse, with the sink that keeps lexical forms
            parser = SinkParser(
                _LiteralsAsWritten(graph), baseURI=path.resolve().as_uri(), turtle=True
            )
            parser.loadBuf(text)
            for prefix, namespace in parser._bindings.items():
                graph.bind(prefix, namespace)
        else:
            graph.parse(
                data=text, format=SOURCE_SUFFIXES[path.suffix], publicID=path.resolve().as_uri()
            )
    except BadSyntax as e:
        hint = _format_hint(path, text)
        raise explained(
            SourceError(shown, e.lines + 1, f"syntax error: {e._why}{hint}"), text
        ) from e
    except Exception as e:  # rdflib raises many kinds for malformed terms (bad IRIs, literals)
        hint = _format_hint(path, text)
        error = SourceError(shown, _line_in_message(str(e)), f"cannot parse: {e}{hint}")
        raise explained(error, text) from e
    return graph


# A language tag (BCP 47): letters, then subtags of letters and digits after single hyphens.
_LANGUAGE_TAG = re.compile(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*")
_WRITTEN_TAG = re.compile(r"""(?<=["'])@([^\s;,)\]]*?)\.?(?=[\s;,)\]]|$)""")
_UNBOUND = re.compile(r'Prefix "([^"]*):" not bound')


def explained(error: SourceError, text: str) -> SourceError:
    """The error with what is wrong at its line in words an editor can act on: the token at
    fault and how to write it. (rdflib and Oxigraph say where the parser stopped, which is
    often one line after the mistake, in a parser's terms.)"""
    if not error.line or "; fix:" in error.message:
        return error
    lines = text.splitlines()
    if error.line > len(lines):
        return error
    found = _syntax_hint(lines, error.line, error.message)
    if found is None:
        return error
    line, hint = found
    return SourceError(error.path, line, f"{error.message}; fix: {hint}")


def _syntax_hint(lines: list[str], n: int, message: str) -> tuple[int, str] | None:
    """(line, hint) for the mistakes editors make most."""
    line = lines[n - 1]
    for tag in _WRITTEN_TAG.findall(line):
        if not _LANGUAGE_TAG.fullmatch(tag):
            fixed = tag.replace("_", "-").strip("-.")
            suggestion = f"@{fixed}" if _LANGUAGE_TAG.fullmatch(fixed) else "@en"
            return n, (
                f"the language tag @{tag} is not valid: a tag is letters, optionally followed "
                f"by -subtags (letters or digits), such as @en or @en-US; write {suggestion}"
            )
    if "“" in line or "”" in line:
        return n, 'typographic quotes “ ” do not delimit text: write straight quotes "..."'
    if re.search(r"""["']\s+\^\^""", line):
        return (
            n,
            'write the datatype right after the closing quote, without a space: "..."^^xsd:date',
        )
    datatype = re.search(r"""["']\^\^([A-Za-z][\w-]*)(?![\w:-])""", line)
    if datatype:
        return n, (
            f"the datatype {datatype.group(1)} needs its prefix: write ^^xsd:{datatype.group(1)}"
        )
    if "newline found in string literal" in message or "unterminated string" in message.lower():
        return n, (
            'a text opened with " on this line is not closed: end it with " on the same line, '
            'or write text over several lines as """..."""'
        )
    if "unterminated URI reference" in message:
        return n, "an IRI opened with < is not closed: end it with > on the same line"
    if 'Prefix "http:" not bound' in message or 'Prefix "https:" not bound' in message:
        return n, "write a web address in angle brackets: <https://...>"
    if message.startswith("syntax error: expected '.'"):
        before = next(
            (
                m
                for m in range(n - 1, 0, -1)
                if lines[m - 1].strip() and not lines[m - 1].lstrip().startswith("#")
            ),
            None,
        )
        if before is not None:
            end = lines[before - 1].rstrip()[-1:]
            if end == ",":
                return before, (
                    f"line {before} ends with ',' (another value follows) but line {n} starts "
                    "a new property: end it with ';'"
                )
            if end not in (";", ".", "[", "(", ","):
                if lines[n - 1][:1] in (" ", "\t"):
                    return before, (
                        f"line {before} ends without ';': end each property of a description "
                        "with ';', and the last one with '.'"
                    )
                return before, (
                    f"the description ending at line {before} has no final '.': end it with '.'"
                )
    return None


def with_prefix_hint(
    error: SourceError, files: list[SourceFile] | tuple[SourceFile, ...]
) -> SourceError:
    """An unbound prefix: the declaration other source files use (or the closest one)."""
    match = _UNBOUND.search(error.message)
    if not match or "; fix:" in error.message:
        return error
    prefix = match.group(1)
    declared: dict[str, tuple[str, str]] = {}
    for f in files:
        for name, ns in f.prefixes.items():
            declared.setdefault(name, (ns, f.relpath))
    if prefix in declared:
        ns, where = declared[prefix]
        hint = f"add `@prefix {prefix}: <{ns}> .` at the top of the file ({where} declares it)"
    else:
        close = difflib.get_close_matches(prefix, list(declared), n=1)
        if not close:
            return error
        hint = f"did you mean {close[0]}:? (declared as <{declared[close[0]][0]}>)"
    return SourceError(error.path, error.line, f"{error.message}; fix: {hint}")


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
        # the data files are read again when loaded (one at a time), not held
        files.append(SourceFile.read(path, relpath, role, hold=role in EAGER_ROLES))
    for source in files:
        if source.role in EAGER_ROLES:
            try:
                source.graph  # noqa: B018 -- parse now: syntax errors surface in file order
            except SourceError as e:
                raise with_prefix_hint(e, files) from e
    return Sources(root=root, files=tuple(files), context=load_context(root))


def graph_name(relpath: str) -> str:
    """The named graph that holds one source file: .../source/<path in the project>."""
    return SOURCE_GRAPH_BASE + relpath


# A SPARQL filter on the named graph ?g (one per source file, `load_into`): the data files.
IN_DATA = f'FILTER(STRSTARTS(STR(?g), "{graph_name("data/")}"))'


def in_data(graph_variable: str) -> str:
    """IN_DATA on another graph variable than ?g (a second GRAPH pattern of one query)."""
    return IN_DATA.replace("?g", graph_variable)


def values_clause(variable: str, iris: Iterable[str]) -> str:
    """A SPARQL VALUES clause binding `variable` to each IRI (written as `URIRef(iri).n3()`)."""
    return f"VALUES {variable} {{ {' '.join(URIRef(iri).n3() for iri in iris)} }}"


def source_of(graph: str) -> str | None:
    """The project path of the source file a named graph holds."""
    return graph[len(SOURCE_GRAPH_BASE) :] if graph.startswith(SOURCE_GRAPH_BASE) else None


def graph_data(sources: Sources) -> Sequence[GraphData]:
    """Every source file as the content of its named graph, each file's bytes made when its
    item is read (`_FileContents`)."""
    return contents_of(sources.files)


def contents_of(files: Sequence[SourceFile]) -> Sequence[GraphData]:
    """`graph_data` of some source files."""
    return _FileContents(files)


class _FileContents(Sequence[GraphData]):
    """Source files as GraphData, a file's bytes (`SourceFile.data`: a held text encoded, or
    the file read again and checked against what was validated) made each time its item is
    read and not kept: a store loading them one after another holds one file's bytes at a
    time, not a copy of every file (606 MiB of Turtle at 10M triples)."""

    def __init__(self, files: Sequence[SourceFile]) -> None:
        self._files = tuple(files)

    def __len__(self) -> int:
        return len(self._files)

    @overload
    def __getitem__(self, index: int) -> GraphData: ...
    @overload
    def __getitem__(self, index: slice) -> list[GraphData]: ...
    def __getitem__(self, index: int | slice) -> GraphData | list[GraphData]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        f = self._files[index]
        return GraphData(
            name=graph_name(f.relpath),
            data=f.data,
            media_type=SOURCE_MEDIA_TYPES[f.path.suffix],
            base_iri=f.path.resolve().as_uri(),
        )


def data_graph_of(sources: Sources) -> Sources:
    """The sources of SHACL's data graph: ontology and data, without the shapes."""
    return replace(sources, files=sources.of_role("ontology", "data"))


def load_into(store: Store, sources: Sources) -> None:
    """Replace the store's content with the sources, one named graph per file.

    The store parses the files (fast at any size); when it rejects one, the file is parsed
    with rdflib too, so the error reads FILE:LINE: rdflib's message, as for the ontology.
    """
    loaded_by(store.replace, sources)


def loaded_by(load: Callable[[Sequence[GraphData]], None], sources: Sources) -> None:
    """`load` (a store's replace, or an embedded store's add) given the sources, one named
    graph per file, with the error of a file the store rejects as `load_into` says."""
    try:
        load(graph_data(sources))
    except SourceError as e:
        failed = sources.file(source_of(e.path) or "")
        if failed is None:
            raise
        try:
            failed.graph  # noqa: B018 -- rdflib's SourceError if rdflib rejects it too
        except SourceError as reparsed:
            text = failed.text
            lines = text.count("\n") + 1
            if e.line and not (reparsed.line and reparsed.line <= lines):
                # rdflib did not say where, or said past the end: the store did
                reparsed = explained(SourceError(reparsed.path, e.line, reparsed.message), text)
            raise with_prefix_hint(reparsed, sources.files) from e
        raise explained(SourceError(failed.relpath, e.line, e.message), failed.text) from e


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
