// Drawing on a canvas: the camera (pan and zoom), the shapes of the node kinds, hit testing,
// and one draw() that paints the visible edges and nodes in batches (one path per kind),
// so thousands of nodes draw in a few milliseconds.

const NODE_RADIUS = 6;
const LABEL_FONT = '12px system-ui, -apple-system, "Segoe UI", sans-serif';
const HUB_FONT = '600 13px system-ui, -apple-system, "Segoe UI", sans-serif';
const EDGE_FONT = "italic 11px system-ui, sans-serif";
const FOCUS_COLOUR = "#f5a623"; // the site's focus outline colour
const MAX_LABELS = 250;

function polygon(ctx, x, y, r, sides, rotation) {
  for (let k = 0; k < sides; k++) {
    const a = rotation + (k * 2 * Math.PI) / sides;
    if (k === 0) ctx.moveTo(x + r * Math.cos(a), y + r * Math.sin(a));
    else ctx.lineTo(x + r * Math.cos(a), y + r * Math.sin(a));
  }
  ctx.closePath();
}

// Adds the outline of one node shape to the current path.
export function shapePath(ctx, shape, x, y, r) {
  switch (shape) {
    case "square":
      ctx.rect(x - r * 0.85, y - r * 0.85, r * 1.7, r * 1.7);
      break;
    case "diamond":
      polygon(ctx, x, y, r * 1.2, 4, -Math.PI / 2);
      break;
    case "triangle":
      polygon(ctx, x, y + r * 0.2, r * 1.25, 3, -Math.PI / 2);
      break;
    case "triangle-down":
      polygon(ctx, x, y - r * 0.2, r * 1.25, 3, Math.PI / 2);
      break;
    case "pentagon":
      polygon(ctx, x, y, r * 1.1, 5, -Math.PI / 2);
      break;
    case "hexagon":
      polygon(ctx, x, y, r * 1.1, 6, 0);
      break;
    case "octagon":
      polygon(ctx, x, y, r * 1.05, 8, Math.PI / 8);
      break;
    case "star":
      for (let k = 0; k < 10; k++) {
        const a = -Math.PI / 2 + (k * Math.PI) / 5;
        const q = k % 2 ? r * 0.55 : r * 1.3;
        if (k === 0) ctx.moveTo(x + q * Math.cos(a), y + q * Math.sin(a));
        else ctx.lineTo(x + q * Math.cos(a), y + q * Math.sin(a));
      }
      ctx.closePath();
      break;
    case "plus": {
      const a = r * 0.38, b = r * 1.05;
      ctx.moveTo(x - a, y - b);
      for (const [dx, dy] of [[a, -b], [a, -a], [b, -a], [b, a], [a, a], [a, b], [-a, b], [-a, a], [-b, a], [-b, -a], [-a, -a]]) ctx.lineTo(x + dx, y + dy);
      ctx.closePath();
      break;
    }
    case "ring":
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
      ctx.moveTo(x + r * 0.5, y);
      ctx.arc(x, y, r * 0.5, 0, 2 * Math.PI, true);
      break;
    default:
      ctx.moveTo(x + r, y);
      ctx.arc(x, y, r, 0, 2 * Math.PI);
  }
}

export class View {
  constructor(canvas) {
    this.canvas = canvas;
    this.ctx = canvas.getContext("2d");
    this.camera = { x: 0, y: 0, scale: 1 };
    this.width = 0;
    this.height = 0;
    this.resize();
  }

  resize() {
    const dpr = window.devicePixelRatio || 1;
    this.width = this.canvas.clientWidth;
    this.height = this.canvas.clientHeight;
    this.canvas.width = Math.round(this.width * dpr);
    this.canvas.height = Math.round(this.height * dpr);
    this.dpr = dpr;
  }

  toScreen(x, y) {
    const c = this.camera;
    return [(x - c.x) * c.scale + this.width / 2, (y - c.y) * c.scale + this.height / 2];
  }

  toWorld(sx, sy) {
    const c = this.camera;
    return [(sx - this.width / 2) / c.scale + c.x, (sy - this.height / 2) / c.scale + c.y];
  }

  zoomAt(factor, sx = this.width / 2, sy = this.height / 2) {
    const [wx, wy] = this.toWorld(sx, sy);
    const c = this.camera;
    c.scale = Math.min(40, Math.max(0.02, c.scale * factor));
    c.x = wx - (sx - this.width / 2) / c.scale;
    c.y = wy - (sy - this.height / 2) / c.scale;
  }

  panBy(dx, dy) {
    this.camera.x -= dx / this.camera.scale;
    this.camera.y -= dy / this.camera.scale;
  }

  // Shows every listed node, with a margin.
  fit(indices, layout) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (const i of indices) {
      x0 = Math.min(x0, layout.x[i]);
      y0 = Math.min(y0, layout.y[i]);
      x1 = Math.max(x1, layout.x[i]);
      y1 = Math.max(y1, layout.y[i]);
    }
    if (x0 === Infinity) return;
    const [left, right, vertical] = [30, 170, 30]; // room for the names, written to the right
    const scale = Math.min(
      (this.width - left - right) / Math.max(x1 - x0, 1),
      (this.height - 2 * vertical) / Math.max(y1 - y0, 1),
    );
    const s = Math.min(Math.max(scale, 0.02), 4);
    this.camera = { x: (x0 + x1) / 2 + (right - left) / 2 / s, y: (y0 + y1) / 2, scale: s };
  }

  centerOn(x, y, scale = this.camera.scale) {
    this.camera = { x, y, scale };
  }

  isOnScreen(x, y, margin = 30) {
    const [sx, sy] = this.toScreen(x, y);
    return sx > margin && sy > margin && sx < this.width - margin && sy < this.height - margin;
  }

  // World units, but never smaller on screen than 60% of the size at scale 1.
  radius(node) {
    return NODE_RADIUS * node.kind.size * Math.max(1, 0.6 / this.camera.scale);
  }

  // The visible node under a screen point, if any: the nearest one whose shape is hit.
  hit(sx, sy, network, layout, visible) {
    const [wx, wy] = this.toWorld(sx, sy);
    const slack = 3 / this.camera.scale;
    let best = null;
    let bestDistance = Infinity;
    for (const node of network.nodes) {
      if (!visible[node.index]) continue;
      const d = Math.hypot(layout.x[node.index] - wx, layout.y[node.index] - wy);
      if (d <= this.radius(node) * 1.2 + slack && d < bestDistance) {
        best = node;
        bestDistance = d;
      }
    }
    return best;
  }

  // Paints the map; returns how many nodes and edges were drawn.
  draw({ network, layout, visible, highlight, selected, showAllLabels }) {
    const { ctx, camera } = this;
    const { x, y } = layout;
    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    ctx.clearRect(0, 0, this.width, this.height);
    ctx.setTransform(
      this.dpr * camera.scale, 0, 0, this.dpr * camera.scale,
      this.dpr * (this.width / 2 - camera.x * camera.scale),
      this.dpr * (this.height / 2 - camera.y * camera.scale),
    );
    const near = highlight === null ? null : new Set([highlight]);
    const nearEdges = [];
    if (near) {
      for (const edge of network.nodes[highlight].edges) {
        if (visible[edge.source] && visible[edge.target]) {
          near.add(edge.source);
          near.add(edge.target);
          nearEdges.push(edge);
        }
      }
    }

    let edgesDrawn = 0;
    ctx.beginPath();
    for (const edge of network.edges) {
      if (!visible[edge.source] || !visible[edge.target]) continue;
      ctx.moveTo(x[edge.source], y[edge.source]);
      ctx.lineTo(x[edge.target], y[edge.target]);
      edgesDrawn++;
    }
    ctx.lineWidth = 1 / camera.scale;
    ctx.strokeStyle = near ? "rgba(120, 130, 150, 0.12)" : "rgba(120, 130, 150, 0.45)";
    ctx.stroke();
    if (near) {
      ctx.beginPath();
      for (const edge of nearEdges) {
        ctx.moveTo(x[edge.source], y[edge.source]);
        ctx.lineTo(x[edge.target], y[edge.target]);
      }
      ctx.lineWidth = 2 / camera.scale;
      ctx.strokeStyle = "rgba(29, 36, 51, 0.8)";
      ctx.stroke();
    }

    let nodesDrawn = 0;
    for (const kind of network.kinds) {
      for (const dim of near ? [true, false] : [false]) {
        ctx.beginPath();
        let any = false;
        for (const node of kind.nodes) {
          const i = node.index;
          if (!visible[i] || (near && near.has(i) === dim)) continue;
          shapePath(ctx, kind.shape, x[i], y[i], this.radius(node));
          any = true;
          nodesDrawn++;
        }
        if (!any) continue;
        ctx.globalAlpha = dim ? 0.18 : 1;
        ctx.fillStyle = kind.colour;
        ctx.fill("evenodd");
        ctx.lineWidth = 1 / camera.scale;
        ctx.strokeStyle = "#ffffff";
        ctx.stroke();
        ctx.globalAlpha = 1;
      }
    }
    if (selected !== null && visible[selected]) {
      ctx.beginPath();
      const r = this.radius(network.nodes[selected]) * 1.6 + 3 / camera.scale;
      ctx.arc(x[selected], y[selected], r, 0, 2 * Math.PI);
      ctx.lineWidth = 3 / camera.scale;
      ctx.strokeStyle = FOCUS_COLOUR;
      ctx.stroke();
    }

    ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
    this.drawLabels(network, layout, visible, highlight, near, nearEdges, showAllLabels);
    return { nodesDrawn, edgesDrawn };
  }

  // Names next to their nodes, and the property names of the highlighted node's lines,
  // placed greedily: right of the node, else left, below or above, else not at all
  // (except the most important ones: the highlighted node and the hubs).
  drawLabels(network, layout, visible, highlight, near, nearEdges, showAllLabels) {
    const { ctx } = this;
    ctx.textBaseline = "top";
    ctx.textAlign = "left";
    ctx.lineJoin = "round";
    const placed = [];
    const free = (x, y, w, h) =>
      !placed.some((r) => x < r.x + r.w && r.x < x + w && y < r.y + r.h && r.y < y + h);
    const write = (text, x, y, font, colour) => {
      ctx.font = font;
      ctx.lineWidth = 4;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.92)";
      ctx.strokeText(text, x, y);
      ctx.fillStyle = colour;
      ctx.fillText(text, x, y);
    };
    const onScreen = (sx, sy) => sx > -200 && sy > -20 && sx < this.width + 20 && sy < this.height + 20;

    // With a node highlighted: its neighbours' names, then the hubs' (greyed) for bearings.
    const hub = (n) => n.kind.size >= 2;
    const candidates = [];
    for (const node of network.nodes) {
      const i = node.index;
      if (visible[i] && (near ? near.has(i) || hub(node) : hub(node) || showAllLabels)) candidates.push(node);
    }
    const priority = (n) => (n.index === highlight ? 0 : near && !near.has(n.index) ? 3 : hub(n) ? 1 : 2);
    candidates.sort((a, b) => priority(a) - priority(b));
    let budget = MAX_LABELS;
    for (const node of candidates) {
      if (budget <= 0) break;
      const [sx, sy] = this.toScreen(layout.x[node.index], layout.y[node.index]);
      if (!onScreen(sx, sy)) continue;
      const important = priority(node) < 2;
      const font = hub(node) ? HUB_FONT : LABEL_FONT;
      const text = node.label.length > 48 ? node.label.slice(0, 46) + "…" : node.label;
      ctx.font = font;
      const w = ctx.measureText(text).width;
      const h = 15;
      const r = this.radius(node) * this.camera.scale + 3;
      const spots = [[sx + r, sy - h / 2], [sx - r - w, sy - h / 2], [sx - w / 2, sy + r], [sx - w / 2, sy - r - h]];
      const spot = spots.find(([x, y]) => free(x, y, w, h)) || (important ? spots[0] : null);
      if (!spot) continue;
      placed.push({ x: spot[0], y: spot[1], w, h });
      write(text, spot[0], spot[1], font, priority(node) === 3 ? "#9aa3b5" : "#1d2433");
      budget--;
    }

    if (!near) return;
    // The property names of the highlighted node's lines, one per pair of nodes, where the
    // line is long enough to carry one and the place is free.
    const pairs = new Map();
    for (const edge of nearEdges) {
      const key = Math.min(edge.source, edge.target) + ":" + Math.max(edge.source, edge.target);
      if (!pairs.has(key)) pairs.set(key, { edge, labels: new Set() });
      pairs.get(key).labels.add(edge.label);
    }
    ctx.font = EDGE_FONT;
    for (const { edge, labels } of pairs.values()) {
      const [ax, ay] = this.toScreen(layout.x[edge.source], layout.y[edge.source]);
      const [bx, by] = this.toScreen(layout.x[edge.target], layout.y[edge.target]);
      const text = [...labels].join(", ");
      const w = ctx.measureText(text).width;
      const [x, y] = [(ax + bx) / 2 - w / 2, (ay + by) / 2 - 7];
      if (Math.hypot(bx - ax, by - ay) < w + 40 || !free(x, y, w, 14)) continue;
      placed.push({ x, y, w, h: 14 });
      write(text, x, y, EDGE_FONT, "#5b6478");
    }
  }
}
