/**
 * Edges routed around nodes: an orthogonal path from an exit (bottom of its node) to an entry (top of the
 * next node) that crosses no other node, with as few bends as it can. A sparse visibility grid (the lines
 * along every nearby node's sides, kept a margin away) searched with A*, each bend costing extra. Pure and
 * synchronous; the canvas asks only for edges it draws, when zoomed in far enough to read them.
 */

export interface Point {
  x: number;
  y: number;
}
export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** How far a path keeps from a node's side. */
export const MARGIN = 12;
/** The straight bit leaving an exit and entering a node. */
export const STUB = 18;
/** What a bend costs, in pixels of length: a path takes a detour of up to this to save a bend. */
const BEND = 40;
/** How far around the two ends the search looks for a way round. */
const PAD = 160;
/** More nodes than this in the way: the canvas draws a plain curve instead. */
const MAX_OBSTACLES = 48;

const inflate = (b: Box): Box => ({ x: b.x - MARGIN, y: b.y - MARGIN, width: b.width + 2 * MARGIN, height: b.height + 2 * MARGIN });
const inside = (p: Point, b: Box) => p.x > b.x && p.x < b.x + b.width && p.y > b.y && p.y < b.y + b.height;

/** Does the horizontal or vertical segment a→b pass through the box's inside? */
function crosses(a: Point, b: Point, box: Box): boolean {
  if (a.x === b.x) {
    if (a.x <= box.x || a.x >= box.x + box.width) return false;
    const [top, bottom] = a.y < b.y ? [a.y, b.y] : [b.y, a.y];
    return bottom > box.y && top < box.y + box.height;
  }
  if (a.y <= box.y || a.y >= box.y + box.height) return false;
  const [left, right] = a.x < b.x ? [a.x, b.x] : [b.x, a.x];
  return right > box.x && left < box.x + box.width;
}

const sortedUnique = (values: number[]) => [...new Set(values.map((v) => Math.round(v)))].sort((a, b) => a - b);

/** A tiny binary heap of [cost, index] for A*. */
class Heap {
  private items: Array<[number, number]> = [];
  get size() {
    return this.items.length;
  }
  push(item: [number, number]) {
    const a = this.items;
    a.push(item);
    for (let i = a.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (a[parent]![0] <= a[i]![0]) break;
      [a[parent], a[i]] = [a[i]!, a[parent]!];
      i = parent;
    }
  }
  pop(): [number, number] {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      for (let i = 0; ; ) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && a[l]![0] < a[m]![0]) m = l;
        if (r < a.length && a[r]![0] < a[m]![0]) m = r;
        if (m === i) break;
        [a[m], a[i]] = [a[i]!, a[m]!];
        i = m;
      }
    }
    return top;
  }
}

/**
 * The corner points of a path from `start` (an exit, leaving downwards) to `end` (an entry, arriving
 * downwards) that keeps clear of `nodes`; undefined when there is none nearby (or too much in the way),
 * for the caller to draw a plain curve.
 */
export function routeAround(start: Point, end: Point, nodes: readonly Box[]): Point[] | undefined {
  const from = { x: Math.round(start.x), y: Math.round(start.y + STUB) };
  const to = { x: Math.round(end.x), y: Math.round(end.y - STUB) };
  const region = {
    x: Math.min(from.x, to.x) - PAD,
    y: Math.min(from.y, to.y) - PAD,
    width: Math.abs(from.x - to.x) + 2 * PAD,
    height: Math.abs(from.y - to.y) + 2 * PAD,
  };
  const boxes = nodes
    .map(inflate)
    .filter((b) => b.x < region.x + region.width && b.x + b.width > region.x && b.y < region.y + region.height && b.y + b.height > region.y);
  if (boxes.length > MAX_OBSTACLES || boxes.some((b) => inside(from, b) || inside(to, b))) return undefined;
  if (from.x === to.x && from.y <= to.y && !boxes.some((b) => crosses(from, to, b))) return simplify([start, from, to, end]);

  const xs = sortedUnique([from.x, to.x, region.x, region.x + region.width, ...boxes.flatMap((b) => [b.x, b.x + b.width])]);
  const ys = sortedUnique([from.y, to.y, region.y, region.y + region.height, ...boxes.flatMap((b) => [b.y, b.y + b.height])]);
  const at = (i: number, j: number): Point => ({ x: xs[i]!, y: ys[j]! });
  const blocked = (p: Point) => boxes.some((b) => inside(p, b));
  const startI = xs.indexOf(from.x);
  const startJ = ys.indexOf(from.y);
  const goalI = xs.indexOf(to.x);
  const goalJ = ys.indexOf(to.y);
  // State: grid point × the direction it was reached in (0 horizontal, 1 vertical), so bends can be priced.
  const key = (i: number, j: number, dir: number) => (j * xs.length + i) * 2 + dir;
  const best = new Map<number, number>();
  const cameFrom = new Map<number, number>();
  const open = new Heap();
  const h = (i: number, j: number) => Math.abs(xs[i]! - to.x) + Math.abs(ys[j]! - to.y);
  const first = key(startI, startJ, 1); // leaving the exit downwards
  best.set(first, 0);
  open.push([h(startI, startJ), first]);
  let reached: number | undefined;
  while (open.size > 0) {
    const [, state] = open.pop();
    const dir = state % 2;
    const cell = (state - dir) / 2;
    const i = cell % xs.length;
    const j = (cell - i) / xs.length;
    const cost = best.get(state)!;
    if (i === goalI && j === goalJ && dir === 1) {
      reached = state;
      break;
    }
    for (const [di, dj] of [[1, 0], [-1, 0], [0, 1], [0, -1]] as const) {
      const ni = i + di;
      const nj = j + dj;
      if (ni < 0 || nj < 0 || ni >= xs.length || nj >= ys.length) continue;
      const here = at(i, j);
      const there = at(ni, nj);
      if (blocked(there) || boxes.some((b) => crosses(here, there, b))) continue;
      const ndir = dj === 0 ? 0 : 1;
      const next = key(ni, nj, ndir);
      const nextCost = cost + Math.abs(there.x - here.x) + Math.abs(there.y - here.y) + (ndir === dir ? 0 : BEND);
      if (nextCost >= (best.get(next) ?? Infinity)) continue;
      best.set(next, nextCost);
      cameFrom.set(next, state);
      open.push([nextCost + h(ni, nj), next]);
    }
  }
  if (reached === undefined) return undefined;
  const path: Point[] = [];
  for (let s: number | undefined = reached; s !== undefined; s = cameFrom.get(s)) {
    const cell = (s - (s % 2)) / 2;
    const i = cell % xs.length;
    path.push(at(i, (cell - i) / xs.length));
  }
  path.reverse();
  return simplify([start, ...path, end]);
}

/** Drop repeated points and the middle of straight runs. */
export function simplify(points: readonly Point[]): Point[] {
  const out: Point[] = [];
  for (const p of points) {
    const last = out.at(-1);
    if (last && last.x === p.x && last.y === p.y) continue;
    const before = out.at(-2);
    if (before && last && ((before.x === last.x && last.x === p.x) || (before.y === last.y && last.y === p.y))) out[out.length - 1] = p;
    else out.push(p);
  }
  return out;
}

/** An SVG path through the points with rounded corners. */
export function roundedPath(points: readonly Point[], radius = 8): string {
  if (points.length < 2) return '';
  let d = `M ${points[0]!.x} ${points[0]!.y}`;
  for (let k = 1; k < points.length - 1; k++) {
    const prev = points[k - 1]!;
    const p = points[k]!;
    const next = points[k + 1]!;
    const r = Math.min(radius, Math.hypot(p.x - prev.x, p.y - prev.y) / 2, Math.hypot(next.x - p.x, next.y - p.y) / 2);
    const inX = p.x - Math.sign(p.x - prev.x) * r;
    const inY = p.y - Math.sign(p.y - prev.y) * r;
    const outX = p.x + Math.sign(next.x - p.x) * r;
    const outY = p.y + Math.sign(next.y - p.y) * r;
    d += ` L ${inX} ${inY} Q ${p.x} ${p.y} ${outX} ${outY}`;
  }
  const last = points.at(-1)!;
  return `${d} L ${last.x} ${last.y}`;
}
