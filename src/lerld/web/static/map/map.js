// The relational map page: loads the network (the N-Triples twin of /map), lays it out,
// and wires the controls: search, lifecycle-stage and action-area focus, kind filters,
// hover, selection, summary, zoom and pan, keyboard, and the list of the nodes shown.
//
// State for tests and assistive tools is kept on #map: data-state (loading, layout,
// ready, error), data-nodes and data-edges (what the last frame drew), data-selected and
// data-hovered (IRIs), and timings: data-load-ms, data-layout-ms, data-draw-ms.

import { parseNTriples } from "./ntriples.js";
import { buildNetwork, involved, other, search } from "./network.js";
import { ForceLayout } from "./layout.js";
import { View, shapePath } from "./view.js";

const SLICE_MS = 30; // layout work between two chances for the page to answer
const REDRAW_MS = 200; // how often, at most, the settling picture is redrawn
const LARGE = 1500; // from this many nodes, a coarser and shorter layout
const LABEL_SCALE = 1.4; // zoom from which every node shown has its name written
const MAX_RELATIONS_LISTED = 80;

function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  element.append(...children);
  return element;
}

function plural(count, one, many) {
  return `${count.toLocaleString("en")} ${count === 1 ? one : many}`;
}

class RelationalMap {
  constructor(root, config) {
    this.root = root;
    this.config = config;
    this.canvas = root.querySelector("#map-canvas");
    this.status = root.querySelector("#map-status");
    this.summary = root.querySelector("#map-summary");
    this.list = root.querySelector("#map-list");
    this.hint = this.summary.querySelector(".map-hint"); // shown when nothing is selected
    this.announcer = el("p", { class: "visually-hidden", "aria-live": "polite" });
    root.append(this.announcer);
    this.focus = "";
    this.selected = null;
    this.hovered = null;
    this.userMoved = false;
  }

  setState(state) {
    this.root.dataset.state = state;
  }

  async load() {
    const started = performance.now();
    const response = await fetch(this.config.src, { headers: { Accept: "application/n-triples" } });
    if (!response.ok) throw new Error(`${this.config.src} answered ${response.status} ${response.statusText}`);
    const triples = parseNTriples(await response.text());
    this.network = buildNetwork(triples, this.config);
    this.root.dataset.loadMs = Math.round(performance.now() - started);
    this.visible = new Uint8Array(this.network.nodes.length).fill(1);
    this.view = new View(this.canvas);
    this.setUpControls();
    this.layOut();
  }

  // -- layout ---------------------------------------------------------------------------

  // The layout runs in slices of about 30 ms, so the page answers all along; the picture
  // is redrawn a few times a second while it settles.
  layOut() {
    const { nodes, edges } = this.network;
    const large = nodes.length > LARGE;
    this.layout = new ForceLayout(nodes.length, edges.map((e) => [e.source, e.target]), {
      weights: nodes.map((n) => n.kind.size ** 3),
      iterations: large ? 150 : 300,
      theta: large ? 1.2 : 0.9,
    });
    this.setState("layout");
    this.applyFilters();
    const started = performance.now();
    // Painting thousands of lines costs the browser more than the layout's steps: the
    // bigger the network, the rarer the pictures while it settles.
    const redraw = Math.max(REDRAW_MS, nodes.length / 5 + edges.length / 20);
    let drawn = 0;
    const slice = () => {
      const until = performance.now() + SLICE_MS;
      do this.layout.step();
      while (!this.layout.done && performance.now() < until);
      if (!this.userMoved) this.fitVisible();
      if (this.layout.done) {
        this.root.dataset.layoutMs = Math.round(performance.now() - started);
        this.setState("ready");
        this.draw();
        this.announce(this.status.textContent);
        return;
      }
      if (performance.now() - drawn > redraw) {
        this.draw();
        drawn = performance.now();
      }
      setTimeout(slice, 0);
    };
    setTimeout(slice, 0);
  }

  fitVisible() {
    this.view.fit(this.visibleIndices(), this.layout);
  }

  visibleIndices() {
    return this.network.nodes.filter((n) => this.visible[n.index]).map((n) => n.index);
  }

  // -- drawing --------------------------------------------------------------------------

  requestDraw() {
    if (this.drawPending) return;
    this.drawPending = true;
    requestAnimationFrame(() => {
      this.drawPending = false;
      this.draw();
    });
  }

  draw() {
    const started = performance.now();
    const { nodesDrawn, edgesDrawn } = this.view.draw({
      network: this.network,
      layout: this.layout,
      visible: this.visible,
      highlight: this.hovered ?? this.selected,
      selected: this.selected,
      showAllLabels: this.view.camera.scale >= LABEL_SCALE,
    });
    this.root.dataset.drawMs = (performance.now() - started).toFixed(1);
    this.root.dataset.nodes = nodesDrawn;
    this.root.dataset.edges = edgesDrawn;
    const { nodes, edges } = this.network;
    let text = `Showing ${nodesDrawn.toLocaleString("en")} of ${plural(nodes.length, "node", "nodes")} and ${edgesDrawn.toLocaleString("en")} of ${plural(edges.length, "relation", "relations")}`;
    const focus = this.network.index.get(this.focus);
    if (focus !== undefined) text += `: what is involved in ${this.network.nodes[focus].label}`;
    if (this.root.dataset.state === "layout") text += ` — laying out, ${Math.round(this.layout.progress * 100)}%`;
    this.status.textContent = text + ".";
  }

  // -- filters --------------------------------------------------------------------------

  applyFilters() {
    const enabled = new Set(
      [...this.root.querySelectorAll(".map-legend input[data-kind]")].filter((i) => i.checked).map((i) => i.dataset.kind),
    );
    const inFocus = this.inFocus();
    for (const node of this.network.nodes) {
      this.visible[node.index] = enabled.has(node.kind.key) && (!inFocus || inFocus.has(node.index)) ? 1 : 0;
    }
    for (const button of this.root.querySelectorAll("[data-focus]")) {
      const group = button.closest("[role=group]");
      const pressed = button.dataset.focus === this.focus || (button.dataset.focus === "" && !group.querySelector(`[data-focus="${CSS.escape(this.focus)}"]`));
      button.setAttribute("aria-pressed", String(pressed));
    }
    for (const count of this.root.querySelectorAll(".map-count[data-kind]")) {
      const kind = this.network.kinds.find((k) => k.key === count.dataset.kind);
      const shown = kind.nodes.filter((n) => this.visible[n.index]).length;
      count.textContent = shown === kind.nodes.length ? String(shown) : `${shown}/${kind.nodes.length}`;
    }
    if (this.selected !== null && !this.visible[this.selected]) this.select(null);
    if (this.hovered !== null && !this.visible[this.hovered]) {
      this.hovered = null;
      delete this.root.dataset.hovered;
    }
    this.userMoved = false;
    this.fitVisible();
    this.renderList();
    this.draw();
    this.announce(this.status.textContent);
  }

  // The nodes involved in the chosen stage or action area; null when none is chosen.
  inFocus() {
    const focus = this.network.index.get(this.focus);
    return focus === undefined ? null : involved(this.network, focus, this.config.involvement);
  }

  setFocus(iri) {
    this.focus = iri;
    this.applyFilters();
  }

  // Makes a node visible again if the filters hide it (for search and neighbour links).
  reveal(index) {
    if (this.visible[index]) return;
    const node = this.network.nodes[index];
    const checkbox = this.root.querySelector(`.map-legend input[data-kind="${CSS.escape(node.kind.key)}"]`);
    checkbox.checked = true;
    const inFocus = this.inFocus();
    if (inFocus && !inFocus.has(index)) this.focus = "";
    this.applyFilters();
    this.announce(`The filters changed to show ${node.label}.`);
  }

  // -- selection ------------------------------------------------------------------------

  select(index, { center = false } = {}) {
    this.selected = index;
    if (index === null) {
      delete this.root.dataset.selected;
      this.summary.replaceChildren(this.hint);
      this.requestDraw();
      return;
    }
    const node = this.network.nodes[index];
    this.root.dataset.selected = node.iri;
    const { x, y } = this.layout;
    if (center) {
      this.view.centerOn(x[index], y[index], Math.max(this.view.camera.scale, LABEL_SCALE));
      this.userMoved = true;
    } else if (!this.view.isOnScreen(x[index], y[index])) {
      this.view.centerOn(x[index], y[index]);
      this.userMoved = true;
    }
    this.renderSummary(node);
    this.announce(`${node.label}, ${node.kind.singular.toLowerCase()}, ${plural(node.edges.length, "relation", "relations")}.`);
    this.requestDraw();
  }

  open(index) {
    const { href } = this.network.nodes[index];
    if (href) window.location.assign(href);
  }

  announce(text) {
    this.announcer.textContent = text;
  }

  swatch(kind, size = 16) {
    const canvas = el("canvas", { width: size * 2, height: size * 2, "aria-hidden": "true", class: "map-swatch-shape" });
    const ctx = canvas.getContext("2d");
    ctx.scale(2, 2);
    ctx.beginPath();
    shapePath(ctx, kind.shape, size / 2, size / 2, size / 3);
    ctx.fillStyle = kind.colour;
    ctx.fill("evenodd");
    return canvas;
  }

  renderSummary(node) {
    const neighbour = (edge) => {
      const j = other(edge, node.index);
      const button = el("button", { type: "button", class: "map-neighbour" }, this.network.nodes[j].label);
      button.addEventListener("click", () => {
        this.reveal(j);
        this.select(j, { center: true });
      });
      return el("li", {}, this.swatch(this.network.nodes[j].kind, 12), " ", button);
    };
    // Relations grouped by direction, then by property: "Links to › partner › NationSwell".
    const section = (title, outgoing) => {
      const groups = new Map();
      for (const edge of node.edges) {
        if ((edge.source === node.index) !== outgoing) continue;
        if (!groups.has(edge.label)) groups.set(edge.label, []);
        groups.get(edge.label).push(edge);
      }
      if (!groups.size) return [];
      const name = (edge) => this.network.nodes[other(edge, node.index)].label;
      const parts = [el("h3", {}, title)];
      for (const [label, edges] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
        edges.sort((a, b) => name(a).localeCompare(name(b)));
        const items = edges.slice(0, MAX_RELATIONS_LISTED).map(neighbour);
        if (edges.length > MAX_RELATIONS_LISTED) items.push(el("li", {}, `and ${edges.length - MAX_RELATIONS_LISTED} more (see its page)`));
        parts.push(el("h4", {}, `${label} (${edges.length})`), el("ul", { class: "map-relations-list" }, ...items));
      }
      return parts;
    };
    const description = node.description.length > 600 ? node.description.slice(0, 598) + "…" : node.description;
    this.summary.replaceChildren(
      el("h2", {}, node.label),
      el("p", { class: "map-kind" }, this.swatch(node.kind), " ", node.kind.singular),
      ...(node.altLabels.length ? [el("p", { class: "map-alt" }, "Also called " + node.altLabels.join(", "))] : []),
      ...(description ? [el("p", { class: "map-description" }, description)] : []),
      ...(node.href ? [el("p", { class: "map-open" }, el("a", { href: node.href }, `Open the page of ${node.label}`))] : []),
      ...section("Links to", true),
      ...section("Linked from", false),
    );
  }

  renderList() {
    const details = this.list.closest("details");
    if (!details.open) return;
    const shown = this.network.nodes
      .filter((n) => this.visible[n.index])
      .sort((a, b) => a.kind.rank - b.kind.rank || a.label.localeCompare(b.label));
    const fragment = document.createDocumentFragment();
    for (const node of shown) {
      const name = node.href ? el("a", { href: node.href }, node.label) : node.label;
      fragment.append(el("li", { "data-iri": node.iri }, name, " ", el("span", { class: "map-list-kind" }, node.kind.singular)));
    }
    this.list.replaceChildren(fragment);
  }

  // -- controls -------------------------------------------------------------------------

  setUpControls() {
    const { root, canvas, view, network } = this;
    for (const holder of root.querySelectorAll(".map-swatch[data-kind]")) {
      holder.append(this.swatch(network.kinds.find((k) => k.key === holder.dataset.kind)));
    }
    const names = new Set();
    for (const node of network.nodes) for (const name of [node.label, ...node.altLabels]) names.add(name);
    root.querySelector("#map-names").replaceChildren(...[...names].sort().map((name) => el("option", { value: name })));

    for (const input of root.querySelectorAll(".map-legend input[data-kind]")) input.addEventListener("change", () => this.applyFilters());
    for (const button of root.querySelectorAll("[data-focus]")) button.addEventListener("click", () => this.setFocus(button.dataset.focus));
    this.list.closest("details").addEventListener("toggle", () => this.renderList());
    for (const button of root.querySelectorAll("[data-zoom]")) button.addEventListener("click", () => this.zoom(button.dataset.zoom));

    const form = root.querySelector("#map-search-form");
    const result = root.querySelector("#map-search-result");
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const query = form.querySelector("input").value;
      const node = search(network, query, (n) => this.visible[n.index]) ?? search(network, query);
      if (!node) {
        result.textContent = `Nothing is called “${query}”.`;
        return;
      }
      result.textContent = "";
      this.reveal(node.index);
      this.select(node.index, { center: true });
      canvas.focus();
    });

    new ResizeObserver(() => {
      view.resize();
      if (!this.userMoved) this.fitVisible();
      this.draw();
    }).observe(canvas);

    this.setUpPointer();
    canvas.addEventListener("keydown", (event) => this.onKey(event));
  }

  zoom(how) {
    if (how === "fit") {
      this.userMoved = false;
      this.fitVisible();
    } else {
      this.view.zoomAt(how === "in" ? 1.5 : 1 / 1.5);
      this.userMoved = true;
    }
    this.requestDraw();
  }

  setUpPointer() {
    const { canvas, view } = this;
    let drag = null;
    const hit = (event) => view.hit(event.offsetX, event.offsetY, this.network, this.layout, this.visible);
    canvas.addEventListener("pointerdown", (event) => {
      canvas.setPointerCapture(event.pointerId);
      drag = { x: event.offsetX, y: event.offsetY, moved: false, node: hit(event) };
    });
    canvas.addEventListener("pointermove", (event) => {
      if (!drag) {
        const node = hit(event);
        const hovered = node ? node.index : null;
        canvas.classList.toggle("map-over-node", node !== null);
        if (hovered !== this.hovered) {
          this.hovered = hovered;
          if (node) this.root.dataset.hovered = node.iri;
          else delete this.root.dataset.hovered;
          this.requestDraw();
        }
        return;
      }
      const dx = event.offsetX - drag.x;
      const dy = event.offsetY - drag.y;
      if (!drag.moved && Math.hypot(dx, dy) < 4) return;
      drag.moved = true;
      this.userMoved = true;
      if (drag.node) {
        const [wx, wy] = view.toWorld(event.offsetX, event.offsetY);
        this.layout.x[drag.node.index] = wx;
        this.layout.y[drag.node.index] = wy;
        this.layout.fixed[drag.node.index] = 1;
      } else {
        view.panBy(dx, dy);
      }
      drag.x = event.offsetX;
      drag.y = event.offsetY;
      this.requestDraw();
    });
    canvas.addEventListener("pointerup", () => {
      if (drag && !drag.moved) {
        if (!drag.node) this.select(null);
        else if (drag.node.index === this.selected) this.open(drag.node.index);
        else this.select(drag.node.index);
      }
      drag = null;
    });
    canvas.addEventListener("pointerleave", () => {
      if (this.hovered !== null) {
        this.hovered = null;
        delete this.root.dataset.hovered;
        this.requestDraw();
      }
    });
    canvas.addEventListener("wheel", (event) => {
      event.preventDefault();
      view.zoomAt(Math.exp(-event.deltaY * 0.0015), event.offsetX, event.offsetY);
      this.userMoved = true;
      this.requestDraw();
    }, { passive: false });
  }

  onKey(event) {
    const directions = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] };
    if (event.key in directions) {
      this.move(...directions[event.key]);
    } else if (event.key === "Enter" && this.selected !== null) {
      this.open(this.selected);
    } else if (event.key === "Escape") {
      this.select(null);
    } else if (event.key === "+" || event.key === "=") {
      this.zoom("in");
    } else if (event.key === "-") {
      this.zoom("out");
    } else if (event.key === "0") {
      this.zoom("fit");
    } else {
      return;
    }
    event.preventDefault();
  }

  // Keyboard navigation: the nearest visible node in a direction (or, with nothing selected,
  // the one nearest the middle of the view).
  move(dx, dy) {
    const { x, y } = this.layout;
    const from = this.selected;
    const [cx, cy] = from === null ? [this.view.camera.x, this.view.camera.y] : [x[from], y[from]];
    let best = null;
    let bestScore = Infinity;
    for (const node of this.network.nodes) {
      const i = node.index;
      if (!this.visible[i] || i === from) continue;
      const vx = x[i] - cx;
      const vy = y[i] - cy;
      const along = vx * dx + vy * dy;
      if (from !== null && along <= 0) continue;
      const across = Math.abs(vx * dy - vy * dx);
      const score = from === null ? Math.hypot(vx, vy) : along + 2 * across;
      if (score < bestScore) {
        best = i;
        bestScore = score;
      }
    }
    if (best !== null) this.select(best);
  }
}

async function main() {
  const root = document.getElementById("map");
  const config = JSON.parse(document.getElementById("map-config").textContent);
  root.hidden = false;
  const map = new RelationalMap(root, config);
  try {
    await map.load();
  } catch (error) {
    root.dataset.state = "error";
    map.status.textContent = `The map could not be drawn: ${error.message}. The table view shows the same nodes and relations.`;
    throw error;
  }
}

main();
