/**
 * Translation between the topology graph and ELK's input/output. Pure, so the worker and the main-thread
 * fallback share it.
 */
import type { ElkNode, LayoutOptions } from 'elkjs/lib/elk-api';
import { rankOf } from '../kind-style';

/** Node box size; NetNode's CSS uses the same numbers so ELK spaces what is actually drawn. */
export const NODE_WIDTH = 216;
export const NODE_HEIGHT = 52;

export interface XY {
  x: number;
  y: number;
}

export interface LayoutNode {
  id: string;
  kind: string;
  label: string;
  netns?: string;
}
export interface LayoutEdge {
  id: string;
  source: string;
  target: string;
  kind?: string;
}
export interface LayoutInput {
  nodes: LayoutNode[];
  edges: LayoutEdge[];
}
export type LayoutResult = Record<string, XY>;
/** Head node id -> the nodes that hang off it to the right, in order (see chains.ts). */
export type Chains = ReadonlyMap<string, readonly string[]>;

export const LAYER_GAP = 80;

/*
 * Layered, left to right: a bridge's ports then stack in a column next to it, which stays compact for bridges
 * with dozens of ports (nodes are wide and short). Model-order options are left off on purpose: with 100-port
 * bridges they made ELK five times slower, and the sorted input already gives a stable, name-ordered result.
 */
const layoutOptions: LayoutOptions = {
  'elk.algorithm': 'layered',
  'elk.direction': 'RIGHT',
  'elk.spacing.nodeNode': '16',
  'elk.layered.spacing.nodeNodeBetweenLayers': String(LAYER_GAP),
  'elk.layered.spacing.edgeNodeBetweenLayers': '16',
  'elk.spacing.componentComponent': '48',
  'elk.separateConnectedComponents': 'true',
  'elk.aspectRatio': '1.8',
  'elk.edgeRouting': 'POLYLINE',
};

/*
 * Fewer crossing-minimisation passes for big graphs: about 30% faster on a 1000-node host, and host graphs are
 * mostly trees (bridge, ports, peers), where extra passes find nothing better.
 */
export const LARGE_GRAPH = 300;
const largeGraphOptions: LayoutOptions = { 'elk.layered.thoroughness': '1' };

const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });

/**
 * Whether an edge is drawn target-to-source. A lower device (the target of a `parent` edge) always sits left of
 * what is stacked on it; otherwise the lower rank goes left, and on a tie the end in the target's own namespace.
 */
export function orientEdge(source: LayoutNode, target: LayoutNode, kind?: string): boolean {
  if (kind === 'parent') return true;
  const rs = rankOf(source.kind);
  const rt = rankOf(target.kind);
  if (rs !== rt) return rs > rt;
  return Boolean(source.netns) && !target.netns;
}

function compareNodes(a: LayoutNode, b: LayoutNode): number {
  return (
    rankOf(a.kind) - rankOf(b.kind) ||
    collator.compare(a.netns ?? '', b.netns ?? '') ||
    collator.compare(a.label, b.label) ||
    collator.compare(a.id, b.id)
  );
}

export function toElkGraph(input: LayoutInput, chains: Chains = new Map()): ElkNode {
  const absorbed = new Set<string>();
  for (const tail of chains.values()) for (const id of tail) absorbed.add(id);
  const byId = new Map(input.nodes.map((n) => [n.id, n]));
  const children = input.nodes
    .filter((n) => !absorbed.has(n.id))
    .sort(compareNodes)
    .map((n) => {
      // A chain head is as wide as the whole chain, so ELK keeps the room the hidden members will take.
      const tail = chains.get(n.id)?.length ?? 0;
      return { id: n.id, width: NODE_WIDTH + tail * (NODE_WIDTH + LAYER_GAP), height: NODE_HEIGHT };
    });
  const edges = [];
  for (const e of input.edges) {
    const s = byId.get(e.source);
    const t = byId.get(e.target);
    if (!s || !t || s === t || absorbed.has(s.id) || absorbed.has(t.id)) continue;
    const flip = orientEdge(s, t, e.kind);
    edges.push({ id: e.id, sources: [flip ? t.id : s.id], targets: [flip ? s.id : t.id] });
  }
  return {
    id: 'root',
    layoutOptions: input.nodes.length > LARGE_GRAPH ? { ...layoutOptions, ...largeGraphOptions } : layoutOptions,
    children,
    edges,
  };
}

export function readElkPositions(out: ElkNode, chains: Chains = new Map()): LayoutResult {
  const result: LayoutResult = {};
  for (const c of out.children ?? []) {
    const head = { x: c.x ?? 0, y: c.y ?? 0 };
    result[c.id] = head;
    chains.get(c.id)?.forEach((id, i) => {
      result[id] = { x: head.x + (i + 1) * (NODE_WIDTH + LAYER_GAP), y: head.y };
    });
  }
  return result;
}
