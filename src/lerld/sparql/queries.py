"""SPARQL queries: the read-only policy of the endpoint, and the named queries in sparql/*.rq.

The policy looks at a query's tokens (comments, strings and IRIs skipped, as the SPARQL
grammar's lexer does) to tell its form, and refuses updates and, unless enabled, SERVICE
(and, when enabled, SERVICE to loopback, private and link-local addresses: the server must
not be made to fetch from its own network). It also refuses queries so deeply nested or so
long that the engine, which handles them by recursion, would exhaust its stack: that kills
the process evaluating them (a query process, or a remote store's whole server).
Named queries are files whose header comment gives a title, a description and typed
parameters; a parameter is bound by replacing the values of its `VALUES ?name { ... }`
block with a checked, typed RDF term, never by pasting the raw input into the text.
"""

from __future__ import annotations

import ipaddress
import re
import socket
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from rdflib import Literal, URIRef

from lerld.core.errors import MalformedQuery, QueryRejected, UnknownQuery
from lerld.stores.results import BINDINGS, BOOLEAN, GRAPH

QUERY_FORMS = {"SELECT": BINDINGS, "ASK": BOOLEAN, "CONSTRUCT": GRAPH, "DESCRIBE": GRAPH}
UPDATE_KEYWORDS = frozenset(
    ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")
)

_TOKEN = re.compile(
    r"""
      (?P<space>\s+)
    | (?P<comment>\#[^\n\r]*)
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
        | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
        | "(?:[^"\\\n\r]|\\.)*"
        | '(?:[^'\\\n\r]|\\.)*')
    | (?P<variable>[?$]\w+)
    | (?P<name>(?:[A-Za-z][\w.-]*)?:[\w.:%\\-]*|_:[\w.-]+|@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>[A-Za-z_]\w*)
    | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)


# The most a query may hold of what the engine handles by recursion (measured on Oxigraph
# 0.5: it crashes from about 200 triple patterns in a group, 500 steps of a path, 2,000
# levels of nesting, 10,000 operators; its server, with smaller thread stacks, sooner).
MAX_NESTING = 64  # levels of ( ), { } and [ ]
MAX_OPERATORS = 200  # operators of expressions and property paths: + - * / ! ^ | & = < > ?
MAX_PATTERNS = 150  # triple patterns (. and ;) and groups (UNION, OPTIONAL, FILTER, ...)
_OPERATORS = frozenset("+-*/!^|&=<>?")
_PATTERN_WORDS = frozenset(
    ("UNION", "OPTIONAL", "MINUS", "FILTER", "BIND", "GRAPH", "SERVICE", "SELECT", "EXISTS")
)


@dataclass(frozen=True)
class QueryShape:
    """What a query is, as far as the endpoint's policy needs to know."""

    form: str | None  # BINDINGS, BOOLEAN or GRAPH; None when no query form was found
    update: bool = False
    service: bool = False
    dataset: bool = False  # it names its own dataset (FROM / FROM NAMED)


def shape(query: str) -> QueryShape:
    """What the query is; MalformedQuery for a query nested deeper, or with more operators
    or patterns, than the limits above. One pass over its tokens."""
    depth = deepest = operators = patterns = 0
    first, service, dataset = None, False, False
    for match in _TOKEN.finditer(query):
        kind = match.lastgroup
        if kind == "word":
            word = match.group().upper()
            patterns += word in _PATTERN_WORDS
            if first is None and word not in ("BASE", "PREFIX"):
                first = word
            service = service or word == "SERVICE"
            dataset = dataset or word == "FROM"
        elif kind == "other":
            text = match.group()
            if text in "({[":
                depth += 1
                deepest = max(deepest, depth)
            elif text in ")}]":
                depth -= 1
            elif text in ".;":
                patterns += 1
            elif text in _OPERATORS:
                operators += 1
    for value, limit, what in (
        (deepest, MAX_NESTING, "levels of nesting"),
        (operators, MAX_OPERATORS, "operators"),
        (patterns, MAX_PATTERNS, "triple patterns and groups"),
    ):
        if value > limit:
            raise MalformedQuery(
                f"the query is too large for this endpoint: it has {value} {what}, the "
                f"limit is {limit}; split it, or put long lists of values in VALUES"
            )
    return QueryShape(
        form=QUERY_FORMS.get(first or ""),
        update=first in UPDATE_KEYWORDS,
        service=service,
        dataset=dataset,
    )


def service_endpoints(query: str) -> list[str | None]:
    """The endpoint of each SERVICE call in a query: an IRI, or None for a variable."""
    prefixes = {p or "": iri for p, iri in _PREFIX.findall(query)}
    tokens = [m for m in _TOKEN.finditer(query) if m.lastgroup not in ("space", "comment")]
    found = []
    for i, token in enumerate(tokens):
        if token.lastgroup != "word" or token.group().upper() != "SERVICE":
            continue
        target = tokens[i + 1] if i + 1 < len(tokens) else None
        if target is not None and target.group().upper() == "SILENT":
            target = tokens[i + 2] if i + 2 < len(tokens) else None
        if target is None or target.lastgroup not in ("iri", "name"):
            found.append(None)
        elif target.lastgroup == "iri":
            found.append(target.group()[1:-1])
        else:
            prefix, _, local = target.group().partition(":")
            found.append(prefixes[prefix] + local if prefix in prefixes else None)
    return found


def is_public(url: str) -> bool:
    """An http(s) URL whose host is, and resolves only to, public (global) addresses."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(parts.hostname, None)}
    except (OSError, UnicodeError):
        return False
    return bool(addresses) and all(
        ipaddress.ip_address(a.split("%", 1)[0]).is_global for a in addresses
    )


def check(query: str, allow_service: bool = False, public_services_only: bool = True) -> QueryShape:
    """The shape of a query this read-only endpoint may run; raises QueryRejected for an
    update or (unless allowed) a SERVICE call, or one to a non-public address (unless
    public_services_only is False: a local user's own query), and MalformedQuery for a
    query too large. Syntax is the store's parser's business."""
    found = shape(query)
    if found.update:
        raise QueryRejected(
            "this endpoint is read-only: SPARQL updates (INSERT, DELETE, LOAD, CLEAR, ...) "
            "are refused"
        )
    if found.service and not allow_service:
        raise QueryRejected(
            "SERVICE (federated query) is disabled on this endpoint: it would make the "
            "server fetch other URLs"
        )
    for endpoint in service_endpoints(query) if found.service and public_services_only else ():
        if endpoint is None or not is_public(endpoint):
            raise QueryRejected(
                f"SERVICE {'<' + endpoint + '>' if endpoint else 'with a variable'} is refused: "
                "federated queries may only call http(s) endpoints at public addresses"
            )
    return found


# --- named queries -----------------------------------------------------------------------

PARAMETER_TYPES = ("iri", "string", "integer")
_HEADER_LINE = re.compile(r"#\s?(?P<text>.*)")
_FIELD = re.compile(r"(?P<key>title|description|param):\s*(?P<value>.*)", re.I)
_PARAM = re.compile(r"\?(?P<name>\w+)\s+(?P<type>\w+)\s*(?:[-—:]\s*)?(?P<description>.*)")
_PREFIX = re.compile(r"PREFIX\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.I)
_ABSOLUTE_IRI = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*:[^\x00-\x20<>\"{}|\\^`]*")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    description: str
    default: str  # as written in the query's VALUES block


@dataclass(frozen=True)
class NamedQuery:
    """One sparql/*.rq file: its name (the file's stem), header and text."""

    name: str
    title: str
    description: str
    parameters: tuple[Parameter, ...]
    text: str

    @property
    def form(self) -> str | None:
        return shape(self.text).form


def _values_block(name: str) -> re.Pattern:
    return re.compile(rf"(VALUES\s+\?{name}\s*\{{)([^}}]*)(\}})", re.I)


def parse_named_query(name: str, text: str) -> NamedQuery:
    """A named query from its file text; the header is the leading block of # lines."""
    fields: dict[str, list[str]] = {"title": [], "description": [], "param": []}
    current: list[str] | None = None
    for line in text.splitlines():
        header = _HEADER_LINE.fullmatch(line.strip())
        if header is None:
            break
        content = header.group("text")
        found = _FIELD.fullmatch(content.strip())
        if found:
            current = fields[found.group("key").lower()]
            current.append(found.group("value").strip())
        elif current is not None and content.strip():
            current[-1] += " " + content.strip()
    if not fields["title"] or not fields["description"]:
        raise MalformedQuery(f"{name}: the header needs a '# title:' and a '# description:'")
    parameters = []
    for spec in fields["param"]:
        found = _PARAM.fullmatch(spec)
        if found is None or found.group("type") not in PARAMETER_TYPES:
            raise MalformedQuery(
                f"{name}: parameter '{spec}' is not '?name TYPE description' "
                f"with TYPE one of {', '.join(PARAMETER_TYPES)}"
            )
        block = _values_block(found.group("name")).findall(text)
        if len(block) != 1:
            raise MalformedQuery(
                f"{name}: parameter ?{found.group('name')} needs exactly one "
                f"'VALUES ?{found.group('name')} {{ default }}' block"
            )
        parameters.append(
            Parameter(
                found.group("name"),
                found.group("type"),
                found.group("description").strip(),
                block[0][1].strip(),
            )
        )
    return NamedQuery(
        name,
        " ".join(fields["title"]),
        fields["description"][0],
        tuple(parameters),
        text,
    )


def named_queries(directory: Path) -> list[NamedQuery]:
    """Every named query in a directory, by name."""
    if not directory.is_dir():
        return []
    return [
        parse_named_query(p.stem, p.read_text(encoding="utf-8"))
        for p in sorted(directory.glob("*.rq"))
    ]


def find_query(name_or_file: str, directory: Path) -> NamedQuery:
    """A named query by name, or a query file by path."""
    path = Path(name_or_file)
    if path.suffix == ".rq" and path.is_file():
        return parse_named_query(path.stem, path.read_text(encoding="utf-8"))
    for query in named_queries(directory):
        if query.name == name_or_file:
            return query
    known = ", ".join(q.name for q in named_queries(directory)) or "none"
    raise UnknownQuery(f"no named query or .rq file '{name_or_file}' (named queries: {known})")


def is_absolute_iri(text: str) -> bool:
    """An absolute IRI with nothing in it that could end an IRI in SPARQL or Turtle."""
    return bool(_ABSOLUTE_IRI.fullmatch(text))


def _term(parameter: Parameter, value: str, prefixes: Mapping[str, str]) -> str:
    """The parameter's value as an RDF term in SPARQL syntax, checked by type."""
    if parameter.type == "integer":
        try:
            return Literal(int(value)).n3()
        except ValueError:
            raise MalformedQuery(f"?{parameter.name} must be an integer, not {value!r}") from None
    if parameter.type == "string":
        return Literal(value).n3()
    iri = value.strip()
    if iri.startswith("<") and iri.endswith(">"):
        iri = iri[1:-1]
    prefix, colon, local = iri.partition(":")
    if colon and prefix in prefixes and not local.startswith("//"):
        iri = prefixes[prefix] + local
    if not is_absolute_iri(iri):
        raise MalformedQuery(f"?{parameter.name} must be an IRI, not {value!r}")
    return URIRef(iri).n3()


def bind(query: NamedQuery, values: Mapping[str, str]) -> str:
    """The query text with parameter values bound (unset parameters keep their defaults)."""
    known = {p.name: p for p in query.parameters}
    unknown = sorted(set(values) - set(known))
    if unknown:
        raise MalformedQuery(
            f"{query.name} has no parameter {', '.join('?' + n for n in unknown)} "
            f"(parameters: {', '.join('?' + n for n in known) or 'none'})"
        )
    prefixes = {p or "": iri for p, iri in _PREFIX.findall(query.text)}
    text = query.text
    for name, value in values.items():
        term = _term(known[name], value, prefixes)
        text = _values_block(name).sub(lambda m, term=term: f"{m[1]} {term} {m[3]}", text)
    return text
