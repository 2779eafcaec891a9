/**
 * Keeps the picture stable when the host changes: nodes the user has already seen stay where they are, and only
 * new nodes are placed. A new node takes its offset from a neighbour in the fresh ELK layout and applies it to
 * where that neighbour actually is now; a wholly new component goes below everything, in ELK's own arrangement.
 */
import { NODE_HEIGHT, NODE_WIDTH, type LayoutEdge, type LayoutResult, type XY } from './elk-graph';

const GAP = 12;
const CELL = 256;
const MAX_NUDGES = 60;

/** A coarse grid of occupied boxes, so overlap checks stay cheap with thousands of nodes. */
class Occupancy {
  private cells = new Map<string, XY[]>();

  private keys(p: XY): string[] {
    const keys: string[] = [];
    const x0 = Math.floor((p.x - GAP) / CELL);
    const x1 = Math.floor((p.x + NODE_WIDTH + GAP) / CELL);
    const y0 = Math.floor((p.y - GAP) / CELL);
    const y1 = Math.floor((p.y + NODE_HEIGHT + GAP) / CELL);
    for (let x = x0; x <= x1; x++) for (let y = y0; y <= y1; y++) keys.push(`${x},${y}`);
    return keys;
  }

  add(p: XY): void {
    for (const k of this.keys(p)) {
      const list = this.cells.get(k);
      if (list) list.push(p);
      else this.cells.set(k, [p]);
    }
  }

  collides(p: XY): boolean {
    for (const k of this.keys(p)) {
      for (const q of this.cells.get(k) ?? []) {
        if (Math.abs(p.x - q.x) < NODE_WIDTH + GAP && Math.abs(p.y - q.y) < NODE_HEIGHT + GAP) return true;
      }
    }
    return false;
  }
}

/** The nearest free slot in the same column: below first, then above, further out each time. */
function freeSlot(want: XY, occupied: Occupancy): XY {
  if (!occupied.collides(want)) return want;
  const step = NODE_HEIGHT + GAP;
  for (let i = 1; i <= MAX_NUDGES; i++) {
    for (const dir of [1, -1]) {
      const p = { x: want.x, y: want.y + dir * i * step };
      if (!occupied.collides(p)) return p;
    }
  }
  return { x: want.x, y: want.y + (MAX_NUDGES + 1) * step };
}

/**
 * Positions for the nodes of `ids` that `known` lacks. `fresh` is an ELK layout of the whole current graph.
 * Returns only the new entries.
 */
export function placeNewNodes(
  known: ReadonlyMap<string, XY>,
  fresh: LayoutResult,
  ids: readonly string[],
  edges: readonly LayoutEdge[],
): Map<string, XY> {
  const placed = new Map<string, XY>();
  const newIds = ids.filter((id) => !known.has(id) && fresh[id]);
  if (newIds.length === 0) return placed;

  const visibleKnown = ids.filter((id) => known.has(id));
  if (visibleKnown.length === 0) {
    for (const id of newIds) placed.set(id, fresh[id]!);
    return placed;
  }

  const occupied = new Occupancy();
  const where = (id: string): XY | undefined => placed.get(id) ?? known.get(id);
  for (const id of visibleKnown) occupied.add(known.get(id)!);

  const neighbours = new Map<string, string[]>();
  for (const e of edges) {
    (neighbours.get(e.source) ?? neighbours.set(e.source, []).get(e.source)!).push(e.target);
    (neighbours.get(e.target) ?? neighbours.set(e.target, []).get(e.target)!).push(e.source);
  }

  // Grow outwards from what is already on screen, so chains of new nodes follow their anchor.
  let pendingIds = newIds;
  for (let progress = true; progress && pendingIds.length > 0; ) {
    progress = false;
    const next: string[] = [];
    for (const id of pendingIds) {
      const anchor = (neighbours.get(id) ?? []).find((n) => where(n) && fresh[n]);
      if (!anchor) {
        next.push(id);
        continue;
      }
      const a = where(anchor)!;
      const f = fresh[id]!;
      const fa = fresh[anchor]!;
      const p = freeSlot({ x: a.x + f.x - fa.x, y: a.y + f.y - fa.y }, occupied);
      placed.set(id, p);
      occupied.add(p);
      progress = true;
    }
    pendingIds = next;
  }
  if (pendingIds.length === 0) return placed;

  // Unconnected newcomers: keep ELK's arrangement of them, shifted under the existing drawing.
  let minX = Infinity;
  let maxY = -Infinity;
  for (const id of ids) {
    const p = where(id);
    if (!p) continue;
    minX = Math.min(minX, p.x);
    maxY = Math.max(maxY, p.y + NODE_HEIGHT);
  }
  let fx = Infinity;
  let fy = Infinity;
  for (const id of pendingIds) {
    fx = Math.min(fx, fresh[id]!.x);
    fy = Math.min(fy, fresh[id]!.y);
  }
  for (const id of pendingIds) {
    const f = fresh[id]!;
    placed.set(id, { x: minX + f.x - fx, y: maxY + 4 * GAP + f.y - fy });
  }
  return placed;
}

/** Used only when ELK itself fails: columns by kind rank, so the graph still shows. */
export function gridPositions(nodes: readonly { id: string; rank: number }[]): Map<string, XY> {
  const columns = new Map<number, number>();
  const out = new Map<string, XY>();
  const ranks = [...new Set(nodes.map((n) => n.rank))].sort((a, b) => a - b);
  for (const n of nodes) {
    const col = ranks.indexOf(n.rank);
    const row = columns.get(col) ?? 0;
    columns.set(col, row + 1);
    out.set(n.id, { x: col * (NODE_WIDTH + 64), y: row * (NODE_HEIGHT + 16) });
  }
  return out;
}
