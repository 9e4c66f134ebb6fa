// A force-directed layout: springs along the edges, a many-body repulsion approximated with
// a Barnes-Hut quadtree (O(n log n) per step, so thousands of nodes stay fast), and a weak
// pull towards the centre that keeps loose parts near. Velocity Verlet with a cooling
// "alpha", like d3-force; deterministic: nodes start on a phyllotaxis spiral, no randomness.

const VELOCITY_DECAY = 0.6;
const ALPHA_MIN = 0.001;
const GRAVITY = 0.06;

// A Barnes-Hut quadtree in flat typed arrays, rebuilt at every step. A cell is a leaf
// (a chain of points at one place, linked by next[]) or inner (up to four children).
// Children are created after their parents, so one pass in reverse creation order sums
// every cell's weight and centre of mass.
class QuadTree {
  constructor(points) {
    this.next = new Int32Array(points);
    this.allocate(4 * points + 16);
  }

  allocate(capacity) {
    const grow = (old, Type, n = capacity) => {
      const array = new Type(n);
      if (old) array.set(old.subarray(0, Math.min(old.length, n)));
      return array;
    };
    this.x0 = grow(this.x0, Float64Array);
    this.y0 = grow(this.y0, Float64Array);
    this.size = grow(this.size, Float64Array);
    this.weight = grow(this.weight, Float64Array);
    this.cx = grow(this.cx, Float64Array);
    this.cy = grow(this.cy, Float64Array);
    this.parent = grow(this.parent, Int32Array);
    this.point = grow(this.point, Int32Array); // a leaf's first point; -1: none
    this.inner = grow(this.inner, Uint8Array);
    this.child = grow(this.child, Int32Array, capacity * 4);
    this.stack = new Int32Array(capacity);
    this.capacity = capacity;
  }

  cell(x0, y0, size, parent) {
    if (this.cells === this.capacity) this.allocate(this.capacity * 2);
    const c = this.cells++;
    this.x0[c] = x0;
    this.y0[c] = y0;
    this.size[c] = size;
    this.parent[c] = parent;
    this.point[c] = -1;
    this.inner[c] = 0;
    this.child.fill(-1, 4 * c, 4 * c + 4);
    return c;
  }

  build(xs, ys, weights, count) {
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < count; i++) {
      x0 = Math.min(x0, xs[i]);
      y0 = Math.min(y0, ys[i]);
      x1 = Math.max(x1, xs[i]);
      y1 = Math.max(y1, ys[i]);
    }
    this.cells = 0;
    this.cell(x0, y0, Math.max(x1 - x0, y1 - y0, 1e-6) * 1.0001, -1);
    for (let i = 0; i < count; i++) this.insert(i, xs, ys);
    const { next, weight, cx, cy } = this;
    weight.fill(0, 0, this.cells);
    cx.fill(0, 0, this.cells);
    cy.fill(0, 0, this.cells);
    for (let c = this.cells - 1; c >= 0; c--) {
      for (let p = this.point[c]; p !== -1; p = next[p]) {
        weight[c] += weights[p];
        cx[c] += xs[p] * weights[p];
        cy[c] += ys[p] * weights[p];
      }
      const parent = this.parent[c];
      if (parent !== -1) {
        weight[parent] += weight[c];
        cx[parent] += cx[c];
        cy[parent] += cy[c];
      }
    }
    for (let c = 0; c < this.cells; c++) {
      if (weight[c] > 0) {
        cx[c] /= weight[c];
        cy[c] /= weight[c];
      }
    }
  }

  quadrant(c, x, y) {
    const half = this.size[c] / 2;
    return (x >= this.x0[c] + half ? 1 : 0) + (y >= this.y0[c] + half ? 2 : 0);
  }

  childCell(c, q) {
    const half = this.size[c] / 2;
    const k = this.cell(q & 1 ? this.x0[c] + half : this.x0[c], q & 2 ? this.y0[c] + half : this.y0[c], half, c);
    this.child[4 * c + q] = k;
    return k;
  }

  insert(i, xs, ys) {
    const { next } = this;
    next[i] = -1;
    let c = 0;
    for (;;) {
      if (this.inner[c]) {
        const q = this.quadrant(c, xs[i], ys[i]);
        const k = this.child[4 * c + q];
        if (k === -1) {
          this.point[this.childCell(c, q)] = i;
          return;
        }
        c = k;
        continue;
      }
      const j = this.point[c];
      if (j === -1) {
        this.point[c] = i;
        return;
      }
      if ((xs[i] === xs[j] && ys[i] === ys[j]) || this.size[c] < 1e-3) {
        next[i] = next[j];
        next[j] = i;
        return;
      }
      // Split the leaf: its chain moves down whole (its points share one place).
      this.inner[c] = 1;
      this.point[c] = -1;
      this.point[this.childCell(c, this.quadrant(c, xs[j], ys[j]))] = j;
    }
  }
}

export class ForceLayout {
  // weights: how strongly each node repels (bigger for hubs); fixed: nodes not to move.
  // theta: Barnes-Hut accuracy, a cell counts as one body when its size / distance < theta.
  constructor(count, links, { weights, linkDistance = 40, charge = -60, iterations = 300, theta = 0.9 } = {}) {
    this.count = count;
    this.links = links; // [[source, target], ...]
    this.x = new Float64Array(count);
    this.y = new Float64Array(count);
    this.vx = new Float64Array(count);
    this.vy = new Float64Array(count);
    this.weights = Float64Array.from(weights || new Array(count).fill(1), (w) => w * -charge);
    this.fixed = new Uint8Array(count);
    this.tree = new QuadTree(count);
    this.linkDistance = linkDistance;
    this.theta2 = theta * theta;
    this.alpha = 1;
    this.alphaDecay = 1 - Math.pow(ALPHA_MIN, 1 / iterations);
    this.iterations = iterations;
    this.iteration = 0;
    const degree = new Uint32Array(count);
    for (const [s, t] of links) {
      degree[s]++;
      degree[t]++;
    }
    this.degree = degree;
    const angle = Math.PI * (3 - Math.sqrt(5));
    for (let i = 0; i < count; i++) {
      const r = 10 * Math.sqrt(0.5 + i);
      this.x[i] = r * Math.cos(i * angle);
      this.y[i] = r * Math.sin(i * angle);
    }
  }

  get done() {
    return this.iteration >= this.iterations;
  }

  get progress() {
    return Math.min(1, this.iteration / this.iterations);
  }

  step() {
    const { x, y, vx, vy, count, degree } = this;
    const alpha = (this.alpha += -this.alpha * this.alphaDecay);
    // Springs: each pulls both ends towards linkDistance, the lighter end moving more.
    for (const [s, t] of this.links) {
      if (s === t) continue;
      let dx = x[t] + vx[t] - x[s] - vx[s];
      let dy = y[t] + vy[t] - y[s] - vy[s];
      const l0 = Math.hypot(dx, dy) || 1e-6;
      const strength = 1 / Math.min(degree[s], degree[t]);
      const l = ((l0 - this.linkDistance) / l0) * alpha * strength;
      dx *= l;
      dy *= l;
      const bias = degree[s] / (degree[s] + degree[t]);
      vx[t] -= dx * bias;
      vy[t] -= dy * bias;
      vx[s] += dx * (1 - bias);
      vy[s] += dy * (1 - bias);
    }
    // Repulsion, Barnes-Hut.
    this.tree.build(x, y, this.weights, count);
    for (let i = 0; i < count; i++) this.repel(i, alpha);
    // A weak pull to the centre, then move.
    for (let i = 0; i < count; i++) {
      if (this.fixed[i]) {
        vx[i] = vy[i] = 0;
        continue;
      }
      // Nodes without links feel only repulsion: pull them harder, to the rim.
      const gravity = degree[i] ? GRAVITY : GRAVITY * 8;
      vx[i] -= x[i] * gravity * alpha;
      vy[i] -= y[i] * gravity * alpha;
      x[i] += vx[i] *= VELOCITY_DECAY;
      y[i] += vy[i] *= VELOCITY_DECAY;
    }
    this.iteration++;
  }

  repel(i, alpha) {
    const { tree, x, y, vx, vy, weights } = this;
    const { stack, next } = tree;
    let top = 0;
    stack[top++] = 0;
    while (top) {
      const c = stack[--top];
      if (tree.inner[c]) {
        const dx = tree.cx[c] - x[i];
        const dy = tree.cy[c] - y[i];
        let l = dx * dx + dy * dy;
        if ((tree.size[c] * tree.size[c]) / this.theta2 < l) {
          if (l < 1) l = Math.sqrt(l);
          vx[i] -= (dx * tree.weight[c] * alpha) / l;
          vy[i] -= (dy * tree.weight[c] * alpha) / l;
        } else {
          for (let q = 0; q < 4; q++) {
            const k = tree.child[4 * c + q];
            if (k !== -1) stack[top++] = k;
          }
        }
        continue;
      }
      for (let j = tree.point[c]; j !== -1; j = next[j]) {
        if (j === i) continue;
        let ex = x[j] - x[i];
        let ey = y[j] - y[i];
        if (ex === 0 && ey === 0) {
          ex = ((i * 7919 + j) % 13) * 1e-3 - 6e-3 || 1e-3; // deterministic jiggle
          ey = ((j * 7919 + i) % 11) * 1e-3 - 5e-3 || 1e-3;
        }
        let m = ex * ex + ey * ey;
        if (m < 1) m = Math.sqrt(m);
        vx[i] -= (ex * weights[j] * alpha) / m;
        vy[i] -= (ey * weights[j] * alpha) / m;
      }
    }
  }
}
