// N-Triples (W3C RDF 1.1) -> [{s, p, o}], each term {type: "iri" | "bnode" | "literal",
// value, lang?, datatype?}. The map reads the N-Triples twin of /map: a line-based
// format that needs no JSON-LD processor and no knowledge of lerld's context.

const TERM = /<([^>]*)>|_:([^\s.]+(?:\.[^\s.]+)*)|"((?:[^"\\]|\\.)*)"(?:@([a-zA-Z]+(?:-[a-zA-Z0-9]+)*)|\^\^<([^>]*)>)?/y;
const SPACE = /[ \t]*/y;
const END = /[ \t]*\.[ \t]*(?:#.*)?$/y;
const ESCAPE = /\\(?:u([0-9A-Fa-f]{4})|U([0-9A-Fa-f]{8})|(.))/g;
const SIMPLE = { t: "\t", b: "\b", n: "\n", r: "\r", f: "\f", '"': '"', "'": "'", "\\": "\\" };

function unescape(text) {
  return text.includes("\\")
    ? text.replace(ESCAPE, (_, u4, u8, c) =>
        u4 || u8 ? String.fromCodePoint(parseInt(u4 || u8, 16)) : SIMPLE[c] ?? c)
    : text;
}

function readTerm(line, at, lineNumber) {
  SPACE.lastIndex = at;
  SPACE.exec(line);
  TERM.lastIndex = SPACE.lastIndex;
  const m = TERM.exec(line);
  if (!m) throw new SyntaxError(`N-Triples line ${lineNumber}: cannot read a term at column ${SPACE.lastIndex + 1}`);
  let term;
  if (m[1] !== undefined) term = { type: "iri", value: unescape(m[1]) };
  else if (m[2] !== undefined) term = { type: "bnode", value: m[2] };
  else term = { type: "literal", value: unescape(m[3]), lang: m[4], datatype: m[5] };
  return [term, TERM.lastIndex];
}

export function parseNTriples(text) {
  const triples = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    const trimmed = line.trim();
    if (!trimmed || trimmed.startsWith("#")) continue;
    const [s, a] = readTerm(line, 0, i + 1);
    const [p, b] = readTerm(line, a, i + 1);
    const [o, c] = readTerm(line, b, i + 1);
    END.lastIndex = c;
    if (!END.test(line)) throw new SyntaxError(`N-Triples line ${i + 1}: expected " ." after the object`);
    triples.push({ s, p, o });
  }
  return triples;
}
