// The map's model: nodes (with kind, name, description, page) and edges (one per statement
// between two nodes), built from the triples of /map and the page's configuration.

// "isVersionOf" -> "is version of": a name for a property the graph gives no label.
function humanize(iri) {
  const local = iri.split(/[#/]/).pop() || iri;
  return local.replace(/([a-z0-9])([A-Z])/g, "$1 $2").toLowerCase();
}

function first(values, predicates) {
  for (const p of predicates) if (values.has(p)) return values.get(p)[0];
  return undefined;
}

export function buildNetwork(triples, config) {
  const kinds = config.kinds.map((k, rank) => ({ ...k, rank, nodes: [] }));
  const kindByClass = new Map(kinds.map((k) => [k.cls, k]));
  const props = new Map(); // subject IRI -> Map(predicate -> [literal values])
  const types = new Map(); // subject IRI -> best kind
  const links = [];
  const propertyLabels = new Map();

  for (const { s, p, o } of triples) {
    if (s.type !== "iri") continue;
    if (p.value === config.typePredicate) {
      const kind = o.type === "iri" && kindByClass.get(o.value);
      const known = types.get(s.value);
      if (kind && (!known || kind.rank < known.rank)) types.set(s.value, kind);
    } else if (o.type === "literal") {
      if (p.value === config.propertyLabelPredicate) propertyLabels.set(s.value, o.value);
      if (!props.has(s.value)) props.set(s.value, new Map());
      const values = props.get(s.value);
      if (!values.has(p.value)) values.set(p.value, []);
      values.get(p.value).push(o.value);
    } else if (o.type === "iri") {
      links.push([s.value, p.value, o.value]);
    }
  }

  const nodes = [];
  const index = new Map();
  for (const [iri, kind] of types) {
    const values = props.get(iri) || new Map();
    const node = {
      index: nodes.length,
      iri,
      kind,
      label: first(values, config.labelPredicates) ?? iri,
      altLabels: values.get(config.altLabelPredicate) || [],
      description: first(values, config.descriptionPredicates) || "",
      // Our page for what we publish; other http(s) IRIs as they are; no other schemes.
      href: iri.startsWith(config.entityBase)
        ? config.documentBase + iri.slice(config.entityBase.length)
        : /^https?:\/\//.test(iri) ? iri : null,
      edges: [],
    };
    index.set(iri, node.index);
    nodes.push(node);
    kind.nodes.push(node);
  }

  const edges = [];
  for (const [s, p, o] of links) {
    const source = index.get(s);
    const target = index.get(o);
    if (source === undefined || target === undefined) continue;
    const edge = {
      index: edges.length,
      source,
      target,
      predicate: p,
      label: propertyLabels.get(p) || humanize(p),
    };
    edges.push(edge);
    nodes[source].edges.push(edge);
    if (target !== source) nodes[target].edges.push(edge);
  }
  return { nodes, edges, index, kinds };
}

export function other(edge, node) {
  return edge.source === node ? edge.target : edge.source;
}

// What is involved in a lifecycle stage or action area: the focus node, then step by step
// the nodes of the step's kinds linked to a node the step before added (see the help text).
export function involved(network, focus, steps) {
  const kept = new Set([focus]);
  let frontier = [focus];
  for (const kinds of steps) {
    const next = [];
    for (const i of frontier) {
      for (const edge of network.nodes[i].edges) {
        const j = other(edge, i);
        if (!kept.has(j) && kinds.includes(network.nodes[j].kind.key)) {
          kept.add(j);
          next.push(j);
        }
      }
    }
    frontier = next;
  }
  return kept;
}

const fold = (text) => text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase().trim();

// The best node for a search: exact name, then exact alternative name, then a name that
// starts with it, then one with a word that does, then one that contains it; ties go to
// the kind listed first in the legend, then to the shorter name.
export function search(network, query, allowed = () => true) {
  const q = fold(query);
  if (!q) return undefined;
  let best;
  let bestScore = Infinity;
  for (const node of network.nodes) {
    if (!allowed(node)) continue;
    const name = fold(node.label);
    const alts = node.altLabels.map(fold);
    let rank;
    if (name === q) rank = 0;
    else if (alts.includes(q)) rank = 1;
    else if (name.startsWith(q)) rank = 2;
    else if (name.split(/[\s\-–—,:;()/]+/).some((w) => w.startsWith(q)) || alts.some((a) => a.startsWith(q))) rank = 3;
    else if (name.includes(q) || alts.some((a) => a.includes(q))) rank = 4;
    else continue;
    const score = rank * 1e6 + node.kind.rank * 1e4 + Math.min(name.length, 9999);
    if (score < bestScore) {
      best = node;
      bestScore = score;
    }
  }
  return best;
}
