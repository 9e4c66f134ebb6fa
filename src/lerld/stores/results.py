"""SPARQL query results as plain values, and their formats: SPARQL 1.1 Query Results JSON,
XML, CSV and TSV (written and, for JSON, read).

Stores evaluate a query into an Answer (already serialized in the format the client
negotiated); the writers here are shared by every store, so the embedded store and a
remote one give byte-for-byte the same results.
"""

from __future__ import annotations

import csv
import io
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple
from xml.sax.saxutils import escape, quoteattr

from lerld.core.formats import CSV, SPARQL_JSON, SPARQL_XML, TSV, Format
from lerld.core.terms import shorten

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANG_STRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

# The three forms of answer a query gives: solutions (SELECT), a boolean (ASK), a graph
# (CONSTRUCT, DESCRIBE).
BINDINGS, BOOLEAN, GRAPH = "bindings", "boolean", "graph"


class Term(NamedTuple):
    """An RDF term in a result: kind is "uri", "bnode" or "literal"; a literal's datatype is
    None for plain strings (xsd:string) and language-tagged strings."""

    kind: str
    value: str
    lang: str | None = None
    datatype: str | None = None


ResultRow = tuple[Term | None, ...]


@dataclass(frozen=True)
class Formats:
    """What the client accepts: a format for solutions and booleans, one for graphs. None
    when it accepts none for that form (the answer is then 406, known after parsing)."""

    bindings: Format | None
    graph: Format | None

    def for_form(self, form: str) -> Format | None:
        return self.graph if form == GRAPH else self.bindings


@dataclass(frozen=True)
class Answer:
    """A query's answer, serialized. body is None when no accepted format fits the form."""

    form: str
    fmt: Format | None
    body: bytes | None
    truncated: bool = False


# What an entry of the answer cache costs beyond its body and the text of its key (the
# objects that hold them), roughly.
ENTRY_OVERHEAD = 512


def entry_size(key: tuple, answer: Answer) -> int:
    """The memory an answer takes in the cache, its key included: a 1 MB query with a
    30-byte answer costs 1 MB, or unique long queries would fill the memory unbounded."""
    text = sum(len(part) for part in key if isinstance(part, str | bytes))
    return len(answer.body or b"") + text + ENTRY_OVERHEAD


class AnswerCache:
    """Answers kept for repeated queries: least recently used first out, at most max_bytes
    of answers and keys. Thread-safe. Sound only over content that does not change (a
    snapshot)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[tuple, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: tuple) -> Answer | None:
        with self._lock:
            answer = self._entries.get(key)
            if answer is not None:
                self._entries.move_to_end(key)
            return answer

    def put(self, key: tuple, answer: Answer) -> None:
        size = entry_size(key, answer)
        if size > self.max_bytes:
            return
        with self._lock:
            if key in self._entries:
                return
            self._entries[key] = answer
            self._bytes += size
            while self._bytes > self.max_bytes:
                dropped_key, dropped = self._entries.popitem(last=False)
                self._bytes -= entry_size(dropped_key, dropped)


def ntriples(term: Term) -> str:
    """A term in N-Triples syntax (also the TSV results syntax)."""
    if term.kind == "uri":
        return f"<{term.value}>"
    if term.kind == "bnode":
        return f"_:{term.value}"
    text = (
        term.value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\n", "\\n")
        .replace("\r", "\\r")
        .replace("\t", "\\t")
    )
    if term.lang:
        return f'"{text}"@{term.lang}'
    if term.datatype:
        return f'"{text}"^^<{term.datatype}>'
    return f'"{text}"'


def _json_term(term: Term) -> dict:
    if term.kind != "literal":
        return {"type": term.kind, "value": term.value}
    if term.lang:
        return {"type": "literal", "value": term.value, "xml:lang": term.lang}
    if term.datatype:
        return {"type": "literal", "value": term.value, "datatype": term.datatype}
    return {"type": "literal", "value": term.value}


def _xml_term(term: Term) -> str:
    value = escape(term.value)
    if term.kind != "literal":
        return f"<{term.kind}>{value}</{term.kind}>"
    if term.lang:
        return f"<literal xml:lang={quoteattr(term.lang)}>{value}</literal>"
    if term.datatype:
        return f"<literal datatype={quoteattr(term.datatype)}>{value}</literal>"
    return f"<literal>{value}</literal>"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    return f"_:{term.value}" if term.kind == "bnode" else term.value


def compact_json(document: dict) -> bytes:
    """JSON as Oxigraph writes it (no spaces, UTF-8 unescaped): the same bytes from every
    store, and what lets the embedded store send Oxigraph's own serialization as it is."""
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def most_solutions(body: bytes) -> int:
    """An upper bound on the number of solutions in compact SPARQL JSON results, without
    parsing them: consecutive solutions are always joined by `},{`, which a string value may
    also hold. Exact when no value does."""
    if body.endswith(b'"bindings":[]}}'):
        return 0
    return body.count(b"},{") + 1


def first_solutions(body: bytes, limit: int) -> tuple[bytes, bool]:
    """SPARQL JSON results cut to their first `limit` solutions, and whether any were cut."""
    document = json.loads(body)
    bindings = document["results"]["bindings"]
    if len(bindings) <= limit:
        return body, False
    document["results"]["bindings"] = bindings[:limit]
    return compact_json(document), True


def write_bindings(fmt: Format, variables: Sequence[str], rows: Iterable[ResultRow]) -> bytes:
    """Solutions in one of the SPARQL results formats."""
    if fmt == SPARQL_JSON:
        bindings = [
            {name: _json_term(t) for name, t in zip(variables, row, strict=True) if t is not None}
            for row in rows
        ]
        document = {"head": {"vars": list(variables)}, "results": {"bindings": bindings}}
        return compact_json(document)
    if fmt == SPARQL_XML:
        out = [
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
            "<head>",
            *(f"<variable name={quoteattr(v)}/>" for v in variables),
            "</head>\n<results>",
        ]
        for row in rows:
            out.append("<result>")
            out.extend(
                f"<binding name={quoteattr(name)}>{_xml_term(t)}</binding>"
                for name, t in zip(variables, row, strict=True)
                if t is not None
            )
            out.append("</result>")
        out.append("</results>\n</sparql>\n")
        return "\n".join(out).encode("utf-8")
    if fmt == CSV:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(variables)
        writer.writerows([_csv_value(t) for t in row] for row in rows)
        return buffer.getvalue().encode("utf-8")
    if fmt == TSV:
        lines = ["\t".join(f"?{v}" for v in variables)]
        lines += ["\t".join("" if t is None else ntriples(t) for t in row) for row in rows]
        return ("\n".join(lines) + "\n").encode("utf-8")
    raise ValueError(f"{fmt.label} is not a SPARQL results format")


def write_boolean(fmt: Format, value: bool) -> bytes:
    """An ASK answer. CSV and TSV define no boolean form: they get the bare word."""
    word = "true" if value else "false"
    if fmt == SPARQL_JSON:
        return compact_json({"head": {}, "boolean": value})
    if fmt == SPARQL_XML:
        return (
            '<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
            f"<head/><boolean>{word}</boolean></sparql>\n"
        ).encode()
    if fmt in (CSV, TSV):
        return word.encode("utf-8")
    raise ValueError(f"{fmt.label} is not a SPARQL results format")


def _read_term(data: dict) -> Term:
    kind = data["type"]
    if kind == "typed-literal":  # the pre-standard JSON form some servers still send
        kind = "literal"
    if kind == "literal":
        datatype = data.get("datatype")
        if datatype in (XSD_STRING, RDF_LANG_STRING):
            datatype = None
        return Term("literal", data["value"], data.get("xml:lang"), datatype)
    if kind not in ("uri", "bnode"):
        raise ValueError(f"unsupported term type {kind!r}")
    return Term(kind, data["value"])


def read_json(body: bytes) -> tuple[list[str], list[ResultRow]] | bool:
    """SPARQL JSON results: (variables, rows) for solutions, a bool for an ASK answer.
    Raises ValueError for anything else."""
    try:
        document = json.loads(body)
        if "boolean" in document:
            return bool(document["boolean"])
        variables = list(document["head"]["vars"])
        rows = [
            tuple(_read_term(b[v]) if v in b else None for v in variables)
            for b in document["results"]["bindings"]
        ]
    except (KeyError, TypeError) as e:
        raise ValueError(f"not SPARQL JSON results: {e!r}") from e
    return variables, rows


def _table_text(term: Term | None) -> str:
    if term is None:
        return ""
    if term.kind == "uri":
        return shorten(term.value)
    text = term.value if term.kind == "literal" else f"_:{term.value}"
    return " ".join(text.split())


def table(variables: Sequence[str], rows: Sequence[ResultRow], width: int = 60) -> str:
    """Solutions as a plain-text table for people: IRIs shortened, cells cut at `width`."""
    cells = [[_table_text(t) for t in row] for row in rows]
    cells = [[c if len(c) <= width else c[: width - 1] + "…" for c in row] for row in cells]
    widths = [max([len(v), *(len(row[i]) for row in cells)]) for i, v in enumerate(variables)]
    lines = [
        "  ".join(v.ljust(w) for v, w in zip(variables, widths, strict=True)),
        "  ".join("-" * w for w in widths),
    ]
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.append(f"({len(rows)} {'row' if len(rows) == 1 else 'rows'})")
    return "\n".join(line.rstrip() for line in lines)
